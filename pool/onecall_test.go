package pool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// oneCall is the one-call form of an operator with options that suit any
// input of its rank, and the plan the one-call form makes.
type oneCall struct {
	op   string // the name the plan and every error carry
	dims int
	call func(x pool.Tensor[float32]) error
	plan func(shape []int) (op string, err error)
}

// planOp adapts a plan constructor's results to oneCall.plan.
func planOp[P interface{ Op() string }](p P, err error) (string, error) {
	if err != nil {
		return "", err
	}
	return p.Op(), nil
}

// oneCalls lists the one-call form of every operator.
func oneCalls() []oneCall {
	var all []oneCall
	add := func(op string, dims int, call func(pool.Tensor[float32]) error, plan func([]int) (string, error)) {
		all = append(all, oneCall{fmt.Sprintf("%s%dd", op, dims), dims, call, plan})
	}
	k2 := []int{2}
	maxO := pool.MaxPoolOptions{KernelSize: k2, ReturnIndices: true}
	avgO := pool.AvgPoolOptions{KernelSize: k2}
	lpO := pool.LpPoolOptions{NormType: 2, KernelSize: k2}
	amaxO := pool.AdaptiveMaxPoolOptions{OutputSize: k2, ReturnIndices: true}
	aavgO := pool.AdaptiveAvgPoolOptions{OutputSize: k2}
	fracO := pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: []int{1}, ReturnIndices: true}
	unO := pool.MaxUnpoolOptions{KernelSize: k2}
	stO := pool.StochasticPoolOptions{KernelSize: k2, Training: true}
	maxP := [...]func([]int, pool.MaxPoolOptions) (*pool.Plan[float32], error){pool.NewMaxPool1d[float32], pool.NewMaxPool2d[float32], pool.NewMaxPool3d[float32]}
	maxF := [...]func(pool.Tensor[float32], pool.MaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.MaxPool1d[float32], pool.MaxPool2d[float32], pool.MaxPool3d[float32]}
	avgP := [...]func([]int, pool.AvgPoolOptions) (*pool.Plan[float32], error){pool.NewAvgPool1d[float32], pool.NewAvgPool2d[float32], pool.NewAvgPool3d[float32]}
	avgF := [...]func(pool.Tensor[float32], pool.AvgPoolOptions) (pool.Tensor[float32], error){pool.AvgPool1d[float32], pool.AvgPool2d[float32], pool.AvgPool3d[float32]}
	lpP := [...]func([]int, pool.LpPoolOptions) (*pool.Plan[float32], error){pool.NewLpPool1d[float32], pool.NewLpPool2d[float32], pool.NewLpPool3d[float32]}
	lpF := [...]func(pool.Tensor[float32], pool.LpPoolOptions) (pool.Tensor[float32], error){pool.LpPool1d[float32], pool.LpPool2d[float32], pool.LpPool3d[float32]}
	amaxP := [...]func([]int, pool.AdaptiveMaxPoolOptions) (*pool.Plan[float32], error){pool.NewAdaptiveMaxPool1d[float32], pool.NewAdaptiveMaxPool2d[float32], pool.NewAdaptiveMaxPool3d[float32]}
	amaxF := [...]func(pool.Tensor[float32], pool.AdaptiveMaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.AdaptiveMaxPool1d[float32], pool.AdaptiveMaxPool2d[float32], pool.AdaptiveMaxPool3d[float32]}
	aavgP := [...]func([]int, pool.AdaptiveAvgPoolOptions) (*pool.Plan[float32], error){pool.NewAdaptiveAvgPool1d[float32], pool.NewAdaptiveAvgPool2d[float32], pool.NewAdaptiveAvgPool3d[float32]}
	aavgF := [...]func(pool.Tensor[float32], pool.AdaptiveAvgPoolOptions) (pool.Tensor[float32], error){pool.AdaptiveAvgPool1d[float32], pool.AdaptiveAvgPool2d[float32], pool.AdaptiveAvgPool3d[float32]}
	unP := [...]func([]int, pool.MaxUnpoolOptions) (*pool.UnpoolPlan[float32], error){pool.NewMaxUnpool1d[float32], pool.NewMaxUnpool2d[float32], pool.NewMaxUnpool3d[float32]}
	unF := [...]func(pool.Tensor[float32], []int64, pool.MaxUnpoolOptions) (pool.Tensor[float32], error){pool.MaxUnpool1d[float32], pool.MaxUnpool2d[float32], pool.MaxUnpool3d[float32]}
	stP := [...]func([]int, pool.StochasticPoolOptions) (*pool.StochasticPlan[float32], error){pool.NewStochasticPool1d[float32], pool.NewStochasticPool2d[float32], pool.NewStochasticPool3d[float32]}
	stF := [...]func(pool.Tensor[float32], pool.StochasticPoolOptions, uint64) (pool.Tensor[float32], []int64, error){pool.StochasticPool1d[float32], pool.StochasticPool2d[float32], pool.StochasticPool3d[float32]}
	gmaxP := [...]func([]int, ...pool.Layout) (*pool.Plan[float32], error){pool.NewGlobalMaxPool1d[float32], pool.NewGlobalMaxPool2d[float32], pool.NewGlobalMaxPool3d[float32]}
	gmaxF := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalMaxPool1d[float32], pool.GlobalMaxPool2d[float32], pool.GlobalMaxPool3d[float32]}
	gavgP := [...]func([]int, ...pool.Layout) (*pool.Plan[float32], error){pool.NewGlobalAvgPool1d[float32], pool.NewGlobalAvgPool2d[float32], pool.NewGlobalAvgPool3d[float32]}
	gavgF := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalAvgPool1d[float32], pool.GlobalAvgPool2d[float32], pool.GlobalAvgPool3d[float32]}
	glpP := [...]func([]int, float64, ...pool.Layout) (*pool.Plan[float32], error){pool.NewGlobalLpPool1d[float32], pool.NewGlobalLpPool2d[float32], pool.NewGlobalLpPool3d[float32]}
	glpF := [...]func(pool.Tensor[float32], float64, ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalLpPool1d[float32], pool.GlobalLpPool2d[float32], pool.GlobalLpPool3d[float32]}
	for d := 1; d <= 3; d++ {
		i := d - 1
		add("max_pool", d, func(x pool.Tensor[float32]) error { _, _, err := maxF[i](x, maxO); return err },
			func(s []int) (string, error) { return planOp(maxP[i](s, maxO)) })
		add("avg_pool", d, func(x pool.Tensor[float32]) error { _, err := avgF[i](x, avgO); return err },
			func(s []int) (string, error) { return planOp(avgP[i](s, avgO)) })
		add("lp_pool", d, func(x pool.Tensor[float32]) error { _, err := lpF[i](x, lpO); return err },
			func(s []int) (string, error) { return planOp(lpP[i](s, lpO)) })
		add("adaptive_max_pool", d, func(x pool.Tensor[float32]) error { _, _, err := amaxF[i](x, amaxO); return err },
			func(s []int) (string, error) { return planOp(amaxP[i](s, amaxO)) })
		add("adaptive_avg_pool", d, func(x pool.Tensor[float32]) error { _, err := aavgF[i](x, aavgO); return err },
			func(s []int) (string, error) { return planOp(aavgP[i](s, aavgO)) })
		add("max_unpool", d, func(x pool.Tensor[float32]) error { _, err := unF[i](x, make([]int64, len(x.Data)), unO); return err },
			func(s []int) (string, error) { return planOp(unP[i](s, unO)) })
		add("stochastic_pool", d, func(x pool.Tensor[float32]) error { _, _, err := stF[i](x, stO, 1); return err },
			func(s []int) (string, error) { return planOp(stP[i](s, stO)) })
		add("global_max_pool", d, func(x pool.Tensor[float32]) error { _, err := gmaxF[i](x); return err },
			func(s []int) (string, error) { return planOp(gmaxP[i](s)) })
		add("global_avg_pool", d, func(x pool.Tensor[float32]) error { _, err := gavgF[i](x); return err },
			func(s []int) (string, error) { return planOp(gavgP[i](s)) })
		add("global_lp_pool", d, func(x pool.Tensor[float32]) error { _, err := glpF[i](x, 2); return err },
			func(s []int) (string, error) { return planOp(glpP[i](s, 2)) })
	}
	add("fractional_max_pool", 2, func(x pool.Tensor[float32]) error { _, _, err := pool.FractionalMaxPool2d(x, fracO, nil); return err },
		func(s []int) (string, error) { return planOp(pool.NewFractionalMaxPool2d[float32](s, fracO)) })
	add("fractional_max_pool", 3, func(x pool.Tensor[float32]) error { _, _, err := pool.FractionalMaxPool3d(x, fracO, nil); return err },
		func(s []int) (string, error) { return planOp(pool.NewFractionalMaxPool3d[float32](s, fracO)) })
	return all
}
