//go:build !linux

package guardpage

import "testing"

// Slice returns n elements of E. Without Linux's mmap there is no guard
// page: the slice is an ordinary one, so that tests that take their buffers
// here still build and run (their guard-page checks run on Linux).
func Slice[E any](t testing.TB, n int, atEnd bool) []E {
	t.Helper()
	return make([]E, n)
}
