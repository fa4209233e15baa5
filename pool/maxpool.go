package pool

import "github.com/simdpool/simdpool"

// MaxPoolOptions are the arguments of torch.nn.functional.max_pool1d/2d/3d.
// Each size takes one value for every spatial dimension or one per dimension.
type MaxPoolOptions struct {
	KernelSize []int // required
	Stride     []int // nil: KernelSize
	Padding    []int // nil: 0; implicit -inf padding, at most half the kernel
	Dilation   []int // nil: 1
	CeilMode   bool
	// ReturnIndices makes the one-call functions also return the indices;
	// plans always can (Plan.RunWithIndices).
	ReturnIndices bool
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// NewMaxPool1d plans max_pool1d for inputs of shape (N, C, L) or (C, L).
func NewMaxPool1d[T Float](inputShape []int, o MaxPoolOptions) (*Plan[T], error) {
	return newMaxPool[T]("max_pool1d", 1, inputShape, o)
}

// NewMaxPool2d plans max_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewMaxPool2d[T Float](inputShape []int, o MaxPoolOptions) (*Plan[T], error) {
	return newMaxPool[T]("max_pool2d", 2, inputShape, o)
}

// NewMaxPool3d plans max_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewMaxPool3d[T Float](inputShape []int, o MaxPoolOptions) (*Plan[T], error) {
	return newMaxPool[T]("max_pool3d", 3, inputShape, o)
}

// MaxPool1d is torch.nn.functional.max_pool1d; the indices are nil unless
// o.ReturnIndices is set.
func MaxPool1d[T Float](x Tensor[T], o MaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("max_pool1d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewMaxPool1d[T](x.Shape, o) })
}

// MaxPool2d is torch.nn.functional.max_pool2d; the indices are nil unless
// o.ReturnIndices is set.
func MaxPool2d[T Float](x Tensor[T], o MaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("max_pool2d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewMaxPool2d[T](x.Shape, o) })
}

// MaxPool3d is torch.nn.functional.max_pool3d; the indices are nil unless
// o.ReturnIndices is set.
func MaxPool3d[T Float](x Tensor[T], o MaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("max_pool3d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewMaxPool3d[T](x.Shape, o) })
}

func newMaxPool[T Float](op string, dims int, shape []int, o MaxPoolOptions) (*Plan[T], error) {
	in, err := parseInput(op, shape, dims, false, o.Layout)
	if err != nil {
		return nil, err
	}
	limit := int32Arg
	if dims == 1 {
		limit = int64Arg // max_pool1d's sizes are int64 in PyTorch, the others' C++ int
	}
	w, err := parseMaxWindow(op, dims, limit, o)
	if err != nil {
		return nil, err
	}
	axes, err := w.axes(&in)
	if err != nil {
		return nil, err
	}
	g := in.geometry(axes)
	k, err := newMaxKernel[T](op, g)
	if err != nil {
		return nil, err
	}
	p, err := newPlan(&in, spatialOut(axes), true, k)
	if err != nil {
		return nil, err
	}
	b, err := simdpool.NewMaxBackward[T](firstLayout(g))
	if p.back, err = rootBackward(op, b, err); err != nil {
		return nil, err
	}
	return p, nil
}
