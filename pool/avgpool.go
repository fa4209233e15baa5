package pool

import "github.com/simdpool/simdpool"

// AvgPoolOptions are the arguments of torch.nn.functional.avg_pool1d/2d/3d.
// Each size takes one value for every spatial dimension or one per dimension.
type AvgPoolOptions struct {
	KernelSize []int // required
	Stride     []int // nil: KernelSize
	Padding    []int // nil: 0; implicit zero padding, at most half the kernel
	CeilMode   bool
	// CountIncludePad counts the padding in the divisor; nil means true,
	// PyTorch's default (set it with Bool(false)).
	CountIncludePad *bool
	// DivisorOverride, when set (Int(n)), divides every window's sum by it;
	// it must not be 0. PyTorch 1.13 has it for 2d and 3d; 1d accepts it too.
	DivisorOverride *int
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// NewAvgPool1d plans avg_pool1d for inputs of shape (N, C, L) or (C, L).
func NewAvgPool1d[T Float](inputShape []int, o AvgPoolOptions) (*Plan[T], error) {
	return newAvgPool[T]("avg_pool1d", 1, inputShape, o)
}

// NewAvgPool2d plans avg_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewAvgPool2d[T Float](inputShape []int, o AvgPoolOptions) (*Plan[T], error) {
	return newAvgPool[T]("avg_pool2d", 2, inputShape, o)
}

// NewAvgPool3d plans avg_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
// Like PyTorch, it rejects inputs smaller than the kernel, even with padding.
func NewAvgPool3d[T Float](inputShape []int, o AvgPoolOptions) (*Plan[T], error) {
	return newAvgPool[T]("avg_pool3d", 3, inputShape, o)
}

// AvgPool1d is torch.nn.functional.avg_pool1d.
func AvgPool1d[T Float](x Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("avg_pool1d", x, false, func() (*Plan[T], error) { return NewAvgPool1d[T](x.Shape, o) })
	return out, err
}

// AvgPool2d is torch.nn.functional.avg_pool2d.
func AvgPool2d[T Float](x Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("avg_pool2d", x, false, func() (*Plan[T], error) { return NewAvgPool2d[T](x.Shape, o) })
	return out, err
}

// AvgPool3d is torch.nn.functional.avg_pool3d.
func AvgPool3d[T Float](x Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("avg_pool3d", x, false, func() (*Plan[T], error) { return NewAvgPool3d[T](x.Shape, o) })
	return out, err
}

func newAvgPool[T Float](op string, dims int, shape []int, o AvgPoolOptions) (*Plan[T], error) {
	in, err := parseInput(op, shape, dims, false, o.Layout)
	if err != nil {
		return nil, err
	}
	w, err := parseWindow(op, dims, int32Arg, o.KernelSize, o.Stride, o.Padding, o.CeilMode)
	if err != nil {
		return nil, err
	}
	if dims == 3 {
		for i, l := range in.spatial {
			if l < w.kernel[i] {
				return nil, errorf(op, "input", "of spatial size %v is smaller than kernel_size %v", in.spatial, w.kernel)
			}
		}
	}
	var div simdpool.Divisor
	if o.DivisorOverride != nil {
		limit := int64Arg
		if dims == 3 {
			limit = int32Arg // avg_pool3d passes it to C++ int, avg_pool2d keeps int64
		}
		if d := *o.DivisorOverride; d == 0 || d > limit || d < -limit {
			return nil, errorf(op, "divisor_override", "must be non-zero and at most %d in magnitude, got %d", limit, d)
		}
		div.Override = *o.DivisorOverride
	}
	axes, err := w.axes(&in)
	if err != nil {
		return nil, err
	}
	g := in.geometry(axes)
	includePad := o.CountIncludePad == nil || *o.CountIncludePad
	div.D, div.H, div.W = windowCounts(&g.D, includePad), windowCounts(&g.H, includePad), windowCounts(&g.W, includePad)
	prog, err := simdpool.NewAvg[T](g, div)
	if err != nil {
		return nil, internalError(op, err)
	}
	p, err := newPlan(&in, spatialOut(axes), false, programs(prog, nil))
	if err != nil {
		return nil, err
	}
	b, err := simdpool.NewAvgBackward[T](firstLayout(g), div)
	if p.back, err = rootBackward(op, b, err); err != nil {
		return nil, err
	}
	return p, nil
}

// windowCounts lists, for each output along a, how many elements its window
// counts: with the padding (PyTorch's pool size) or without.
func windowCounts(a *simdpool.Axis, includePad bool) []int32 {
	counts := make([]int32, a.Out)
	for o := range counts {
		lo, hi, size := a.Span(o)
		if !includePad {
			size = hi - lo
		}
		counts[o] = int32(size)
	}
	return counts
}
