package simdpool

import "math"

// The max loops of the pure-Go window kernels (see window_go_run.go): Go's
// max (through maxIn, maxOf, maxOut: window_go_maxop_*.go), exact but for
// zeros and NaNs, which the loops report and the kernels recompute; and the
// index scans of max with index. The loop conditions bound every index, so
// that the compiler drops the bounds checks (all but those of the stores to
// the list of suspects).

// suspect reports whether a maximum from Go's max may differ from the
// contract's: a zero (whose sign is the first zero's), a NaN (the last
// NaN's), or a value so small that its square is 0 (a cheap test, safe).
func suspect[T Float](x T) bool { return !(x*x > 0) }

// The loops below list the suspect maxima in sus (as long as their outputs)
// and return their number, without a branch: after a ReLU half the inputs
// are zeros, and many maxima are, at random. They take two outputs at a
// time and test the product of their maxima, which is a zero or a NaN when
// one of them is (or when it underflows: safe); both are listed then.

// note2 lists outputs j and j+1, whose maxima are x and y, after the n
// suspects of sus if one may be suspect, and returns the new count. (The
// tests are written out: a generic call here costs a check per output.)
func note2[T Float](sus []int32, n, j int, x, y T) int {
	sus[n], sus[n+1] = int32(j), int32(j+1)
	var b int
	if p := x * y; !(p*p > 0) {
		b = 2
	}
	return n + b
}

// note1 lists output j, whose maximum is x, as note2.
func note1[T Float](sus []int32, n, j int, x T) int {
	sus[n] = int32(j)
	var b int
	if !(x*x > 0) {
		b = 1
	}
	return n + b
}

// foldMax sets out[c] to the maximum of rows[v][col+c] over the rows (Go's
// max), listing the suspect ones in sus.
func foldMax[T Float](out []T, rows [][]T, col int, sus []int32) (n int) {
	k := len(out)
	c := 0
	switch len(rows) {
	case 1:
		r0 := rows[0][col : col+k]
		for ; c < k-1 && c < len(r0)-1; c += 2 {
			m0, m1 := r0[c], r0[c+1]
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0); c++ {
			out[c] = r0[c]
			n = note1(sus, n, c, out[c])
		}
	case 2:
		r0, r1 := rows[0][col:col+k], rows[1][col:col+k]
		for ; c < k-1 && c < len(r0)-1 && c < len(r1)-1; c += 2 {
			m0 := maxOut(maxOf(maxIn(r0[c]), maxIn(r1[c])))
			m1 := maxOut(maxOf(maxIn(r0[c+1]), maxIn(r1[c+1])))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0) && c < len(r1); c++ {
			out[c] = maxOut(maxOf(maxIn(r0[c]), maxIn(r1[c])))
			n = note1(sus, n, c, out[c])
		}
	case 3:
		r0, r1, r2 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k]
		for ; c < k-1 && c < len(r0)-1 && c < len(r1)-1 && c < len(r2)-1; c += 2 {
			m0 := maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxIn(r2[c])))
			m1 := maxOut(maxOf(maxOf(maxIn(r0[c+1]), maxIn(r1[c+1])), maxIn(r2[c+1])))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			out[c] = maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxIn(r2[c])))
			n = note1(sus, n, c, out[c])
		}
	default:
		r0, r1, r2, r3 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k], rows[3][col:col+k]
		for ; c < k-1 && c < len(r0)-1 && c < len(r1)-1 && c < len(r2)-1 && c < len(r3)-1; c += 2 {
			m0 := maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxOf(maxIn(r2[c]), maxIn(r3[c]))))
			m1 := maxOut(maxOf(maxOf(maxIn(r0[c+1]), maxIn(r1[c+1])), maxOf(maxIn(r2[c+1]), maxIn(r3[c+1]))))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0) && c < len(r1) && c < len(r2) && c < len(r3); c++ {
			out[c] = maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxOf(maxIn(r2[c]), maxIn(r3[c]))))
			n = note1(sus, n, c, out[c])
		}
		for rest := rows[4:]; len(rest) > 0; {
			g := rest[:min(3, len(rest))]
			rest = rest[len(g):]
			n = foldMaxInto(out, g, col, sus) // the last fold lists the suspects
		}
	}
	return n
}

// foldMaxInto folds 1 to 3 more rows into out, as foldMax.
func foldMaxInto[T Float](out []T, rows [][]T, col int, sus []int32) (n int) {
	k := len(out)
	c := 0
	switch len(rows) {
	case 1:
		r0 := rows[0][col : col+k]
		for ; c < k-1 && c < len(r0)-1; c += 2 {
			m0 := maxOut(maxOf(maxIn(out[c]), maxIn(r0[c])))
			m1 := maxOut(maxOf(maxIn(out[c+1]), maxIn(r0[c+1])))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0); c++ {
			out[c] = maxOut(maxOf(maxIn(out[c]), maxIn(r0[c])))
			n = note1(sus, n, c, out[c])
		}
	case 2:
		r0, r1 := rows[0][col:col+k], rows[1][col:col+k]
		for ; c < k-1 && c < len(r0)-1 && c < len(r1)-1; c += 2 {
			m0 := maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxIn(r1[c])))
			m1 := maxOut(maxOf(maxOf(maxIn(out[c+1]), maxIn(r0[c+1])), maxIn(r1[c+1])))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0) && c < len(r1); c++ {
			out[c] = maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxIn(r1[c])))
			n = note1(sus, n, c, out[c])
		}
	default:
		r0, r1, r2 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k]
		for ; c < k-1 && c < len(r0)-1 && c < len(r1)-1 && c < len(r2)-1; c += 2 {
			m0 := maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxOf(maxIn(r1[c]), maxIn(r2[c]))))
			m1 := maxOut(maxOf(maxOf(maxIn(out[c+1]), maxIn(r0[c+1])), maxOf(maxIn(r1[c+1]), maxIn(r2[c+1]))))
			out[c], out[c+1] = m0, m1
			n = note2(sus, n, c, m0, m1)
		}
		for ; c < k && c >= 0 && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			out[c] = maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxOf(maxIn(r1[c]), maxIn(r2[c]))))
			n = note1(sus, n, c, out[c])
		}
	}
	return n
}

// The horizontal maxima, out[j] = max over t of in[j*s + t*d], one loop per
// pattern (stride, taps, dilation), two outputs at a time, listing the
// suspect ones in sus. A value two windows share is negated once (see
// maxIn), carried from one output to the next.

func maxS2K2D1[T Float](out, in []T, sus []int32) (n int) {
	j, i := 0, 0
	for ; j < len(out)-1 && i >= 0 && i < len(in)-3; j, i = j+2, i+4 {
		m0 := maxOut(maxOf(maxIn(in[i]), maxIn(in[i+1])))
		m1 := maxOut(maxOf(maxIn(in[i+2]), maxIn(in[i+3])))
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && i >= 0 && i < len(in)-1 {
		out[j] = maxOut(maxOf(maxIn(in[i]), maxIn(in[i+1])))
		n = note1(sus, n, j, out[j])
	}
	return n
}

// maxS2K2D1x2 is maxS2K2D1 over the windows of two tap rows.
func maxS2K2D1x2[T Float](out, r0, r1 []T, sus []int32) (n int) {
	j, i := 0, 0
	for ; j < len(out)-1 && i >= 0 && i < len(r0)-3 && i < len(r1)-3; j, i = j+2, i+4 {
		m0 := maxOut(maxOf(maxOf(maxIn(r0[i]), maxIn(r0[i+1])), maxOf(maxIn(r1[i]), maxIn(r1[i+1]))))
		m1 := maxOut(maxOf(maxOf(maxIn(r0[i+2]), maxIn(r0[i+3])), maxOf(maxIn(r1[i+2]), maxIn(r1[i+3]))))
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && i >= 0 && i < len(r0)-1 && i < len(r1)-1 {
		out[j] = maxOut(maxOf(maxOf(maxIn(r0[i]), maxIn(r0[i+1])), maxOf(maxIn(r1[i]), maxIn(r1[i+1]))))
		n = note1(sus, n, j, out[j])
	}
	return n
}

func maxS2K3D1[T Float](out, in []T, sus []int32) (n int) {
	if len(in) == 0 {
		return 0
	}
	c := maxIn(in[0]) // the column shared with the previous window
	j, i := 0, 0
	for ; j < len(out)-1 && i >= 0 && i < len(in)-4; j, i = j+2, i+4 {
		b0, c0 := maxIn(in[i+1]), maxIn(in[i+2])
		b1, c1 := maxIn(in[i+3]), maxIn(in[i+4])
		m0, m1 := maxOut(maxOf(maxOf(c, b0), c0)), maxOut(maxOf(maxOf(c0, b1), c1))
		c = c1
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && i >= 0 && i < len(in)-2 {
		out[j] = maxOut(maxOf(maxOf(c, maxIn(in[i+1])), maxIn(in[i+2])))
		n = note1(sus, n, j, out[j])
	}
	return n
}

func maxS1K2D1[T Float](out, in []T, sus []int32) (n int) {
	if len(in) == 0 {
		return 0
	}
	a := maxIn(in[0]) // the column shared with the previous window
	j := 0
	for ; j < len(out)-1 && j < len(in)-2; j += 2 {
		b, c := maxIn(in[j+1]), maxIn(in[j+2])
		m0, m1 := maxOut(maxOf(a, b)), maxOut(maxOf(b, c))
		a = c
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && j < len(in)-1 {
		out[j] = maxOut(maxOf(a, maxIn(in[j+1])))
		n = note1(sus, n, j, out[j])
	}
	return n
}

// maxS1K3D1: the two outputs share the maximum of their middle pair.
func maxS1K3D1[T Float](out, in []T, sus []int32) (n int) {
	j := 0
	for ; j < len(out)-1 && j < len(in)-3; j += 2 {
		q := maxOf(maxIn(in[j+1]), maxIn(in[j+2]))
		m0, m1 := maxOut(maxOf(maxIn(in[j]), q)), maxOut(maxOf(q, maxIn(in[j+3])))
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && j < len(in)-2 {
		out[j] = maxOut(maxOf(maxOf(maxIn(in[j]), maxIn(in[j+1])), maxIn(in[j+2])))
		n = note1(sus, n, j, out[j])
	}
	return n
}

func maxS1K3D2[T Float](out, in []T, sus []int32) (n int) {
	j := 0
	for ; j < len(out)-1 && j < len(in)-5; j += 2 {
		m0 := maxOut(maxOf(maxOf(maxIn(in[j]), maxIn(in[j+2])), maxIn(in[j+4])))
		m1 := maxOut(maxOf(maxOf(maxIn(in[j+1]), maxIn(in[j+3])), maxIn(in[j+5])))
		out[j], out[j+1] = m0, m1
		n = note2(sus, n, j, m0, m1)
	}
	if j < len(out) && j >= 0 && j < len(in)-4 {
		out[j] = maxOut(maxOf(maxOf(maxIn(in[j]), maxIn(in[j+2])), maxIn(in[j+4])))
		n = note1(sus, n, j, out[j])
	}
	return n
}

// firstZero returns the first tap, in row-major order, of the window at
// column i of the rows (k taps, dilation d) that is a zero: the maximum of a
// window whose Go max is a zero and has no NaN. It scans from the last tap,
// each zero replacing the result, without a branch.
func firstZero[T Float](rows [][]T, i, k, d int) T {
	var z uint64
	for v := len(rows) - 1; v >= 0; v-- {
		r := rows[v]
		for t := k - 1; t >= 0; t-- {
			if b := math.Float64bits(float64(r[i+t*d])); b<<1 == 0 {
				z = b
			}
		}
	}
	return T(math.Float64frombits(z))
}

// The index scans: for output j, from its last tap to its first, each tap
// not less than m[j] (all are not greater, unless m[j] is a NaN, which the
// kernels recompute) replaces the index. Called for the tap rows from the
// last to the first, they leave the index of the first tap equal to the
// maximum, in row-major order.

func indexS2K2D1[T Float](ix []int64, m, in []T, at0 int64) {
	for j, i := 0, 0; j < len(ix) && j < len(m) && i >= 0 && i < len(in)-1; j, i = j+1, i+2 {
		at, x := ix[j], m[j]
		if in[i+1] >= x {
			at = at0 + int64(i+1)
		}
		if in[i] >= x {
			at = at0 + int64(i)
		}
		ix[j] = at
	}
}

func indexS2K3D1[T Float](ix []int64, m, in []T, at0 int64) {
	for j, i := 0, 0; j < len(ix) && j < len(m) && i >= 0 && i < len(in)-2; j, i = j+1, i+2 {
		at, x := ix[j], m[j]
		if in[i+2] >= x {
			at = at0 + int64(i+2)
		}
		if in[i+1] >= x {
			at = at0 + int64(i+1)
		}
		if in[i] >= x {
			at = at0 + int64(i)
		}
		ix[j] = at
	}
}

func indexS1K1D1[T Float](ix []int64, m, in []T, at0 int64) {
	for j := 0; j < len(ix) && j < len(m) && j < len(in); j++ {
		at := ix[j]
		if in[j] >= m[j] {
			at = at0 + int64(j)
		}
		ix[j] = at
	}
}

func indexS1K2D1[T Float](ix []int64, m, in []T, at0 int64) {
	for j := 0; j < len(ix) && j < len(m) && j < len(in)-1; j++ {
		at, x := ix[j], m[j]
		if in[j+1] >= x {
			at = at0 + int64(j+1)
		}
		if in[j] >= x {
			at = at0 + int64(j)
		}
		ix[j] = at
	}
}

func indexS1K3D1[T Float](ix []int64, m, in []T, at0 int64) {
	for j := 0; j < len(ix) && j < len(m) && j < len(in)-2; j++ {
		at, x := ix[j], m[j]
		if in[j+2] >= x {
			at = at0 + int64(j+2)
		}
		if in[j+1] >= x {
			at = at0 + int64(j+1)
		}
		if in[j] >= x {
			at = at0 + int64(j)
		}
		ix[j] = at
	}
}

func indexS1K3D2[T Float](ix []int64, m, in []T, at0 int64) {
	for j := 0; j < len(ix) && j < len(m) && j < len(in)-4; j++ {
		at, x := ix[j], m[j]
		if in[j+4] >= x {
			at = at0 + int64(j+4)
		}
		if in[j+2] >= x {
			at = at0 + int64(j+2)
		}
		if in[j] >= x {
			at = at0 + int64(j)
		}
		ix[j] = at
	}
}
