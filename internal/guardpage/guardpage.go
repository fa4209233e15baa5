//go:build linux

// Package guardpage maps test buffers against PROT_NONE pages, so that a
// kernel that reads or writes one element past either end of its slice
// faults instead of passing unnoticed. On Linux; elsewhere (other.go) the
// buffers are ordinary slices, so that the tests build and run on every
// GOOS.
package guardpage

import (
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Slice returns n elements of E between two PROT_NONE pages, against the
// upper one (atEnd) or against the lower one; t's cleanup unmaps them.
func Slice[E any](t testing.TB, n int, atEnd bool) []E {
	t.Helper()
	var e E
	return unsafe.Slice((*E)(mapped(t, max(n, 1), int(unsafe.Sizeof(e)), atEnd)), n)
}

// mapped maps n elements of size esz between two PROT_NONE pages, against
// the upper guard page (atEnd) or against the lower one.
func mapped(t testing.TB, n, esz int, atEnd bool) unsafe.Pointer {
	t.Helper()
	page := unix.Getpagesize()
	data := max((n*esz+page-1)/page*page, page)
	mem, err := unix.Mmap(-1, 0, data+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("guardpage: mmap: %v", err)
	}
	t.Cleanup(func() { _ = unix.Munmap(mem) })
	// (A non-test package, it imports no test library: testify would bring
	// net/http into every scan of the module.)
	for _, guard := range [][]byte{mem[:page], mem[page+data:]} {
		if err := unix.Mprotect(guard, unix.PROT_NONE); err != nil {
			t.Fatalf("guardpage: mprotect: %v", err)
		}
	}
	off := page
	if atEnd {
		off = page + data - n*esz
	}
	return unsafe.Pointer(&mem[off])
}
