package simdpool

import (
	"fmt"
	"math"
	"math/bits"
	"sync"
	"unsafe"
)

// A Backward is the prepared gradient of one pooling operator for one
// Geometry and element type: Run computes the gradient with respect to the
// operator's input (gin, of the forward's input length) from the gradient
// with respect to its output (gout), as PyTorch 1.13's CPU backward does, bit
// for bit (LP: see lpBackwardGeneric). NewMaxBackward, NewScatterBackward,
// NewAvgBackward, NewLpBackward and NewGlobalMeanBackward make one. Like a
// Program it picks its kernels when it is made, for the ISA in use then, is
// immutable and safe for concurrent use:
//
//   - max-type pooling scatters each output's gradient to its index, in
//     output order (the generic scatter); max pooling whose windows do not
//     overlap runs expand kernels, which write each gradient row once;
//   - average pooling with non-overlapping windows runs expand kernels too,
//     and with stride 1 along every axis two Programs: the quotients of
//     gout, then their sums over the transposed windows (the outputs whose
//     windows hold an input, in output order, which is the scatter's order);
//   - global average pooling fills each plane with its quotient.
type Backward[T Float] struct {
	op            backOp
	g             Geometry
	isa           ISA
	inLen, outLen int      // the lengths of gin (the forward's input) and gout (its output)
	batch         int      // planes per unit of work (expand kernels: at most 64)
	div           *Divisor // average: the divisors
	pw            *Power   // LP: the power
	steps         []step   // expand kernels: the calls of a batch (nil: none)
	zeroRuns      [][2]int // expand kernels: the element ranges of a plane that no window holds
	quot, sums    *Program[T]
	global        kernelID  // mean: the fill kernel (noKernel: generic)
	quotients     sync.Pool // stride-1 average: *[]T of a batch's quotients
	jobs          sync.Pool // *backJob[T]: RunOn's, reused
}

// backOp is what a Backward computes.
type backOp int

const (
	backScatter backOp = iota // max-type: from the forward's indices
	backAvg
	backLp
	backMean
)

// IndexError reports an index handed to a max-type Backward outside
// [-1, Limit): Limit is the number of elements of an input plane (-1 is the
// index max pooling gives a window without elements inside the input; it
// contributes nothing).
type IndexError struct {
	Pos   int // the position in the indices
	Index int64
	Limit int
}

func (e *IndexError) Error() string {
	return fmt.Sprintf("simdpool: index %d at position %d is outside [-1, %d)", e.Index, e.Pos, e.Limit)
}

// NewScatterBackward prepares the backward of a max-type pooling of planes
// planes of inPlane inputs and outPlane outputs, from the forward's indices
// (flat in each plane), for windows of any shape (adaptive, fractional and
// stochastic pooling): the generic scatter.
func NewScatterBackward[T Float](planes, inPlane, outPlane int) (*Backward[T], error) {
	g := Geometry{Planes: planes, D: Unit, H: Unit, W: Axis{In: inPlane, Out: outPlane, Kernel: 1, Stride: 1, Dilation: 1}}
	return newBackward[T](g, backScatter)
}

// NewMaxBackward prepares the backward of max pooling over g, from the
// forward's indices; windows that do not overlap run expand kernels.
func NewMaxBackward[T Float](g Geometry) (*Backward[T], error) {
	b, err := newBackward[T](g, backScatter)
	if err != nil || !nonOverlapping(&b.g) {
		return b, err
	}
	b.planExpand(kMaxBwd)
	return b, nil
}

// NewAvgBackward prepares the backward of average pooling over g (dilation
// ignored), each output's gradient divided as div says.
func NewAvgBackward[T Float](g Geometry, div Divisor) (*Backward[T], error) {
	g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
	if err := div.check(&g); err != nil {
		return nil, err
	}
	b, err := newBackward[T](g, backAvg)
	if err != nil {
		return nil, err
	}
	b.div = &div
	switch {
	case nonOverlapping(&b.g):
		b.planExpand(kAvgBwd)
	case g.D.Stride == 1 && g.H.Stride == 1 && g.W.Stride == 1:
		if err := b.planStride1(); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// NewLpBackward prepares the backward of LP pooling over g (dilation
// ignored, no padding); its Run needs the forward's input.
func NewLpBackward[T Float](g Geometry, pw Power) (*Backward[T], error) {
	g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
	if g.D.Pad != 0 || g.H.Pad != 0 || g.W.Pad != 0 {
		return nil, fmt.Errorf("simdpool: LP pooling has no padding, got %d, %d, %d", g.D.Pad, g.H.Pad, g.W.Pad)
	}
	b, err := newBackward[T](g, backLp)
	if err == nil {
		b.pw = &pw
	}
	return b, err
}

// NewGlobalMeanBackward prepares the backward of the mean of each of planes
// planes of n elements (global average pooling).
func NewGlobalMeanBackward[T Float](planes, n int) (*Backward[T], error) {
	g := Geometry{Planes: planes, D: Unit, H: Unit, W: Axis{In: n, Out: 1, Kernel: n, Stride: n, Dilation: 1}}
	b, err := newBackward[T](g, backMean)
	if err != nil {
		return nil, err
	}
	b.global = find(kindGlobal, kMeanBwd, b.isa, elemOf[T](), 0, 0, 0, 0)
	b.batch = max(1, globalBatch/max(n, 1))
	return b, nil
}

func newBackward[T Float](g Geometry, op backOp) (*Backward[T], error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	if g.Channels > 1 {
		return nil, fmt.Errorf("simdpool: a Backward is channels-first: Geometry.Channels must be 0 or 1, got %d (copy channels-last tensors channels-first, as package pool does)", g.Channels)
	}
	b := &Backward[T]{op: op, g: g, isa: Current(), inLen: g.Planes * g.InPlane(), outLen: g.Planes * g.OutPlane()}
	b.batch = max(1, batchBytes/max(g.InPlane()*size[T](), 1))
	return b, nil
}

// nonOverlapping reports whether no input lies in two windows of g (and
// every window's elements are contiguous along each axis): stride at least
// the kernel, no dilation, along every axis.
func nonOverlapping(g *Geometry) bool {
	for _, a := range [...]*Axis{&g.D, &g.H, &g.W} {
		if a.Stride < a.Kernel || (a.Dilation != 1 && a.Kernel != 1) {
			return false
		}
	}
	return true
}

// planExpand prepares the expand kernels of op (kMaxBwd or kAvgBwd), one
// step per class of output rows, and the rows no window covers; it leaves b
// generic when no kernel fits.
func (b *Backward[T]) planExpand(op kernelOp) {
	g, es := &b.g, size[T]()
	if int64(g.InPlane()) >= math.MaxInt32 || int64(g.OutPlane()) >= math.MaxInt32 || g.OutPlane() == 0 {
		return
	}
	id := find(kindWindow, op, b.isa, elemOf[T](), g.W.Stride, g.W.Kernel, 1, g.W.Pad)
	if id == noKernel {
		return
	}
	ki := info(id)
	dcs, hcs := axisClasses(&g.D, divFactors(b.div, 'D')), axisClasses(&g.H, divFactors(b.div, 'H'))
	var steps []step
	for _, dc := range dcs {
		for _, hc := range hcs {
			if n := (dc.k1 - dc.k0) * (hc.k1 - hc.k0); n < 1 || n > maxTaps {
				return
			}
			st := step{kernel: id}
			classArgs(&st.a, g, dc, hc, g.W.In, es, 0)
			if !st.a.setExpand(&g.W, ki.lanes) {
				return
			}
			if op == kAvgBwd {
				st.tables = sumTables[T](&st.a, g, opAvg, b.div, nil, dc, hc, st.a.nc*ki.lanes)
			}
			steps = append(steps, st)
		}
	}
	b.steps, b.zeroRuns = steps, uncoveredRuns(g)
	b.batch = min(maxBatch, b.batch)
}

// setExpand sets the horizontal geometry of an expand kernel of L lanes:
// chunk c holds the outputs [c*L, c*L+L) and writes the s*L columns from
// c*s*L - p; zero0 is the first column after the chunks, from which the
// kernel zeroes the rest of the row.
func (a *winArgs) setExpand(W *Axis, L int) bool {
	a.w, a.wo = W.In, W.Out
	a.s, a.k, a.d, a.p = W.Stride, W.Kernel, 1, W.Pad
	if !a.setChunks(L, -a.p, a.s*L-a.p) {
		return false
	}
	end := a.nc*a.s*L - a.p
	if a.tail >= 0 {
		end = a.wo*a.s - a.p
	}
	a.zero0 = min(end, a.w)
	return true
}

// uncoveredRuns lists the element ranges of a plane of g whose rows lie in
// no window (for windows that do not overlap: rows between the windows and
// after the last one).
func uncoveredRuns(g *Geometry) [][2]int {
	covered := func(a *Axis) []bool {
		c := make([]bool, a.In)
		for o := range a.Out {
			start, k0, k1 := a.taps(o)
			for t := k0; t < k1; t++ {
				c[start+t*a.Dilation] = true
			}
		}
		return c
	}
	cd, ch := covered(&g.D), covered(&g.H)
	var runs [][2]int
	row := g.W.In
	for d := range g.D.In {
		for h := range g.H.In {
			if cd[d] && ch[h] {
				continue
			}
			at := (d*g.H.In + h) * row
			if n := len(runs); n > 0 && runs[n-1][1] == at {
				runs[n-1][1] += row
			} else {
				runs = append(runs, [2]int{at, at + row})
			}
		}
	}
	return runs
}

// planStride1 prepares average pooling with stride 1 along every axis as two
// Programs: quot divides each output's gradient by its divisor (a window of
// one element), sums adds, for each input, the quotients of the outputs whose
// windows hold it (the transposed windows: kernel k, padding k-1-p, which
// visit those outputs in output order).
func (b *Backward[T]) planStride1() error {
	g := b.g
	one := func(a Axis) Axis { return Axis{In: a.Out, Out: a.Out, Kernel: 1, Stride: 1, Dilation: 1} }
	quot, err := NewAvg[T](Geometry{Planes: g.Planes, D: one(g.D), H: one(g.H), W: one(g.W)}, *b.div)
	if err != nil {
		return err
	}
	tr := func(a Axis) Axis {
		return Axis{In: a.Out, Out: a.In, Kernel: a.Kernel, Stride: 1, Pad: a.Kernel - 1 - a.Pad, Dilation: 1}
	}
	sums, err := NewAvg[T](Geometry{Planes: g.Planes, D: tr(g.D), H: tr(g.H), W: tr(g.W)}, Divisor{Override: 1})
	if err != nil {
		return err
	}
	b.quot, b.sums = quot, sums
	n := b.batch * g.OutPlane()
	b.quotients.New = func() any { q := make([]T, n); return &q }
	return nil
}

// InputLen is the length Run requires of gin (and of src, for LP).
func (b *Backward[T]) InputLen() int { return b.inLen }

// OutputLen is the length Run requires of gout (and of idx, for max-type ops).
func (b *Backward[T]) OutputLen() int { return b.outLen }

// ISA is the instruction set the Backward's kernels were chosen for.
func (b *Backward[T]) ISA() ISA { return b.isa }

// NeedsIndices reports whether Run requires the forward's indices.
func (b *Backward[T]) NeedsIndices() bool { return b.op == backScatter }

// NeedsInput reports whether Run requires the forward's input (LP pooling).
func (b *Backward[T]) NeedsInput() bool { return b.op == backLp }

// Run computes the gradient gin from gout: with the forward's indices idx for
// a max-type op (nil otherwise), every one checked to lie in [-1, input plane
// size) before anything is written (an IndexError otherwise), and with the
// forward's input src for LP pooling (nil otherwise). It checks every length
// first and writes nothing when one is wrong.
func (b *Backward[T]) Run(gin, gout []T, idx []int64, src []T) error {
	if err := b.check(gin, gout, idx, src); err != nil || b.inLen == 0 {
		return err
	}
	q := b.getQuotients()
	b.runPlanes(gin, gout, idx, src, 0, b.g.Planes, q)
	b.putQuotients(q)
	return nil
}

// check checks the lengths of Run's slices and the indices.
func (b *Backward[T]) check(gin, gout []T, idx []int64, src []T) error {
	if len(gin) != b.inLen || len(gout) != b.outLen {
		return fmt.Errorf("%w: gin %d (want %d), gout %d (want %d)", ErrLength, len(gin), b.inLen, len(gout), b.outLen)
	}
	if (b.NeedsIndices() && len(idx) != b.outLen) || (!b.NeedsIndices() && idx != nil) {
		return fmt.Errorf("%w: idx %d (want %d, or nil without indices)", ErrLength, len(idx), b.outLen)
	}
	if (b.NeedsInput() && len(src) != b.inLen) || (!b.NeedsInput() && src != nil) {
		return fmt.Errorf("%w: src %d (want %d, or nil but for LP)", ErrLength, len(src), b.inLen)
	}
	if idx != nil {
		return checkIndices(idx, b.g.InPlane())
	}
	return nil
}

// checkIndices fails on the first index outside [-1, limit).
func checkIndices(idx []int64, limit int) error {
	for i, at := range idx {
		if uint64(at+1) > uint64(limit) {
			return &IndexError{Pos: i, Index: at, Limit: limit}
		}
	}
	return nil
}

// runPlanes computes the gradient planes [lo, hi), batch by batch; q holds a
// batch's quotients (stride-1 average).
func (b *Backward[T]) runPlanes(gin, gout []T, idx []int64, src []T, lo, hi int, q *[]T) {
	for p0 := lo; p0 < hi; p0 += b.batch {
		p1 := min(p0+b.batch, hi)
		switch {
		case b.steps != nil:
			b.runExpand(gin, gout, idx, p0, p1-p0)
		case b.quot != nil:
			in, out := b.g.InPlane(), b.g.OutPlane()
			qs := (*q)[:(p1-p0)*out]
			b.quot.runPlanes(qs, nil, gout[p0*out:p1*out], 0, p1-p0, nil)
			b.sums.runPlanes(gin[p0*in:p1*in], nil, qs, 0, p1-p0, nil)
		default:
			b.runGeneric(gin, gout, idx, src, p0, p1)
		}
	}
}

func (b *Backward[T]) getQuotients() *[]T {
	if b.quot == nil {
		return nil
	}
	return b.quotients.Get().(*[]T)
}

func (b *Backward[T]) putQuotients(q *[]T) {
	if q != nil {
		b.quotients.Put(q)
	}
}

// runExpand runs the expand kernels over the n planes from p0 (at most 64):
// the rows no window covers are zeroed, then every step runs; a plane a max
// kernel leaves (an index outside its window) is scattered exactly.
func (b *Backward[T]) runExpand(gin, gout []T, idx []int64, p0, n int) {
	inPlane, outPlane := b.g.InPlane(), b.g.OutPlane()
	for pl := p0; pl < p0+n; pl++ {
		for _, r := range b.zeroRuns {
			clear(gin[pl*inPlane+r[0] : pl*inPlane+r[1]])
		}
	}
	in, out := unsafe.Pointer(&gin[p0*inPlane]), unsafe.Pointer(&gout[p0*outPlane])
	var x unsafe.Pointer
	if idx != nil {
		x = unsafe.Pointer(&idx[p0*outPlane])
	}
	var redo uint64 // planes of the batch to scatter exactly
	for i := range b.steps {
		st := &b.steps[i]
		for done := 0; done < n; {
			var xi unsafe.Pointer
			if x != nil {
				xi = unsafe.Add(x, done*st.a.idxPlane)
			}
			k := callWindow(st.kernel, &st.a, unsafe.Add(in, done*st.a.srcPlane), unsafe.Add(out, done*st.a.dstPlane), xi, n-done)
			if k >= n-done {
				break
			}
			redo |= 1 << (done + k)
			done += k + 1
		}
	}
	for ; redo != 0; redo &= redo - 1 {
		pl := p0 + bits.TrailingZeros64(redo)
		scatterPlane(gin[pl*inPlane:(pl+1)*inPlane], gout[pl*outPlane:(pl+1)*outPlane], idx[pl*outPlane:(pl+1)*outPlane])
	}
}

// runGeneric runs the generic backward on the planes [p0, p1).
func (b *Backward[T]) runGeneric(gin, gout []T, idx []int64, src []T, p0, p1 int) {
	in, out := b.g.InPlane(), b.g.OutPlane()
	g := b.g
	g.Planes = p1 - p0
	gi, gu := gin[p0*in:p1*in], gout[p0*out:p1*out]
	switch b.op {
	case backScatter:
		scatterGeneric(gi, gu, idx[p0*out:p1*out], g.Planes, in, out)
	case backAvg:
		avgBackwardGeneric(gi, gu, &g, b.div)
	case backLp:
		// The powers depend on the flat position (Power's exact tail), as in
		// the forward: the offsets shift with the first plane.
		pw := *b.pw
		pw.SrcTailFrom -= p0 * in
		pw.DstTailFrom -= p0 * out
		lpBackwardGeneric(gi, gu, src[p0*in:p1*in], &g, &pw)
	case backMean:
		if b.global == noKernel {
			meanBackwardGeneric(gi, gu, g.Planes, in)
		} else {
			callGlobal(b.global, unsafe.Pointer(&gi[0]), unsafe.Pointer(&gu[0]), g.Planes, in)
		}
	}
}

// Kernels names the kernels the Backward runs, in order, without repeats
// ("generic" where the generic kernels run).
func (b *Backward[T]) Kernels() []string {
	var names []string
	add := func(ns ...string) {
		for _, n := range ns {
			if len(names) == 0 || names[len(names)-1] != n {
				names = append(names, n)
			}
		}
	}
	switch {
	case b.steps != nil:
		for _, st := range b.steps {
			add(info(st.kernel).name)
		}
	case b.quot != nil:
		add(b.quot.Kernels()...)
		add(b.sums.Kernels()...)
	case b.global != noKernel:
		add(info(b.global).name)
	default:
		add("generic")
	}
	return names
}

// RunOn is Run on the workers w: the same gradient, bit for bit, computed on
// up to w.Size() goroutines, each unit of work a run of whole planes (see
// Program.RunOn).
func (b *Backward[T]) RunOn(w *Workers, gin, gout []T, idx []int64, src []T) error {
	if w != nil && w.closed.Load() {
		return ErrWorkersClosed
	}
	bytes := (b.inLen + b.outLen) * size[T]() // the traffic, as for a Program
	if src != nil {
		bytes += b.inLen * size[T]()
	}
	if idx != nil {
		bytes += 8 * b.outLen
	}
	units := w.Units(b.g.Planes, bytes)
	if units == 1 {
		return b.Run(gin, gout, idx, src)
	}
	if err := b.check(gin, gout, idx, src); err != nil || b.inLen == 0 {
		return err
	}
	j, _ := b.jobs.Get().(*backJob[T])
	if j == nil {
		j = &backJob[T]{b: b}
	}
	j.gin, j.gout, j.idx, j.src, j.per = gin, gout, idx, src, (b.g.Planes+units-1)/units
	w.Parallel((b.g.Planes+j.per-1)/j.per, j)
	j.gin, j.gout, j.idx, j.src = nil, nil, nil, nil
	b.jobs.Put(j)
	return nil
}

// backJob is one RunOn of a Backward: its slices, and the planes of a unit.
type backJob[T Float] struct {
	b              *Backward[T]
	gin, gout, src []T
	idx            []int64
	per            int
}

// Unit computes the planes of unit u, with quotients of its own.
func (j *backJob[T]) Unit(u int) {
	q := j.b.getQuotients()
	j.b.runPlanes(j.gin, j.gout, j.idx, j.src, u*j.per, min((u+1)*j.per, j.b.g.Planes), q)
	j.b.putQuotients(q)
}
