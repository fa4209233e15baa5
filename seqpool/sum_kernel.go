package seqpool

// The masked-sum kernel: the hot loop of the mean-type operations. A SIMD
// kernel with the same contract (same arguments, same result bits) can
// replace sumTokens; sumTokensRef in the tests is the contract written as
// plainly as possible, and the tests hold sumTokens to it bit for bit.

const (
	// sumBlockCols columns are summed at a time; their four cascade levels
	// live on the stack ([4][sumBlockCols]T: 16 KB for float32).
	sumBlockCols = 1024
	// sumChunk tokens have their weights converted at once: ATen's smallest
	// cascade step, so a chunk never straddles two groups.
	sumChunk = 1 << minPower
)

// sumTokens is the masked sum over tokens.
//
// Contract: x holds T = len(mask) token rows of stride H >= len(dst) (row t
// is x[t*H : t*H+len(dst)]); len(dst) is a multiple of 4. For every column
// h < len(dst), sumTokens writes to dst[h] the sum over t of
// T(x[t*H+h] * T(w(t))), each product rounded to T (no fused multiply-add),
// added in ATen's multi_row_sum order over the T tokens (orderCascade), where
// w(t) = tokenWeight(mask[t], t, positional) is a float32. Masked tokens
// (w = 0) are read and add their ±0, or NaN for an infinite or NaN state, as
// PyTorch's product with the mask does.
//
// The columns are independent, so a vector kernel may take any number of
// them per step; only the order over t within a column is fixed.
func sumTokens[T Float, N maskNum](dst, x []T, stride int, mask []N, positional bool) {
	n := len(mask)
	s := newSchedule(n)
	var w [sumChunk]T
	for c0 := 0; c0 < len(dst); c0 += sumBlockCols {
		cols := min(sumBlockCols, len(dst)-c0)
		var lv [levels][sumBlockCols]T
		for i := 0; i < n; {
			groupEnd := i - i%s.step + s.step
			end := min(i+sumChunk, n)
			for j := range end - i {
				w[j] = T(tokenWeight(mask[i+j], i+j, positional))
			}
			fresh := i%s.step == 0    // level 0 starts again from +0
			closes := end == groupEnd // the chunk ends a whole group
			rows := x[i*stride+c0:]
			c := 0
			for ; c+8 <= cols; c += 8 {
				sumChunk8(&lv, c, rows, stride, w[:end-i], fresh, closes)
			}
			if c < cols {
				sumChunk4(&lv, c, rows, stride, w[:end-i], fresh, closes)
			}
			i = end
			if closes {
				for l := 2; l <= s.depth(i); l++ {
					lo, hi := lv[l-1][:cols], lv[l][:cols]
					for k := range hi {
						hi[k] += lo[k]
						lo[k] = 0
					}
				}
			}
		}
		out := dst[c0 : c0+cols]
		for k := range out {
			out[k] = ((lv[0][k] + lv[1][k]) + lv[2][k]) + lv[3][k]
		}
	}
}

// sumChunk8 adds the products of len(w) token rows (rows[j*stride+c+k],
// k < 8) and their weights into columns c..c+7 of level 0, starting level 0
// from +0 when fresh. When the chunk closes a group, level 0 is then added
// into level 1 and left at 0.
func sumChunk8[T Float](lv *[levels][sumBlockCols]T, c int, rows []T, stride int, w []T, fresh, closes bool) {
	l0 := (*[8]T)(lv[0][c : c+8])
	var a0, a1, a2, a3, a4, a5, a6, a7 T
	if !fresh {
		a0, a1, a2, a3, a4, a5, a6, a7 = l0[0], l0[1], l0[2], l0[3], l0[4], l0[5], l0[6], l0[7]
	}
	for j, wj := range w {
		r := (*[8]T)(rows[j*stride+c:])
		// T(...) rounds each product: Go may otherwise fuse it into the add.
		a0 += T(r[0] * wj)
		a1 += T(r[1] * wj)
		a2 += T(r[2] * wj)
		a3 += T(r[3] * wj)
		a4 += T(r[4] * wj)
		a5 += T(r[5] * wj)
		a6 += T(r[6] * wj)
		a7 += T(r[7] * wj)
	}
	if closes {
		l1 := (*[8]T)(lv[1][c : c+8])
		l1[0] += a0
		l1[1] += a1
		l1[2] += a2
		l1[3] += a3
		l1[4] += a4
		l1[5] += a5
		l1[6] += a6
		l1[7] += a7
		a0, a1, a2, a3, a4, a5, a6, a7 = 0, 0, 0, 0, 0, 0, 0, 0
	}
	l0[0], l0[1], l0[2], l0[3], l0[4], l0[5], l0[6], l0[7] = a0, a1, a2, a3, a4, a5, a6, a7
}

// sumChunk4 is sumChunk8 for the four columns c..c+3.
func sumChunk4[T Float](lv *[levels][sumBlockCols]T, c int, rows []T, stride int, w []T, fresh, closes bool) {
	l0 := (*[4]T)(lv[0][c : c+4])
	var a0, a1, a2, a3 T
	if !fresh {
		a0, a1, a2, a3 = l0[0], l0[1], l0[2], l0[3]
	}
	for j, wj := range w {
		r := (*[4]T)(rows[j*stride+c:])
		a0 += T(r[0] * wj)
		a1 += T(r[1] * wj)
		a2 += T(r[2] * wj)
		a3 += T(r[3] * wj)
	}
	if closes {
		l1 := (*[4]T)(lv[1][c : c+4])
		l1[0] += a0
		l1[1] += a1
		l1[2] += a2
		l1[3] += a3
		a0, a1, a2, a3 = 0, 0, 0, 0
	}
	l0[0], l0[1], l0[2], l0[3] = a0, a1, a2, a3
}
