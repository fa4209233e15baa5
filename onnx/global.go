package onnx

import "github.com/simdpool/simdpool"

// The Global operators reduce each (n, c) plane of an input (N, C, D1, ...,
// Dn), any n >= 1, to one value; the output is (N, C, 1, ..., 1).

// GlobalLpPoolAttrs are the attributes of ONNX's GlobalLpPool.
type GlobalLpPoolAttrs struct {
	P *int // p, at least 1; nil: 2
}

// NewGlobalMaxPool plans GlobalMaxPool.
func NewGlobalMaxPool[T Float](inputShape []int) (*Plan[T], error) {
	const op = "GlobalMaxPool"
	in, out, err := parseGlobal(op, inputShape)
	if err != nil {
		return nil, err
	}
	prog, err := simdpool.NewGlobalMax[T](in.planes, in.plane, false)
	if err != nil {
		return nil, internalError(op, err)
	}
	return newPlan(op, &in, out, prog, nil)
}

// NewGlobalAveragePool plans GlobalAveragePool: the mean of each plane,
// summed as PyTorch's mean sums (see the package documentation).
func NewGlobalAveragePool[T Float](inputShape []int) (*Plan[T], error) {
	const op = "GlobalAveragePool"
	in, out, err := parseGlobal(op, inputShape)
	if err != nil {
		return nil, err
	}
	prog, err := simdpool.NewGlobalMean[T](in.planes, in.plane)
	if err != nil {
		return nil, internalError(op, err)
	}
	return newPlan(op, &in, out, prog, nil)
}

// NewGlobalLpPool plans GlobalLpPool: LpPool with the kernel covering the
// whole plane.
func NewGlobalLpPool[T Float](inputShape []int, a GlobalLpPoolAttrs) (*Plan[T], error) {
	const op = "GlobalLpPool"
	in, out, err := parseGlobal(op, inputShape)
	if err != nil {
		return nil, err
	}
	p, err := norm(op, a.P)
	if err != nil {
		return nil, err
	}
	// The plane as one row: its window is the whole plane, in row-major order.
	n := in.plane
	g := simdpool.NewGeometry(in.planes, []simdpool.Axis{{In: n, Out: 1, Kernel: n, Stride: 1, Dilation: 1}})
	return newLp[T](op, &in, g, out, p)
}

// GlobalMaxPool is ONNX's GlobalMaxPool.
func GlobalMaxPool[T Float](x Tensor[T]) (Tensor[T], error) {
	p, err := NewGlobalMaxPool[T](x.Shape)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// GlobalAveragePool is ONNX's GlobalAveragePool.
func GlobalAveragePool[T Float](x Tensor[T]) (Tensor[T], error) {
	p, err := NewGlobalAveragePool[T](x.Shape)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// GlobalLpPool is ONNX's GlobalLpPool.
func GlobalLpPool[T Float](x Tensor[T], a GlobalLpPoolAttrs) (Tensor[T], error) {
	p, err := NewGlobalLpPool[T](x.Shape, a)
	y, _, err := apply(p, err, x, false)
	return y, err
}

// parseGlobal validates the input of a Global operator, (N, C) and at least
// one spatial dimension, and returns the output's spatial sizes (all 1).
func parseGlobal(op string, shape []int) (input, []int, error) {
	if len(shape) < 3 {
		return input{}, nil, errorf(op, "X", "must have rank 3 or more ((N, C) and spatial dimensions), got shape %v", shape)
	}
	in, err := parseInput(op, shape, len(shape)-2)
	if err != nil {
		return in, nil, err
	}
	out := make([]int, len(in.spatial))
	for i := range out {
		out[i] = 1
	}
	return in, out, nil
}
