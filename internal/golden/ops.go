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

// planner makes the pool.Plan of a case for an input shape in layout l.
type planner func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error)

// planners are the planners of the operators whose plans are pool.Plans
// (max, avg and LP pooling, adaptive pooling); CheckGrad runs their
// Backward.
var planners = map[string]planner{}

// registerPlan registers an operator whose plan is a pool.Plan: its planner
// and its forward runner, with indices when withIdx says so.
func registerPlan(op string, plan planner, withIdx func(a *Args) bool) {
	planners[op] = plan
	runners[op] = func(c *Case, x tensor, l pool.Layout, w *pool.Workers) (tensor, []int64, error) {
		p, err := plan(c, x.Shape, l)
		return runPlan(p, err, x, withIdx(&c.Args), w)
	}
}

func returnIndices(a *Args) bool { return a.ReturnIndices }

func noIndices(*Args) bool { return false }

func init() {
	for op, fn := range map[string]func([]int, pool.MaxPoolOptions) (*pool.Plan[float32], error){
		"max_pool1d": pool.NewMaxPool1d[float32],
		"max_pool2d": pool.NewMaxPool2d[float32],
		"max_pool3d": pool.NewMaxPool3d[float32],
	} {
		registerPlan(op, func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error) {
			a := &c.Args
			return fn(shape, pool.MaxPoolOptions{
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				Padding:    a.Padding,
				Dilation:   a.Dilation,
				CeilMode:   a.CeilMode,
				Layout:     l,
			})
		}, returnIndices)
	}
	for op, fn := range map[string]func([]int, pool.AvgPoolOptions) (*pool.Plan[float32], error){
		"avg_pool1d": pool.NewAvgPool1d[float32],
		"avg_pool2d": pool.NewAvgPool2d[float32],
		"avg_pool3d": pool.NewAvgPool3d[float32],
	} {
		registerPlan(op, func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error) {
			a := &c.Args
			return fn(shape, pool.AvgPoolOptions{
				KernelSize:      a.KernelSize,
				Stride:          a.Stride,
				Padding:         a.Padding,
				CeilMode:        a.CeilMode,
				CountIncludePad: a.CountIncludePad,
				DivisorOverride: a.DivisorOverride,
				Layout:          l,
			})
		}, noIndices)
	}
	for op, fn := range map[string]func([]int, pool.LpPoolOptions) (*pool.Plan[float32], error){
		"lp_pool1d": pool.NewLpPool1d[float32],
		"lp_pool2d": pool.NewLpPool2d[float32],
	} {
		registerPlan(op, func(c *Case, shape []int, l pool.Layout) (*pool.Plan[float32], error) {
			a := &c.Args
			var p float64 // absent: 0, which the API rejects
			if a.NormType != nil {
				p = *a.NormType
			}
			return fn(shape, pool.LpPoolOptions{
				NormType:   p,
				KernelSize: a.KernelSize,
				Stride:     a.Stride,
				CeilMode:   a.CeilMode,
				Layout:     l,
			})
		}, noIndices)
	}
}
