package golden

import "github.com/simdpool/simdpool/pool"

// Runners of fractional_max_pool 2d/3d, with the case's _random_samples.

func init() {
	for op, fn := range map[string]func([]int, pool.FractionalMaxPoolOptions) (*pool.FractionalPlan[float32], error){
		"fractional_max_pool2d": pool.NewFractionalMaxPool2d[float32],
		"fractional_max_pool3d": pool.NewFractionalMaxPool3d[float32],
	} {
		plan := func(c *Case, shape []int, l pool.Layout) (*pool.FractionalPlan[float32], error) {
			a := &c.Args
			return fn(shape, pool.FractionalMaxPoolOptions{
				KernelSize:  a.KernelSize,
				OutputSize:  outputSize(a.OutputSize),
				OutputRatio: a.OutputRatio,
				Layout:      l,
			})
		}
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			p, err := plan(c, x.Shape, l)
			if err != nil {
				return tensor{}, nil, err
			}
			return runFractional(p, c, x, c.Args.ReturnIndices, w)
		}
		gradRunners[op] = func(c *Case, x tensor, gout []float32, l pool.Layout, w *pool.Workers) ([]float32, error) {
			p, err := plan(c, x.Shape, l)
			if err != nil {
				return nil, err
			}
			_, idx, err := runFractional(p, c, x, true, w)
			if err != nil {
				return nil, err
			}
			gin := make([]float32, len(x.Data))
			return gin, p.BackwardOn(w, gin, gout, idx)
		}
	}
}

// runFractional runs p on x with the case's samples, with indices when
// withIdx is set.
func runFractional(p *pool.FractionalPlan[float32], c *Case, x tensor, withIdx bool, w *pool.Workers) (tensor, []int64, error) {
	out, err := newOutput(p.OutputShape(), x, p.InputShape())
	if err != nil {
		return tensor{}, nil, err
	}
	var idx []int64
	if withIdx {
		idx = make([]int64, len(out.Data))
	}
	return out, idx, p.RunOn(w, out.Data, idx, x.Data, c.Args.RandomSamples)
}
