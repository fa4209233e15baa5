package onnx_test

import (
	"fmt"

	"github.com/simdpool/simdpool/onnx"
)

// A TF-exported 'SAME' pool: auto_pad SAME_UPPER pads 0 before and 1 after,
// and Indices are flat over the whole tensor.
func ExampleNewMaxPool() {
	plan, err := onnx.NewMaxPool[float32]([]int{1, 1, 3, 3}, onnx.MaxPoolAttrs{
		AutoPad: onnx.SameUpper, KernelShape: []int{2, 2}, Strides: []int{2, 2},
	})
	if err != nil {
		panic(err)
	}
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	y, idx := make([]float32, 4), make([]int64, 4)
	if err := plan.RunWithIndices(y, idx, x); err != nil {
		panic(err)
	}
	fmt.Println(plan.OutputShape(), y, idx)
	// Output: [1 1 2 2] [5 6 8 9] [4 5 7 8]
}

// int8 MaxPool, one call.
func ExampleMaxPool() {
	x := onnx.Tensor[int8]{Shape: []int{1, 1, 4}, Data: []int8{-5, 3, -128, -7}}
	y, err := onnx.MaxPool(x, onnx.MaxPoolAttrs{KernelShape: []int{2}, Strides: []int{2}})
	fmt.Println(y.Data, err)
	// Output: [3 -7] <nil>
}

// MaxUnpool with output_shape: the indices are positions in the output_shape
// tensor, or, as ONNX's reference reads them, in the inferred shape (here
// 2x4), zero-extended into output_shape.
func ExampleMaxUnpool() {
	x := onnx.Tensor[float32]{Shape: []int{1, 1, 1, 2}, Data: []float32{5, 6}}
	i := onnx.Tensor[int64]{Shape: []int{1, 1, 1, 2}, Data: []int64{5, 7}}
	a := onnx.MaxUnpoolAttrs{KernelShape: []int{2, 2}, Strides: []int{2, 2}}
	y, _ := onnx.MaxUnpool(x, i, []int{1, 1, 3, 5}, a)
	a.IndexInferredShape = true
	r, _ := onnx.MaxUnpool(x, i, []int{1, 1, 3, 5}, a)
	fmt.Println(y.Data[5:10], r.Data[5:10])
	// Output: [5 0 6 0 0] [0 5 0 6 0]
}
