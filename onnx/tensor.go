package onnx

import "github.com/simdpool/simdpool"

// Float is the element type of every operator: float32 (SIMD kernels) or
// float64.
type Float = simdpool.Float

// Elem is the element type of MaxPool: a Float, int8 or uint8 (ONNX's
// 8-bit MaxPool, from opset 12).
type Elem = simdpool.Elem

// Tensor is a contiguous row-major tensor: Data holds prod(Shape) elements.
// Indices are Tensor[int64].
type Tensor[T any] struct {
	Shape []int
	Data  []T
}

// NewTensor returns a zero tensor of the given shape; it panics on a
// negative size, like make.
func NewTensor[T any](shape ...int) Tensor[T] {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return Tensor[T]{Shape: append([]int(nil), shape...), Data: make([]T, n)}
}

// Int returns a pointer to n, for the attributes whose ONNX default is not
// Go's zero value (LpPoolAttrs.P).
func Int(n int) *int { return &n }
