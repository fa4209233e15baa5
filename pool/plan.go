package pool

import (
	"slices"

	"github.com/simdpool/simdpool"
)

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
	kernel     kernel[T]
	back       backKernel[T]     // the gradient, channels-first (backward.go)
	first      *channelsFirst[T] // channels-last: the channels-first copies the backward works on (else nil)
}

// kernel is how a plan runs: the function, and the names of the root
// package's kernels it calls (for Kernels).
type kernel[T Float] struct {
	run   kernelFunc[T]
	names []string
}

// kernelFunc runs a plan's operator, on the workers w (nil: the caller's
// goroutine), on slices whose lengths the plan has checked; idx is nil unless
// the caller wants indices.
type kernelFunc[T Float] func(w *Workers, dst []T, idx []int64, src []T) error

// programs prepares the kernel that runs the root package's Programs: val
// without indices and, for max-type ops, withIdx with them.
func programs[T Float](val, withIdx *simdpool.Program[T]) kernel[T] {
	names := val.Kernels()
	if withIdx != nil {
		for _, n := range withIdx.Kernels() {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	return kernel[T]{names: names, run: func(w *Workers, dst []T, idx []int64, src []T) error {
		if idx != nil {
			return withIdx.RunOn(w, dst, idx, src)
		}
		return val.RunOn(w, dst, nil, src)
	}}
}

// newMaxKernel prepares max pooling over g in the root package, without and
// with indices.
func newMaxKernel[T Float](op string, g simdpool.Geometry) (kernel[T], error) {
	val, err := simdpool.NewMax[T](g, false)
	if err != nil {
		return kernel[T]{}, internalError(op, err)
	}
	withIdx, err := simdpool.NewMax[T](g, true)
	if err != nil {
		return kernel[T]{}, internalError(op, err)
	}
	return programs(val, withIdx), nil
}

// newPlan refuses to plan while SIMDPOOL_ISA names an ISA that cannot run.
// The caller has checked the output's size (input.checkOutput).
func newPlan[T Float](in *input, outSpatial []int, hasIndices bool, k kernel[T]) (*Plan[T], error) {
	if err := isaError(in.op); err != nil {
		return nil, err
	}
	out := in.outShape(outSpatial)
	outLen, _ := product(out)
	p := &Plan[T]{op: in.op, in: in.shape, out: out, inLen: in.numel, outLen: outLen, hasIndices: hasIndices, kernel: k}
	if in.layout == ChannelsLast {
		outPlane, _ := product(outSpatial)
		p.first = newChannelsFirst[T](in, outPlane)
	}
	return p, nil
}

// Kernels names the kernels of the root package the plan runs (Run's, then
// those RunWithIndices adds), e.g. [maxWinS2K3D1P1F32AVX512
// maxWinS1K1D1P0F32AVX512 maxIdxWinS2K3D1P1F32AVX512]: the ISA's, chosen
// when the plan was made. See the README's "Kernels and dispatch".
func (p *Plan[T]) Kernels() []string { return slices.Clone(p.kernel.names) }

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
	return p.kernel.run(nil, dst, nil, src)
}

// RunOn is Run on the workers w: the same outputs, bit for bit, computed on
// up to w.Size() goroutines (see Workers).
func (p *Plan[T]) RunOn(w *Workers, dst, src []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := p.check(dst, src); err != nil {
		return err
	}
	return p.kernel.run(w, dst, nil, src)
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
	return p.kernel.run(nil, dst, indices, src)
}

// RunWithIndicesOn is RunWithIndices on the workers w (see RunOn).
func (p *Plan[T]) RunWithIndicesOn(w *Workers, dst []T, indices []int64, src []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if !p.hasIndices {
		return errorf(p.op, "indices", "are not an output of %s", p.op)
	}
	if len(indices) != p.outLen {
		return errorf(p.op, "indices", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(indices))
	}
	if err := p.check(dst, src); err != nil {
		return err
	}
	return p.kernel.run(w, dst, indices, src)
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

// apply is the one-call form of every operator op whose plan is a Plan: it
// checks x, plans for its shape, allocates the output (and the indices when
// withIndices is set) and runs the plan.
func apply[T Float](op string, x Tensor[T], withIndices bool, plan func() (*Plan[T], error)) (Tensor[T], []int64, error) {
	p, err := planFor(op, x, plan)
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	out, err := makeTensor[T](p.op, "output", p.out)
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	var idx []int64
	if withIndices {
		idx = make([]int64, p.outLen)
		err = p.RunWithIndices(out.Data, idx, x.Data)
	} else {
		err = p.Run(out.Data, x.Data)
	}
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	return out, idx, nil
}

// planFor calls plan once x.Data is known to hold the elements of x.Shape,
// so that no plan is made, and nothing allocated, for a shape the data
// belies. A shape that is no tensor shape at all is left to plan, whose
// constructor names the rule it breaks before allocating anything.
func planFor[T Float, P any](op string, x Tensor[T], plan func() (P, error)) (P, error) {
	if n, err := tensorElements(op, "x", x.Shape); err == nil && n != len(x.Data) {
		var none P
		return none, errorf(op, "x", "has %d elements in Data, but its Shape %v holds %d", len(x.Data), x.Shape, n)
	}
	return plan()
}
