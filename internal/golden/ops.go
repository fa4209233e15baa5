package golden

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Runners of max_pool, avg_pool and lp_pool 1d/2d/3d. Every runner plans the
// case and runs the plan on the workers given (RunOn), as a server would.

type tensor = pool.Tensor[float32]

// runPlan runs plan p (err: its constructor's) on x into a new output, and
// into new indices when withIdx is set, on the workers w.
func runPlan(p *pool.Plan[float32], err error, x tensor, withIdx bool, w *pool.Workers) (tensor, []int64, error) {
	if err != nil {
		return tensor{}, nil, err
	}
	out, err := newOutput(p.OutputShape(), x, p.InputShape())
	if err != nil {
		return tensor{}, nil, err
	}
	if !withIdx {
		return out, nil, p.RunOn(w, out.Data, x.Data)
	}
	idx := make([]int64, len(out.Data))
	return out, idx, p.RunWithIndicesOn(w, out.Data, idx, x.Data)
}

// newOutput allocates an output of shape, once x is known to hold the
// planned input shape's elements.
func newOutput(shape []int, x tensor, in []int) (tensor, error) {
	n, ok := numel(in)
	if !ok || n != len(x.Data) {
		return tensor{}, fmt.Errorf("input of %d elements for shape %v", len(x.Data), in)
	}
	m, _ := numel(shape)
	return tensor{Shape: shape, Data: make([]float32, m)}, nil
}

func init() {
	for op, fn := range map[string]func([]int, pool.MaxPoolOptions) (*pool.Plan[float32], error){
		"max_pool1d": pool.NewMaxPool1d[float32],
		"max_pool2d": pool.NewMaxPool2d[float32],
		"max_pool3d": pool.NewMaxPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			a := &c.Args
			p, err := fn(x.Shape, pool.MaxPoolOptions{
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				Padding:    a.Padding,
				Dilation:   a.Dilation,
				CeilMode:   a.CeilMode,
				Layout:     l,
			})
			return runPlan(p, err, x, a.ReturnIndices, w)
		}
	}
	for op, fn := range map[string]func([]int, pool.AvgPoolOptions) (*pool.Plan[float32], error){
		"avg_pool1d": pool.NewAvgPool1d[float32],
		"avg_pool2d": pool.NewAvgPool2d[float32],
		"avg_pool3d": pool.NewAvgPool3d[float32],
	} {
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			a := &c.Args
			p, err := fn(x.Shape, pool.AvgPoolOptions{
				KernelSize:      a.KernelSize,
				Stride:          a.Stride,
				Padding:         a.Padding,
				CeilMode:        a.CeilMode,
				CountIncludePad: a.CountIncludePad,
				DivisorOverride: a.DivisorOverride,
				Layout:          l,
			})
			return runPlan(p, err, x, false, w)
		}
	}
	for op, fn := range map[string]func([]int, pool.LpPoolOptions) (*pool.Plan[float32], error){
		"lp_pool1d": pool.NewLpPool1d[float32],
		"lp_pool2d": pool.NewLpPool2d[float32],
	} {
		runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
			a := &c.Args
			var p float64 // absent: 0, which the API rejects
			if a.NormType != nil {
				p = *a.NormType
			}
			pl, err := fn(x.Shape, pool.LpPoolOptions{
				NormType:   p,
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				CeilMode:   a.CeilMode,
				Layout:     l,
			})
			return runPlan(pl, err, x, false, w)
		}
	}
}
