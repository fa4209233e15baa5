package golden

import "github.com/simdpool/simdpool/pool"

// Runners of fractional_max_pool 2d/3d, with the case's _random_samples.

func init() {
	for op, fn := range map[string]func([]int, pool.FractionalMaxPoolOptions) (*pool.FractionalPlan[float32], error){
		"fractional_max_pool2d": pool.NewFractionalMaxPool2d[float32],
		"fractional_max_pool3d": pool.NewFractionalMaxPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			a := &c.Args
			p, err := fn(x.Shape, pool.FractionalMaxPoolOptions{
				KernelSize:  a.KernelSize,
				OutputSize:  outputSize(a.OutputSize),
				OutputRatio: a.OutputRatio,
				Layout:      l,
			})
			if err != nil {
				return tensor{}, nil, err
			}
			out, err := newOutput(p.OutputShape(), x, p.InputShape())
			if err != nil {
				return tensor{}, nil, err
			}
			var idx []int64
			if a.ReturnIndices {
				idx = make([]int64, len(out.Data))
			}
			return out, idx, p.RunOn(w, out.Data, idx, x.Data, a.RandomSamples)
		}
	}
}
