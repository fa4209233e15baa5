package pool

import (
	"math"

	"github.com/simdpool/simdpool"
)

// LpPoolOptions are the arguments of torch.nn.functional.lp_pool1d/2d
// (and of lp_pool3d, which PyTorch 1.13 lacks, with the same formula).
type LpPoolOptions struct {
	NormType   float64 // p: non-zero, not NaN
	KernelSize []int   // required
	Stride     []int   // nil: KernelSize
	CeilMode   bool
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// NewLpPool1d plans lp_pool1d for inputs of shape (N, C, L) or (C, L).
func NewLpPool1d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool1d", 1, int32Arg, inputShape, o)
}

// NewLpPool2d plans lp_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewLpPool2d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool2d", 2, int32Arg, inputShape, o)
}

// NewLpPool3d plans lp_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewLpPool3d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool3d", 3, int32Arg, inputShape, o)
}

// LpPool1d is torch.nn.functional.lp_pool1d.
func LpPool1d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	out, _, err := apply("lp_pool1d", x, false, func() (*Plan[T], error) { return NewLpPool1d[T](x.Shape, o) })
	return out, err
}

// LpPool2d is torch.nn.functional.lp_pool2d.
func LpPool2d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	out, _, err := apply("lp_pool2d", x, false, func() (*Plan[T], error) { return NewLpPool2d[T](x.Shape, o) })
	return out, err
}

// LpPool3d is lp_pool2d's formula in three dimensions.
func LpPool3d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	out, _, err := apply("lp_pool3d", x, false, func() (*Plan[T], error) { return NewLpPool3d[T](x.Shape, o) })
	return out, err
}

// newLpPool plans an LP pooling whose kernel_size and stride are at most limit.
func newLpPool[T Float](op string, dims, limit int, shape []int, o LpPoolOptions) (*Plan[T], error) {
	if err := checkNorm(op, "norm_type", o.NormType); err != nil {
		return nil, err
	}
	in, err := parseInput(op, shape, dims, false, o.Layout)
	if err != nil {
		return nil, err
	}
	w, err := parseWindow(op, dims, limit, o.KernelSize, o.Stride, nil, o.CeilMode)
	if err != nil {
		return nil, err
	}
	w.clip = clipStride // the kernel volume counts, not only its span
	axes, err := w.axes(&in)
	if err != nil {
		return nil, err
	}
	// The kernels multiply by the kernel volume, an int. (Without padding a
	// kernel exceeds the input only in ceil mode, by less than the stride.)
	if _, ok := product(w.kernel); !ok {
		return nil, errorf(op, "kernel_size", "%v has a volume beyond the int range", w.kernel)
	}
	g := in.geometry(axes)
	p, err := newPlan[T](&in, spatialOut(axes), false, kernel[T]{})
	if err != nil {
		return nil, err
	}
	pw := simdpool.NewPower[T](o.NormType, p.inLen, p.outLen)
	prog, err := simdpool.NewLp[T](g, pw)
	if err != nil {
		return nil, internalError(op, err)
	}
	p.kernel = programs(prog, nil)
	b, err := simdpool.NewLpBackward[T](firstLayout(g), pw)
	if p.back, err = rootBackward(op, b, err); err != nil {
		return nil, err
	}
	return p, nil
}

// checkNorm validates an LP norm, the argument arg of op.
func checkNorm(op, arg string, p float64) error {
	if p == 0 || math.IsNaN(p) {
		return errorf(op, arg, "must be non-zero and not NaN, got %v", p)
	}
	return nil
}
