package pool_test

import (
	"errors"
	"math"
	"testing"

	"github.com/simdpool/simdpool/pool"
)

// FuzzOtherPlans builds adaptive, fractional, unpooling and stochastic plans
// from random shapes and arguments and runs the valid ones on random data
// (and, for unpooling, random indices): invalid arguments must give a
// *pool.Error, nothing may panic, and max-type outputs must be the inputs at
// their indices.
func FuzzOtherPlans(f *testing.F) {
	f.Add([]byte{0, 2, 1, 5, 6, 7, 2, 3, 1, 2, 0, 1, 9, 8, 7, 6, 5, 4})
	f.Add([]byte{1, 1, 0, 9, 3, 2, 2, 1, 0, 1, 1, 3, 7, 7})
	f.Add([]byte{2, 2, 1, 4, 4, 4, 3, 2, 2, 1, 1, 0, 2, 2, 2, 1})
	f.Add([]byte{3, 3, 1, 4, 5, 6, 3, 2, 2, 1, 1, 0, 2, 2, 2, 1, 9, 9})
	f.Add([]byte{4, 1, 1, 8, 3, 3, 2, 1, 1, 0, 5, 5, 5, 5})
	f.Fuzz(func(t *testing.T, b []byte) {
		a := &fuzzArgs{b: b}
		family, dims := a.next()%5, a.small(1, 3)
		if family == 2 && dims == 1 {
			dims = 2 // fractional pooling is 2d or 3d
		}
		shape := make([]int, dims+a.small(1, 2))
		n := 1
		for i := range shape {
			shape[i] = a.small(-1, 9)
			n *= max(shape[i], 0)
		}
		values := func(m int, nonNegative bool) []float32 {
			v := make([]float32, m)
			for i := range v {
				v[i] = fuzzValues[a.next()%len(fuzzValues)]
				if nonNegative && (v[i] < 0 || v[i] != v[i] || math.IsInf(float64(v[i]), 1)) {
					v[i] = 1
				}
			}
			return v
		}
		var err error
		switch family {
		case 0, 1: // adaptive max, adaptive avg
			size := a.sizes(dims)
			for i := range size {
				if a.next()%5 == 0 {
					size[i] = pool.None
				}
			}
			x := pool.Tensor[float32]{Shape: shape, Data: values(n, false)}
			if family == 0 {
				var out pool.Tensor[float32]
				var idx []int64
				out, idx, err = [...]func(pool.Tensor[float32], pool.AdaptiveMaxPoolOptions) (pool.Tensor[float32], []int64, error){
					pool.AdaptiveMaxPool1d[float32], pool.AdaptiveMaxPool2d[float32], pool.AdaptiveMaxPool3d[float32],
				}[dims-1](x, pool.AdaptiveMaxPoolOptions{OutputSize: size, ReturnIndices: true})
				if err == nil {
					checkMaxIndices(t, shape, dims, x.Data, out.Data, idx, false)
				}
			} else {
				_, err = [...]func(pool.Tensor[float32], pool.AdaptiveAvgPoolOptions) (pool.Tensor[float32], error){
					pool.AdaptiveAvgPool1d[float32], pool.AdaptiveAvgPool2d[float32], pool.AdaptiveAvgPool3d[float32],
				}[dims-1](x, pool.AdaptiveAvgPoolOptions{OutputSize: size})
			}
		case 2: // fractional max
			o := pool.FractionalMaxPoolOptions{KernelSize: a.sizes(dims), OutputSize: a.sizes(dims), ReturnIndices: true, Seed: uint64(a.next())}
			if a.next()%3 == 0 {
				o.OutputSize, o.OutputRatio = nil, []float64{float64(a.next()%12) / 10}
			}
			x := pool.Tensor[float32]{Shape: shape, Data: values(n, false)}
			var samples []float32
			if a.next()%2 == 0 {
				samples = values(len(shape)/2*dims+a.small(0, 3), true)
				for i := range samples {
					samples[i] /= 4
				}
			}
			fractional := [...]func(pool.Tensor[float32], pool.FractionalMaxPoolOptions, []float32) (pool.Tensor[float32], []int64, error){
				pool.FractionalMaxPool2d[float32], pool.FractionalMaxPool3d[float32],
			}[dims-2]
			var out pool.Tensor[float32]
			var idx []int64
			if out, idx, err = fractional(x, o, samples); err == nil {
				checkMaxIndices(t, shape, dims, x.Data, out.Data, idx, false)
			}
		case 3: // max unpooling
			o := pool.MaxUnpoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims)}
			if a.next()%3 == 0 {
				o.OutputSize = a.sizes(dims)
			}
			idx := make([]int64, n+a.small(-1, 3)/2)
			for i := range idx {
				idx[i] = int64(a.small(-1, 40))
			}
			x := pool.Tensor[float32]{Shape: shape, Data: values(n, false)}
			_, err = [...]func(pool.Tensor[float32], []int64, pool.MaxUnpoolOptions) (pool.Tensor[float32], error){
				pool.MaxUnpool1d[float32], pool.MaxUnpool2d[float32], pool.MaxUnpool3d[float32],
			}[dims-1](x, idx, o)
		default: // stochastic, training or inference
			o := pool.StochasticPoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims),
				CeilMode: a.next()%2 == 0, Training: a.next()%2 == 0, Negative: pool.NegativeRule(a.next() % 3), Threads: a.small(-1, 4)}
			x := pool.Tensor[float32]{Shape: shape, Data: values(n, a.next()%4 != 0)}
			var out pool.Tensor[float32]
			var idx []int64
			out, idx, err = [...]func(pool.Tensor[float32], pool.StochasticPoolOptions, uint64) (pool.Tensor[float32], []int64, error){
				pool.StochasticPool1d[float32], pool.StochasticPool2d[float32], pool.StochasticPool3d[float32],
			}[dims-1](x, o, uint64(a.next()))
			if err == nil && o.Training && o.Negative == pool.ErrorOnNegative {
				checkMaxIndices(t, shape, dims, x.Data, out.Data, idx, true) // an all-zero window gives +0
			}
		}
		var pe *pool.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *pool.Error", err)
		}
	})
}
