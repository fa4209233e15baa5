package seqpool

// The masked-max kernel: the hot loop of Max. A SIMD kernel with the same
// contract can replace maxTokens; maxTokensRef in the tests is the contract
// written plainly, and the tests hold maxTokens to it bit for bit.

// maxRowsAtOnce token rows are folded per pass over the columns, so that each
// running maximum is loaded and stored once per maxRowsAtOnce rows.
const maxRowsAtOnce = 4

// maxTokens folds token rows into running maxima with PyTorch's rule.
//
// Contract: x holds len(x)/len(dst) rows of len(dst) values. For each row r
// in order and each column h, dst[h] becomes x[r*len(dst)+h] when dst[h] is
// not NaN and !(x[r*len(dst)+h] <= dst[h]): a larger value replaces the
// maximum, a NaN replaces it and then stays, and ties keep the earlier value
// (so -0 then +0 keeps -0), as torch.max(x, dim) does (TensorCompareKernel:
// the first maximum wins, the first NaN ends the scan).
func maxTokens[T Float](dst, x []T) {
	h := len(dst)
	rows := len(x) / h
	r := 0
	for ; r+maxRowsAtOnce <= rows; r += maxRowsAtOnce {
		x0, x1, x2, x3 := x[r*h:(r+1)*h], x[(r+1)*h:(r+2)*h], x[(r+2)*h:(r+3)*h], x[(r+3)*h:(r+4)*h]
		c := 0
		for ; c+4 <= h; c += 4 {
			d := (*[4]T)(dst[c:])
			m0, m1, m2, m3 := d[0], d[1], d[2], d[3]
			for _, row := range [maxRowsAtOnce]*[4]T{(*[4]T)(x0[c:]), (*[4]T)(x1[c:]), (*[4]T)(x2[c:]), (*[4]T)(x3[c:])} {
				m0 = maxRule(m0, row[0])
				m1 = maxRule(m1, row[1])
				m2 = maxRule(m2, row[2])
				m3 = maxRule(m3, row[3])
			}
			d[0], d[1], d[2], d[3] = m0, m1, m2, m3
		}
		for ; c < h; c++ {
			dst[c] = maxRule(maxRule(maxRule(maxRule(dst[c], x0[c]), x1[c]), x2[c]), x3[c])
		}
	}
	for ; r < rows; r++ {
		row := x[r*h : (r+1)*h]
		for c, v := range row {
			dst[c] = maxRule(dst[c], v)
		}
	}
}

// maxRule is one step of torch.max over a dimension: v replaces the running
// maximum m when m is not NaN and v is larger or NaN.
func maxRule[T Float](m, v T) T {
	if !(v <= m) && m == m {
		return v
	}
	return m
}
