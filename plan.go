package simdpool

import (
	"fmt"
	"math"
	"unsafe"
)

// NewMax prepares max pooling over g, with the index of each maximum (flat in
// its plane) when withIdx is set. Padding is never a candidate: only the
// taps inside the input are.
func NewMax[T Elem](g Geometry, withIdx bool) (*Program[T], error) {
	gen := func(dst []T, idx []int64, src []T, g Geometry, _ int) { maxPoolGeneric(dst, idx, src, &g) }
	if withIdx {
		return newWindow(g, winOp[T]{op: opMaxIdx, kop: kMaxIdx, generic: gen})
	}
	return newWindow(g, winOp[T]{op: opMax, kop: kMax, generic: gen})
}

// NewAvg prepares average pooling over g, the sum of each window's taps
// inside the input divided as div says.
func NewAvg[T Float](g Geometry, div Divisor) (*Program[T], error) {
	if err := div.check(&g); err != nil {
		return nil, err
	}
	return newWindow(g, winOp[T]{op: opAvg, kop: kSum,
		factorsD: divFactors(&div, 'D'), factorsH: divFactors(&div, 'H'), factorsW: divFactors(&div, 'W'),
		generic: func(dst []T, _ []int64, src []T, g Geometry, _ int) { avgPoolGeneric(dst, src, &g, &div) },
		tables: func(a *winArgs, g *Geometry, dc, hc axisClass, n int) any {
			return sumTables[T](a, g, opAvg, &div, nil, dc, hc, n)
		},
		chanPost: func(a *chanArgs, g *Geometry, dc, hc, wc axisClass) { chanPost[T](a, g, &div, nil, dc, hc, wc) }})
}

// NewLp prepares LP pooling over g as pw says, the padding counting as zeros
// (PyTorch's lp_pool has none; ONNX's LpPool may).
func NewLp[T Float](g Geometry, pw Power) (*Program[T], error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	op := kSum
	switch {
	case pw.P == 2: // x*x = |x|*|x|
		op = kSumSq
	case pw.P != 1 || pw.Abs:
		op = 0 // no kernel: the generic powers
	}
	return newWindow(g, winOp[T]{op: opLp, kop: op,
		factorsD: paddedCounts(&g.D), factorsH: paddedCounts(&g.H), factorsW: paddedCounts(&g.W),
		generic: func(dst []T, _ []int64, src []T, g Geometry, p0 int) {
			// LP's powers depend on the flat position (Power's exact tail):
			// the offsets shift with the first plane.
			p := pw
			p.SrcTailFrom -= p0 * g.InPlane()
			p.DstTailFrom -= p0 * g.OutPlane()
			lpPoolGeneric(dst, src, &g, &p)
		},
		tables: func(a *winArgs, g *Geometry, dc, hc axisClass, n int) any {
			return sumTables[T](a, g, opLp, nil, &pw, dc, hc, n)
		},
		chanPost: func(a *chanArgs, g *Geometry, dc, hc, wc axisClass) { chanPost[T](a, g, nil, &pw, dc, hc, wc) }})
}

// winOp is what a window Program computes: op is the Program's, kop the
// kernels' (0: none, the generic kernels run); generic computes planes with
// the generic kernels. For the sum kernels, factorsD, factorsH and factorsW
// hold each output depth's, row's and column's divisor factor (nil: none),
// which a class of outputs shares; tables sets a class of output rows'
// post-processing and returns its divisor tables, and chanPost sets a
// channels-last class's (chanlast.go).
type winOp[T Elem] struct {
	op                           progOp
	kop                          kernelOp
	generic                      genericFunc[T]
	factorsD, factorsH, factorsW []int32
	tables                       func(a *winArgs, g *Geometry, dc, hc axisClass, n int) any
	chanPost                     func(a *chanArgs, g *Geometry, dc, hc, wc axisClass)
}

// paddedCounts lists, for each output along a, the taps of its window inside
// the padded extent (LP pooling's divisor factors).
func paddedCounts(a *Axis) []int32 {
	c := make([]int32, a.Out)
	for o := range c {
		c[o] = int32(a.Count(o, true))
	}
	return c
}

// genericFunc computes planes [p0, p0+g.Planes) of a Program with the
// generic kernels: dst, idx (nil without indices) and src hold those planes.
type genericFunc[T Elem] func(dst []T, idx []int64, src []T, g Geometry, p0 int)

// check validates a geometry: every size positive (outputs may be 0), no
// element count beyond an int.
func (g *Geometry) check() error {
	if g.Planes < 0 {
		return fmt.Errorf("simdpool: negative plane count %d", g.Planes)
	}
	if g.Channels < 0 || (g.Channels > 0 && g.Planes%g.Channels != 0) {
		return fmt.Errorf("simdpool: %d channels-last channels for %d planes", g.Channels, g.Planes)
	}
	in, out := 1, 1
	for i, a := range [...]*Axis{&g.D, &g.H, &g.W} {
		if a.In < 1 || a.Out < 0 || a.Kernel < 1 || a.Stride < 1 || a.Dilation < 1 || a.Pad < 0 || a.PadEnd < 0 {
			return fmt.Errorf("simdpool: invalid axis %d: %+v", i, *a)
		}
		var ok1, ok2 bool
		in, ok1 = mulInt(in, a.In)
		out, ok2 = mulInt(out, a.Out)
		if !ok1 || !ok2 {
			return fmt.Errorf("simdpool: plane too large: %+v", *g)
		}
	}
	_, ok1 := mulInt(in, g.Planes)
	_, ok2 := mulInt(out, g.Planes)
	if !ok1 || !ok2 {
		return fmt.Errorf("simdpool: too many elements: %+v", *g)
	}
	return nil
}

// check validates the divisor tables against g.
func (d *Divisor) check(g *Geometry) error {
	if d.Override != 0 {
		return nil
	}
	if len(d.D) != g.D.Out || len(d.H) != g.H.Out || len(d.W) != g.W.Out {
		return fmt.Errorf("simdpool: divisor tables of %d, %d, %d factors for outputs %d, %d, %d",
			len(d.D), len(d.H), len(d.W), g.D.Out, g.H.Out, g.W.Out)
	}
	return nil
}

// mulInt multiplies non-negative ints, reporting false on overflow.
func mulInt(a, b int) (int, bool) {
	if b != 0 && a > math.MaxInt/b {
		return 0, false
	}
	return a * b, true
}

// batchBytes bounds the input of a batch of planes, so that a batch stays in
// cache while every step runs over it.
const batchBytes = 256 << 10

// maxBatch bounds the planes of a batch (a batch's planes to redo exactly
// are the bits of a uint64).
const maxBatch = 64

// newWindow prepares the window op w over g.
func newWindow[T Elem](g Geometry, w winOp[T]) (*Program[T], error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	if g.Channels == 1 {
		g.Channels = 0 // one channel: the channels-first layout in memory
	}
	op, kop := w.op, w.kop
	pr := &Program[T]{op: op, g: g, isa: Current(), inLen: g.Planes * g.InPlane(), outLen: g.Planes * g.OutPlane(), generic: w.generic}
	if g.Channels > 0 {
		pr.planChannelsLast(w)
		return pr, nil
	}
	es := size[T]()
	pr.batch = max(1, batchBytes/max(g.InPlane()*es, 1)) // the generic kernels' units
	id := noKernel
	if kop != 0 && int64(g.InPlane()) < math.MaxInt32 && int64(g.OutPlane()) < math.MaxInt32 {
		k, p := g.W.liveTaps()
		id = find(kindWindow, kop, pr.isa, elemOf[T](), g.W.Stride, k, g.W.Dilation, p)
	}
	if id == noKernel {
		return pr, nil
	}
	pr.batch = min(maxBatch, pr.batch)
	dcs, hcs := axisClasses(&g.D, w.factorsD), axisClasses(&g.H, w.factorsH)
	for _, dc := range dcs {
		for _, hc := range hcs {
			if n := (dc.k1 - dc.k0) * (hc.k1 - hc.k0); n < 1 || n > maxTaps {
				return pr, nil // a window with no rows, or too many: the generic kernels
			}
		}
	}
	if op == opMax && twoPass(&g) {
		if vid := find(kindWindow, kMax, pr.isa, elemOf[T](), 1, 1, 1, 0); vid != noKernel {
			pr.planTwoPass(id, vid, dcs, hcs)
			return pr, nil
		}
	}
	for _, dc := range dcs {
		for _, hc := range hcs {
			st := step{kernel: id}
			classArgs(&st.a, &g, dc, hc, g.W.In, es, 0)
			if !st.a.setRow(&g.W, id) {
				pr.steps = nil
				return pr, nil
			}
			if w.tables != nil {
				st.tables = w.tables(&st.a, &g, dc, hc, st.a.nc*info(id).lanes)
			}
			pr.steps = append(pr.steps, st)
		}
	}
	return pr, nil
}

// classArgs sets the rows of a class of output rows (depths dc x rows hc)
// reading rows of w elements: the input (base 0) or, in two-pass max, the
// horizontal maxima of a band starting at input row base.
func classArgs(a *winArgs, g *Geometry, dc, hc axisClass, w, es, base int) {
	row, plane := w, g.H.In*w
	d0 := dc.start + dc.k0*g.D.Dilation // the first tap row of output (dc.o0, hc.o0)
	h0 := hc.start + hc.k0*g.H.Dilation
	first := d0*plane + h0*row
	a.srcOff = (first - base*row) * es
	a.dstOff, a.idxOff = (dc.o0*g.H.Out+hc.o0)*g.W.Out*es, (dc.o0*g.H.Out+hc.o0)*g.W.Out*8
	a.dstPlane, a.idxPlane = g.OutPlane()*es, g.OutPlane()*8
	a.srcPlane = g.InPlane() * es
	a.slabs, a.rows = dc.o1-dc.o0, hc.o1-hc.o0
	a.srcSlab, a.dstSlab, a.idxSlab = g.D.Stride*plane*es, g.H.Out*g.W.Out*es, g.H.Out*g.W.Out*8
	a.srcRow, a.dstRow, a.idxRow = g.H.Stride*row*es, g.W.Out*es, g.W.Out*8
	// Plane indices (max with index) are the input's: rows of g.W.In.
	a.slabIdx, a.rowIdx = int32(g.D.Stride*g.H.In*g.W.In), int32(g.H.Stride*g.W.In)
	d0i := (d0*g.H.In + h0) * g.W.In
	a.ntaps = 0
	for kd := dc.k0; kd < dc.k1; kd++ {
		for kh := hc.k0; kh < hc.k1; kh++ {
			dr := (kd-dc.k0)*g.D.Dilation*g.H.In + (kh-hc.k0)*g.H.Dilation // input rows from the first
			a.tapOff[a.ntaps] = dr * row * es
			a.tapIdx[a.ntaps] = int32(d0i + dr*g.W.In)
			a.ntaps++
		}
	}
}

// setRow sets the horizontal geometry of a: W's taps, in the chunks of
// kernel id; false when a row would have too many edge chunks.
func (a *winArgs) setRow(W *Axis, id kernelID) bool {
	a.w, a.wo = W.In, W.Out
	a.s, a.d = W.Stride, W.Dilation
	a.k, a.p = W.liveTaps()
	ki := info(id)
	if ki.size == 1 && ki.isa == AVX2 && (W.In < ki.lanes || W.Out < ki.lanes) {
		// AVX2 has no byte-masked loads and stores: its byte kernels load
		// an edge through the stack from a vector inside the row and move a
		// partial last chunk back to end at the row's end, so that a row
		// must hold a vector of inputs and of outputs.
		return false
	}
	lo, hi := ki.lo, ki.hi
	if ki.k == 0 {
		lo, hi = chunkReach(ki.lanes, a.s, a.k, a.d, a.p)
	}
	return a.setChunks(ki.lanes, lo, hi)
}

// liveTaps returns the horizontal taps of W that some output reads inside
// the row, as a number of taps k and a left padding p (the taps [t0, t1) of
// W's become taps [0, k), t0*d columns to the right): taps that every window
// finds outside the row add nothing, and a kernel of 2^24 taps over a short
// row must not walk them. p stays non-negative.
func (W *Axis) liveTaps() (k, p int) {
	t0 := max(0, W.Pad-(W.Out-1)*W.Stride) / W.Dilation // before: outside for every output
	t1 := min(W.Kernel, (W.In-1+W.Pad)/W.Dilation+1)    // from: outside for output 0, and so for all
	if t1 <= t0 {
		return 1, W.Pad // no tap is ever inside: the first, outside for every output
	}
	return t1 - t0, W.Pad - t0*W.Dilation
}

// twoPass reports whether max pooling over g is cheaper in two passes: the
// horizontal maxima of every input row once, then the vertical maxima of
// those: when the windows overlap vertically (an input row serves several
// output rows) and have more than one horizontal tap. First the horizontal
// taps of a row, then the rows in order: the row-major order of the window,
// so the result is the same.
func twoPass(g *Geometry) bool {
	overlap := g.H.Kernel*g.H.Dilation > g.H.Stride || g.D.Kernel*g.D.Dilation > g.D.Stride
	return overlap && g.W.Kernel > 1 && g.H.Kernel*g.D.Kernel > 1
}

// planTwoPass prepares two-pass max pooling: bands of output rows whose
// input rows' horizontal maxima fit the scratch, each a horizontal step (id)
// over the band's input rows into the scratch and a step (vid: one tap, no
// stride) per class of the band's output rows from there. Bands are runs of
// output depths (3d) or output rows (2d and 1d).
func (p *Program[T]) planTwoPass(id, vid kernelID, dcs, hcs []axisClass) {
	g, es := &p.g, size[T]()
	rowBytes := g.W.Out * es
	rowsFit := scratchBytes / rowBytes
	// in returns the input rows [r0, r1) (d*H.In + h) the outputs depths
	// [od0, od1) x rows [oh0, oh1) read; with dilation the first row read
	// need not grow with the output. 3d bands take whole depth slices.
	span := func(a *Axis, o0, o1 int) (lo, hi int) {
		lo, hi = a.In, 0
		for o := o0; o < o1; o++ {
			start, k0, k1 := a.taps(o)
			if k1 > k0 {
				lo, hi = min(lo, start+k0*a.Dilation), max(hi, start+(k1-1)*a.Dilation+1)
			}
		}
		return lo, hi
	}
	depth := g.D.In > 1 || g.D.Out > 1
	in := func(od0, od1, oh0, oh1 int) (int, int) {
		d0, d1 := span(&g.D, od0, od1)
		if depth {
			return d0 * g.H.In, d1 * g.H.In
		}
		h0, h1 := span(&g.H, oh0, oh1)
		return h0, max(h0, h1)
	}
	// The bands: split the outputs into runs whose input rows fit.
	type band struct{ od0, od1, oh0, oh1 int }
	var bands []band
	if depth {
		for od := 0; od < g.D.Out; {
			end := od + 1
			for end < g.D.Out {
				if r0, r1 := in(od, end+1, 0, g.H.Out); r1-r0 > rowsFit {
					break
				}
				end++
			}
			bands = append(bands, band{od, end, 0, g.H.Out})
			od = end
		}
	} else {
		for oh := 0; oh < g.H.Out; {
			end := oh + 1
			for end < g.H.Out {
				if r0, r1 := in(0, 1, oh, end+1); r1-r0 > rowsFit {
					break
				}
				end++
			}
			bands = append(bands, band{0, 1, oh, end})
			oh = end
		}
	}
	bandRows := 0
	for _, b := range bands {
		r0, r1 := in(b.od0, b.od1, b.oh0, b.oh1)
		bandRows = max(bandRows, r1-r0)
	}
	p.scratch = bandRows * rowBytes
	if p.scratch == 0 || p.scratch > scratchBytes { // no rows, or a band of one output row does not fit
		p.steps, p.scratch = nil, 0
		return
	}
	p.batch = min(p.batch, max(1, scratchBytes/p.scratch))
	// clip narrows a class to the outputs [o0, o1) of a band (its first
	// window moving with its first output).
	clip := func(c axisClass, a *Axis, o0, o1 int) (axisClass, bool) {
		if o0 > c.o0 {
			c.start += (o0 - c.o0) * a.Stride
			c.o0 = o0
		}
		c.o1 = min(c.o1, o1)
		return c, c.o0 < c.o1
	}
	for _, b := range bands {
		r0, r1 := in(b.od0, b.od1, b.oh0, b.oh1)
		h := step{kernel: id, toScr: true}
		a := &h.a
		a.srcOff, a.srcPlane, a.dstPlane = r0*g.W.In*es, g.InPlane()*es, p.scratch
		a.slabs, a.rows, a.srcRow, a.dstRow = 1, r1-r0, g.W.In*es, rowBytes
		a.ntaps = 1
		if !a.setRow(&g.W, id) {
			p.steps, p.scratch = nil, 0
			return
		}
		p.steps = append(p.steps, h)
		for _, dc := range dcs {
			dc, ok := clip(dc, &g.D, b.od0, b.od1)
			if !ok {
				continue
			}
			for _, hc := range hcs {
				hc, ok := clip(hc, &g.H, b.oh0, b.oh1)
				if !ok {
					continue
				}
				v := step{kernel: vid, scratchIn: true}
				classArgs(&v.a, g, dc, hc, g.W.Out, es, r0)
				v.a.srcPlane = p.scratch
				v.a.nanFree = 1 // a plane whose first pass met a NaN is redone
				if !v.a.setRow(&Axis{In: g.W.Out, Out: g.W.Out, Kernel: 1, Stride: 1, Dilation: 1}, vid) {
					p.steps, p.scratch = nil, 0
					return
				}
				p.steps = append(p.steps, v)
			}
		}
	}
}

// axisClass is a run of outputs [o0, o1) along an axis whose windows have the
// same taps inside the input, [k0, k1), and the same divisor factor; start is
// where the window of o0 starts.
type axisClass struct {
	o0, o1, k0, k1, start int
	factor                int32
}

// axisClasses splits the outputs along a into classes (factors, when not nil,
// must agree within a class too).
func axisClasses(a *Axis, factors []int32) []axisClass {
	var cs []axisClass
	for o := 0; o < a.Out; {
		start, k0, k1 := a.taps(o)
		c := axisClass{o0: o, k0: k0, k1: k1, start: start}
		if factors != nil {
			c.factor = factors[o]
		}
		for o++; o < a.Out; o++ {
			_, b0, b1 := a.taps(o)
			if b0 != k0 || b1 != k1 || (factors != nil && factors[o] != c.factor) {
				break
			}
		}
		c.o1 = o
		cs = append(cs, c)
	}
	return cs
}

// divFactors returns the divisor factors of div along axis 'D', 'H' or 'W'
// (nil without per-axis factors).
func divFactors(div *Divisor, axis byte) []int32 {
	if div == nil || div.Override != 0 {
		return nil
	}
	switch axis {
	case 'D':
		return div.D
	case 'H':
		return div.H
	}
	return div.W
}

// isPow2 reports whether x is a power of two (of either sign).
func isPow2[T Float](x T) bool {
	f := math.Abs(float64(x))
	frac, _ := math.Frexp(f)
	return f != 0 && frac == 0.5 && !math.IsInf(f, 0)
}

// sumTables sets the post-processing of a sum class and returns its divisor
// tables (n entries each, T): the divisor of each output column and its
// reciprocal.
func sumTables[T Float](a *winArgs, g *Geometry, op progOp, div *Divisor, pw *Power, dc, hc axisClass, n int) [2][]T {
	d, r := make([]T, n), make([]T, n)
	for j := range d {
		d[j] = 1
		if j >= g.W.Out {
			continue
		}
		switch {
		case op == opLp:
			d[j] = T(g.D.Count(dc.o0, true) * g.H.Count(hc.o0, true) * g.W.Count(j, true))
		case div.Override != 0:
			d[j] = T(div.Override)
		case div.Successive:
			d[j] = T(div.W[j])
		default:
			d[j] = T(int64(dc.factor) * int64(hc.factor) * int64(div.W[j]))
		}
	}
	a.pow2 = 1
	for j := range r {
		r[j] = 1 / d[j]
		if r[j]*d[j] != 1 || d[j] != d[j] || math.IsInf(float64(r[j]), 0) || !isPow2(d[j]) {
			a.pow2 = 0
		}
	}
	switch {
	case op == opLp && pw.P == 1:
		a.post = postLp1
	case op == opLp:
		a.post = postLp2
	case div.Override == 0 && div.Successive:
		a.post = postSuccessive
		a.fD, a.fH = float64(dc.factor), float64(hc.factor)
		a.rD, a.rH = float64(1/T(dc.factor)), float64(1/T(hc.factor))
	default:
		a.post = postAvg
	}
	if a.post == postSuccessive {
		a.qLo, a.qSpan = quotientRange(d, a.fD, a.fH)
	} else {
		a.qLo, a.qSpan = quotientRange(d)
	}
	if op == opLp {
		a.vol = float64(g.D.Kernel * g.H.Kernel * g.W.Kernel)
	}
	a.div, a.rcp = unsafe.Pointer(&d[0]), unsafe.Pointer(&r[0])
	return [2][]T{d, r}
}

// maxQuotientDivisor bounds the divisors of the reciprocal quotient (the
// range TestReciprocalQuotient checks).
const maxQuotientDivisor = 4096

// quotientRange returns the range of |sum| (as bits of T: the least, and the
// span above it) where the sum kernels may divide sums by the divisors d
// (after dividing them by the factors before, checked once for all) with a
// reciprocal and one FMA correction (see TestReciprocalQuotient): |sum| in
// [2^-60, 2^60) for float32, [2^-900, 2^900) for float64, far from where a
// step could under- or overflow, raised by 2^12 for each factor before
// other than 1 so that every step stays in range; empty when a divisor is
// not an integer of at most maxQuotientDivisor.
func quotientRange[T Float](d []T, before ...float64) (lo, span int64) {
	loExp, hiExp := -60, 60
	if size[T]() == 8 {
		loExp, hiExp = -900, 900
	}
	ok := func(x float64) bool { x = math.Abs(x); return x >= 1 && x <= maxQuotientDivisor && x == math.Trunc(x) }
	for _, x := range d {
		if !ok(float64(x)) {
			return 0, 0
		}
	}
	for _, f := range before {
		if !ok(f) {
			return 0, 0
		}
		if f != 1 {
			loExp += 12
		}
	}
	bits := func(e int) int64 {
		if size[T]() == 8 {
			return int64(math.Float64bits(math.Ldexp(1, e)))
		}
		return int64(math.Float32bits(float32(math.Ldexp(1, e))))
	}
	return bits(loExp), bits(hiExp) - bits(loExp)
}
