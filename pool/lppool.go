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
}

// NewLpPool1d plans lp_pool1d for inputs of shape (N, C, L) or (C, L).
func NewLpPool1d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool1d", 1, inputShape, o)
}

// NewLpPool2d plans lp_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewLpPool2d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool2d", 2, inputShape, o)
}

// NewLpPool3d plans lp_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewLpPool3d[T Float](inputShape []int, o LpPoolOptions) (*Plan[T], error) {
	return newLpPool[T]("lp_pool3d", 3, inputShape, o)
}

// LpPool1d is torch.nn.functional.lp_pool1d.
func LpPool1d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool1d[T](x.Shape, o)
	out, _, err := apply(p, err, x, false)
	return out, err
}

// LpPool2d is torch.nn.functional.lp_pool2d.
func LpPool2d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool2d[T](x.Shape, o)
	out, _, err := apply(p, err, x, false)
	return out, err
}

// LpPool3d is lp_pool2d's formula in three dimensions.
func LpPool3d[T Float](x Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool3d[T](x.Shape, o)
	out, _, err := apply(p, err, x, false)
	return out, err
}

func newLpPool[T Float](op string, dims int, shape []int, o LpPoolOptions) (*Plan[T], error) {
	if o.NormType == 0 || math.IsNaN(o.NormType) {
		return nil, errorf(op, "norm_type", "must be non-zero and not NaN, got %v", o.NormType)
	}
	in, err := parseInput(op, shape, dims, false)
	if err != nil {
		return nil, err
	}
	w, err := parseWindow(op, dims, o.KernelSize, o.Stride, nil, nil, o.CeilMode)
	if err != nil {
		return nil, err
	}
	axes, err := w.axes(&in)
	if err != nil {
		return nil, err
	}
	g := geometry(in.planes, axes)
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
	b, err := simdpool.NewLpBackward[T](g, pw)
	if p.back, err = rootBackward(op, b, err); err != nil {
		return nil, err
	}
	return p, nil
}
