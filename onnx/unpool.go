package onnx

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/simdpool/simdpool"
)

// MaxUnpoolAttrs are the attributes of ONNX's MaxUnpool (opset 9 and 11),
// under their ONNX names, and one choice that is not an ONNX attribute.
type MaxUnpoolAttrs struct {
	KernelShape []int // kernel_shape, required: one per spatial axis (1 to 3)
	Pads        []int // pads: all begins, then all ends; nil: 0
	Strides     []int // strides: nil: 1
	// IndexInferredShape (not an ONNX attribute) reads the indices as the
	// ONNX reference implementation and ONNX's own test data do when the
	// input output_shape is given: as positions in the inferred output
	// shape, (in-1)*stride + kernel - pads per axis, which is then
	// zero-extended to output_shape. By default they are positions in the
	// output_shape tensor itself, as the operator's documentation, PyTorch's
	// max_unpool and onnxruntime read them (the indices MaxPool gives for an
	// input of that shape). Without output_shape both readings agree.
	IndexInferredShape bool
}

// UnpoolPlan is a validated MaxUnpool for one input shape and output
// shape: Run scatters any number of inputs into caller-provided outputs
// without allocating. An UnpoolPlan is immutable and safe for concurrent use
// by many goroutines.
type UnpoolPlan[T Float] struct {
	in, out       []int
	inLen, outLen int
	planes        int
	inPlane       int   // inputs per (n, c) plane
	outPlane      int   // outputs per (n, c) plane
	space         int   // the indices lie in [0, space)
	spacePlane    int   // the index space per (n, c) plane
	remap         remap // IndexInferredShape with an output_shape larger than inferred, else nil
	tasks         sync.Pool
}

// remap maps a position of the inferred output shape to the output_shape
// tensor it is zero-extended into: per spatial axis the inferred size and
// the output's stride.
type remap struct {
	inferred []int
	stride   []int
}

// at maps position r of an inferred plane to its place in an output plane.
func (m *remap) at(r int) int {
	at := 0
	for a := len(m.inferred) - 1; a >= 0; a-- {
		s := m.inferred[a]
		at += (r % s) * m.stride[a]
		r /= s
	}
	return at
}

// NewMaxUnpool plans MaxUnpool for inputs X (and indices I) of shape (N, C,
// D1, ..., Dn), n = len(KernelShape). outputShape is the optional third
// input output_shape, the whole output shape (N, C, spatial...); nil
// infers it: (in-1)*stride + kernel - pad_begin - pad_end per axis.
func NewMaxUnpool[T Float](inputShape, outputShape []int, a MaxUnpoolAttrs) (*UnpoolPlan[T], error) {
	const op = "MaxUnpool"
	if err := kernelShape(op, a.KernelShape); err != nil {
		return nil, err
	}
	n := len(a.KernelShape)
	in, err := parseInput(op, inputShape, n)
	if err != nil {
		return nil, err
	}
	strides, err := perAxis(op, "strides", a.Strides, n, 1)
	if err == nil {
		err = positive(op, "strides", strides)
	}
	if err != nil {
		return nil, err
	}
	w := window{pads: a.Pads}
	pads, err := w.padding(op, n)
	if err != nil {
		return nil, err
	}
	inferred := make([]int, n)
	for i, l := range in.spatial {
		inferred[i] = (l-1)*strides[i] + a.KernelShape[i] - pads[i] - pads[n+i] // each term is below 2^62
	}
	useInferred := outputShape == nil || a.IndexInferredShape
	if useInferred {
		for _, s := range inferred {
			if s < 1 || s > maxArg {
				return nil, errorf(op, "pads", "%v give the inferred output size (in-1)*strides + kernel_shape - pads = %v, which must be between 1 and %d", pads, inferred, maxArg)
			}
		}
	}
	out := inferred
	if outputShape != nil {
		if out, err = unpoolShape(op, &in, outputShape, inferred, a.IndexInferredShape); err != nil {
			return nil, err
		}
	}
	if err := simdpool.ISAError(); err != nil {
		return nil, err
	}
	p := &UnpoolPlan[T]{in: in.shape, out: in.outShape(out), inLen: in.numel, planes: in.planes, inPlane: in.plane}
	var ok bool
	if p.outLen, ok = product(p.out); ok {
		p.outPlane, ok = product(out)
	}
	if !ok {
		return nil, errorf(op, "output_shape", "gives more elements than an int holds, shape %v", p.out)
	}
	p.spacePlane = p.outPlane
	if useInferred {
		p.spacePlane, _ = product(inferred) // at most the output's
		if !slices.Equal(inferred, out) {
			p.remap = remap{inferred: inferred, stride: make([]int, n)}
			st := 1
			for i := n - 1; i >= 0; i-- {
				p.remap.stride[i], st = st, st*out[i]
			}
		}
	}
	p.space = p.planes * p.spacePlane
	return p, nil
}

// unpoolShape validates the input output_shape: X's rank, N and C, spatial
// sizes in [1, maxArg], and for the inferred indexing no size below the
// inferred one. It returns the spatial sizes.
func unpoolShape(op string, in *input, shape, inferred []int, indexInferred bool) ([]int, error) {
	if len(shape) != len(in.shape) {
		return nil, errorf(op, "output_shape", "must have %d values (X's rank), got %v", len(in.shape), shape)
	}
	if shape[0] != in.shape[0] || shape[1] != in.shape[1] {
		return nil, errorf(op, "output_shape", "%v must keep X's N and C, %v", shape, in.shape[:2])
	}
	out := slices.Clone(shape[2:])
	for i, s := range out {
		if s < 1 || s > maxArg {
			return nil, errorf(op, "output_shape", "spatial sizes must be between 1 and %d, got %v", maxArg, shape)
		}
		if indexInferred && s < inferred[i] {
			return nil, errorf(op, "output_shape", "%v must not be smaller than the inferred shape %v, which IndexInferredShape zero-extends into it", shape, inferred)
		}
	}
	return out, nil
}

// InputShape is the input (and indices) shape the plan was made for.
func (p *UnpoolPlan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output.
func (p *UnpoolPlan[T]) OutputShape() []int { return slices.Clone(p.out) }

// Run sets y, of the plan's output shape, to zero, then writes each value of
// x, in order, where its index in indices says (see the package
// documentation): indices has one entry per element of x, each checked
// before anything is written, so that on error y is untouched. When indices
// repeat, the last value written wins. y must not overlap x.
func (p *UnpoolPlan[T]) Run(y, x []T, indices []int64) error { return p.RunOn(nil, y, x, indices) }

// RunOn is Run on the workers w: the same outputs, bit for bit, computed on
// up to w.Size() goroutines when every index lies in its own (n, c) plane
// (as MaxPool's do), else on the caller alone.
func (p *UnpoolPlan[T]) RunOn(w *Workers, y, x []T, indices []int64) error {
	const op = "MaxUnpool"
	if err := checkWorkers(op, w); err != nil {
		return err
	}
	if len(x) != p.inLen {
		return errorf(op, "X", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(x))
	}
	if len(indices) != p.inLen {
		return errorf(op, "I", "must have one element per element of X, %d for shape %v, got %d", p.inLen, p.in, len(indices))
	}
	if len(y) != p.outLen {
		return errorf(op, "output", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(y))
	}
	ownPlanes := true
	for i, at := range indices {
		if at < 0 || at >= int64(p.space) {
			return errorf(op, "I", "must lie in [0, %d), got %d at position %d", p.space, at, i)
		}
		ownPlanes = ownPlanes && int(at)/p.spacePlane == i/p.inPlane
	}
	units := 1
	if ownPlanes {
		units = w.Units(p.planes, (p.inLen+p.outLen)*int(unsafe.Sizeof(y[0]))+p.inLen*8)
	}
	t, _ := p.tasks.Get().(*unpoolRun[T])
	if t == nil {
		t = &unpoolRun[T]{p: p}
	}
	t.y, t.x, t.idx = y, x, indices
	if units == 1 {
		clear(y)
		p.scatter(y, x, indices)
	} else {
		t.per = (p.planes + units - 1) / units
		w.Parallel((p.planes+t.per-1)/t.per, t)
	}
	t.y, t.x, t.idx = nil, nil, nil
	p.tasks.Put(t)
	return nil
}

// scatter writes each value of x at the output position of its index, in
// order.
func (p *UnpoolPlan[T]) scatter(y, x []T, indices []int64) {
	if p.remap.inferred == nil {
		for i, at := range indices {
			y[at] = x[i]
		}
		return
	}
	for i, at := range indices {
		q, r := int(at)/p.spacePlane, int(at)%p.spacePlane
		y[q*p.outPlane+p.remap.at(r)] = x[i]
	}
}

// unpoolRun is one RunOn shared by planes: its slices and the planes of a
// unit.
type unpoolRun[T Float] struct {
	p    *UnpoolPlan[T]
	y, x []T
	idx  []int64
	per  int
}

// Unit zeroes and writes the output planes of unit u, whose indices all lie
// in their own planes.
func (t *unpoolRun[T]) Unit(u int) {
	p := t.p
	lo, hi := u*t.per, min((u+1)*t.per, p.planes)
	clear(t.y[lo*p.outPlane : hi*p.outPlane])
	p.scatter(t.y, t.x[lo*p.inPlane:hi*p.inPlane], t.idx[lo*p.inPlane:hi*p.inPlane])
}

// MaxUnpool is ONNX's MaxUnpool: indices has X's shape; outputShape is the
// optional input output_shape (nil: inferred).
func MaxUnpool[T Float](x Tensor[T], indices Tensor[int64], outputShape []int, a MaxUnpoolAttrs) (Tensor[T], error) {
	p, err := NewMaxUnpool[T](x.Shape, outputShape, a)
	if err != nil {
		return Tensor[T]{}, err
	}
	if !slices.Equal(indices.Shape, x.Shape) {
		return Tensor[T]{}, errorf("MaxUnpool", "I", "must have X's shape %v, got %v", x.Shape, indices.Shape)
	}
	y := NewTensor[T](p.out...)
	if err := p.Run(y.Data, x.Data, indices.Data); err != nil {
		return Tensor[T]{}, err
	}
	return y, nil
}
