package onnx

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/simdpool/simdpool"
)

// Plan is a validated pooling operator (MaxPool, AveragePool, LpPool and the
// Global ones) for one input shape. It precomputes everything that depends
// on the shape and the attributes; Run and RunWithIndices then pool any
// number of inputs of that shape into caller-provided outputs without
// allocating. A Plan is immutable and safe for concurrent use by many
// goroutines.
type Plan[T Elem] struct {
	op            string
	in, out       []int
	inLen, outLen int
	val           *simdpool.Program[T] // Run's
	withIdx       *simdpool.Program[T] // RunWithIndices' (MaxPool), else nil
	flat          flatIndex            // MaxPool: the Indices' layout
	runs          sync.Pool            // *indexRun[T]: RunWithIndicesOn's, reused
}

// newPlan makes the plan of op for input in and output spatial sizes out,
// run by val (and, with indices, withIdx). It refuses to plan while
// SIMDPOOL_ISA names an ISA that cannot run.
func newPlan[T Elem](op string, in *input, out []int, val, withIdx *simdpool.Program[T]) (*Plan[T], error) {
	if err := simdpool.ISAError(); err != nil {
		return nil, err
	}
	shape := in.outShape(out)
	outLen, ok := product(shape)
	if !ok {
		return nil, errorf(op, "Y", "has more elements than an int holds, shape %v", shape)
	}
	return &Plan[T]{op: op, in: in.shape, out: shape, inLen: in.numel, outLen: outLen, val: val, withIdx: withIdx}, nil
}

// Op is the ONNX name of the operator, e.g. "MaxPool".
func (p *Plan[T]) Op() string { return p.op }

// InputShape is the input shape the plan was made for.
func (p *Plan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output Y (and of MaxPool's Indices).
func (p *Plan[T]) OutputShape() []int { return slices.Clone(p.out) }

// HasIndices reports whether the operator has the output Indices (MaxPool).
func (p *Plan[T]) HasIndices() bool { return p.withIdx != nil }

// Kernels names the kernels of the root package the plan runs (Run's, then
// those RunWithIndices adds): the ISA's, chosen when the plan was made.
func (p *Plan[T]) Kernels() []string {
	names := p.val.Kernels()
	if p.withIdx != nil {
		for _, n := range p.withIdx.Kernels() {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return names
}

// Run pools x, of the plan's input shape, into y, of its output shape. y
// must not overlap x. On error nothing is written.
func (p *Plan[T]) Run(y, x []T) error { return p.RunOn(nil, y, x) }

// RunOn is Run on the workers w: the same outputs, bit for bit, computed on
// up to w.Size() goroutines (w nil: the caller's alone).
func (p *Plan[T]) RunOn(w *Workers, y, x []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := p.check(y, x); err != nil {
		return err
	}
	return p.val.RunOn(w, y, nil, x)
}

// RunWithIndices is Run that also writes MaxPool's second output, Indices:
// for each output, the position of the input element it came from, flat
// over the whole input tensor (N and C included), row-major or, with
// storage_order 1, column-major over the spatial axes (see the package
// documentation); -1 for a window that holds no input element.
func (p *Plan[T]) RunWithIndices(y []T, indices []int64, x []T) error {
	return p.RunWithIndicesOn(nil, y, indices, x)
}

// RunWithIndicesOn is RunWithIndices on the workers w (see RunOn).
func (p *Plan[T]) RunWithIndicesOn(w *Workers, y []T, indices []int64, x []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if p.withIdx == nil {
		return errorf(p.op, "Indices", "are not an output of %s", p.op)
	}
	if len(indices) != p.outLen {
		return errorf(p.op, "Indices", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(indices))
	}
	if err := p.check(y, x); err != nil {
		return err
	}
	planes := p.withIdx.Planes()
	units := w.Units(planes, (p.inLen+p.outLen)*int(unsafe.Sizeof(x[0]))+p.outLen*16)
	r, _ := p.runs.Get().(*indexRun[T])
	if r == nil {
		r = &indexRun[T]{p: p}
	}
	r.y, r.idx, r.x, r.per = y, indices, x, (planes+units-1)/max(units, 1)
	if units == 1 {
		r.Unit(0)
	} else {
		w.Parallel((planes+r.per-1)/r.per, r)
	}
	r.y, r.idx, r.x = nil, nil, nil
	p.runs.Put(r)
	return nil
}

// indexRun is one RunWithIndicesOn: its slices and the planes of a unit.
type indexRun[T Elem] struct {
	p    *Plan[T]
	y, x []T
	idx  []int64
	per  int
}

// Unit computes the planes of unit u, then turns their indices, flat in
// each plane, into ONNX's.
func (r *indexRun[T]) Unit(u int) {
	planes := r.p.withIdx.Planes()
	lo, hi := min(u*r.per, planes), min((u+1)*r.per, planes)
	// The lengths were checked and lo, hi lie in [0, planes]: no error.
	_ = r.p.withIdx.RunPlanes(r.y, r.idx, r.x, lo, hi)
	outPlane := r.p.outLen / max(planes, 1)
	r.p.flat.apply(r.idx[lo*outPlane:hi*outPlane], lo, outPlane)
}

func (p *Plan[T]) check(y, x []T) error {
	if len(x) != p.inLen {
		return errorf(p.op, "X", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(x))
	}
	if len(y) != p.outLen {
		return errorf(p.op, "Y", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(y))
	}
	return nil
}

// flatIndex turns the indices the kernels give, flat inside each (n, c)
// plane and row-major, into MaxPool's: flat over the whole input, and with
// storage_order 1 column-major over the spatial axes.
type flatIndex struct {
	spatial     []int // the input's spatial sizes
	inPlane     int
	columnMajor bool
}

// apply rewrites the indices of the planes from plane first, outPlane per
// plane. An index of -1 (a window of padding only) stays -1.
func (f *flatIndex) apply(idx []int64, first, outPlane int) {
	for i, v := range idx {
		if v < 0 {
			continue
		}
		if f.columnMajor {
			v = f.transpose(v)
		}
		idx[i] = int64(first+i/outPlane)*int64(f.inPlane) + v
	}
}

// transpose turns a row-major spatial index into the column-major one, the
// first spatial axis varying fastest.
func (f *flatIndex) transpose(v int64) int64 {
	var coords [3]int64
	n := len(f.spatial)
	for a := n - 1; a >= 0; a-- {
		s := int64(f.spatial[a])
		coords[a], v = v%s, v/s
	}
	var out, stride int64 = 0, 1
	for a := range n {
		out += coords[a] * stride
		stride *= int64(f.spatial[a])
	}
	return out
}

// apply runs p on a tensor, allocating the output (and, with withIndices,
// the Indices): the one-call form of every operator.
func apply[T Elem](p *Plan[T], err error, x Tensor[T], withIndices bool) (Tensor[T], Tensor[int64], error) {
	if err != nil {
		return Tensor[T]{}, Tensor[int64]{}, err
	}
	y := NewTensor[T](p.out...)
	if !withIndices {
		if err := p.Run(y.Data, x.Data); err != nil {
			return Tensor[T]{}, Tensor[int64]{}, err
		}
		return y, Tensor[int64]{}, nil
	}
	idx := NewTensor[int64](p.out...)
	if err := p.RunWithIndices(y.Data, idx.Data, x.Data); err != nil {
		return Tensor[T]{}, Tensor[int64]{}, err
	}
	return y, idx, nil
}
