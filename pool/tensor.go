package pool

import "github.com/simdpool/simdpool"

// Float is the element type: float32 (SIMD kernels) or float64 (generic kernels).
type Float = simdpool.Float

// Tensor is a contiguous row-major tensor: Data holds prod(Shape) elements.
type Tensor[T Float] struct {
	Shape []int
	Data  []T
}

// NewTensor returns a zero tensor of the given shape; it panics on a negative
// size, like make.
func NewTensor[T Float](shape ...int) Tensor[T] {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return Tensor[T]{Shape: append([]int(nil), shape...), Data: make([]T, n)}
}

// Bool returns a pointer to b, for options whose default is not false
// (AvgPoolOptions.CountIncludePad).
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for optional integers (AvgPoolOptions.DivisorOverride).
func Int(n int) *int { return &n }
