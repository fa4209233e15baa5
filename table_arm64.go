//go:build !purego

package simdpool

import "unsafe"

var asmKernels = [0]kernelInfo{}

// callWindow calls window kernel id.
func callWindow(id kernelID, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return callGoWindow(id, a, src, dst, idx, planes)
}

// callGlobal calls global kernel id.
func callGlobal(id kernelID, dst, src unsafe.Pointer, planes, n int) {
	panic("simdpool: no global kernel " + info(id).name)
}
