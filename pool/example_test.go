package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// The one-call form allocates its output: for scripts and tests.
func ExampleMaxPool2d() {
	x := pool.Tensor[float32]{
		Shape: []int{1, 1, 4, 4},
		Data: []float32{
			1, 2, 3, 4,
			5, 6, 7, 8,
			9, 10, 11, 12,
			13, 14, 15, 16,
		},
	}
	out, idx, err := pool.MaxPool2d(x, pool.MaxPoolOptions{KernelSize: []int{2}, ReturnIndices: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data, idx)
	// Output: [1 1 2 2] [6 8 14 16] [5 7 13 15]
}

// The plan form validates once, then runs into caller-provided buffers
// without allocating; one plan serves any number of goroutines.
func ExampleNewMaxPool2d() {
	plan, err := pool.NewMaxPool2d[float32]([]int{8, 64, 112, 112}, pool.MaxPoolOptions{
		KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1},
	})
	if err != nil {
		panic(err)
	}
	src := make([]float32, 8*64*112*112)
	dst := make([]float32, 8*64*56*56)
	for range 3 { // e.g. once per request
		if err := plan.Run(dst, src); err != nil {
			panic(err)
		}
	}
	fmt.Println(plan.OutputShape())
	// Output: [8 64 56 56]
}

func ExampleAvgPool2d() {
	x := pool.Tensor[float32]{Shape: []int{1, 3, 3}, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}}
	// PyTorch's count_include_pad defaults to true; Bool(false) divides by
	// the number of inputs inside the window only.
	out, err := pool.AvgPool2d(x, pool.AvgPoolOptions{
		KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, CountIncludePad: pool.Bool(false),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data)
	// Output: [1 2 2] [3 4 6 7]
}

func ExampleLpPool1d() {
	x := pool.Tensor[float64]{Shape: []int{1, 4}, Data: []float64{3, 4, 6, 8}}
	out, err := pool.LpPool1d(x, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Data)
	// Output: [5 10]
}

// Invalid arguments give an *Error naming the argument and the rule.
func ExampleError() {
	_, err := pool.NewMaxPool2d[float32]([]int{1, 1, 8, 8}, pool.MaxPoolOptions{KernelSize: []int{3}, Padding: []int{2}})
	fmt.Println(err)
	// Output: pool: max_pool2d: padding must be at most half of kernel_size, got padding=2 and kernel_size=3
}
