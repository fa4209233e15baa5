package pool

import "github.com/simdpool/simdpool"

// Float is the element type: float32 (SIMD kernels) or float64 (generic kernels).
type Float = simdpool.Float

// Tensor is a contiguous row-major tensor: Data holds prod(Shape) elements.
type Tensor[T Float] struct {
	Shape []int
	Data  []T
}

// MakeTensor returns a zero tensor of the given shape, or an *Error (Arg
// "shape") when a size is negative or the tensor would break the size limits
// of the package doc (2^37 elements on 64-bit platforms).
func MakeTensor[T Float](shape ...int) (Tensor[T], error) {
	return makeTensor[T]("MakeTensor", "shape", shape)
}

// NewTensor is MakeTensor for shapes known to be valid: where MakeTensor
// returns an error, NewTensor panics with it, as make panics on a negative
// length.
func NewTensor[T Float](shape ...int) Tensor[T] {
	t, err := makeTensor[T]("NewTensor", "shape", shape)
	if err != nil {
		panic(err)
	}
	return t
}

// makeTensor is MakeTensor with errors naming op and arg.
func makeTensor[T Float](op, arg string, shape []int) (Tensor[T], error) {
	n, err := tensorElements(op, arg, shape)
	if err != nil {
		return Tensor[T]{}, err
	}
	return Tensor[T]{Shape: append([]int(nil), shape...), Data: make([]T, n)}, nil
}

// Bool returns a pointer to b, for options whose default is not false
// (AvgPoolOptions.CountIncludePad).
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for optional integers (AvgPoolOptions.DivisorOverride).
func Int(n int) *int { return &n }
