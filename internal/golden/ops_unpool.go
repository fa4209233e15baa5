package golden

import "github.com/simdpool/simdpool/pool"

// Runners of max_unpool 1d/2d/3d. The indices are the case's args.indices,
// flat; their shape (args.indices_shape) is not passed, so an indices list of
// another shape than the input has another length, which the API rejects.

func init() {
	for op, fn := range map[string]func([]int, pool.MaxUnpoolOptions) (*pool.UnpoolPlan[float32], error){
		"max_unpool1d": pool.NewMaxUnpool1d[float32],
		"max_unpool2d": pool.NewMaxUnpool2d[float32],
		"max_unpool3d": pool.NewMaxUnpool3d[float32],
	} {
		plan := func(c *Case, shape []int, l pool.Layout) (*pool.UnpoolPlan[float32], error) {
			a := &c.Args
			return fn(shape, pool.MaxUnpoolOptions{
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				Padding:    a.Padding,
				OutputSize: outputSize(a.OutputSize),
				Layout:     l,
			})
		}
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			p, err := plan(c, x.Shape, l)
			if err != nil {
				return tensor{}, nil, err
			}
			out, err := newOutput(p.OutputShape(), x, p.InputShape())
			if err != nil {
				return tensor{}, nil, err
			}
			return out, nil, p.RunOn(w, out.Data, x.Data, c.Args.UnpoolIndices)
		}
		gradRunners[op] = func(c *Case, x tensor, gout []float32, l pool.Layout, w *pool.Workers) ([]float32, error) {
			p, err := plan(c, x.Shape, l)
			if err != nil {
				return nil, err
			}
			gin := make([]float32, len(x.Data))
			return gin, p.BackwardOn(w, gin, gout, c.Args.UnpoolIndices)
		}
	}
}
