package golden

import "github.com/simdpool/simdpool/pool"

// Runners of adaptive_max_pool and adaptive_avg_pool 1d/2d/3d.

func init() {
	for op, fn := range map[string]func(tensor, pool.AdaptiveMaxPoolOptions) (tensor, []int64, error){
		"adaptive_max_pool1d": pool.AdaptiveMaxPool1d[float32],
		"adaptive_max_pool2d": pool.AdaptiveMaxPool2d[float32],
		"adaptive_max_pool3d": pool.AdaptiveMaxPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			return fn(x, pool.AdaptiveMaxPoolOptions{
				OutputSize:    outputSize(c.Args.OutputSize),
				ReturnIndices: c.Args.ReturnIndices,
			})
		}
	}
	for op, fn := range map[string]func(tensor, pool.AdaptiveAvgPoolOptions) (tensor, error){
		"adaptive_avg_pool1d": pool.AdaptiveAvgPool1d[float32],
		"adaptive_avg_pool2d": pool.AdaptiveAvgPool2d[float32],
		"adaptive_avg_pool3d": pool.AdaptiveAvgPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			out, err := fn(x, pool.AdaptiveAvgPoolOptions{OutputSize: outputSize(c.Args.OutputSize)})
			return out, nil, err
		}
	}
}

// outputSize converts a decoded output_size to the pool API: null entries
// become pool.None, a null list nil.
func outputSize(s Sizes) []int {
	if s == nil {
		return nil
	}
	out := make([]int, len(s))
	for i, v := range s {
		if v == None {
			v = pool.None
		}
		out[i] = v
	}
	return out
}
