package pool

import (
	"slices"
	"sync"
)

// MaxUnpoolOptions are the arguments of torch.nn.functional.max_unpool1d/2d/3d,
// the partial inverse of max pooling. KernelSize, Stride and Padding take one
// value for every spatial dimension or one per dimension.
type MaxUnpoolOptions struct {
	KernelSize []int // required, > 0
	Stride     []int // nil: KernelSize; > 0
	// Padding (nil: 0) only enters the default output size; as in PyTorch it
	// is not otherwise checked.
	Padding []int
	// OutputSize is nil for the default size (in-1)*stride + kernel - 2*padding
	// per dimension. Otherwise it holds the spatial sizes, or the full
	// (N, C, spatial...) shape as PyTorch accepts it (the first two values are
	// then ignored; with Layout ChannelsLast the full shape is (N,
	// spatial..., C), its first and last values ignored), and each size must
	// lie strictly between default-stride and default+stride. Every output
	// size must be greater than zero.
	OutputSize []int
	// Layout is the layout of the input, the indices and the output:
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// UnpoolPlan is a validated max unpooling for one input shape: Run scatters
// any number of inputs into caller-provided outputs without allocating. An
// UnpoolPlan is immutable and safe for concurrent use by many goroutines.
type UnpoolPlan[T Float] struct {
	op                string
	in, out           []int
	spatial           []int // output spatial sizes
	inLen, outLen     int
	planes            int
	inPlane, outPlane int
	tasks             *sync.Pool        // runs' tasks (taskPool)
	backTasks         *sync.Pool        // Backward's tasks
	first             *channelsFirst[T] // channels-last: the channels-first copies runs and backwards work on (else nil)
}

// NewMaxUnpool1d plans max_unpool1d for inputs of shape (N, C, L) or (C, L).
func NewMaxUnpool1d[T Float](inputShape []int, o MaxUnpoolOptions) (*UnpoolPlan[T], error) {
	return newMaxUnpool[T]("max_unpool1d", 1, inputShape, o)
}

// NewMaxUnpool2d plans max_unpool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewMaxUnpool2d[T Float](inputShape []int, o MaxUnpoolOptions) (*UnpoolPlan[T], error) {
	return newMaxUnpool[T]("max_unpool2d", 2, inputShape, o)
}

// NewMaxUnpool3d plans max_unpool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewMaxUnpool3d[T Float](inputShape []int, o MaxUnpoolOptions) (*UnpoolPlan[T], error) {
	return newMaxUnpool[T]("max_unpool3d", 3, inputShape, o)
}

// MaxUnpool1d is torch.nn.functional.max_unpool1d: indices are flat, one
// per element of x (as max_pool1d returns them).
func MaxUnpool1d[T Float](x Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	return applyUnpool("max_unpool1d", x, indices, func() (*UnpoolPlan[T], error) { return NewMaxUnpool1d[T](x.Shape, o) })
}

// MaxUnpool2d is torch.nn.functional.max_unpool2d: indices are flat, one
// per element of x (as max_pool2d returns them).
func MaxUnpool2d[T Float](x Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	return applyUnpool("max_unpool2d", x, indices, func() (*UnpoolPlan[T], error) { return NewMaxUnpool2d[T](x.Shape, o) })
}

// MaxUnpool3d is torch.nn.functional.max_unpool3d: indices are flat, one
// per element of x (as max_pool3d returns them).
func MaxUnpool3d[T Float](x Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	return applyUnpool("max_unpool3d", x, indices, func() (*UnpoolPlan[T], error) { return NewMaxUnpool3d[T](x.Shape, o) })
}

// applyUnpool is the one-call form of op (see apply). It checks the indices
// before allocating the output.
func applyUnpool[T Float](op string, x Tensor[T], indices []int64, plan func() (*UnpoolPlan[T], error)) (Tensor[T], error) {
	p, err := planFor(op, x, plan)
	if err == nil {
		err = p.checkIndices(indices)
	}
	if err != nil {
		return Tensor[T]{}, err
	}
	out, err := makeTensor[T](p.op, "output", p.out)
	if err != nil {
		return Tensor[T]{}, err
	}
	if err := p.Run(out.Data, x.Data, indices); err != nil {
		return Tensor[T]{}, err
	}
	return out, nil
}

func newMaxUnpool[T Float](op string, dims int, shape []int, o MaxUnpoolOptions) (*UnpoolPlan[T], error) {
	// PyTorch checks the sizes of every non-batch dimension: the channels of
	// a batched input, but not those of an unbatched one.
	in, err := parseInput(op, shape, dims, len(shape) == dims+1, o.Layout)
	if err != nil {
		return nil, err
	}
	kernel, err := positiveSizes(op, "kernel_size", o.KernelSize, nil, dims, int64Arg)
	if err != nil {
		return nil, err
	}
	stride, err := positiveSizes(op, "stride", o.Stride, kernel, dims, int64Arg)
	if err != nil {
		return nil, err
	}
	pad, err := sizes(op, "padding", o.Padding, dims, 0, int64Arg)
	if err != nil {
		return nil, err
	}
	def := make([]int, dims)
	for i, l := range in.spatial {
		if def[i], err = unpoolSize(op, l, kernel[i], stride[i], pad[i]); err != nil {
			return nil, err
		}
	}
	out := def
	if o.OutputSize != nil {
		out = o.OutputSize
		if len(out) == dims+2 {
			out = out[2:]
			if in.layout == ChannelsLast {
				out = o.OutputSize[1 : 1+dims]
			}
		}
		if len(out) != dims {
			return nil, errorf(op, "output_size", "must have %d (spatial) or %d (full shape) values, got %d", dims, dims+2, len(o.OutputSize))
		}
		for i, s := range out {
			// Clamped to the int range, the bounds compare as the exact ones.
			if lo, hi := satAdd(def[i], -stride[i]), satAdd(def[i], stride[i]); s <= lo || s >= hi {
				return nil, errorf(op, "output_size", "%v: size %d of dimension %d must lie strictly between %d and %d (the default size %d -/+ stride)",
					o.OutputSize, s, i, lo, hi, def[i])
			}
		}
	}
	for _, s := range out {
		switch {
		case s <= 0 && o.OutputSize == nil:
			// (in-1)*stride + kernel_size >= 1: only padding can make it so.
			return nil, errorf(op, "padding", "%v is too large: the default output size (in-1)*stride + kernel_size - 2*padding = %v must be greater than zero", pad, def)
		case s <= 0:
			return nil, errorf(op, "output_size", "must be greater than zero, got %v", o.OutputSize)
		}
	}
	if err := in.checkOutput("output_size", out); err != nil {
		return nil, err
	}
	if err := isaError(op); err != nil {
		return nil, err
	}
	p := &UnpoolPlan[T]{op: op, in: in.shape, out: in.outShape(out), spatial: slices.Clone(out), inLen: in.numel, planes: in.planes}
	p.outLen, _ = product(p.out) // checked by checkOutput
	p.outPlane, _ = product(out)
	p.inPlane, _ = product(in.spatial)
	p.tasks, p.backTasks = taskPool(p.unit), taskPool(p.backUnit)
	if in.layout == ChannelsLast {
		p.first = newChannelsFirst[T](&in, p.outPlane)
	}
	return p, nil
}

// unpoolSize is PyTorch's default output size (in-1)*stride + kernel_size -
// 2*padding along one dimension, or an error naming the argument whose term
// takes it beyond the int range (PyTorch computes it in Python's exact
// integers, but its output sizes are int64).
func unpoolSize(op string, in, kernel, stride, pad int) (int, error) {
	overflow := func(arg string, v int) error {
		return errorf(op, arg, "%d takes the default output size (in-1)*stride + kernel_size - 2*padding beyond the int range for input size %d", v, in)
	}
	n, ok := mulInt(in-1, stride)
	if !ok {
		return 0, overflow("stride", stride)
	}
	if n, ok = addInt(n, kernel); !ok {
		return 0, overflow("kernel_size", kernel)
	}
	if n, ok = addInt(n, -pad); ok {
		n, ok = addInt(n, -pad)
	}
	if !ok {
		return 0, overflow("padding", pad)
	}
	return n, nil
}

// checkIndices checks the indices Run takes: one per input element, each
// inside its output plane.
func (p *UnpoolPlan[T]) checkIndices(indices []int64) error {
	if len(indices) != p.inLen {
		return errorf(p.op, "indices", "must have one element per input element, %d for input shape %v, got %d", p.inLen, p.in, len(indices))
	}
	n := int64(p.outPlane)
	for i, at := range indices {
		if at < 0 || at >= n {
			return errorf(p.op, "indices", "must lie in [0, %d) for output spatial size %v, got %d at position %d", n, p.spatial, at, i)
		}
	}
	return nil
}

// Op is the PyTorch name of the operator, e.g. "max_unpool2d".
func (p *UnpoolPlan[T]) Op() string { return p.op }

// InputShape is the input (and indices) shape the plan was made for.
func (p *UnpoolPlan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output.
func (p *UnpoolPlan[T]) OutputShape() []int { return slices.Clone(p.out) }

// Run sets dst, of the plan's output shape, to zero, then writes each value
// of src, in order, at the flat position its index gives inside its (n, c)
// output plane. indices has one entry per element of src, each in
// [0, output plane size); all are checked before anything is written, so on
// error dst is untouched. When indices repeat, the last value written wins,
// as in PyTorch's serial loop. dst must not overlap src.
func (p *UnpoolPlan[T]) Run(dst, src []T, indices []int64) error {
	return p.RunOn(nil, dst, src, indices)
}

// RunOn is Run on the workers w: the same outputs, bit for bit, computed on
// up to w.Size() goroutines (each plane by one of them, in input order).
func (p *UnpoolPlan[T]) RunOn(w *Workers, dst, src []T, indices []int64) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if len(src) != p.inLen {
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	if err := p.checkIndices(indices); err != nil {
		return err
	}
	if len(dst) != p.outLen {
		return errorf(p.op, "dst", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(dst))
	}
	if p.first != nil {
		p.first.run(dst, nil, src, indices, func(dst []T, _ []int64, src []T, indices []int64) { p.runFirst(w, dst, src, indices) })
		return nil
	}
	p.runFirst(w, dst, src, indices)
	return nil
}

// runFirst scatters channels-first tensors on w.
func (p *UnpoolPlan[T]) runFirst(w *Workers, dst, src []T, indices []int64) {
	units := w.Units(p.planes, (p.inLen+p.outLen)*size[T]())
	per := (p.planes + units - 1) / units
	parallelRun(w, p.tasks, (p.planes+per-1)/max(per, 1), unpoolRun[T]{dst, src, indices, per})
}

// unpoolRun is the arguments of a run and the planes a unit covers.
type unpoolRun[T Float] struct {
	dst, src []T
	idx      []int64
	per      int
}

// unit writes the output planes of unit u: zero, then each input value at its
// index, in input order.
func (p *UnpoolPlan[T]) unit(a *unpoolRun[T], u int) {
	for pl := u * a.per; pl < min((u+1)*a.per, p.planes); pl++ {
		in, idx := a.src[pl*p.inPlane:(pl+1)*p.inPlane], a.idx[pl*p.inPlane:(pl+1)*p.inPlane]
		out := a.dst[pl*p.outPlane : (pl+1)*p.outPlane]
		clear(out)
		for i, at := range idx {
			out[at] = in[i]
		}
	}
}
