package simdpool

import (
	"errors"
	"fmt"
	"math/bits"
	"sync"
	"unsafe"
)

// A Program is the prepared kernel work of one pooling operator for one
// Geometry and element type: which kernel runs each class of output rows, with
// its argument block (offsets, chunk ranges, divisor tables), and how the
// planes are batched. NewMax, NewAvg, NewLp, NewGlobalMax and NewGlobalMean
// make one; Run then only walks the prepared work. A Program is immutable and
// safe for concurrent use.
//
// A Program keeps the kernels of the ISA in use when it was made (see Use):
// switching the ISA later does not change the Programs made before.
type Program[T Elem] struct {
	op            progOp
	g             Geometry
	isa           ISA
	inLen, outLen int
	batch         int            // planes per batch, the unit of work (window ops: at most 64; every step of a batch runs before the next batch)
	steps         []step         // window ops: the kernel calls of a batch, in order (nil: generic kernels)
	scratch       int            // bytes of scratch a batch needs (two-pass max)
	global        kernelID       // global ops: the kernel (noKernel: generic)
	generic       genericFunc[T] // the generic kernels of the op
	jobs          sync.Pool      // *progJob[T]: RunOn's, reused
	cl            *chanPlan[T]   // channels-last (g.Channels > 0): its work, in images (chanlast.go)
}

// progOp is what a Program computes.
type progOp int

const (
	opMax progOp = iota
	opMaxIdx
	opAvg
	opLp
	opGlobalMax
	opGlobalMaxIdx
	opGlobalMean
)

// step is one window kernel call per batch of planes: a class of output rows
// read from the input, or, in two-pass max pooling, the horizontal pass of a
// band of input rows into the scratch and then the classes of the band's
// output rows read from there.
type step struct {
	kernel           kernelID
	a                winArgs
	scratchIn, toScr bool // read from the scratch, write to the scratch (else src, dst)
	tables           any  // the divisor tables a.div and a.rcp point into
}

// ErrLength is returned by Run when a slice does not have the length the
// Program was made for.
var ErrLength = errors.New("simdpool: slice length does not match the program's geometry")

// InputLen is the length Run requires of src.
func (p *Program[T]) InputLen() int { return p.inLen }

// OutputLen is the length Run requires of dst (and of idx, for an op with indices).
func (p *Program[T]) OutputLen() int { return p.outLen }

// ISA is the instruction set the Program's kernels were chosen for.
func (p *Program[T]) ISA() ISA { return p.isa }

// HasIndices reports whether Run writes indices (and so requires idx).
func (p *Program[T]) HasIndices() bool { return p.op == opMaxIdx || p.op == opGlobalMaxIdx }

// Run computes the operator from src into dst, and the indices into idx when
// the op has them (idx must be nil otherwise). It checks every length first
// and writes nothing when one is wrong.
func (p *Program[T]) Run(dst []T, idx []int64, src []T) error {
	if err := p.check(dst, idx, src); err != nil || p.outLen == 0 {
		return err
	}
	scr := p.getScratch()
	p.runPlanes(dst, idx, src, 0, p.Planes(), scr)
	p.putScratch(scr)
	return nil
}

// RunPlanes is Run for the planes [lo, hi) only (the images, for a
// channels-last Program): the slices have Run's lengths, and only the outputs
// (and indices) of those planes are written, as Run writes them. A caller
// that splits the planes among goroutines of its own, or follows each part
// with work of its own, runs the parts so.
func (p *Program[T]) RunPlanes(dst []T, idx []int64, src []T, lo, hi int) error {
	if lo < 0 || hi > p.Planes() || lo > hi {
		return fmt.Errorf("simdpool: planes [%d, %d) outside [0, %d)", lo, hi, p.Planes())
	}
	if err := p.check(dst, idx, src); err != nil || p.outLen == 0 {
		return err
	}
	scr := p.getScratch()
	p.runPlanes(dst, idx, src, lo, hi, scr)
	p.putScratch(scr)
	return nil
}

// Planes is the number of units Run's work splits into (RunPlanes' range):
// the planes of the Program's geometry, or for a channels-last Program its
// images.
func (p *Program[T]) Planes() int {
	if p.cl != nil {
		return p.cl.images
	}
	return p.g.Planes
}

// check checks the lengths of Run's slices.
func (p *Program[T]) check(dst []T, idx []int64, src []T) error {
	if len(src) != p.inLen || len(dst) != p.outLen {
		return fmt.Errorf("%w: src %d (want %d), dst %d (want %d)", ErrLength, len(src), p.inLen, len(dst), p.outLen)
	}
	if p.HasIndices() != (idx != nil) || (idx != nil && len(idx) != p.outLen) {
		return fmt.Errorf("%w: idx %d (want %d, or nil without indices)", ErrLength, len(idx), p.outLen)
	}
	return nil
}

// runPlanes computes the planes (channels-last: the images) [lo, hi), batch
// by batch, with scr as the scratch.
func (p *Program[T]) runPlanes(dst []T, idx []int64, src []T, lo, hi int, scr unsafe.Pointer) {
	if p.cl != nil {
		p.runChannelsLast(dst, idx, src, lo, hi)
		return
	}
	for p0 := lo; p0 < hi; p0 += p.batch {
		p1 := min(p0+p.batch, hi)
		switch {
		case p.op >= opGlobalMax:
			p.runGlobal(dst, idx, src, p0, p1)
		case p.steps == nil:
			p.runGeneric(dst, idx, src, p0, p1)
		default:
			p.runBatch(dst, idx, src, p0, p1-p0, scr)
		}
	}
}

// getScratch takes a scratch buffer for a goroutine's runs of p (nil when p
// needs none); putScratch gives it back.
func (p *Program[T]) getScratch() unsafe.Pointer {
	if p.scratch == 0 {
		return nil
	}
	return unsafe.Pointer(scratchPool.Get().(*[scratchBytes / 8]uint64))
}

func (p *Program[T]) putScratch(scr unsafe.Pointer) {
	if scr != nil {
		scratchPool.Put((*[scratchBytes / 8]uint64)(scr))
	}
}

// scratchBytes is the scratch of a batch of two-pass max pooling: the
// horizontal maxima of a band of input rows, in L1 or L2.
const scratchBytes = 96 << 10

var scratchPool = sync.Pool{New: func() any { return new([scratchBytes / 8]uint64) }}

// runBatch runs the steps over the n planes from p0 (at most 64). A max
// kernel that meets a NaN leaves its plane, which is then computed exactly
// once the batch is done.
func (p *Program[T]) runBatch(dst []T, idx []int64, src []T, p0, n int, scr unsafe.Pointer) {
	inPlane, outPlane := p.g.InPlane(), p.g.OutPlane()
	var redo uint64 // planes of the batch to compute exactly
	for i := range p.steps {
		st := &p.steps[i]
		in, out := unsafe.Pointer(&src[p0*inPlane]), unsafe.Pointer(&dst[p0*outPlane])
		var x unsafe.Pointer
		switch {
		case st.toScr:
			out = scr
		case idx != nil:
			x = unsafe.Pointer(&idx[p0*outPlane])
		}
		if st.scratchIn {
			in = scr
		}
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
		p.exactPlane(dst, idx, src, p0+bits.TrailingZeros64(redo))
	}
}

// exactPlane computes plane pl with the generic max kernel.
func (p *Program[T]) exactPlane(dst []T, idx []int64, src []T, pl int) {
	inPlane, outPlane := p.g.InPlane(), p.g.OutPlane()
	var x []int64
	if idx != nil {
		x = idx[pl*outPlane : (pl+1)*outPlane]
	}
	maxRows(dst[pl*outPlane:(pl+1)*outPlane], x, src[pl*inPlane:(pl+1)*inPlane], &p.g, 0, p.g.D.Out*p.g.H.Out)
}

// runGeneric runs the generic kernels on planes [p0, p1).
func (p *Program[T]) runGeneric(dst []T, idx []int64, src []T, p0, p1 int) {
	inPlane, outPlane := p.g.InPlane(), p.g.OutPlane()
	g := p.g
	g.Planes = p1 - p0
	var x []int64
	if idx != nil {
		x = idx[p0*outPlane : p1*outPlane]
	}
	p.generic(dst[p0*outPlane:p1*outPlane], x, src[p0*inPlane:p1*inPlane], g, p0)
}

// Kernels names the kernels the Program runs, in order, without repeats
// ("generic" where the generic kernels run).
func (p *Program[T]) Kernels() []string {
	var names []string
	add := func(id kernelID) {
		n := "generic"
		if id != noKernel {
			n = info(id).name
		}
		if len(names) == 0 || names[len(names)-1] != n {
			names = append(names, n)
		}
	}
	switch {
	case p.cl != nil && p.cl.exactOnly:
		add(noKernel)
	case p.cl != nil:
		for _, id := range p.cl.kernels {
			add(id)
		}
	case p.op >= opGlobalMax:
		add(p.global)
	case p.steps == nil:
		add(noKernel)
	}
	for _, st := range p.steps {
		add(st.kernel)
	}
	return names
}
