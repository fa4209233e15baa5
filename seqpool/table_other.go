//go:build purego || !(amd64 || arm64)

package seqpool

import "unsafe"

// Without assembly (-tags purego, or a GOARCH other than amd64 and arm64)
// the table has no token-rows kernels here and the Go loops run; with it,
// the generated table_amd64.go or table_arm64.go lists them.

var rowKernels = [0]rowKernelInfo{}

// callRows calls kernel id (there are none without assembly).
func callRows(id rowKernel, acc, rows, w unsafe.Pointer, stride, n, cols int, fresh bool) {
	panic("seqpool: callRows without a kernel")
}
