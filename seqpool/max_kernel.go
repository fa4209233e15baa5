package seqpool

// The masked-max kernel: the hot loop of Max. Its inner loop, maxRows
// (kernels.go), runs as a SIMD kernel where the plan's ISA has one, else as
// the Go loop below; maxTokensRef in the tests is the contract written
// plainly, and the tests hold maxTokens to it bit for bit with every kernel.

// maxChunk token rows are folded at a time, a strip of columns after
// another: the rows stream from memory side by side (one stream each keeps
// more reads in flight than a single row), the strip's maxima stay in
// registers, and a kernel call stays short (assembly is not preemptible).
const maxChunk = 16

// maxTokens folds token rows into running maxima with PyTorch's rule.
//
// Contract: x holds len(x)/len(dst) rows of len(dst) values. For each row r
// in order and each column h, dst[h] becomes x[r*len(dst)+h] when dst[h] is
// not NaN and !(x[r*len(dst)+h] <= dst[h]): a larger value replaces the
// maximum, a NaN replaces it and then stays, and ties keep the earlier value
// (so -0 then +0 keeps -0), as torch.max(x, dim) does (TensorCompareKernel:
// the first maximum wins, the first NaN ends the scan).
//
// The columns are independent; only the order over the rows within a column
// is fixed. Kernel k (kernels.go) folds the chunks of rows.
func maxTokens[T Float](k rowKernel, dst, x []T) {
	h := len(dst)
	rows := len(x) / h
	for r := 0; r < rows; r += maxChunk {
		n := min(maxChunk, rows-r)
		maxRows(k, dst, x[r*h:(r+n)*h], h, n)
	}
}

// maxRows8 is maxRows' Go loop: it folds n rows (rows[j*stride+k], j < n,
// k < 8) into the eight maxima m, in order, two rows per iteration.
func maxRows8[T Float](m *[8]T, rows []T, stride, n int) {
	m0, m1, m2, m3, m4, m5, m6, m7 := m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]
	off := 0
	for ; n >= 2; n, off = n-2, off+2*stride {
		v, q := (*[8]T)(rows[off:]), (*[8]T)(rows[off+stride:])
		m0 = maxRule(maxRule(m0, v[0]), q[0])
		m1 = maxRule(maxRule(m1, v[1]), q[1])
		m2 = maxRule(maxRule(m2, v[2]), q[2])
		m3 = maxRule(maxRule(m3, v[3]), q[3])
		m4 = maxRule(maxRule(m4, v[4]), q[4])
		m5 = maxRule(maxRule(m5, v[5]), q[5])
		m6 = maxRule(maxRule(m6, v[6]), q[6])
		m7 = maxRule(maxRule(m7, v[7]), q[7])
	}
	if n > 0 {
		v := (*[8]T)(rows[off:])
		m0 = maxRule(m0, v[0])
		m1 = maxRule(m1, v[1])
		m2 = maxRule(m2, v[2])
		m3 = maxRule(m3, v[3])
		m4 = maxRule(m4, v[4])
		m5 = maxRule(m5, v[5])
		m6 = maxRule(m6, v[6])
		m7 = maxRule(m7, v[7])
	}
	m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7] = m0, m1, m2, m3, m4, m5, m6, m7
}

// maxRule is one step of torch.max over a dimension: v replaces the running
// maximum m when m is not NaN and v is larger or NaN. The common path (no
// new maximum) is one comparison; the NaN test of m runs only when v passes.
func maxRule[T Float](m, v T) T {
	if !(v <= m) && m == m {
		return v
	}
	return m
}
