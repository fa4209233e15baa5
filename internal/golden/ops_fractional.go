package golden

import "github.com/simdpool/simdpool/pool"

// Runners of fractional_max_pool 2d/3d, with the case's _random_samples.

func init() {
	for op, fn := range map[string]func(tensor, pool.FractionalMaxPoolOptions, []float32) (tensor, []int64, error){
		"fractional_max_pool2d": pool.FractionalMaxPool2d[float32],
		"fractional_max_pool3d": pool.FractionalMaxPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			a := &c.Args
			return fn(x, pool.FractionalMaxPoolOptions{
				KernelSize:    a.KernelSize,
				OutputSize:    outputSize(a.OutputSize),
				OutputRatio:   a.OutputRatio,
				ReturnIndices: a.ReturnIndices,
			}, a.RandomSamples)
		}
	}
}
