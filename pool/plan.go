package pool

import "slices"

// Plan is a validated pooling operator for one input shape. It precomputes
// everything that depends on the shape and the options only; Run and
// RunWithIndices then pool any number of inputs of that shape into
// caller-provided outputs without allocating. A Plan is immutable and safe
// for concurrent use by many goroutines.
type Plan[T Float] struct {
	op         string
	in, out    []int
	inLen      int
	outLen     int
	hasIndices bool
	kernel     func(dst []T, idx []int64, src []T) // idx is nil unless hasIndices
}

// newPlan refuses to plan while SIMDPOOL_ISA names an ISA that cannot run.
func newPlan[T Float](in *input, outSpatial []int, hasIndices bool, kernel func(dst []T, idx []int64, src []T)) (*Plan[T], error) {
	if err := isaError(in.op); err != nil {
		return nil, err
	}
	out := in.outShape(outSpatial)
	outLen, ok := product(out)
	if !ok {
		return nil, errorf(in.op, "output", "has more elements than an int holds, shape %v", out)
	}
	return &Plan[T]{op: in.op, in: in.shape, out: out, inLen: in.numel, outLen: outLen, hasIndices: hasIndices, kernel: kernel}, nil
}

// Op is the name of the operator: PyTorch's (e.g. "max_pool2d"), or for
// global pooling "global_max_pool2d", "global_avg_pool2d", "global_lp_pool2d"
// and their 1d and 3d forms.
func (p *Plan[T]) Op() string { return p.op }

// InputShape is the input shape the plan was made for.
func (p *Plan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output (and of the indices).
func (p *Plan[T]) OutputShape() []int { return slices.Clone(p.out) }

// HasIndices reports whether the operator returns indices (max-type pooling).
func (p *Plan[T]) HasIndices() bool { return p.hasIndices }

// Run pools src, of the plan's input shape, into dst, of its output shape.
// dst must not overlap src. On error nothing is written.
func (p *Plan[T]) Run(dst, src []T) error {
	if err := p.check(dst, src); err != nil {
		return err
	}
	p.kernel(dst, nil, src)
	return nil
}

// RunWithIndices is Run that also writes, for each output, the flat index
// inside its (n, c) plane of the input element it came from, as PyTorch's
// return_indices does. Only max-type operators have indices.
func (p *Plan[T]) RunWithIndices(dst []T, indices []int64, src []T) error {
	if !p.hasIndices {
		return errorf(p.op, "indices", "are not an output of %s", p.op)
	}
	if len(indices) != p.outLen {
		return errorf(p.op, "indices", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(indices))
	}
	if err := p.check(dst, src); err != nil {
		return err
	}
	p.kernel(dst, indices, src)
	return nil
}

func (p *Plan[T]) check(dst, src []T) error {
	if len(src) != p.inLen {
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	if len(dst) != p.outLen {
		return errorf(p.op, "dst", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(dst))
	}
	return nil
}

// apply runs p on a tensor, allocating the output (and the indices when
// withIndices is set): the one-call form of every operator.
func apply[T Float](p *Plan[T], err error, x Tensor[T], withIndices bool) (Tensor[T], []int64, error) {
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	out := NewTensor[T](p.out...)
	if !withIndices {
		err = p.Run(out.Data, x.Data)
		if err != nil {
			return Tensor[T]{}, nil, err
		}
		return out, nil, nil
	}
	idx := make([]int64, p.outLen)
	if err := p.RunWithIndices(out.Data, idx, x.Data); err != nil {
		return Tensor[T]{}, nil, err
	}
	return out, idx, nil
}
