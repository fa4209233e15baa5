package seqpool

import "slices"

// Tensor is a contiguous row-major tensor: Data holds prod(Shape) elements.
type Tensor[E Float | Mask] struct {
	Shape []int
	Data  []E
}

// Pool runs op once: it plans for x's shape, checks that mask has the shape
// (B, T) of x's (B, T, H) (or (T) of (T, H)), and returns the pooled vectors,
// of shape (B, H) or (H), in a new tensor. Servers that pool many inputs of
// one shape should make a Plan instead.
func Pool[T Float, M Mask](op Op, x Tensor[T], mask Tensor[M], o Options) (Tensor[T], error) {
	p, err := NewPlan[T, M](op, x.Shape, o)
	if err != nil {
		return Tensor[T]{}, err
	}
	if want := p.MaskShape(); !slices.Equal(mask.Shape, want) {
		return Tensor[T]{}, errorf(op, "mask", "must have shape %v for input shape %v, got %v", want, x.Shape, mask.Shape)
	}
	out := Tensor[T]{Shape: p.OutputShape(), Data: make([]T, p.p.b*p.p.h)}
	if err := p.Run(out.Data, x.Data, mask.Data); err != nil {
		return Tensor[T]{}, err
	}
	return out, nil
}
