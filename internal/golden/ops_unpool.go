package golden

import "github.com/simdpool/simdpool/pool"

// Runners of max_unpool 1d/2d/3d. The indices are the case's args.indices,
// flat; their shape (args.indices_shape) is not passed, so an indices list of
// another shape than the input has another length, which the API rejects.

func init() {
	for op, fn := range map[string]func(tensor, []int64, pool.MaxUnpoolOptions) (tensor, error){
		"max_unpool1d": pool.MaxUnpool1d[float32],
		"max_unpool2d": pool.MaxUnpool2d[float32],
		"max_unpool3d": pool.MaxUnpool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor) (tensor, []int64, error) {
			a := &c.Args
			out, err := fn(x, a.UnpoolIndices, pool.MaxUnpoolOptions{
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				Padding:    a.Padding,
				OutputSize: outputSize(a.OutputSize),
			})
			return out, nil, err
		}
	}
}
