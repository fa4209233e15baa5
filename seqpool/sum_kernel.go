package seqpool

// The masked-sum kernel: the hot loop of the mean-type operations. Its inner
// loops, addRows and addProducts (kernels.go), run as SIMD kernels where the
// plan's ISA has them, else as the Go loops below; sumTokensRef in the tests
// is the contract written as plainly as possible, and the tests hold
// sumTokens to it bit for bit with every kernel set.

const (
	// sumBlockCols columns are summed at a time; their four cascade levels
	// live on the stack (levels*sumBlockCols values: 16 KB for float32).
	sumBlockCols = 1024
	// sumChunk tokens have their weights converted at once: ATen's smallest
	// cascade step, so a chunk never straddles two groups.
	sumChunk = 1 << minPower
)

// sumTokens is the masked sum over tokens.
//
// Contract: x holds T = len(mask) token rows of stride H >= len(dst) (row t
// is x[t*H : t*H+len(dst)]). For every column h < len(dst), sumTokens writes
// to dst[h] the sum over t of T(x[t*H+h] * T(w(t))), each product rounded to
// T (no fused multiply-add), added in ATen's multi_row_sum order over the T
// tokens (orderCascade), where w(t) = tokenWeight(mask[t], t, positional) is
// a float32. Masked tokens (w = 0) are read and add their ±0, or NaN for an
// infinite or NaN state, as PyTorch's product with the mask does.
//
// The columns are independent, so a vector kernel may take any number of
// them per step; only the order over t within a column is fixed. k's
// kernels (kernels.go) add the chunks of tokens into the levels.
func sumTokens[T Float, N maskNum](k kernelSet, dst, x []T, stride int, mask []N, positional bool) {
	n := len(mask)
	s := newSchedule(n)
	var lv [levels * sumBlockCols]T // level l: lv[l*sumBlockCols:][:cols]
	var w [sumChunk]T
	for c0 := 0; c0 < len(dst); c0 += sumBlockCols {
		cols := min(sumBlockCols, len(dst)-c0)
		level := func(l int) []T { return lv[l*sumBlockCols:][:cols] }
		for l := range levels {
			clear(level(l))
		}
		for i := 0; i < n; {
			end := min(i+sumChunk, n)
			ones := true // x*1 is x: the common chunk of real tokens needs no product
			for j := range end - i {
				w[j] = T(tokenWeight(mask[i+j], i+j, positional))
				ones = ones && w[j] == 1
			}
			// A chunk that is a whole group (the usual case, groups of 16)
			// is summed from +0 and added into level 1 at once; otherwise
			// the chunk goes on in level 0, which moves up when it closes
			// its group.
			whole := i%s.step == 0 && end-i == s.step
			acc, from := level(0), 1
			if whole {
				acc, from = level(1), 2
			}
			rows := x[i*stride+c0:]
			if ones {
				addRows(k.sum, acc, rows, stride, end-i, whole)
			} else {
				addProducts(k.sumProd, acc, rows, stride, w[:end-i], whole)
			}
			i = end
			if i%s.step == 0 { // a group closed: move up the levels
				for l := from; l <= s.depth(i); l++ {
					addRows(k.sum, level(l), level(l-1), 0, 1, false) // level l += level l-1
					clear(level(l - 1))
				}
			}
		}
		// ((level 0 + level 1) + level 2) + level 3, the levels as rows.
		out := dst[c0 : c0+cols]
		copy(out, level(0))
		addRows(k.sum, out, lv[sumBlockCols:], sumBlockCols, levels-1, false)
	}
}

// addRows8 is addRows' Go loop: it adds n token rows (rows[j*stride+k],
// j < n, k < 8) in order into the eight sums acc. When fresh, the rows are
// summed from +0 and that sum is added to acc. (One call per eight columns
// keeps the sums in registers; two rows per iteration halve the loop's
// overhead, a0 + r[0] + q[0] adding r's value first.)
func addRows8[T Float](acc *[8]T, rows []T, stride, n int, fresh bool) {
	var a0, a1, a2, a3, a4, a5, a6, a7 T
	if !fresh {
		a0, a1, a2, a3, a4, a5, a6, a7 = acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
	}
	off := 0
	for ; n >= 2; n, off = n-2, off+2*stride {
		r, q := (*[8]T)(rows[off:]), (*[8]T)(rows[off+stride:])
		a0 = a0 + r[0] + q[0]
		a1 = a1 + r[1] + q[1]
		a2 = a2 + r[2] + q[2]
		a3 = a3 + r[3] + q[3]
		a4 = a4 + r[4] + q[4]
		a5 = a5 + r[5] + q[5]
		a6 = a6 + r[6] + q[6]
		a7 = a7 + r[7] + q[7]
	}
	if n > 0 {
		r := (*[8]T)(rows[off:])
		a0 += r[0]
		a1 += r[1]
		a2 += r[2]
		a3 += r[3]
		a4 += r[4]
		a5 += r[5]
		a6 += r[6]
		a7 += r[7]
	}
	if fresh {
		a0, a1, a2, a3 = acc[0]+a0, acc[1]+a1, acc[2]+a2, acc[3]+a3
		a4, a5, a6, a7 = acc[4]+a4, acc[5]+a5, acc[6]+a6, acc[7]+a7
	}
	acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = a0, a1, a2, a3, a4, a5, a6, a7
}

// addProducts8 is addProducts' Go loop: addRows8 with row j scaled by w[j],
// each product rounded.
func addProducts8[T Float](acc *[8]T, rows []T, stride int, w []T, fresh bool) {
	var a0, a1, a2, a3, a4, a5, a6, a7 T
	if !fresh {
		a0, a1, a2, a3, a4, a5, a6, a7 = acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
	}
	off := 0
	for _, wj := range w {
		r := (*[8]T)(rows[off:])
		off += stride
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
	if fresh {
		a0, a1, a2, a3 = acc[0]+a0, acc[1]+a1, acc[2]+a2, acc[3]+a3
		a4, a5, a6, a7 = acc[4]+a4, acc[5]+a5, acc[6]+a6, acc[7]+a7
	}
	acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = a0, a1, a2, a3, a4, a5, a6, a7
}
