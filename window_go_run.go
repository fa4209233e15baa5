package simdpool

import "unsafe"

// The fast pure-Go window kernels: the contract of winArgs (see windowRef,
// its reference) computed row by row, each output row in three parts. Its
// edge outputs (chunks [0, c0) and [c1, nc), one output per chunk), whose
// windows leave the row, are computed by the reference, tap by tap with
// column tests. Its interior outputs, whose taps all lie in the row, are
// computed by loops made for one horizontal pattern (stride, taps, dilation:
// rowPattern, window_go_shapes.go) over whole tap rows:
//
//   - sums: the outputs are cleared to +0, each tap row in order adds its taps
//     in order (so every output is +0 plus its taps in row-major order, as
//     the contract says), then the row is divided as winArgs.post says.
//   - max: the maximum of every window is taken with Go's max, which is exact
//     except for zeros (max(-0, +0) is +0 in either order, where the contract
//     keeps the first) and NaNs (any NaN, where the contract keeps the last).
//     So every output that is a zero or a NaN (or a tiny value whose square
//     is 0: a cheap test that errs on the safe side) is recomputed by the
//     reference; no plane is ever left to the caller. Go's max has no order,
//     so the tap rows are folded first, column by column, then the columns
//     taken horizontally: separable, each column folded once.
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
}

// run computes the row: its edge outputs with the reference, its interior
// ones with the loops.
func (w *goRow[T]) run() {
	a := w.a
	for j := range a.c0 {
		w.exact(j)
	}
	for j := a.c1; j < a.wo; j++ {
		w.exact(j)
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

// exact computes output j with the reference.
func (w *goRow[T]) exact(j int) {
	v, at := windowRefOne[T](w.op, w.a, w.ptr, j, w.es)
	if w.op == kSum || w.op == kSumSq {
		v = sumPostRef(w.a, v, j)
	}
	w.out[j] = v
	if w.ix != nil {
		w.ix[j] = int64(w.base + at)
	}
}

// sums computes the interior outputs acc of a sum row, whose taps are the
// columns [i0, i0+need) of the tap rows.
func (w *goRow[T]) sums(acc []T, i0, need int) {
	clear(acc)
	for _, r := range w.rows {
		sumRow(w.op, w.pat, acc, r[i0:i0+need])
	}
	postRow(w.a, acc, w.div[w.a.c0:w.a.c1])
}

// foldCols is the width of the stack buffer of column maxima.
const foldCols = 512

// maxima computes the interior outputs m of a max row (and their indices),
// whose taps are the columns [i0, i0+need) of the tap rows.
func (w *goRow[T]) maxima(m []T, i0, need int) {
	a := w.a
	switch {
	case a.k == 1:
		foldMax(m, w.rows, i0)
	case len(w.rows) == 1:
		maxRow(w.pat, m, w.rows[0][i0:i0+need])
	default:
		// Fold the tap rows into columns, a buffer at a time, then take
		// the columns' maxima horizontally.
		var buf [foldCols]T
		span := (a.k-1)*a.d + 1
		per := (foldCols-span)/a.s + 1 // outputs per buffer
		for j := 0; j < len(m); j += per {
			seg := m[j:min(j+per, len(m))]
			cols := buf[:(len(seg)-1)*a.s+span]
			foldMax(cols, w.rows, i0+j*a.s)
			maxRow(w.pat, seg, cols)
		}
	}
	if w.ix != nil {
		ix := w.ix[a.c0:a.c1]
		for v := len(w.rows) - 1; v >= 0; v-- {
			indexRow(w.pat, ix, m, w.rows[v][i0:i0+need], int64(w.base+a.tapIdx[v])+int64(i0))
		}
	}
	// Zeros and NaNs (and tiny values) from the reference.
	for j, x := range m {
		if !(x*x > 0) {
			w.exact(a.c0 + j)
		}
	}
}
