package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Adaptive pooling picks the windows from the output size: along a dimension
// of 5 inputs, 3 outputs pool [0,2), [1,4) and [3,5).
func ExampleAdaptiveMaxPool1d() {
	x := pool.Tensor[float32]{Shape: []int{1, 5}, Data: []float32{1, 5, 2, 4, 3}}
	out, idx, err := pool.AdaptiveMaxPool1d(x, pool.AdaptiveMaxPoolOptions{OutputSize: []int{3}, ReturnIndices: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data, idx)
	// Output: [1 3] [5 5 4] [1 1 3]
}

// None keeps a dimension's input size, like PyTorch's None.
func ExampleAdaptiveAvgPool2d() {
	x := pool.Tensor[float64]{
		Shape: []int{1, 2, 4},
		Data: []float64{
			1, 2, 3, 4,
			5, 6, 7, 8,
		},
	}
	out, err := pool.AdaptiveAvgPool2d(x, pool.AdaptiveAvgPoolOptions{OutputSize: []int{pool.None, 2}})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data)
	// Output: [1 2 2] [1.5 3.5 5.5 7.5]
}

// A plan validates and precomputes the windows once; Run then pools into the
// caller's buffer without allocating.
func ExampleNewAdaptiveAvgPool2d() {
	plan, err := pool.NewAdaptiveAvgPool2d[float32]([]int{8, 512, 14, 14}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{7}})
	if err != nil {
		panic(err)
	}
	src := make([]float32, 8*512*14*14)
	dst := make([]float32, 8*512*7*7)
	if err := plan.Run(dst, src); err != nil {
		panic(err)
	}
	fmt.Println(plan.Op(), plan.OutputShape())
	// Output: adaptive_avg_pool2d [8 512 7 7]
}

// Global pooling reduces each (n, c) plane to one value and keeps the spatial
// dimensions with size 1.
func ExampleGlobalAvgPool2d() {
	x := pool.Tensor[float32]{
		Shape: []int{1, 2, 2, 2},
		Data: []float32{
			1, 2, 3, 4, // channel 0
			-1, 0, 8, 1, // channel 1
		},
	}
	avg, err := pool.GlobalAvgPool2d(x)
	if err != nil {
		panic(err)
	}
	mx, err := pool.GlobalMaxPool2d(x)
	if err != nil {
		panic(err)
	}
	l2, err := pool.GlobalLpPool2d(x, 2)
	if err != nil {
		panic(err)
	}
	fmt.Println(avg.Shape, avg.Data, mx.Data, l2.Data)
	// Output: [1 2 1 1] [2.5 2] [4 8] [5.477226 8.124039]
}
