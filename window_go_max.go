package simdpool

// The max loops of the pure-Go window kernels (see window_go_run.go): Go's
// max, exact but for zeros and NaNs, which the kernels recompute; and the
// index scans of max with index. The loop conditions bound every index, so
// that the compiler drops the bounds checks.

// foldMax sets out[c] to Go's max of rows[v][col+c] over the rows.
func foldMax[T Float](out []T, rows [][]T, col int) {
	n := len(out)
	switch len(rows) {
	case 1:
		copy(out, rows[0][col:col+n])
	case 2:
		r0, r1 := rows[0][col:col+n], rows[1][col:col+n]
		for c := 0; c < n && c < len(r0) && c < len(r1); c++ {
			out[c] = max(r0[c], r1[c])
		}
	case 3:
		r0, r1, r2 := rows[0][col:col+n], rows[1][col:col+n], rows[2][col:col+n]
		for c := 0; c < n && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			out[c] = max(r0[c], r1[c], r2[c])
		}
	default:
		r0, r1, r2, r3 := rows[0][col:col+n], rows[1][col:col+n], rows[2][col:col+n], rows[3][col:col+n]
		for c := 0; c < n && c < len(r0) && c < len(r1) && c < len(r2) && c < len(r3); c++ {
			out[c] = max(r0[c], r1[c], r2[c], r3[c])
		}
		for rest := rows[4:]; len(rest) > 0; {
			g := rest[:min(3, len(rest))]
			rest = rest[len(g):]
			foldMaxInto(out, g, col)
		}
	}
}

// foldMaxInto folds 1 to 3 more rows into out, as foldMax.
func foldMaxInto[T Float](out []T, rows [][]T, col int) {
	n := len(out)
	switch len(rows) {
	case 1:
		r0 := rows[0][col : col+n]
		for c := 0; c < n && c < len(r0); c++ {
			out[c] = max(out[c], r0[c])
		}
	case 2:
		r0, r1 := rows[0][col:col+n], rows[1][col:col+n]
		for c := 0; c < n && c < len(r0) && c < len(r1); c++ {
			out[c] = max(out[c], r0[c], r1[c])
		}
	default:
		r0, r1, r2 := rows[0][col:col+n], rows[1][col:col+n], rows[2][col:col+n]
		for c := 0; c < n && c < len(r0) && c < len(r1) && c < len(r2); c++ {
			out[c] = max(out[c], r0[c], r1[c], r2[c])
		}
	}
}

// The horizontal maxima, out[j] = max over t of in[j*s + t*d], one loop per
// pattern (stride, taps, dilation).

func maxS2K2D1[T Float](out, in []T) {
	for j, i := 0, 0; j < len(out) && i >= 0 && i < len(in)-1; j, i = j+1, i+2 {
		out[j] = max(in[i], in[i+1])
	}
}

func maxS2K3D1[T Float](out, in []T) {
	for j, i := 0, 0; j < len(out) && i >= 0 && i < len(in)-2; j, i = j+1, i+2 {
		out[j] = max(in[i], in[i+1], in[i+2])
	}
}

func maxS1K2D1[T Float](out, in []T) {
	for j := 0; j < len(out) && j < len(in)-1; j++ {
		out[j] = max(in[j], in[j+1])
	}
}

// maxS1K3D1 shares the maximum of the middle pair between neighbours.
func maxS1K3D1[T Float](out, in []T) {
	j := 0
	for ; j < len(out)-1 && j < len(in)-3; j += 2 {
		q := max(in[j+1], in[j+2])
		out[j], out[j+1] = max(in[j], q), max(q, in[j+3])
	}
	for ; j < len(out) && j < len(in)-2; j++ {
		out[j] = max(in[j], in[j+1], in[j+2])
	}
}

func maxS1K3D2[T Float](out, in []T) {
	for j := 0; j < len(out) && j < len(in)-4; j++ {
		out[j] = max(in[j], in[j+2], in[j+4])
	}
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
