package simdpool

import (
	"math"
	"unsafe"
)

// chanRef is the channels-last kernel contract of chanArgs written out in Go:
// the pure-Go channels-last kernel, and the reference of the assembly ones.
// It never leaves an image to its caller. src, dst and idx point at the first
// image's first input, output and index (idx is nil unless op is kMaxIdx).
func chanRef[T Float](op kernelOp, a *chanArgs, src, dst, idx unsafe.Pointer, images int) int {
	es := size[T]()
	const block = 64 // channels reduced at once, their accumulators on the stack
	var acc [block]T
	var at [block]int
	for m := range images {
		for z := range a.slabs {
			for r := range a.rows {
				for j := range a.cols {
					base := unsafe.Add(src, m*a.srcImage+a.srcOff+z*a.srcSlab+r*a.srcRow+j*a.srcCol)
					off := z*a.dstSlab + r*a.dstRow + j*a.dstCol
					out := unsafe.Add(dst, m*a.dstImage+a.dstOff+off)
					pix := a.idx0 + z*a.slabIdx + r*a.rowIdx + j*a.colIdx
					for c0 := 0; c0 < a.c; c0 += block {
						n := min(block, a.c-c0)
						chanRefPixel(op, a, unsafe.Add(base, c0*es), acc[:n], at[:n])
						for c := range n {
							v := acc[c]
							if op == kSum || op == kSumSq {
								v = postSum(a.post, v, tBits[T](a.q[0]), tBits[T](a.q[1]), tBits[T](a.q[2]), tBits[T](a.vol))
							}
							*(*T)(unsafe.Add(out, (c0+c)*es)) = v
							if idx != nil {
								x := unsafe.Add(idx, m*a.idxImage+a.idxOff+z*a.idxSlab+r*a.idxRow+j*a.idxCol+(c0+c)*8)
								*(*int64)(x) = int64(pix + at[c])
							}
						}
					}
				}
			}
		}
	}
	return images
}

// chanRefPixel reduces the window at base for the len(acc) channels from
// base: their values into acc and, for max, the tap index chosen (relative to
// the window's first tap) into at.
func chanRefPixel[T Float](op kernelOp, a *chanArgs, base unsafe.Pointer, acc []T, at []int) {
	es := size[T]()
	for c := range acc {
		acc[c] = 0
	}
	for ta := range a.nd {
		for tb := range a.nh {
			for te := range a.nw {
				tap := unsafe.Add(base, ta*a.tapD+tb*a.tapH+te*a.tapW)
				ti := ta*a.idxD + tb*a.idxH + te*a.idxW
				first := ta == 0 && tb == 0 && te == 0
				for c := range acc {
					x := *(*T)(unsafe.Add(tap, c*es))
					switch op {
					case kSum:
						acc[c] += x
					case kSumSq:
						acc[c] += T(x * x)
					default:
						if first || x > acc[c] || x != x {
							acc[c], at[c] = x, ti
						}
					}
				}
			}
		}
	}
}

// tBits returns the T whose bits are the low bytes of b.
func tBits[T Float](b uint64) T {
	if isFloat32[T]() {
		return T(math.Float32frombits(uint32(b)))
	}
	return T(math.Float64frombits(b))
}

// bitsT returns the bits of x in the low bytes of a uint64 (tBits' inverse).
func bitsT[T Float](x T) uint64 {
	if isFloat32[T]() {
		return uint64(math.Float32bits(float32(x)))
	}
	return math.Float64bits(float64(x))
}
