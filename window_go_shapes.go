package simdpool

import "unsafe"

// The pure-Go window kernels of fixed horizontal taps: one function per
// pattern (stride, taps, dilation) for every op and padding, which the table
// calls (asm/table, GoFunc): winS2K3D1[float32](kMax, ...) is the kernel
// maxWinS2K3D1P1F32Go. The interior loops of each pattern are in
// window_go_max.go and window_go_sum.go; the switches below pick them (direct
// calls, so that the stack buffers they are given stay on the stack).

func winS2K2D1[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS2K2D1, a, src, dst, idx, planes)
}

func winS2K3D1[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS2K3D1, a, src, dst, idx, planes)
}

func winS1K1D1[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS1K1D1, a, src, dst, idx, planes)
}

func winS1K2D1[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS1K2D1, a, src, dst, idx, planes)
}

func winS1K3D1[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS1K3D1, a, src, dst, idx, planes)
}

func winS1K3D2[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	return goWindow[T](op, pS1K3D2, a, src, dst, idx, planes)
}

// maxRow sets out[j] to Go's max of the taps of output j (taps > 1; one tap
// is a fold of the tap rows, foldMax).
func maxRow[T Float](pat rowPattern, out, in []T) {
	switch pat {
	case pS2K2D1:
		maxS2K2D1(out, in)
	case pS2K3D1:
		maxS2K3D1(out, in)
	case pS1K2D1:
		maxS1K2D1(out, in)
	case pS1K3D1:
		maxS1K3D1(out, in)
	case pS1K3D2:
		maxS1K3D2(out, in)
	}
}

// indexRow replaces ix[j] with at0 plus the offset in in of the first tap of
// output j that is not less than m[j], if one is.
func indexRow[T Float](pat rowPattern, ix []int64, m, in []T, at0 int64) {
	switch pat {
	case pS2K2D1:
		indexS2K2D1(ix, m, in, at0)
	case pS2K3D1:
		indexS2K3D1(ix, m, in, at0)
	case pS1K1D1:
		indexS1K1D1(ix, m, in, at0)
	case pS1K2D1:
		indexS1K2D1(ix, m, in, at0)
	case pS1K3D1:
		indexS1K3D1(ix, m, in, at0)
	case pS1K3D2:
		indexS1K3D2(ix, m, in, at0)
	}
}

// sumRow adds to acc[j] each tap of output j in order (op kSum), or its
// square (kSumSq).
func sumRow[T Float](op kernelOp, pat rowPattern, acc, in []T) {
	switch {
	case op == kSumSq && pat == pS2K2D1:
		sumSqS2K2D1(acc, in)
	case op == kSumSq && pat == pS2K3D1:
		sumSqS2K3D1(acc, in)
	case op == kSumSq && pat == pS1K1D1:
		sumSqS1K1D1(acc, in)
	case op == kSumSq && pat == pS1K2D1:
		sumSqS1K2D1(acc, in)
	case pat == pS2K2D1:
		sumS2K2D1(acc, in)
	case pat == pS2K3D1:
		sumS2K3D1(acc, in)
	case pat == pS1K1D1:
		sumS1K1D1(acc, in)
	case pat == pS1K2D1:
		sumS1K2D1(acc, in)
	case pat == pS1K3D1:
		sumS1K3D1(acc, in)
	}
}
