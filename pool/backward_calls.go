package pool

// The one-call forms of the backward of every operator: each plans the
// operator for the forward's input shape, allocates the gradient with
// respect to the input and runs the plan's Backward (see Plan.Backward). The
// gradient with respect to the output must have the plan's output shape.

// MaxPool1dBackward is the gradient of MaxPool1d with respect to its input
// (of shape inputShape), from the forward's indices.
func MaxPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxPoolOptions) (Tensor[T], error) {
	p, err := NewMaxPool1d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AvgPool1dBackward is the gradient of AvgPool1d with respect to its input
// (of shape inputShape).
func AvgPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	p, err := NewAvgPool1d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// LpPool1dBackward is the gradient of LpPool1d with respect to its input x.
func LpPool1dBackward[T Float](x, gradOutput Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool1d[T](x.Shape, o)
	return applyBackward(p, err, gradOutput, nil, x.Data)
}

// AdaptiveMaxPool1dBackward is the gradient of AdaptiveMaxPool1d with
// respect to its input (of shape inputShape), from the forward's indices.
func AdaptiveMaxPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o AdaptiveMaxPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveMaxPool1d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AdaptiveAvgPool1dBackward is the gradient of AdaptiveAvgPool1d with
// respect to its input (of shape inputShape).
func AdaptiveAvgPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveAvgPool1d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalMaxPool1dBackward is the gradient of global max pooling with respect
// to its input (of shape inputShape), from the forward's indices (of
// NewGlobalMaxPool1d's RunWithIndices or AdaptiveMaxPool1d).
func GlobalMaxPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64) (Tensor[T], error) {
	p, err := NewGlobalMaxPool1d[T](inputShape)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// GlobalAvgPool1dBackward is the gradient of GlobalAvgPool1d with respect to
// its input (of shape inputShape): each element gets its plane's gradient
// divided by the plane size.
func GlobalAvgPool1dBackward[T Float](inputShape []int, gradOutput Tensor[T]) (Tensor[T], error) {
	p, err := NewGlobalAvgPool1d[T](inputShape)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalLpPool1dBackward is the gradient of GlobalLpPool1d with respect to
// its input x.
func GlobalLpPool1dBackward[T Float](x, gradOutput Tensor[T], p float64) (Tensor[T], error) {
	pl, err := NewGlobalLpPool1d[T](x.Shape, p)
	return applyBackward(pl, err, gradOutput, nil, x.Data)
}

// MaxUnpool1dBackward is the gradient of MaxUnpool1d with respect to its
// input (of shape inputShape, that of indices).
func MaxUnpool1dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	p, err := NewMaxUnpool1d[T](inputShape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices) })
}

// StochasticPool1dBackward is the gradient of StochasticPool1d with respect to
// its input x: in training mode from the forward's indices (x's values are
// not used), in inference mode (indices nil) from x.
func StochasticPool1dBackward[T Float](x, gradOutput Tensor[T], indices []int64, o StochasticPoolOptions) (Tensor[T], error) {
	p, err := NewStochasticPool1d[T](x.Shape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	var src []T
	if !p.training {
		src = x.Data
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices, src) })
}

// MaxPool2dBackward is the gradient of MaxPool2d with respect to its input
// (of shape inputShape), from the forward's indices.
func MaxPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxPoolOptions) (Tensor[T], error) {
	p, err := NewMaxPool2d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AvgPool2dBackward is the gradient of AvgPool2d with respect to its input
// (of shape inputShape).
func AvgPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	p, err := NewAvgPool2d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// LpPool2dBackward is the gradient of LpPool2d with respect to its input x.
func LpPool2dBackward[T Float](x, gradOutput Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool2d[T](x.Shape, o)
	return applyBackward(p, err, gradOutput, nil, x.Data)
}

// AdaptiveMaxPool2dBackward is the gradient of AdaptiveMaxPool2d with
// respect to its input (of shape inputShape), from the forward's indices.
func AdaptiveMaxPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o AdaptiveMaxPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveMaxPool2d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AdaptiveAvgPool2dBackward is the gradient of AdaptiveAvgPool2d with
// respect to its input (of shape inputShape).
func AdaptiveAvgPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveAvgPool2d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalMaxPool2dBackward is the gradient of global max pooling with respect
// to its input (of shape inputShape), from the forward's indices (of
// NewGlobalMaxPool2d's RunWithIndices or AdaptiveMaxPool2d).
func GlobalMaxPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64) (Tensor[T], error) {
	p, err := NewGlobalMaxPool2d[T](inputShape)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// GlobalAvgPool2dBackward is the gradient of GlobalAvgPool2d with respect to
// its input (of shape inputShape): each element gets its plane's gradient
// divided by the plane size.
func GlobalAvgPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T]) (Tensor[T], error) {
	p, err := NewGlobalAvgPool2d[T](inputShape)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalLpPool2dBackward is the gradient of GlobalLpPool2d with respect to
// its input x.
func GlobalLpPool2dBackward[T Float](x, gradOutput Tensor[T], p float64) (Tensor[T], error) {
	pl, err := NewGlobalLpPool2d[T](x.Shape, p)
	return applyBackward(pl, err, gradOutput, nil, x.Data)
}

// MaxUnpool2dBackward is the gradient of MaxUnpool2d with respect to its
// input (of shape inputShape, that of indices).
func MaxUnpool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	p, err := NewMaxUnpool2d[T](inputShape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices) })
}

// StochasticPool2dBackward is the gradient of StochasticPool2d with respect to
// its input x: in training mode from the forward's indices (x's values are
// not used), in inference mode (indices nil) from x.
func StochasticPool2dBackward[T Float](x, gradOutput Tensor[T], indices []int64, o StochasticPoolOptions) (Tensor[T], error) {
	p, err := NewStochasticPool2d[T](x.Shape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	var src []T
	if !p.training {
		src = x.Data
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices, src) })
}

// MaxPool3dBackward is the gradient of MaxPool3d with respect to its input
// (of shape inputShape), from the forward's indices.
func MaxPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxPoolOptions) (Tensor[T], error) {
	p, err := NewMaxPool3d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AvgPool3dBackward is the gradient of AvgPool3d with respect to its input
// (of shape inputShape).
func AvgPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AvgPoolOptions) (Tensor[T], error) {
	p, err := NewAvgPool3d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// LpPool3dBackward is the gradient of LpPool3d with respect to its input x.
func LpPool3dBackward[T Float](x, gradOutput Tensor[T], o LpPoolOptions) (Tensor[T], error) {
	p, err := NewLpPool3d[T](x.Shape, o)
	return applyBackward(p, err, gradOutput, nil, x.Data)
}

// AdaptiveMaxPool3dBackward is the gradient of AdaptiveMaxPool3d with
// respect to its input (of shape inputShape), from the forward's indices.
func AdaptiveMaxPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o AdaptiveMaxPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveMaxPool3d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// AdaptiveAvgPool3dBackward is the gradient of AdaptiveAvgPool3d with
// respect to its input (of shape inputShape).
func AdaptiveAvgPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	p, err := NewAdaptiveAvgPool3d[T](inputShape, o)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalMaxPool3dBackward is the gradient of global max pooling with respect
// to its input (of shape inputShape), from the forward's indices (of
// NewGlobalMaxPool3d's RunWithIndices or AdaptiveMaxPool3d).
func GlobalMaxPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64) (Tensor[T], error) {
	p, err := NewGlobalMaxPool3d[T](inputShape)
	return applyBackward(p, err, gradOutput, indices, nil)
}

// GlobalAvgPool3dBackward is the gradient of GlobalAvgPool3d with respect to
// its input (of shape inputShape): each element gets its plane's gradient
// divided by the plane size.
func GlobalAvgPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T]) (Tensor[T], error) {
	p, err := NewGlobalAvgPool3d[T](inputShape)
	return applyBackward(p, err, gradOutput, nil, nil)
}

// GlobalLpPool3dBackward is the gradient of GlobalLpPool3d with respect to
// its input x.
func GlobalLpPool3dBackward[T Float](x, gradOutput Tensor[T], p float64) (Tensor[T], error) {
	pl, err := NewGlobalLpPool3d[T](x.Shape, p)
	return applyBackward(pl, err, gradOutput, nil, x.Data)
}

// MaxUnpool3dBackward is the gradient of MaxUnpool3d with respect to its
// input (of shape inputShape, that of indices).
func MaxUnpool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o MaxUnpoolOptions) (Tensor[T], error) {
	p, err := NewMaxUnpool3d[T](inputShape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices) })
}

// StochasticPool3dBackward is the gradient of StochasticPool3d with respect to
// its input x: in training mode from the forward's indices (x's values are
// not used), in inference mode (indices nil) from x.
func StochasticPool3dBackward[T Float](x, gradOutput Tensor[T], indices []int64, o StochasticPoolOptions) (Tensor[T], error) {
	p, err := NewStochasticPool3d[T](x.Shape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	var src []T
	if !p.training {
		src = x.Data
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices, src) })
}

// FractionalMaxPool2dBackward is the gradient of FractionalMaxPool2d with
// respect to its input (of shape inputShape), from the forward's indices (o
// gives the output size; the samples do not matter).
func FractionalMaxPool2dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o FractionalMaxPoolOptions) (Tensor[T], error) {
	p, err := NewFractionalMaxPool2d[T](inputShape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices) })
}

// FractionalMaxPool3dBackward is the gradient of FractionalMaxPool3d with
// respect to its input (of shape inputShape), from the forward's indices (o
// gives the output size; the samples do not matter).
func FractionalMaxPool3dBackward[T Float](inputShape []int, gradOutput Tensor[T], indices []int64, o FractionalMaxPoolOptions) (Tensor[T], error) {
	p, err := NewFractionalMaxPool3d[T](inputShape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices) })
}
