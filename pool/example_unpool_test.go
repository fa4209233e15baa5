package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Max unpooling puts each value back where max pooling found it and fills
// the rest with zeros.
func ExampleMaxUnpool2d() {
	x := pool.Tensor[float32]{Shape: []int{1, 1, 4, 4}, Data: []float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
	}}
	pooled, idx, err := pool.MaxPool2d(x, pool.MaxPoolOptions{KernelSize: []int{2}, ReturnIndices: true})
	if err != nil {
		panic(err)
	}
	out, err := pool.MaxUnpool2d(pooled, idx, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Shape, out.Data)
	// Output: [1 1 4 4] [0 0 0 0 0 6 0 8 0 0 0 0 0 14 0 16]
}

// The plan form checks every index before writing: a bad one leaves dst
// untouched. OutputSize picks among the sizes a strided pooling could have
// come from (here 5 rather than the default 4).
func ExampleNewMaxUnpool1d() {
	plan, err := pool.NewMaxUnpool1d[float32]([]int{1, 2}, pool.MaxUnpoolOptions{KernelSize: []int{2}, OutputSize: []int{5}})
	if err != nil {
		panic(err)
	}
	dst := make([]float32, 5)
	fmt.Println(plan.Run(dst, []float32{7, 9}, []int64{1, 4}), dst)
	fmt.Println(plan.Run(dst, []float32{1, 1}, []int64{0, 5}), dst)
	// Output:
	// <nil> [0 7 0 0 9]
	// pool: max_unpool1d: indices must lie in [0, 5) for output spatial size [5], got 5 at position 1 [0 7 0 0 9]
}
