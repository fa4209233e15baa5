//go:build purego || !(amd64 || arm64)

package simdpool

import "unsafe"

// Without assembly the table holds the pure-Go kernels only.

var asmKernels = [0]kernelInfo{}

// callWindow calls window kernel id.
func callWindow(id kernelID, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return callGoWindow(id, a, src, dst, idx, planes)
}

// callGlobal calls global kernel id (there are none without assembly).
func callGlobal(id kernelID, dst, src unsafe.Pointer, planes, n int) {
	panic("simdpool: no global kernel " + info(id).name)
}

// callChan calls channels-last kernel id.
func callChan(id kernelID, a *chanArgs, src, dst, idx unsafe.Pointer, images int) int {
	return callGoChan(id, a, src, dst, idx, images)
}
