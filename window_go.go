package simdpool

import (
	"math"
	"unsafe"
)

// windowRef is the window kernel contract of winArgs written out in Go, tap
// by tap: the pure-Go window kernel for any taps, and the reference every
// other window kernel is tested against. It never leaves a plane to its
// caller. src, dst and idx point at the first plane's first input, output and
// index (idx is nil unless op is kMaxIdx).
func windowRef[T Float](op kernelOp, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	es := size[T]()
	for pl := range planes {
		for z := range a.slabs {
			for r := range a.rows {
				in := unsafe.Add(src, pl*a.srcPlane+a.srcOff+z*a.srcSlab+r*a.srcRow)
				out := unsafe.Add(dst, pl*a.dstPlane+a.dstOff+z*a.dstSlab+r*a.dstRow)
				var ix unsafe.Pointer
				if idx != nil {
					ix = unsafe.Add(idx, pl*a.idxPlane+a.idxOff+z*a.idxSlab+r*a.idxRow)
				}
				base := a.slabIdx*int32(z) + a.rowIdx*int32(r)
				for j := range a.wo {
					v, at := windowRefOne[T](op, a, in, j, es)
					if op == kSum || op == kSumSq {
						v = sumPostRef(a, v, j)
					}
					*(*T)(unsafe.Add(out, j*es)) = v
					if ix != nil {
						*(*int64)(unsafe.Add(ix, j*8)) = planeIndex(base, at)
					}
				}
			}
		}
	}
	return planes
}

// planeIndex is the index of a max window's chosen tap, at from the row's
// index base (windowRefOne), or -1 for a window with no tap inside the input.
func planeIndex(base, at int32) int64 {
	if at < 0 {
		return -1
	}
	return int64(base + at)
}

// windowRefOne reduces the window of output column j of the row whose input
// base is in: the value, and for max with index the plane index of the chosen
// tap less the row's (tapIdx[v] + c).
func windowRefOne[T Float](op kernelOp, a *winArgs, in unsafe.Pointer, j, es int) (T, int32) {
	var acc T
	at, found := int32(-1), false
	if op == kMax || op == kMaxIdx {
		acc = T(math.Inf(-1))
	}
	// Only the taps inside the row: a window may span 2^61 columns.
	ax := Axis{In: a.w, Kernel: a.k, Stride: a.s, Pad: a.p, Dilation: a.d}
	start, t0, t1 := ax.taps(j)
	for v := range a.ntaps {
		row := unsafe.Add(in, a.tapOff[v])
		for t := t0; t < t1; t++ {
			c := start + t*a.d
			x := *(*T)(unsafe.Add(row, c*es))
			switch op {
			case kSum:
				acc += x
			case kSumSq:
				acc += T(x * x)
			default:
				if !found || x > acc || x != x {
					acc, at, found = x, a.tapIdx[v]+int32(c), true
				}
			}
		}
	}
	return acc, at
}

// sumPostRef divides the sum of output column j as a.post says.
func sumPostRef[T Float](a *winArgs, sum T, j int) T {
	div := *(*T)(unsafe.Add(a.div, j*size[T]()))
	return postSum(a.post, sum, T(a.fD), T(a.fH), div, T(a.vol))
}

// postSum turns a window's sum into its output as post says: divided by div
// (successive: by fD, fH and div in turn), and for LP times the kernel
// volume vol (and its square root for p = 2).
func postSum[T Float](post int32, sum, fD, fH, div, vol T) T {
	switch post {
	case postSuccessive:
		return sum / fD / fH / div
	case postLp1:
		return (0 + sum/div) * vol
	case postLp2:
		return T(math.Sqrt(float64((0 + sum/div) * vol)))
	}
	return 0 + sum/div
}
