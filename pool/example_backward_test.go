package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// A training step: the forward keeps its indices, the backward sends each
// output's gradient to its window's maximum.
func ExampleMaxPool2dBackward() {
	x := pool.Tensor[float32]{Shape: []int{1, 1, 2, 4}, Data: []float32{
		1, 5, 2, 0,
		3, 4, 8, 6,
	}}
	o := pool.MaxPoolOptions{KernelSize: []int{2}, ReturnIndices: true}
	y, idx, _ := pool.MaxPool2d(x, o)
	grad := pool.Tensor[float32]{Shape: y.Shape, Data: []float32{10, 20}}
	gx, err := pool.MaxPool2dBackward(x.Shape, grad, idx, o)
	fmt.Println(y.Data, idx, gx.Data, err)
	// Output: [5 8] [1 6] [0 10 0 0 0 0 20 0] <nil>
}

// Servers and training loops plan once; Backward then writes into the
// caller's buffer without allocating.
func ExamplePlan_Backward() {
	plan, _ := pool.NewAvgPool1d[float64]([]int{1, 1, 5}, pool.AvgPoolOptions{KernelSize: []int{2}, Stride: []int{1}})
	gradOut := []float64{1, 2, 3, 4} // d(loss)/d(output), of plan.OutputShape()
	gradIn := make([]float64, 5)     // d(loss)/d(input), of plan.InputShape()
	err := plan.Backward(gradIn, gradOut, nil, nil)
	fmt.Println(gradIn, err)
	// Output: [0.5 1.5 2.5 3.5 2] <nil>
}
