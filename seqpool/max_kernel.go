package seqpool

// The masked-max kernel: the hot loop of Max. A SIMD kernel with the same
// contract can replace maxTokens; maxTokensRef in the tests is the contract
// written plainly, and the tests hold maxTokens to it bit for bit.

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
	for r := 0; r+h <= len(x); r += h {
		row := x[r : r+h]
		c := 0
		for ; c+8 <= h; c += 8 {
			m, v := (*[8]T)(dst[c:]), (*[8]T)(row[c:])
			// One test per value on the common path (no new maximum); the
			// NaN test of the maximum runs only when a value passes it.
			if !(v[0] <= m[0]) && m[0] == m[0] {
				m[0] = v[0]
			}
			if !(v[1] <= m[1]) && m[1] == m[1] {
				m[1] = v[1]
			}
			if !(v[2] <= m[2]) && m[2] == m[2] {
				m[2] = v[2]
			}
			if !(v[3] <= m[3]) && m[3] == m[3] {
				m[3] = v[3]
			}
			if !(v[4] <= m[4]) && m[4] == m[4] {
				m[4] = v[4]
			}
			if !(v[5] <= m[5]) && m[5] == m[5] {
				m[5] = v[5]
			}
			if !(v[6] <= m[6]) && m[6] == m[6] {
				m[6] = v[6]
			}
			if !(v[7] <= m[7]) && m[7] == m[7] {
				m[7] = v[7]
			}
		}
		for ; c < h; c++ {
			dst[c] = maxRule(dst[c], row[c])
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
