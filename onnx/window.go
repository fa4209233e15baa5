package onnx

import (
	"math"
	"slices"

	"github.com/simdpool/simdpool"
)

// maxArg bounds every attribute value and every dimension, so that the size
// arithmetic cannot overflow.
const maxArg = math.MaxInt32

// The values of auto_pad.
const (
	NotSet    = "NOTSET"     // explicit pads (the default; "" means it too)
	SameUpper = "SAME_UPPER" // output size ceil(in/stride), an odd padding pixel at the end
	SameLower = "SAME_LOWER" // the same, the odd pixel at the beginning
	Valid     = "VALID"      // no padding
)

// window is the attributes of a windowed pooling (MaxPool, AveragePool,
// LpPool) as given, before validation.
type window struct {
	autoPad                          string
	kernel, pads, strides, dilations []int
	ceilMode                         int
}

// input is a validated (N, C, D1, ..., Dn) input shape.
type input struct {
	shape   []int
	planes  int // N*C
	spatial []int
	plane   int // elements per (n, c) plane
	numel   int
}

// parseInput validates an input shape of n spatial dimensions: rank n+2, no
// negative sizes, spatial sizes greater than zero, an element count that
// fits in an int. N and C may be 0 (an empty output).
func parseInput(op string, shape []int, n int) (input, error) {
	in := input{shape: slices.Clone(shape)}
	if len(shape) != n+2 {
		return in, errorf(op, "X", "must have rank %d ((N, C) and %d spatial dimensions), got shape %v", n+2, n, shape)
	}
	for _, s := range shape {
		if s < 0 || s > maxArg {
			return in, errorf(op, "X", "sizes must be between 0 and %d, got shape %v", maxArg, shape)
		}
	}
	in.spatial = in.shape[2:]
	for _, s := range in.spatial {
		if s == 0 {
			return in, errorf(op, "X", "must have non-zero spatial sizes, got shape %v", shape)
		}
	}
	var ok bool
	if in.planes, ok = product(shape[:2]); ok {
		if in.plane, ok = product(in.spatial); ok {
			in.numel, ok = product(shape)
		}
	}
	if !ok {
		return in, errorf(op, "X", "has more elements than an int holds, shape %v", shape)
	}
	return in, nil
}

// outShape is the shape of an output with the given spatial sizes.
func (in *input) outShape(spatial []int) []int {
	return append(slices.Clone(in.shape[:2]), spatial...)
}

// product multiplies sizes, reporting false on overflow.
func product(v []int) (int, bool) {
	n := 1
	for _, s := range v {
		if s != 0 && n > math.MaxInt/s {
			return 0, false
		}
		n *= s
	}
	return n, true
}

// kernelShape validates kernel_shape: required, one to three values, each
// greater than zero.
func kernelShape(op string, k []int) error {
	if k == nil {
		return errorf(op, "kernel_shape", "is required")
	}
	if len(k) < 1 || len(k) > 3 {
		return errorf(op, "kernel_shape", "must have 1, 2 or 3 values (one per spatial axis), got %v", k)
	}
	return positive(op, "kernel_shape", k)
}

// positive checks that every value of attribute arg is in [1, maxArg].
func positive(op, arg string, v []int) error {
	for _, x := range v {
		if x < 1 || x > maxArg {
			return errorf(op, arg, "must be between 1 and %d, got %v", maxArg, v)
		}
	}
	return nil
}

// perAxis expands an optional attribute of one value per spatial axis: nil
// gives def on every axis.
func perAxis(op, arg string, v []int, n, def int) ([]int, error) {
	if v == nil {
		out := make([]int, n)
		for i := range out {
			out[i] = def
		}
		return out, nil
	}
	if len(v) != n {
		return nil, errorf(op, arg, "must have %d values (one per spatial axis), got %v", n, v)
	}
	return slices.Clone(v), nil
}

// flag checks an attribute that is 0 or 1.
func flag(op, arg string, v int) error {
	if v != 0 && v != 1 {
		return errorf(op, arg, "must be 0 or 1, got %d", v)
	}
	return nil
}

// axes validates w against the input shape and lays out the windows: per
// spatial axis its output size and begin and end padding, by auto_pad's rule
// or from pads, with ceil_mode's rule.
func (w *window) axes(op string, shape []int) (input, []simdpool.Axis, error) {
	if err := kernelShape(op, w.kernel); err != nil {
		return input{}, nil, err
	}
	n := len(w.kernel)
	in, err := parseInput(op, shape, n)
	if err != nil {
		return in, nil, err
	}
	strides, err := perAxis(op, "strides", w.strides, n, 1)
	if err == nil {
		err = positive(op, "strides", strides)
	}
	if err != nil {
		return in, nil, err
	}
	dilations, err := perAxis(op, "dilations", w.dilations, n, 1)
	if err == nil {
		err = positive(op, "dilations", dilations)
	}
	if err != nil {
		return in, nil, err
	}
	if err := flag(op, "ceil_mode", w.ceilMode); err != nil {
		return in, nil, err
	}
	pads, err := w.padding(op, n)
	if err != nil {
		return in, nil, err
	}
	axes := make([]simdpool.Axis, n)
	out := make([]int, n)
	for i, l := range in.spatial {
		a := simdpool.Axis{In: l, Kernel: w.kernel[i], Stride: strides[i], Dilation: dilations[i], Pad: pads[i], PadEnd: pads[n+i]}
		if w.autoPad == SameUpper || w.autoPad == SameLower {
			a.Pad, a.PadEnd = samePads(a, w.autoPad)
		}
		a.Out = outputSize(a, w.ceilMode == 1)
		axes[i], out[i] = a, a.Out
	}
	for _, o := range out {
		if o < 1 {
			return in, nil, errorf(op, "X", "of spatial size %v is too small for kernel_shape %v with dilations %v and pads %v: the output size would be %v",
				in.spatial, w.kernel, dilations, pads, out)
		}
	}
	return in, axes, nil
}

// padding validates auto_pad and pads: pads are 2n values >= 0, all begins
// then all ends, given only with auto_pad NOTSET (nil: zeros).
func (w *window) padding(op string, n int) ([]int, error) {
	switch w.autoPad {
	case "", NotSet:
	case SameUpper, SameLower, Valid:
		if w.pads != nil {
			return nil, errorf(op, "pads", "must not be given with auto_pad %s (got %v)", w.autoPad, w.pads)
		}
	default:
		return nil, errorf(op, "auto_pad", "must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got %q", w.autoPad)
	}
	if w.pads == nil {
		return make([]int, 2*n), nil
	}
	if len(w.pads) != 2*n {
		return nil, errorf(op, "pads", "must have %d values (a begin and an end per spatial axis: begins first), got %v", 2*n, w.pads)
	}
	for _, p := range w.pads {
		if p < 0 || p > maxArg {
			return nil, errorf(op, "pads", "must be between 0 and %d, got %v", maxArg, w.pads)
		}
	}
	return slices.Clone(w.pads), nil
}

// samePads is auto_pad SAME_UPPER's or SAME_LOWER's padding of a: in total
// (ceil(in/s) - 1)*s + ext - in (at least 0), ext the dilated kernel
// extent, as ONNX's shape inference computes it; split in halves, the odd
// pixel at the end (SAME_UPPER) or at the beginning (SAME_LOWER).
func samePads(a simdpool.Axis, autoPad string) (begin, end int) {
	out := (a.In + a.Stride - 1) / a.Stride
	total := max(0, (out-1)*a.Stride+extent(a)-a.In)
	if autoPad == SameUpper {
		return total / 2, total - total/2
	}
	return total - total/2, total / 2
}

// extent is the span of a's window, (kernel-1)*dilation + 1.
func extent(a simdpool.Axis) int { return (a.Kernel-1)*a.Dilation + 1 }

// outputSize is ONNX's output size along a: floor((in + begin + end - ext)
// / s) + 1, or with ceil_mode the ceiling, less one when the last window
// would start in the end padding or beyond it. 0 or less: no window fits.
func outputSize(a simdpool.Axis, ceil bool) int {
	num := a.In + a.Pad + a.PadEnd - extent(a)
	if num < 0 {
		return 0
	}
	if ceil {
		num += a.Stride - 1
	}
	o := num/a.Stride + 1
	if ceil && (o-1)*a.Stride >= a.In+a.Pad {
		o--
	}
	return o
}

// spatialOut lists the output sizes of axes.
func spatialOut(axes []simdpool.Axis) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = a.Out
	}
	return out
}
