package golden

import "github.com/simdpool/simdpool/pool"

// Runners of max_pool, avg_pool and lp_pool 1d/2d/3d.

type tensor = pool.Tensor[float32]

func init() {
	for op, fn := range map[string]func(tensor, pool.MaxPoolOptions) (tensor, []int64, error){
		"max_pool1d": pool.MaxPool1d[float32],
		"max_pool2d": pool.MaxPool2d[float32],
		"max_pool3d": pool.MaxPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			a := &c.Args
			return fn(x, pool.MaxPoolOptions{
				KernelSize:    a.KernelSize,
				Stride:        a.Stride,
				Padding:       a.Padding,
				Dilation:      a.Dilation,
				CeilMode:      a.CeilMode,
				ReturnIndices: a.ReturnIndices,
			})
		}
	}
	for op, fn := range map[string]func(tensor, pool.AvgPoolOptions) (tensor, error){
		"avg_pool1d": pool.AvgPool1d[float32],
		"avg_pool2d": pool.AvgPool2d[float32],
		"avg_pool3d": pool.AvgPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			a := &c.Args
			out, err := fn(x, pool.AvgPoolOptions{
				KernelSize:      a.KernelSize,
				Stride:          a.Stride,
				Padding:         a.Padding,
				CeilMode:        a.CeilMode,
				CountIncludePad: a.CountIncludePad,
				DivisorOverride: a.DivisorOverride,
			})
			return out, nil, err
		}
	}
	for op, fn := range map[string]func(tensor, pool.LpPoolOptions) (tensor, error){
		"lp_pool1d": pool.LpPool1d[float32],
		"lp_pool2d": pool.LpPool2d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			a := &c.Args
			var p float64 // absent: 0, which the API rejects
			if a.NormType != nil {
				p = *a.NormType
			}
			out, err := fn(x, pool.LpPoolOptions{
				NormType:   p,
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				CeilMode:   a.CeilMode,
			})
			return out, nil, err
		}
	}
}
