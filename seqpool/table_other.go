//go:build purego || !amd64

package seqpool

import "unsafe"

// Without the amd64 assembly the table has no token-rows kernels here and the
// Go loops run. (NEON kernels would come with a generated table_arm64.go and
// arm64 out of this file's build constraint.)

var rowKernels = [0]rowKernelInfo{}

// callRows calls kernel id (there are none without assembly).
func callRows(id rowKernel, acc, rows, w unsafe.Pointer, stride, n, cols int, fresh bool) {
	panic("seqpool: callRows without a kernel")
}
