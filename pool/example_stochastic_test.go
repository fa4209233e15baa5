package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Inference takes each window's expectation sum(a^2)/sum(a); training picks
// one element per window with probability a_i/sum(a), from the seed.
func ExampleStochasticPool2d() {
	x := pool.Tensor[float32]{
		Shape: []int{1, 4, 4},
		Data: []float32{
			1, 2, 0, 0,
			3, 4, 0, 0,
			0, 0, 5, 5,
			0, 1, 5, 5,
		},
	}
	o := pool.StochasticPoolOptions{KernelSize: []int{2}}
	out, _, err := pool.StochasticPool2d(x, o, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("inference:", out.Shape, out.Data)

	o.Training = true
	out, idx, err := pool.StochasticPool2d(x, o, 42)
	if err != nil {
		panic(err)
	}
	fmt.Println("training: ", out.Data, idx)
	// Output:
	// inference: [1 2 2] [3 0 1 5]
	// training:  [4 0 1 5] [5 2 13 11]
}

// A plan runs into caller-provided buffers without allocating. The draw of
// each window depends only on the seed and the output position, so the
// result for a seed is the same with any number of Threads.
func ExampleNewStochasticPool2d() {
	plan, err := pool.NewStochasticPool2d[float64]([]int{1, 1, 2, 2}, pool.StochasticPoolOptions{
		KernelSize: []int{2}, Training: true, Threads: 1,
	})
	if err != nil {
		panic(err)
	}
	src := []float64{1, 2, 3, 4}
	dst, idx := make([]float64, 1), make([]int64, 1)
	var counts [4]int
	const runs = 100000
	for seed := range uint64(runs) {
		if err := plan.Run(dst, idx, src, seed); err != nil {
			panic(err)
		}
		counts[idx[0]]++
	}
	for i, c := range counts {
		fmt.Printf("a=%v picked %.2f of the time\n", src[i], float64(c)/runs)
	}
	// Output:
	// a=1 picked 0.10 of the time
	// a=2 picked 0.20 of the time
	// a=3 picked 0.30 of the time
	// a=4 picked 0.40 of the time
}

// Negative inputs are an error unless a NegativeRule says otherwise;
// ClampNegative treats them as 0, as a ReLU before the pool would.
func ExampleNegativeRule() {
	x := pool.Tensor[float32]{Shape: []int{1, 4}, Data: []float32{-5, 2, -1, 2}}
	_, _, err := pool.StochasticPool1d(x, pool.StochasticPoolOptions{KernelSize: []int{4}}, 0)
	fmt.Println(err)

	out, _, err := pool.StochasticPool1d(x, pool.StochasticPoolOptions{KernelSize: []int{4}, Negative: pool.ClampNegative}, 0)
	fmt.Println(out.Data, err)
	// Output:
	// pool: stochastic_pool1d: input must be non-negative and finite (ErrorOnNegative; see StochasticPoolOptions.Negative), got -5 at position [0 0]
	// [2] <nil>
}
