package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Fractional max pooling takes one sample in [0, 1) per (n, c) plane and
// spatial dimension (PyTorch's _random_samples); for 2d, sample 0 moves the
// windows along W and sample 1 along H. Here the 2x2 windows start at rows
// 0, 2, 3 and columns 0, 1, 3.
func ExampleFractionalMaxPool2d() {
	x := pool.Tensor[float32]{Shape: []int{1, 1, 5, 5}, Data: []float32{
		0, 1, 2, 3, 4,
		5, 6, 7, 8, 9,
		10, 11, 12, 13, 14,
		15, 16, 17, 18, 19,
		20, 21, 22, 23, 24,
	}}
	o := pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}, ReturnIndices: true}
	out, idx, err := pool.FractionalMaxPool2d(x, o, []float32{0.7, 0.5})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data)
	fmt.Println(idx)
	// Output:
	// [1 1 3 3] [6 7 9 16 17 19 21 22 24]
	// [6 7 9 16 17 19 21 22 24]
}

// A plan draws its samples from a seed without allocating: the same seed
// gives the same windows, whatever the goroutines.
func ExampleNewFractionalMaxPool2d() {
	plan, err := pool.NewFractionalMaxPool2d[float32]([]int{8, 16, 32, 32}, pool.FractionalMaxPoolOptions{
		KernelSize: []int{2}, OutputRatio: []float64{0.5},
	})
	if err != nil {
		panic(err)
	}
	src := make([]float32, 8*16*32*32)
	for i := range src {
		src[i] = float32(i % 97)
	}
	dst := make([]float32, 8*16*16*16)
	indices := make([]int64, len(dst))
	if err := plan.RunSeeded(dst, indices, src, 2024); err != nil {
		panic(err)
	}
	again := make([]int64, len(dst))
	if err := plan.RunSeeded(dst, again, src, 2024); err != nil {
		panic(err)
	}
	fmt.Println(plan.OutputShape(), plan.SamplesShape(), fmt.Sprint(indices) == fmt.Sprint(again))
	// Output: [8 16 16 16] [8 16 2] true
}
