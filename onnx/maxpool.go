package onnx

import "github.com/simdpool/simdpool"

// MaxPoolAttrs are the attributes of ONNX's MaxPool (opset 12 and later),
// under their ONNX names; the zero value of each is ONNX's default.
type MaxPoolAttrs struct {
	AutoPad     string // auto_pad: NOTSET ("" too), SAME_UPPER, SAME_LOWER or VALID
	KernelShape []int  // kernel_shape, required: one per spatial axis (1 to 3)
	Pads        []int  // pads: all begins, then all ends; nil: 0
	Strides     []int  // strides: nil: 1
	Dilations   []int  // dilations: nil: 1
	CeilMode    int    // ceil_mode: 0 (floor) or 1
	// StorageOrder is storage_order: 0, Indices row-major over the spatial
	// axes, or 1, column-major (the first spatial axis varying fastest).
	StorageOrder int
}

func (a *MaxPoolAttrs) window() window {
	return window{autoPad: a.AutoPad, kernel: a.KernelShape, pads: a.Pads, strides: a.Strides, dilations: a.Dilations, ceilMode: a.CeilMode}
}

// NewMaxPool plans MaxPool for inputs of shape (N, C, D1, ..., Dn), n =
// len(KernelShape). The plan has the output Indices (RunWithIndices).
func NewMaxPool[T Elem](inputShape []int, a MaxPoolAttrs) (*Plan[T], error) {
	const op = "MaxPool"
	w := a.window()
	in, axes, err := w.axes(op, inputShape)
	if err != nil {
		return nil, err
	}
	if err := flag(op, "storage_order", a.StorageOrder); err != nil {
		return nil, err
	}
	g := simdpool.NewGeometry(in.planes, axes)
	val, err := simdpool.NewMax[T](g, false)
	if err != nil {
		return nil, internalError(op, err)
	}
	withIdx, err := simdpool.NewMax[T](g, true)
	if err != nil {
		return nil, internalError(op, err)
	}
	p, err := newPlan(op, &in, spatialOut(axes), val, withIdx)
	if err != nil {
		return nil, err
	}
	p.flat = flatIndex{spatial: in.spatial, inPlane: g.InPlane(), columnMajor: a.StorageOrder == 1}
	return p, nil
}

// MaxPool is ONNX's MaxPool with the one output Y.
func MaxPool[T Elem](x Tensor[T], a MaxPoolAttrs) (Tensor[T], error) {
	p, err := NewMaxPool[T](x.Shape, a)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// MaxPoolWithIndices is ONNX's MaxPool with both outputs, Y and Indices.
func MaxPoolWithIndices[T Elem](x Tensor[T], a MaxPoolAttrs) (Tensor[T], Tensor[int64], error) {
	p, err := NewMaxPool[T](x.Shape, a)
	return apply(p, err, x, true)
}
