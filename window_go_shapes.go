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
// is a fold of the tap rows, foldMax), listing the suspect ones in sus.
func maxRow[T Float](pat rowPattern, out, in []T, sus []int32) int {
	switch pat {
	case pS2K2D1:
		return maxS2K2D1(out, in, sus)
	case pS2K3D1:
		return maxS2K3D1(out, in, sus)
	case pS1K2D1:
		return maxS1K2D1(out, in, sus)
	case pS1K3D1:
		return maxS1K3D1(out, in, sus)
	case pS1K3D2:
		return maxS1K3D2(out, in, sus)
	}
	panic("simdpool: no max loop for pattern")
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
	default:
		panic("simdpool: no index loop for pattern")
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
	default:
		panic("simdpool: no sum loop for pattern")
	}
}

// sumWindows sets acc[j] to +0 plus the taps of output j over all the rows
// (their squares for kSumSq) in row-major order, if the pattern has a loop
// for whole windows of that many rows; else it reports false.
func sumWindows[T Float](op kernelOp, pat rowPattern, acc []T, rows [][]T) bool {
	switch {
	case pat == pS2K2D1 && len(rows) == 2 && op == kSum:
		sumS2K2D1x2(acc, rows[0], rows[1])
	case pat == pS2K2D1 && len(rows) == 2:
		sumSqS2K2D1x2(acc, rows[0], rows[1])
	case pat == pS1K3D1 && len(rows) == 2 && op == kSum:
		sumS1K3D1x2(acc, rows[0], rows[1])
	case pat == pS1K3D1 && len(rows) == 3 && op == kSum:
		sumS1K3D1x3(acc, rows[0], rows[1], rows[2])
	default:
		return false
	}
	return true
}
