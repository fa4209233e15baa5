package simdpool

import "unsafe"

// The expand kernels (ops kMaxBwd and kAvgBwd) are the backward of pooling
// whose windows do not overlap (stride at least the kernel, no dilation): each
// input lies in at most one window, so its gradient is that window's output
// gradient (average: divided; max: where the index points) or zero, and a
// kernel writes every gradient row once, in order, instead of zeroing and
// scattering. They take the window kernels' calling convention and the
// winArgs a Program makes for the forward geometry (classArgs), read the
// other way round: src is the gradient with respect to the input (written),
// dst the gradient with respect to the output and idx the forward's indices
// (read). For each plane p, slab z, output row r, with its output gradients
// g[j] at dst + dstOff + z*dstSlab + r*dstRow (j in [0, wo)) and its indices
// at idx + idxOff + z*idxSlab + r*idxRow, and each tap row v in [0, ntaps):
// the gradient row at src + srcOff + z*srcSlab + r*srcRow + tapOff[v], whose
// column 0 has plane index P = tapIdx[v] + z*slabIdx + r*rowIdx, gets in
// every column x in [0, w), with j = (x+p) / s and t = (x+p) % s:
//
//   - average: +0 + g[j] divided as post says (see postAvg), if j < wo and
//     t < k;
//   - max: +0 + g[j] if j < wo and the index of output j is P + x;
//   - +0 otherwise.
//
// Columns are written in chunks of L outputs: chunk c writes the s*L columns
// from c*s*L - p (masked to [0, w) in edge chunks, see setChunks with reach
// [-p, s*L-p)), then the kernel zeroes [zero0, w). A max kernel returns the
// first plane of its call in which an output's index is not one of its
// window's elements inside the input (the caller scatters that plane), else
// the number of planes.

// backRef is the expand kernel contract written out in Go: each tap row
// zeroed, then each output's columns written; the pure-Go expand kernel for
// any stride and taps (k <= s), and the reference the other expand kernels
// are tested against.
func backRef[T Float](op kernelOp, a *winArgs, gin, gout, idx unsafe.Pointer, planes int) int {
	es := size[T]()
	for pl := range planes {
		for z := range a.slabs {
			for r := range a.rows {
				out := unsafe.Add(gout, pl*a.dstPlane+a.dstOff+z*a.dstSlab+r*a.dstRow)
				var ix unsafe.Pointer
				if op == kMaxBwd {
					ix = unsafe.Add(idx, pl*a.idxPlane+a.idxOff+z*a.idxSlab+r*a.idxRow)
				}
				base := a.slabIdx*int32(z) + a.rowIdx*int32(r)
				if op == kMaxBwd && !backFound(a, ix, base) {
					return pl
				}
				for v := range a.ntaps {
					row := unsafe.Add(gin, pl*a.srcPlane+a.srcOff+z*a.srcSlab+r*a.srcRow+a.tapOff[v])
					pos := int64(a.tapIdx[v] + base)
					for x := range a.w {
						*(*T)(unsafe.Add(row, x*es)) = 0
					}
					for j := range a.wo { // the columns x = j*s - p + t, t < k, of output j
						g := *(*T)(unsafe.Add(out, j*es))
						if op == kAvgBwd {
							g = sumPostRef(a, g, j)
						}
						for t := range a.k {
							x := j*a.s - a.p + t
							if x < 0 || x >= a.w || (op == kMaxBwd && *(*int64)(unsafe.Add(ix, j*8)) != pos+int64(x)) {
								continue
							}
							*(*T)(unsafe.Add(row, x*es)) = 0 + g
						}
					}
				}
			}
		}
	}
	return planes
}

// backFound reports whether the index of every output of the row at ix is
// an element of its window inside the input (base: the row's plane index
// step).
func backFound(a *winArgs, ix unsafe.Pointer, base int32) bool {
	for j := range a.wo {
		at := *(*int64)(unsafe.Add(ix, j*8))
		found := false
		for v := range a.ntaps {
			c := at - int64(a.tapIdx[v]+base) // the column, if at lies in tap row v
			start := int64(j*a.s - a.p)
			found = found || (c >= max(start, 0) && c < min(start+int64(a.k), int64(a.w)))
		}
		if !found {
			return false
		}
	}
	return true
}
