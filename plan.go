package simdpool

import (
	"fmt"
	"math"
	"unsafe"
)

// NewMax prepares max pooling over g, with the index of each maximum (flat in
// its plane) when withIdx is set.
func NewMax[T Float](g Geometry, withIdx bool) (*Program[T], error) {
	if withIdx {
		return newWindow[T](g, opMaxIdx, kMaxIdx, nil, nil)
	}
	return newWindow[T](g, opMax, kMax, nil, nil)
}

// NewAvg prepares average pooling over g (dilation ignored), each window sum
// divided as div says.
func NewAvg[T Float](g Geometry, div Divisor) (*Program[T], error) {
	g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
	if err := div.check(&g); err != nil {
		return nil, err
	}
	return newWindow[T](g, opAvg, kSum, &div, nil)
}

// NewLp prepares LP pooling over g (dilation ignored, no padding).
func NewLp[T Float](g Geometry, pw Power) (*Program[T], error) {
	g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
	if g.D.Pad != 0 || g.H.Pad != 0 || g.W.Pad != 0 {
		return nil, fmt.Errorf("simdpool: LP pooling has no padding, got %d, %d, %d", g.D.Pad, g.H.Pad, g.W.Pad)
	}
	op := kSum
	switch {
	case pw.P == 2:
		op = kSumSq
	case pw.P != 1:
		op = 0 // no kernel: the generic powers
	}
	return newWindow[T](g, opLp, op, nil, &pw)
}

// check validates a geometry: every size positive (outputs may be 0), no
// element count beyond an int.
func (g *Geometry) check() error {
	if g.Planes < 0 {
		return fmt.Errorf("simdpool: negative plane count %d", g.Planes)
	}
	in, out := 1, 1
	for i, a := range [...]*Axis{&g.D, &g.H, &g.W} {
		if a.In < 1 || a.Out < 0 || a.Kernel < 1 || a.Stride < 1 || a.Dilation < 1 || a.Pad < 0 {
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
// cache while every class of output rows runs over it.
const batchBytes = 256 << 10

// newWindow prepares a window op: op is the Program's, kop the kernels' (0:
// none, the generic kernels run).
func newWindow[T Float](g Geometry, op progOp, kop kernelOp, div *Divisor, pw *Power) (*Program[T], error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	pr := &Program[T]{op: op, g: g, isa: Current(), inLen: g.Planes * g.InPlane(), outLen: g.Planes * g.OutPlane(), div: div, pw: pw}
	es := size[T]()
	id := noKernel
	if kop != 0 && int64(g.InPlane()) < math.MaxInt32 && int64(g.OutPlane()) < math.MaxInt32 {
		id = find(kindWindow, kop, pr.isa, es, g.W.Stride, g.W.Kernel, g.W.Dilation, g.W.Pad)
	}
	if id == noKernel {
		return pr, nil
	}
	pr.batch = max(1, batchBytes/(g.InPlane()*es))
	L := info(id).lanes
	c0, c1, nc := chunks(L, g.W.In, g.W.Out, g.W.Stride, g.W.Kernel, g.W.Dilation, g.W.Pad)
	for _, dc := range axisClasses(&g.D, divFactors(div, 'D')) {
		for _, hc := range axisClasses(&g.H, divFactors(div, 'H')) {
			ntaps := (dc.k1 - dc.k0) * (hc.k1 - hc.k0)
			if ntaps < 1 || ntaps > maxTaps {
				pr.classes = nil // a window with no rows, or too many: the generic kernels
				return pr, nil
			}
			c := winClass{kernel: id, od0: dc.o0, od1: dc.o1, oh0: hc.o0, oh1: hc.o1}
			a := &c.a
			row, plane := g.W.In, g.H.In*g.W.In
			d0 := dc.start + dc.k0*g.D.Dilation // the first tap row of output (od0, oh0)
			h0 := hc.start + hc.k0*g.H.Dilation
			base := d0*plane + h0*row
			a.srcOff, a.dstOff, a.idxOff = base*es, (dc.o0*g.H.Out+hc.o0)*g.W.Out*es, (dc.o0*g.H.Out+hc.o0)*g.W.Out*8
			a.srcPlane, a.dstPlane, a.idxPlane = g.InPlane()*es, g.OutPlane()*es, g.OutPlane()*8
			a.slabs, a.rows = dc.o1-dc.o0, hc.o1-hc.o0
			a.srcSlab, a.dstSlab, a.idxSlab = g.D.Stride*plane*es, g.H.Out*g.W.Out*es, g.H.Out*g.W.Out*8
			a.srcRow, a.dstRow, a.idxRow = g.H.Stride*row*es, g.W.Out*es, g.W.Out*8
			a.slabIdx, a.rowIdx = int32(g.D.Stride*plane), int32(g.H.Stride*row)
			a.ntaps = 0
			for kd := dc.k0; kd < dc.k1; kd++ {
				for kh := hc.k0; kh < hc.k1; kh++ {
					off := (kd-dc.k0)*g.D.Dilation*plane + (kh-hc.k0)*g.H.Dilation*row
					a.tapOff[a.ntaps] = off * es
					a.tapIdx[a.ntaps] = int32(base + off)
					a.ntaps++
				}
			}
			a.w, a.wo = g.W.In, g.W.Out
			a.s, a.k, a.d, a.p = g.W.Stride, g.W.Kernel, g.W.Dilation, g.W.Pad
			a.c0, a.c1, a.nc = c0, c1, nc
			if kop == kSum || kop == kSumSq {
				c.tables = sumTables[T](a, &g, op, div, pw, dc, hc, nc*L)
			}
			pr.classes = append(pr.classes, c)
		}
	}
	return pr, nil
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
			_, _, dn := g.D.Span(dc.o0)
			_, _, hn := g.H.Span(hc.o0)
			_, _, wn := g.W.Span(j)
			d[j] = T(dn * hn * wn)
		case div.Override != 0:
			d[j] = T(div.Override)
		case div.Successive:
			d[j] = T(div.W[j])
		default:
			d[j] = T(int64(dc.factor) * int64(hc.factor) * int64(div.W[j]))
		}
	}
	for j := range r {
		r[j] = 1 / d[j]
	}
	switch {
	case op == opLp && pw.P == 1:
		a.post = postLp1
	case op == opLp:
		a.post = postLp2
	case div.Override == 0 && div.Successive:
		a.post = postSuccessive
		a.fD, a.fH = float64(dc.factor), float64(hc.factor)
	default:
		a.post = postAvg
	}
	if op == opLp {
		a.vol = float64(g.D.Kernel * g.H.Kernel * g.W.Kernel)
	}
	a.div, a.rcp = unsafe.Pointer(&d[0]), unsafe.Pointer(&r[0])
	return [2][]T{d, r}
}
