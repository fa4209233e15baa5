package pool

// Global pooling reduces each (n, c) plane to one value. The functions here
// are conveniences over the general operators, in the layout given as their
// optional last argument (ChannelsFirst when there is none): global max and
// average pooling are adaptive max and average pooling with every output size
// 1, and global LP pooling is lp_pool with the kernel covering the whole
// plane. Their plans
// and errors carry their own names (global_max_pool2d, global_avg_pool2d,
// global_lp_pool2d, ...). Outputs keep the spatial dimensions, of size 1
// (PyTorch's keepdim).

// NewGlobalMaxPool1d plans global max pooling (adaptive_max_pool1d with output
// size 1) for inputs of shape (N, C, L) or (C, L). The plan has indices.
func NewGlobalMaxPool1d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalMaxPool[T]("global_max_pool1d", 1, inputShape, layout)
}

// NewGlobalMaxPool2d plans global max pooling (adaptive_max_pool2d with output
// size 1) for inputs of shape (N, C, H, W) or (C, H, W). The plan has indices.
func NewGlobalMaxPool2d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalMaxPool[T]("global_max_pool2d", 2, inputShape, layout)
}

// NewGlobalMaxPool3d plans global max pooling (adaptive_max_pool3d with output
// size 1) for inputs of shape (N, C, D, H, W) or (C, D, H, W). The plan has indices.
func NewGlobalMaxPool3d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalMaxPool[T]("global_max_pool3d", 3, inputShape, layout)
}

// GlobalMaxPool1d is the maximum of each (n, c) row: output shape (N, C, 1) or (C, 1).
// For the indices use AdaptiveMaxPool1d or the plan.
func GlobalMaxPool1d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_max_pool1d", x, false, func() (*Plan[T], error) { return NewGlobalMaxPool1d[T](x.Shape, layout...) })
	return out, err
}

// GlobalMaxPool2d is the maximum of each (n, c) plane: output shape (N, C, 1, 1) or (C, 1, 1).
// For the indices use AdaptiveMaxPool2d or the plan.
func GlobalMaxPool2d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_max_pool2d", x, false, func() (*Plan[T], error) { return NewGlobalMaxPool2d[T](x.Shape, layout...) })
	return out, err
}

// GlobalMaxPool3d is the maximum of each (n, c) volume: output shape (N, C, 1, 1, 1) or (C, 1, 1, 1).
// For the indices use AdaptiveMaxPool3d or the plan.
func GlobalMaxPool3d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_max_pool3d", x, false, func() (*Plan[T], error) { return NewGlobalMaxPool3d[T](x.Shape, layout...) })
	return out, err
}

// NewGlobalAvgPool1d plans global average pooling (adaptive_avg_pool1d with
// output size 1, i.e. PyTorch's mean) for inputs of shape (N, C, L) or (C, L).
func NewGlobalAvgPool1d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalAvgPool[T]("global_avg_pool1d", 1, inputShape, layout)
}

// NewGlobalAvgPool2d plans global average pooling (adaptive_avg_pool2d with
// output size 1, i.e. PyTorch's mean) for inputs of shape (N, C, H, W) or (C, H, W).
func NewGlobalAvgPool2d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalAvgPool[T]("global_avg_pool2d", 2, inputShape, layout)
}

// NewGlobalAvgPool3d plans global average pooling (adaptive_avg_pool3d with
// output size 1, i.e. PyTorch's mean) for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewGlobalAvgPool3d[T Float](inputShape []int, layout ...Layout) (*Plan[T], error) {
	return newGlobalAvgPool[T]("global_avg_pool3d", 3, inputShape, layout)
}

// GlobalAvgPool1d is the mean of each (n, c) row: output shape (N, C, 1) or (C, 1).
func GlobalAvgPool1d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_avg_pool1d", x, false, func() (*Plan[T], error) { return NewGlobalAvgPool1d[T](x.Shape, layout...) })
	return out, err
}

// GlobalAvgPool2d is the mean of each (n, c) plane: output shape (N, C, 1, 1) or (C, 1, 1).
func GlobalAvgPool2d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_avg_pool2d", x, false, func() (*Plan[T], error) { return NewGlobalAvgPool2d[T](x.Shape, layout...) })
	return out, err
}

// GlobalAvgPool3d is the mean of each (n, c) volume: output shape (N, C, 1, 1, 1) or (C, 1, 1, 1).
func GlobalAvgPool3d[T Float](x Tensor[T], layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_avg_pool3d", x, false, func() (*Plan[T], error) { return NewGlobalAvgPool3d[T](x.Shape, layout...) })
	return out, err
}

// NewGlobalLpPool1d plans global LP pooling of norm p (lp_pool1d with the
// kernel size L) for inputs of shape (N, C, L) or (C, L).
func NewGlobalLpPool1d[T Float](inputShape []int, p float64, layout ...Layout) (*Plan[T], error) {
	return newGlobalLpPool[T]("global_lp_pool1d", 1, inputShape, p, layout)
}

// NewGlobalLpPool2d plans global LP pooling of norm p (lp_pool2d with the
// kernel size (H, W)) for inputs of shape (N, C, H, W) or (C, H, W).
func NewGlobalLpPool2d[T Float](inputShape []int, p float64, layout ...Layout) (*Plan[T], error) {
	return newGlobalLpPool[T]("global_lp_pool2d", 2, inputShape, p, layout)
}

// NewGlobalLpPool3d plans global LP pooling of norm p (lp_pool3d with the
// kernel size (D, H, W)) for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewGlobalLpPool3d[T Float](inputShape []int, p float64, layout ...Layout) (*Plan[T], error) {
	return newGlobalLpPool[T]("global_lp_pool3d", 3, inputShape, p, layout)
}

// GlobalLpPool1d is the LP pooling of norm p of each (n, c) row: output shape (N, C, 1) or (C, 1).
func GlobalLpPool1d[T Float](x Tensor[T], p float64, layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_lp_pool1d", x, false, func() (*Plan[T], error) { return NewGlobalLpPool1d[T](x.Shape, p, layout...) })
	return out, err
}

// GlobalLpPool2d is the LP pooling of norm p of each (n, c) plane: output shape (N, C, 1, 1) or (C, 1, 1).
func GlobalLpPool2d[T Float](x Tensor[T], p float64, layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_lp_pool2d", x, false, func() (*Plan[T], error) { return NewGlobalLpPool2d[T](x.Shape, p, layout...) })
	return out, err
}

// GlobalLpPool3d is the LP pooling of norm p of each (n, c) volume: output shape (N, C, 1, 1, 1) or (C, 1, 1, 1).
func GlobalLpPool3d[T Float](x Tensor[T], p float64, layout ...Layout) (Tensor[T], error) {
	out, _, err := apply("global_lp_pool3d", x, false, func() (*Plan[T], error) { return NewGlobalLpPool3d[T](x.Shape, p, layout...) })
	return out, err
}

// newGlobalMaxPool plans adaptive max pooling with every output size 1, in
// the layout given (at most one).
func newGlobalMaxPool[T Float](op string, dims int, shape []int, layout []Layout) (*Plan[T], error) {
	l, err := globalLayout(op, layout)
	if err != nil {
		return nil, err
	}
	return newAdaptiveMaxPool[T](op, dims, shape, AdaptiveMaxPoolOptions{OutputSize: []int{1}, Layout: l})
}

// newGlobalAvgPool plans adaptive average pooling with every output size 1,
// in the layout given (at most one).
func newGlobalAvgPool[T Float](op string, dims int, shape []int, layout []Layout) (*Plan[T], error) {
	l, err := globalLayout(op, layout)
	if err != nil {
		return nil, err
	}
	return newAdaptiveAvgPool[T](op, dims, shape, AdaptiveAvgPoolOptions{OutputSize: []int{1}, Layout: l})
}

// newGlobalLpPool plans lp_pool with the kernel covering the planes of shape,
// in the layout given (at most one). A shape of the wrong rank gets some
// kernel: lp_pool checks the shape before the kernel and reports the rank.
// The kernel takes the plane's sizes, so it may exceed lp_pool's C++ int
// limit.
func newGlobalLpPool[T Float](op string, dims int, shape []int, p float64, layout []Layout) (*Plan[T], error) {
	if err := checkNorm(op, "p", p); err != nil {
		return nil, err
	}
	l, err := globalLayout(op, layout)
	if err != nil {
		return nil, err
	}
	kernel := []int{1}
	if first := len(shape) - dims; first >= 0 {
		if l == ChannelsLast {
			first-- // the channels follow the spatial sizes
		}
		if first >= 0 {
			kernel = append([]int(nil), shape[first:first+dims]...)
		}
	}
	return newLpPool[T](op, dims, int64Arg, shape, LpPoolOptions{NormType: p, KernelSize: kernel, Layout: l})
}
