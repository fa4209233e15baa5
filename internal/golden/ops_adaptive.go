package golden

import "github.com/simdpool/simdpool/pool"

// Runners of adaptive_max_pool and adaptive_avg_pool 1d/2d/3d.

func init() {
	for op, fn := range map[string]func([]int, pool.AdaptiveMaxPoolOptions) (*pool.Plan[float32], error){
		"adaptive_max_pool1d": pool.NewAdaptiveMaxPool1d[float32],
		"adaptive_max_pool2d": pool.NewAdaptiveMaxPool2d[float32],
		"adaptive_max_pool3d": pool.NewAdaptiveMaxPool3d[float32],
	} {
		registerPlan(op, func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error) {
			return fn(shape, pool.AdaptiveMaxPoolOptions{OutputSize: outputSize(c.Args.OutputSize), Layout: l})
		}, returnIndices)
	}
	for op, fn := range map[string]func([]int, pool.AdaptiveAvgPoolOptions) (*pool.Plan[float32], error){
		"adaptive_avg_pool1d": pool.NewAdaptiveAvgPool1d[float32],
		"adaptive_avg_pool2d": pool.NewAdaptiveAvgPool2d[float32],
		"adaptive_avg_pool3d": pool.NewAdaptiveAvgPool3d[float32],
	} {
		registerPlan(op, func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error) {
			return fn(shape, pool.AdaptiveAvgPoolOptions{OutputSize: outputSize(c.Args.OutputSize), Layout: l})
		}, noIndices)
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
