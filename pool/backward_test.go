package pool_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/simdpool/simdpool/pool"
)

// backArg requires err to be a *pool.Error about arg.
func backArg(t *testing.T, err error, arg string) {
	t.Helper()
	var pe *pool.Error
	require.True(t, errors.As(err, &pe), "want a *pool.Error about %s, got %v", arg, err)
	require.Equal(t, arg, pe.Arg, "%v", err)
}

// filled returns n copies of v.
func filled(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestBackwardHandChecked(t *testing.T) {
	// max_pool1d k2: the gradient goes to each window's maximum.
	x := pool.Tensor[float32]{Shape: []int{1, 1, 5}, Data: []float32{1, 3, 2, 2, 9}}
	mo := pool.MaxPoolOptions{KernelSize: []int{2}, Stride: []int{1}}
	_, idx, err := pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{2}, Stride: []int{1}, ReturnIndices: true})
	require.NoError(t, err)
	g, err := pool.MaxPool1dBackward(x.Shape, pool.Tensor[float32]{Shape: []int{1, 1, 4}, Data: []float32{1, 10, 100, 1000}}, idx, mo)
	require.NoError(t, err)
	assert.Equal(t, []float32{0, 11, 100, 0, 1000}, g.Data)

	// avg_pool1d k2 p1: padding counts, each quotient to its window.
	ao := pool.AvgPoolOptions{KernelSize: []int{2}, Padding: []int{1}}
	g, err = pool.AvgPool1dBackward([]int{1, 1, 3}, pool.Tensor[float32]{Shape: []int{1, 1, 2}, Data: []float32{2, 4}}, ao)
	require.NoError(t, err)
	assert.Equal(t, []float32{1, 2, 2}, g.Data)

	// adaptive_avg_pool1d 5 -> 3: windows [0,2) [1,4) [3,5), divided by their sizes.
	g, err = pool.AdaptiveAvgPool1dBackward([]int{1, 5}, pool.Tensor[float32]{Shape: []int{1, 3}, Data: []float32{2, 3, 4}}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{3}})
	require.NoError(t, err)
	assert.Equal(t, []float32{1, 2, 1, 3, 2}, g.Data)

	// Global average: the gradient divided by the plane size.
	g, err = pool.GlobalAvgPool2dBackward([]int{2, 1, 2}, pool.Tensor[float32]{Shape: []int{2, 1, 1}, Data: []float32{4, 8}})
	require.NoError(t, err)
	assert.Equal(t, []float32{2, 2, 4, 4}, g.Data)

	// lp_pool1d p=2 k2: d||x||/dx = x/||x||.
	lx := pool.Tensor[float64]{Shape: []int{1, 1, 2}, Data: []float64{3, 4}}
	lg, err := pool.LpPool1dBackward(lx, pool.Tensor[float64]{Shape: []int{1, 1, 1}, Data: []float64{10}}, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}})
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float64{6, 8}, lg.Data, 1e-12)

	// max_unpool1d: each input's gradient is the output gradient at its index.
	ug, err := pool.MaxUnpool1dBackward([]int{1, 1, 2}, pool.Tensor[float32]{Shape: []int{1, 1, 4}, Data: []float32{1, 2, 3, 4}}, []int64{3, 0}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []float32{4, 1}, ug.Data)
}

func TestBackwardErrorsNameTheArgument(t *testing.T) {
	p, err := pool.NewMaxPool2d[float32]([]int{1, 2, 4, 4}, pool.MaxPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	gin, gout, idx := filled(32, 7), make([]float32, 8), make([]int64, 8)
	for _, tc := range []struct {
		arg string
		err error
	}{
		{"grad_input", p.Backward(gin[:31], gout, idx, nil)},
		{"grad_output", p.Backward(gin, gout[:7], idx, nil)},
		{"indices", p.Backward(gin, gout, nil, nil)},
		{"indices", p.Backward(gin, gout, idx[:7], nil)},
		{"src", p.Backward(gin, gout, idx, gin)},
	} {
		backArg(t, tc.err, tc.arg)
	}
	for _, bad := range []int64{16, -2, math.MinInt64} {
		idx[5] = bad
		err := p.Backward(gin, gout, idx, nil)
		backArg(t, err, "indices")
		assert.Contains(t, err.Error(), "at position 5")
	}
	assert.Equal(t, filled(32, 7), gin, "a failed Backward writes nothing")

	a, err := pool.NewAvgPool2d[float32]([]int{1, 2, 4, 4}, pool.AvgPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	backArg(t, a.Backward(gin, gout, idx, nil), "indices")
	lp, err := pool.NewLpPool2d[float32]([]int{1, 2, 4, 4}, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}})
	require.NoError(t, err)
	assert.True(t, lp.BackwardNeedsInput())
	backArg(t, lp.Backward(gin, gout, nil, nil), "src")
	backArg(t, lp.Backward(gin, gout, nil, gin[:30]), "src")
	w, err := pool.NewWorkers(2)
	require.NoError(t, err)
	w.Close()
	backArg(t, a.BackwardOn(w, gin, gout, nil, nil), "workers")
	assert.Equal(t, filled(32, 7), gin)

	_, err = pool.AvgPool2dBackward([]int{1, 2, 4, 4}, pool.Tensor[float32]{Shape: []int{1, 2, 2, 3}, Data: make([]float32, 12)}, pool.AvgPoolOptions{KernelSize: []int{2}})
	backArg(t, err, "grad_output")
}

func TestOtherBackwardErrors(t *testing.T) {
	fp, err := pool.NewFractionalMaxPool2d[float32]([]int{1, 1, 5, 5}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}})
	require.NoError(t, err)
	gin := filled(25, 7)
	backArg(t, fp.Backward(gin, make([]float32, 8), make([]int64, 9)), "grad_output")
	backArg(t, fp.Backward(gin, make([]float32, 9), nil), "indices")
	backArg(t, fp.Backward(gin, make([]float32, 9), []int64{0, 1, 2, 3, 25, 5, 6, 7, 8}), "indices")

	up, err := pool.NewMaxUnpool1d[float32]([]int{1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	ugin := filled(3, 7)
	backArg(t, up.Backward(ugin, make([]float32, 5), []int64{0, 1, 2}), "grad_output")
	backArg(t, up.Backward(ugin, make([]float32, 6), []int64{0, 1}), "indices")
	backArg(t, up.Backward(ugin, make([]float32, 6), []int64{0, 1, 6}), "indices")

	so := pool.StochasticPoolOptions{KernelSize: []int{2}}
	sp, err := pool.NewStochasticPool1d[float32]([]int{1, 1, 4}, so)
	require.NoError(t, err)
	sgin := filled(4, 7)
	backArg(t, sp.Backward(sgin, make([]float32, 2), nil, nil), "src")
	backArg(t, sp.Backward(sgin, make([]float32, 2), []int64{0, 2}, []float32{1, 2, 3, 4}), "indices")
	backArg(t, sp.Backward(sgin, make([]float32, 2), nil, []float32{1, -2, 3, 4}), "input")
	so.Training = true
	st, err := pool.NewStochasticPool1d[float32]([]int{1, 1, 4}, so)
	require.NoError(t, err)
	backArg(t, st.Backward(sgin, make([]float32, 2), nil, nil), "indices")
	backArg(t, st.Backward(sgin, make([]float32, 2), []int64{0, 2}, []float32{1, 2, 3, 4}), "src")
	backArg(t, st.Backward(sgin, make([]float32, 2), []int64{0, 4}, nil), "indices")
	assert.Equal(t, filled(25, 7), gin)
	assert.Equal(t, filled(3, 7), ugin)
	assert.Equal(t, filled(4, 7), sgin)
}

// TestBackwardDoesNotAllocate runs the backward of every plan type in a
// steady state: no allocation.
func TestBackwardDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	data := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(r.NormFloat64())
		}
		return s
	}
	shape := []int{2, 3, 12, 12}
	check := func(name string, run func() error) {
		t.Helper()
		require.NoError(t, run(), name)
		race.NoAllocs(t, 20, func() { _ = run() }, name)
	}
	plans := map[string]func() (*pool.Plan[float32], error){
		"max overlapping": func() (*pool.Plan[float32], error) {
			return pool.NewMaxPool2d[float32](shape, pool.MaxPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}})
		},
		"max 2x2": func() (*pool.Plan[float32], error) {
			return pool.NewMaxPool2d[float32](shape, pool.MaxPoolOptions{KernelSize: []int{2}})
		},
		"avg 2x2": func() (*pool.Plan[float32], error) {
			return pool.NewAvgPool2d[float32](shape, pool.AvgPoolOptions{KernelSize: []int{2}})
		},
		"avg stride 1": func() (*pool.Plan[float32], error) {
			return pool.NewAvgPool2d[float32](shape, pool.AvgPoolOptions{KernelSize: []int{3}, Stride: []int{1}})
		},
		"avg stride 2": func() (*pool.Plan[float32], error) {
			return pool.NewAvgPool2d[float32](shape, pool.AvgPoolOptions{KernelSize: []int{3}, Stride: []int{2}})
		},
		"lp": func() (*pool.Plan[float32], error) {
			return pool.NewLpPool2d[float32](shape, pool.LpPoolOptions{NormType: 3, KernelSize: []int{2}})
		},
		"adaptive avg": func() (*pool.Plan[float32], error) {
			return pool.NewAdaptiveAvgPool2d[float32](shape, pool.AdaptiveAvgPoolOptions{OutputSize: []int{5}})
		},
		"adaptive max": func() (*pool.Plan[float32], error) {
			return pool.NewAdaptiveMaxPool2d[float32](shape, pool.AdaptiveMaxPoolOptions{OutputSize: []int{5}})
		},
		"global avg": func() (*pool.Plan[float32], error) { return pool.NewGlobalAvgPool2d[float32](shape) },
		"global max": func() (*pool.Plan[float32], error) { return pool.NewGlobalMaxPool2d[float32](shape) },
		"empty adaptive": func() (*pool.Plan[float32], error) {
			return pool.NewAdaptiveAvgPool2d[float32](shape, pool.AdaptiveAvgPoolOptions{OutputSize: []int{0}})
		},
	}
	w, err := pool.NewWorkers(2)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	for name, mk := range plans {
		p, err := mk()
		require.NoError(t, err, name)
		x := data(fracProd(shape))
		out := make([]float32, fracProd(p.OutputShape()))
		var idx []int64
		if p.HasIndices() {
			idx = make([]int64, len(out))
			require.NoError(t, p.RunWithIndices(out, idx, x))
		}
		var src []float32
		if p.BackwardNeedsInput() {
			src = x
		}
		gin, gout := make([]float32, len(x)), data(len(out))
		check(name, func() error { return p.Backward(gin, gout, idx, src) })
		check(name+" on workers", func() error { return p.BackwardOn(w, gin, gout, idx, src) })
	}

	fp, err := pool.NewFractionalMaxPool2d[float32](shape, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{7}})
	require.NoError(t, err)
	fout, fidx := make([]float32, fracProd(fp.OutputShape())), make([]int64, fracProd(fp.OutputShape()))
	x := data(fracProd(shape))
	require.NoError(t, fp.RunSeeded(fout, fidx, x, 1))
	fgin, fgout := make([]float32, len(x)), data(len(fout))
	check("fractional", func() error { return fp.Backward(fgin, fgout, fidx) })

	up, err := pool.NewMaxUnpool2d[float32](shape, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	uidx := make([]int64, len(x))
	for i := range uidx {
		uidx[i] = int64(i % 576)
	}
	ugin, ugout := make([]float32, len(x)), data(fracProd(up.OutputShape()))
	check("unpool", func() error { return up.Backward(ugin, ugout, uidx) })

	for _, training := range []bool{false, true} {
		sp, err := pool.NewStochasticPool2d[float32](shape, pool.StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Training: training, Negative: pool.ClampNegative})
		require.NoError(t, err)
		sout := make([]float32, fracProd(sp.OutputShape()))
		var sidx []int64
		var src []float32
		if training {
			sidx = make([]int64, len(sout))
		} else {
			src = x
		}
		require.NoError(t, sp.Run(sout, sidx, x, 3))
		sgin, sgout := make([]float32, len(x)), data(len(sout))
		check("stochastic", func() error { return sp.Backward(sgin, sgout, sidx, src) })
	}
}

// TestBackwardConcurrent runs one plan's Backward from 16 goroutines (run it
// with -race): every run gives the single-run gradient.
func TestBackwardConcurrent(t *testing.T) {
	p, err := pool.NewMaxPool2d[float32]([]int{2, 8, 30, 30}, pool.MaxPoolOptions{KernelSize: []int{3}, Stride: []int{2}})
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(53, 54))
	x := make([]float32, 2*8*900)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	n := fracProd(p.OutputShape())
	out, idx, gout := make([]float32, n), make([]int64, n), make([]float32, n)
	for i := range gout {
		gout[i] = float32(r.NormFloat64())
	}
	require.NoError(t, p.RunWithIndices(out, idx, x))
	want := make([]float32, len(x))
	require.NoError(t, p.Backward(want, gout, idx, nil))
	w, err := pool.NewWorkers(3)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			got := make([]float32, len(x))
			for range 10 {
				if g%2 == 0 {
					assert.NoError(t, p.Backward(got, gout, idx, nil))
				} else {
					assert.NoError(t, p.BackwardOn(w, got, gout, idx, nil))
				}
				assert.Equal(t, want, got)
			}
		})
	}
	wg.Wait()
}

// TestStochasticBackward checks training (the scatter of each gradient to
// the element chosen) and inference (central differences of the forward,
// float64, with overlapping windows, ClampNegative's zeros and on workers).
func TestStochasticBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	shape := []int{2, 2, 7, 9}
	n := fracProd(shape)
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.2 + r.Float64()
		if i%7 == 3 {
			x[i] = -x[i]
		}
	}
	o := pool.StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, Negative: pool.ClampNegative, Training: true}
	tp, err := pool.NewStochasticPool2d[float64](shape, o)
	require.NoError(t, err)
	m := fracProd(tp.OutputShape())
	out, idx, gout := make([]float64, m), make([]int64, m), make([]float64, m)
	for i := range gout {
		gout[i] = r.NormFloat64()
	}
	require.NoError(t, tp.Run(out, idx, x, 9))
	want := make([]float64, n)
	plane, outPlane := 7*9, m/4
	for o, at := range idx {
		want[o/outPlane*plane+int(at)] += gout[o]
	}
	got := make([]float64, n)
	require.NoError(t, tp.Backward(got, gout, idx, nil))
	assert.Equal(t, want, got)

	o.Training = false
	ip, err := pool.NewStochasticPool2d[float64](shape, o)
	require.NoError(t, err)
	require.NoError(t, ip.Backward(got, gout, nil, x))
	loss := func() (s float64) {
		require.NoError(t, ip.Run(out, nil, x, 0))
		for k := range out {
			s += out[k] * gout[k]
		}
		return s
	}
	for k := range x {
		if x[k] < 0 {
			assert.Zero(t, got[k], "ClampNegative: no gradient to a negative input [%d]", k)
			continue
		}
		const h = 1e-6
		x0 := x[k]
		x[k] = x0 + h
		up := loss()
		x[k] = x0 - h
		down := loss()
		x[k] = x0
		assert.InDelta(t, (up-down)/(2*h), got[k], 1e-6*(1+math.Abs(got[k])), "[%d]", k)
	}
	w, err := pool.NewWorkers(3)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	onW := make([]float64, n)
	require.NoError(t, ip.BackwardOn(w, onW, gout, nil, x))
	assert.Equal(t, got, onW)
}

// TestUnpoolBackwardIsAdjoint checks max unpooling's backward against its
// forward: for any indices, sum(unpool(x)*g) = sum(x*backward(g)) when the
// indices of a plane are distinct (both are then exact permutations).
func TestUnpoolBackwardIsAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(57, 58))
	p, err := pool.NewMaxUnpool2d[float64]([]int{2, 3, 4, 5}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	outPlane := fracProd(p.OutputShape()[2:])
	x, idx := make([]float64, 120), make([]int64, 120)
	for pl := range 6 {
		perm := r.Perm(outPlane)
		for i := range 20 {
			x[pl*20+i], idx[pl*20+i] = r.NormFloat64(), int64(perm[i])
		}
	}
	y := make([]float64, fracProd(p.OutputShape()))
	g := make([]float64, len(y))
	for i := range g {
		g[i] = r.NormFloat64()
	}
	require.NoError(t, p.Run(y, x, idx))
	gx := make([]float64, len(x))
	require.NoError(t, p.Backward(gx, g, idx))
	var a, b float64
	for i := range y {
		a += y[i] * g[i]
	}
	for i := range x {
		b += x[i] * gx[i]
	}
	assert.InDelta(t, a, b, 1e-12)
}

// TestBackwardEmpty: an empty batch or output needs no indices nor input.
func TestBackwardEmpty(t *testing.T) {
	p, err := pool.NewMaxPool2d[float32]([]int{0, 3, 4, 4}, pool.MaxPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	require.NoError(t, p.Backward(nil, nil, nil, nil))
	lp, err := pool.NewLpPool1d[float32]([]int{0, 3, 4}, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}})
	require.NoError(t, err)
	require.NoError(t, lp.Backward(nil, nil, nil, nil))
	a, err := pool.NewAdaptiveMaxPool1d[float32]([]int{2, 3, 4}, pool.AdaptiveMaxPoolOptions{OutputSize: []int{0}})
	require.NoError(t, err)
	gin := filled(24, 7)
	require.NoError(t, a.Backward(gin, nil, nil, nil))
	assert.Equal(t, make([]float32, 24), gin, "no outputs: a zero gradient")
	fp, err := pool.NewFractionalMaxPool2d[float32]([]int{1, 1, 4, 4}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{0}})
	require.NoError(t, err)
	fgin := filled(16, 7)
	require.NoError(t, fp.Backward(fgin, nil, nil))
	assert.Equal(t, make([]float32, 16), fgin)
}
