package simdpool

import "math"

// The max loops of the pure-Go window kernels (see window_go_run.go): Go's
// max (through maxIn, maxOf, maxOut: window_go_maxop_*.go), exact but for
// zeros and NaNs, which the loops report and the kernels recompute; and the
// index scans of max with index. The loop conditions bound every index, so
// that the compiler drops the bounds checks.

// suspect reports whether a maximum from Go's max may differ from the
// contract's: a zero (whose sign is the first zero's), a NaN (the last
// NaN's), or a value so small that its square is 0 (a cheap test, safe).
func suspect[T Float](x T) bool { return !(x*x > 0) }

// suspectBit is suspect as 0 or 1, without a branch: after a ReLU, half the
// inputs are zeros and many maxima are, at random. The loops below write the
// number of each output to the next entry of their list of suspects, sus
// (as long as their outputs), and keep it by adding its suspectBit to the
// count they return.
func suspectBit[T Float](x T) int {
	var b int
	if !(x*x > 0) { // suspect, written out: a generic call here would cost a check per output
		b = 1
	}
	return b
}

// foldMax sets out[c] to the maximum of rows[v][col+c] over the rows (Go's
// max), listing the suspect ones in sus.
func foldMax[T Float](out []T, rows [][]T, col int, sus []int32) (n int) {
	k := len(out)
	switch len(rows) {
	case 1:
		r0 := rows[0][col : col+k]
		for c := 0; c < k && c < len(r0); c++ {
			m := r0[c]
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	case 2:
		r0, r1 := rows[0][col:col+k], rows[1][col:col+k]
		for c := 0; c < k && c < len(r0) && c < len(r1); c++ {
			m := maxOut(maxOf(maxIn(r0[c]), maxIn(r1[c])))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	case 3:
		r0, r1, r2 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k]
		for c := 0; c < k && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			m := maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxIn(r2[c])))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	default:
		r0, r1, r2, r3 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k], rows[3][col:col+k]
		for c := 0; c < k && c < len(r0) && c < len(r1) && c < len(r2) && c < len(r3); c++ {
			m := maxOut(maxOf(maxOf(maxIn(r0[c]), maxIn(r1[c])), maxOf(maxIn(r2[c]), maxIn(r3[c]))))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
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
	switch len(rows) {
	case 1:
		r0 := rows[0][col : col+k]
		for c := 0; c < k && c < len(r0); c++ {
			m := maxOut(maxOf(maxIn(out[c]), maxIn(r0[c])))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	case 2:
		r0, r1 := rows[0][col:col+k], rows[1][col:col+k]
		for c := 0; c < k && c < len(r0) && c < len(r1); c++ {
			m := maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxIn(r1[c])))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	default:
		r0, r1, r2 := rows[0][col:col+k], rows[1][col:col+k], rows[2][col:col+k]
		for c := 0; c < k && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			m := maxOut(maxOf(maxOf(maxIn(out[c]), maxIn(r0[c])), maxOf(maxIn(r1[c]), maxIn(r2[c]))))
			out[c] = m
			sus[n] = int32(c)
			n += suspectBit(m)
		}
	}
	return n
}

// The horizontal maxima, out[j] = max over t of in[j*s + t*d], one loop per
// pattern (stride, taps, dilation), listing the suspect ones in sus. A value
// two windows share is negated once (see maxIn), carried from one output to
// the next.

func maxS2K2D1[T Float](out, in []T, sus []int32) (n int) {
	for j, i := 0, 0; j < len(out) && i >= 0 && i < len(in)-1; j, i = j+1, i+2 {
		m := maxOut(maxOf(maxIn(in[i]), maxIn(in[i+1])))
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
	}
	return n
}

// maxS2K2D1x2 is maxS2K2D1 over the windows of two tap rows.
func maxS2K2D1x2[T Float](out, r0, r1 []T, sus []int32) (n int) {
	for j, i := 0, 0; j < len(out) && i >= 0 && i < len(r0)-1 && i < len(r1)-1; j, i = j+1, i+2 {
		m := maxOut(maxOf(maxOf(maxIn(r0[i]), maxIn(r0[i+1])), maxOf(maxIn(r1[i]), maxIn(r1[i+1]))))
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
	}
	return n
}

func maxS2K3D1[T Float](out, in []T, sus []int32) (n int) {
	if len(in) == 0 {
		return 0
	}
	c := maxIn(in[0])
	for j, i := 0, 0; j < len(out) && i >= 0 && i < len(in)-2; j, i = j+1, i+2 {
		a, b := c, maxIn(in[i+1])
		c = maxIn(in[i+2])
		m := maxOut(maxOf(maxOf(a, b), c))
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
	}
	return n
}

func maxS1K2D1[T Float](out, in []T, sus []int32) (n int) {
	if len(in) == 0 {
		return 0
	}
	a := maxIn(in[0])
	for j := 0; j < len(out) && j < len(in)-1; j++ {
		b := maxIn(in[j+1])
		m := maxOut(maxOf(a, b))
		a = b
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
	}
	return n
}

// maxS1K3D1 takes two outputs at a time, which share the maximum of their
// middle pair.
func maxS1K3D1[T Float](out, in []T, sus []int32) (n int) {
	j := 0
	for ; j < len(out)-1 && j < len(in)-3; j += 2 {
		q := maxOf(maxIn(in[j+1]), maxIn(in[j+2]))
		m0, m1 := maxOut(maxOf(maxIn(in[j]), q)), maxOut(maxOf(q, maxIn(in[j+3])))
		out[j], out[j+1] = m0, m1
		sus[n] = int32(j)
		n += suspectBit(m0)
		sus[n] = int32(j + 1)
		n += suspectBit(m1)
	}
	if j < len(out) && j >= 0 && j < len(in)-2 {
		m := maxOut(maxOf(maxOf(maxIn(in[j]), maxIn(in[j+1])), maxIn(in[j+2])))
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
	}
	return n
}

func maxS1K3D2[T Float](out, in []T, sus []int32) (n int) {
	for j := 0; j < len(out) && j < len(in)-4; j++ {
		m := maxOut(maxOf(maxOf(maxIn(in[j]), maxIn(in[j+2])), maxIn(in[j+4])))
		out[j] = m
		sus[n] = int32(j)
		n += suspectBit(m)
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
