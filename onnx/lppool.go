package onnx

import "github.com/simdpool/simdpool"

// LpPoolAttrs are the attributes of ONNX's LpPool (opset 18 and later,
// which added ceil_mode and dilations), under their ONNX names; the zero
// value of each is ONNX's default.
type LpPoolAttrs struct {
	AutoPad     string // auto_pad: NOTSET ("" too), SAME_UPPER, SAME_LOWER or VALID
	KernelShape []int  // kernel_shape, required: one per spatial axis (1 to 3)
	Pads        []int  // pads: all begins, then all ends; nil: 0
	Strides     []int  // strides: nil: 1
	Dilations   []int  // dilations: nil: 1
	CeilMode    int    // ceil_mode: 0 (floor) or 1
	P           *int   // p, at least 1; nil: 2 (Int(3) sets 3)
}

func (a *LpPoolAttrs) window() window {
	return window{autoPad: a.AutoPad, kernel: a.KernelShape, pads: a.Pads, strides: a.Strides, dilations: a.Dilations, ceilMode: a.CeilMode}
}

// NewLpPool plans LpPool for inputs of shape (N, C, D1, ..., Dn), n =
// len(KernelShape).
func NewLpPool[T Float](inputShape []int, a LpPoolAttrs) (*Plan[T], error) {
	const op = "LpPool"
	w := a.window()
	in, axes, err := w.axes(op, inputShape)
	if err != nil {
		return nil, err
	}
	p, err := norm(op, a.P)
	if err != nil {
		return nil, err
	}
	return newLp[T](op, &in, simdpool.NewGeometry(in.planes, axes), spatialOut(axes), p)
}

// LpPool is ONNX's LpPool.
func LpPool[T Float](x Tensor[T], a LpPoolAttrs) (Tensor[T], error) {
	p, err := NewLpPool[T](x.Shape, a)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// norm validates the attribute p (nil: 2).
func norm(op string, p *int) (int, error) {
	if p == nil {
		return 2, nil
	}
	if *p < 1 || *p > maxArg {
		return 0, errorf(op, "p", "must be between 1 and %d, got %d", maxArg, *p)
	}
	return *p, nil
}

// newLp plans LP pooling of norm p over g: PyTorch's lp_pool formula on |x|
// (see the package documentation).
func newLp[T Float](op string, in *input, g simdpool.Geometry, out []int, p int) (*Plan[T], error) {
	pw := simdpool.NewPower[T](float64(p), in.numel, g.Planes*g.OutPlane())
	pw.Abs = true
	prog, err := simdpool.NewLp[T](g, pw)
	if err != nil {
		return nil, internalError(op, err)
	}
	return newPlan(op, in, out, prog, nil)
}
