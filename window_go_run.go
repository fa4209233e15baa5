package simdpool

import "unsafe"

// The fast pure-Go window kernels: the contract of winArgs (see windowRef,
// its reference) computed row by row, each output row in two parts. Its edge
// outputs (chunks [0, c0) and [c1, nc), one output per chunk), whose windows
// leave the row, are computed one by one over their taps inside the row. Its
// interior outputs, whose taps all lie in the row, are computed by loops made
// for one horizontal pattern (stride, taps, dilation: rowPattern,
// window_go_shapes.go) over whole tap rows:
//
//   - sums: every output is +0 plus its taps in row-major order, as the
//     contract says: in one loop over whole windows for the common shapes,
//     else cleared to +0 and added to by each tap row in order; then the row
//     is divided as winArgs.post says.
//   - max: the maximum of every window is taken with Go's max, which is exact
//     except for zeros (max(-0, +0) is +0 in either order, where the contract
//     keeps the first) and NaNs (any NaN, where the contract keeps the last).
//     So every output that is a zero is replaced by its window's first zero,
//     and every NaN (or tiny value whose square is 0: a cheap test that errs
//     on the safe side) is recomputed by the reference; no plane is ever left
//     to the caller. Go's max has no order, so one tap row (or two, for 2x2
//     stride 2) is taken at once; more are folded first, column by column,
//     and the columns then taken horizontally: separable, each column folded
//     once.
//   - max with index: the maximum as above, then for each output the first
//     tap in row-major order equal to it: the tap rows and taps are scanned
//     from the last, each tap equal to the maximum replacing the index.
//
// The kernels turn the contract's pointers into slices once per call; the
// loops index those slices.

// rowPattern names the horizontal pattern of a pure-Go window kernel's
// interior loops (window_go_shapes.go): stride, taps and dilation.
type rowPattern uint8

const (
	pS2K2D1 rowPattern = iota
	pS2K3D1
	pS1K1D1
	pS1K2D1
	pS1K3D1
	pS1K3D2
)

// goWindow is a pure-Go window kernel of the contract of winArgs for op,
// with the interior loops of pattern pat, which has a's horizontal taps. It
// never leaves a plane to its caller.
func goWindow[T Float](op kernelOp, pat rowPattern, a *winArgs, src, dst, idx unsafe.Pointer, planes int) int {
	if planes <= 0 || a.slabs <= 0 || a.rows <= 0 || a.wo <= 0 || a.ntaps <= 0 {
		return planes
	}
	es := size[T]()
	// The slices the call reads and writes: from the first plane's first
	// row to the end of the last plane's last row (its last tap row).
	last := func(plane, off, slab, row int) int {
		return (planes-1)*plane + off + (a.slabs-1)*slab + (a.rows-1)*row
	}
	maxTap := 0
	for _, t := range a.tapOff[:a.ntaps] {
		maxTap = max(maxTap, t)
	}
	in := unsafe.Slice((*T)(src), (last(a.srcPlane, a.srcOff, a.srcSlab, a.srcRow)+maxTap)/es+a.w)
	out := unsafe.Slice((*T)(dst), last(a.dstPlane, a.dstOff, a.dstSlab, a.dstRow)/es+a.wo)
	w := goRow[T]{op: op, pat: pat, a: a, es: es}
	var ix []int64
	if op == kMaxIdx {
		ix = unsafe.Slice((*int64)(idx), last(a.idxPlane, a.idxOff, a.idxSlab, a.idxRow)/8+a.wo)
	}
	if op == kSum || op == kSumSq {
		w.div = unsafe.Slice((*T)(a.div), a.wo)
	}
	var rows [maxTaps][]T
	w.rows = rows[:a.ntaps]
	for pl := range planes {
		for z := range a.slabs {
			for r := range a.rows {
				i := pl*a.srcPlane + a.srcOff + z*a.srcSlab + r*a.srcRow
				for v, t := range a.tapOff[:a.ntaps] {
					w.rows[v] = in[(i+t)/es:][:a.w]
				}
				w.ptr = unsafe.Add(src, i)
				o := (pl*a.dstPlane + a.dstOff + z*a.dstSlab + r*a.dstRow) / es
				w.out = out[o : o+a.wo]
				if ix != nil {
					x := (pl*a.idxPlane + a.idxOff + z*a.idxSlab + r*a.idxRow) / 8
					w.ix = ix[x : x+a.wo]
				}
				w.base = a.slabIdx*int32(z) + a.rowIdx*int32(r)
				w.run()
			}
		}
	}
	return planes
}

// goRow is one output row of a pure-Go window kernel.
type goRow[T Float] struct {
	op   kernelOp
	pat  rowPattern
	a    *winArgs
	es   int
	div  []T // sums: the divisor of each output column
	rows [][]T
	ptr  unsafe.Pointer // the row's input base, for the reference
	out  []T
	ix   []int64 // max with index: the row's indices
	base int32   // max with index: the plane index of the row's column 0, less tapIdx
	// Max: the outputs of a segment whose Go max is suspect, and the column
	// maxima of its tap rows (here, not in maxSegment, to be cleared once a
	// call).
	sus [maxSeg]int32
	buf [maxSeg]T
}

// run computes the row: its edge outputs one by one, its interior ones with
// the loops.
func (w *goRow[T]) run() {
	a := w.a
	for j := range a.c0 {
		w.edge(j)
	}
	for j := a.c1; j < a.wo; j++ {
		w.edge(j)
	}
	if a.c1 <= a.c0 {
		return
	}
	i0 := a.c0*a.s - a.p // the first tap of the first interior output
	n := a.c1 - a.c0
	need := (n-1)*a.s + (a.k-1)*a.d + 1 // the columns the interior reads
	switch w.op {
	case kSum, kSumSq:
		w.sums(w.out[a.c0:a.c1], i0, need)
	default:
		w.maxima(w.out[a.c0:a.c1], i0, need)
	}
}

// edge computes output j, whose window leaves the row, from its taps
// inside the row, [t0, t1): a sum in order, a max as in the interior (with
// index, and without taps inside the row, the reference).
func (w *goRow[T]) edge(j int) {
	a := w.a
	c := j*a.s - a.p // the column of tap 0
	t0, t1 := 0, a.k
	if c < 0 {
		t0 = (-c + a.d - 1) / a.d
	}
	if end := c + (a.k-1)*a.d; end >= a.w {
		t1 = max(0, (a.w-c+a.d-1)/a.d)
	}
	if t1 <= t0 || w.op == kMaxIdx {
		w.exact(j)
		return
	}
	switch w.op {
	case kSum, kSumSq:
		var sum T
		for _, r := range w.rows {
			for t := t0; t < t1; t++ {
				x := r[c+t*a.d]
				if w.op == kSumSq {
					x = T(x * x)
				}
				sum += x
			}
		}
		w.out[j] = sumPostRef(a, sum, j)
	default:
		m := w.rows[0][c+t0*a.d]
		for _, r := range w.rows {
			for t := t0; t < t1; t++ {
				m = max(m, r[c+t*a.d])
			}
		}
		switch {
		case m == 0:
			m = firstZero(w.rows, c+t0*a.d, t1-t0, a.d)
		case suspect(m):
			w.exact(j)
			return
		}
		w.out[j] = m
	}
}

// exact computes output j with the reference.
func (w *goRow[T]) exact(j int) {
	v, at := windowRefOne[T](w.op, w.a, w.ptr, j, w.es)
	if w.op == kSum || w.op == kSumSq {
		v = sumPostRef(w.a, v, j)
	}
	w.out[j] = v
	if w.ix != nil {
		w.ix[j] = planeIndex(w.base, at)
	}
}

// sums computes the interior outputs acc of a sum row, whose taps are the
// columns [i0, i0+need) of the tap rows.
func (w *goRow[T]) sums(acc []T, i0, need int) {
	var taps [3][]T // whole windows of up to three rows: one loop
	fused := false
	if len(w.rows) <= len(taps) {
		for v, r := range w.rows {
			taps[v] = r[i0 : i0+need]
		}
		fused = sumWindows(w.op, w.pat, acc, taps[:len(w.rows)])
	}
	if !fused {
		clear(acc)
		for _, r := range w.rows {
			sumRow(w.op, w.pat, acc, r[i0:i0+need])
		}
	}
	postRow(w.a, acc, w.div[w.a.c0:w.a.c1])
}

// maxSeg bounds the outputs of a max row taken at a time, and the width of
// the stack buffer of column maxima.
const maxSeg = 512

// maxima computes the interior outputs m of a max row (and their indices),
// whose taps are the columns [i0, i0+need) of the tap rows, maxSeg outputs
// at a time.
func (w *goRow[T]) maxima(m []T, i0, need int) {
	a := w.a
	span := (a.k-1)*a.d + 1
	per := maxSeg
	if w.foldsRows() {
		per = (maxSeg-span)/a.s + 1 // outputs whose columns fit the buffer
	}
	for j := 0; j < len(m); j += per {
		n := min(per, len(m)-j)
		w.maxSegment(m[j:j+n], j, i0+j*a.s, (n-1)*a.s+span)
	}
}

// foldsRows reports whether the max of a row folds its tap rows into the
// buffer of columns first: more than one tap, and more tap rows than a loop
// of the pattern takes at once.
func (w *goRow[T]) foldsRows() bool {
	return w.a.k > 1 && len(w.rows) > 1 && (len(w.rows) > 2 || w.pat != pS2K2D1)
}

// maxSegment computes the outputs m of a max row, from interior output j0
// on, whose taps are the columns [i0, i0+need) of the tap rows.
func (w *goRow[T]) maxSegment(m []T, j0, i0, need int) {
	a, sus := w.a, w.sus[:]
	var n int
	switch {
	case a.k == 1:
		n = foldMax(m, w.rows, i0, sus)
	case len(w.rows) == 1:
		n = maxRow(w.pat, m, w.rows[0][i0:i0+need], sus)
	case !w.foldsRows():
		n = maxS2K2D1x2(m, w.rows[0][i0:i0+need], w.rows[1][i0:i0+need], sus)
	default:
		// Fold the tap rows into columns, then take the columns' maxima
		// horizontally.
		cols := w.buf[:need]
		foldMax(cols, w.rows, i0, sus)
		n = maxRow(w.pat, m, cols, sus)
	}
	if w.ix != nil {
		ix := w.ix[a.c0+j0:][:len(m)]
		for v := len(w.rows) - 1; v >= 0; v-- {
			indexRow(w.pat, ix, m, w.rows[v][i0:i0+need], int64(w.base+a.tapIdx[v])+int64(i0))
		}
	}
	// A zero's sign is the first zero's (whose index the scans found);
	// NaNs and tiny values from the reference.
	for _, j := range sus[:n] {
		switch x := m[j]; {
		case x == 0:
			m[j] = firstZero(w.rows, i0+int(j)*a.s, a.k, a.d)
		case suspect(x):
			w.exact(a.c0 + j0 + int(j))
		}
	}
}
