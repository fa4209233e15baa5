package onnx

import "github.com/simdpool/simdpool"

// AveragePoolAttrs are the attributes of ONNX's AveragePool (opset 19 and
// later, which added dilations), under their ONNX names; the zero value of
// each is ONNX's default.
type AveragePoolAttrs struct {
	AutoPad     string // auto_pad: NOTSET ("" too), SAME_UPPER, SAME_LOWER or VALID
	KernelShape []int  // kernel_shape, required: one per spatial axis (1 to 3)
	Pads        []int  // pads: all begins, then all ends; nil: 0
	Strides     []int  // strides: nil: 1
	Dilations   []int  // dilations: nil: 1
	CeilMode    int    // ceil_mode: 0 (floor) or 1
	// CountIncludePad is count_include_pad: 0, divide by the window's
	// elements inside the input, or 1, also count its padding (pads or
	// auto_pad's; not the part of a ceil_mode window past the end padding).
	CountIncludePad int
}

func (a *AveragePoolAttrs) window() window {
	return window{autoPad: a.AutoPad, kernel: a.KernelShape, pads: a.Pads, strides: a.Strides, dilations: a.Dilations, ceilMode: a.CeilMode}
}

// NewAveragePool plans AveragePool for inputs of shape (N, C, D1, ..., Dn),
// n = len(KernelShape).
func NewAveragePool[T Float](inputShape []int, a AveragePoolAttrs) (*Plan[T], error) {
	const op = "AveragePool"
	w := a.window()
	in, axes, err := w.axes(op, inputShape)
	if err != nil {
		return nil, err
	}
	if err := flag(op, "count_include_pad", a.CountIncludePad); err != nil {
		return nil, err
	}
	g := simdpool.NewGeometry(in.planes, axes)
	padded := a.CountIncludePad == 1
	div := simdpool.Divisor{D: counts(&g.D, padded), H: counts(&g.H, padded), W: counts(&g.W, padded)}
	prog, err := simdpool.NewAvg[T](g, div)
	if err != nil {
		return nil, internalError(op, err)
	}
	return newPlan(op, &in, spatialOut(axes), prog, nil)
}

// AveragePool is ONNX's AveragePool.
func AveragePool[T Float](x Tensor[T], a AveragePoolAttrs) (Tensor[T], error) {
	p, err := NewAveragePool[T](x.Shape, a)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// counts lists, for each output along a, how many taps of its window the
// average divides by: those inside the input, or with padded those inside
// the padded extent.
func counts(a *simdpool.Axis, padded bool) []int32 {
	c := make([]int32, a.Out)
	for o := range c {
		c[o] = int32(a.Count(o, padded))
	}
	return c
}
