package pool_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/layout"
	"github.com/simdpool/simdpool/pool"
	"github.com/stretchr/testify/require"
)

// layoutOp runs one operator in a layout on x (of that layout's shape), with
// the same options and samples or seed in both layouts.
type layoutOp struct {
	name string
	dims int
	run  func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error)
}

// layoutOps are every operator, each with options that take its pure-Go or
// kernel path (r draws them once per call of the returned list).
func layoutOps(r *rand.Rand) []layoutOp {
	k := 1 + r.IntN(3)
	s := 1 + r.IntN(2)
	p := r.IntN(k/2 + 1)
	d := 1 + r.IntN(2)
	ceil := r.IntN(2) == 0
	seed := r.Uint64()
	var ops []layoutOp
	for dims := 1; dims <= 3; dims++ {
		sz := func(v int) []int { return []int{v} }
		ops = append(ops,
			layoutOp{fmt.Sprintf("max_pool%dd k%d s%d p%d d%d ceil %v", dims, k, s, p, d, ceil), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.MaxPoolOptions{KernelSize: sz(k), Stride: sz(s), Padding: sz(p), Dilation: sz(d), CeilMode: ceil, ReturnIndices: true, Layout: l}
				return [...]func(pool.Tensor[float32], pool.MaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.MaxPool1d[float32], pool.MaxPool2d[float32], pool.MaxPool3d[float32]}[dims-1](x, o)
			}},
			layoutOp{fmt.Sprintf("avg_pool%dd k%d s%d p%d ceil %v", dims, k, s, p, ceil), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.AvgPoolOptions{KernelSize: sz(k), Stride: sz(s), Padding: sz(p), CeilMode: ceil, CountIncludePad: pool.Bool(ceil), Layout: l}
				out, err := [...]func(pool.Tensor[float32], pool.AvgPoolOptions) (pool.Tensor[float32], error){pool.AvgPool1d[float32], pool.AvgPool2d[float32], pool.AvgPool3d[float32]}[dims-1](x, o)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("lp_pool%dd k%d s%d p=%d", dims, k, s, 1+s), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.LpPoolOptions{NormType: float64(1 + s), KernelSize: sz(k), Stride: sz(s), Layout: l}
				out, err := [...]func(pool.Tensor[float32], pool.LpPoolOptions) (pool.Tensor[float32], error){pool.LpPool1d[float32], pool.LpPool2d[float32], pool.LpPool3d[float32]}[dims-1](x, o)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("adaptive_max_pool%dd %d", dims, k+2), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.AdaptiveMaxPoolOptions{OutputSize: sz(k + 2), ReturnIndices: true, Layout: l}
				return [...]func(pool.Tensor[float32], pool.AdaptiveMaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.AdaptiveMaxPool1d[float32], pool.AdaptiveMaxPool2d[float32], pool.AdaptiveMaxPool3d[float32]}[dims-1](x, o)
			}},
			layoutOp{fmt.Sprintf("adaptive_avg_pool%dd %d", dims, k+2), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.AdaptiveAvgPoolOptions{OutputSize: sz(k + 2), Layout: l}
				out, err := [...]func(pool.Tensor[float32], pool.AdaptiveAvgPoolOptions) (pool.Tensor[float32], error){pool.AdaptiveAvgPool1d[float32], pool.AdaptiveAvgPool2d[float32], pool.AdaptiveAvgPool3d[float32]}[dims-1](x, o)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("global_max_pool%dd", dims), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				out, err := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalMaxPool1d[float32], pool.GlobalMaxPool2d[float32], pool.GlobalMaxPool3d[float32]}[dims-1](x, l)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("global_avg_pool%dd", dims), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				out, err := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalAvgPool1d[float32], pool.GlobalAvgPool2d[float32], pool.GlobalAvgPool3d[float32]}[dims-1](x, l)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("global_lp_pool%dd", dims), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				out, err := [...]func(pool.Tensor[float32], float64, ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalLpPool1d[float32], pool.GlobalLpPool2d[float32], pool.GlobalLpPool3d[float32]}[dims-1](x, 3, l)
				return out, nil, err
			}},
			layoutOp{fmt.Sprintf("stochastic_pool%dd k%d s%d", dims, k, s), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.StochasticPoolOptions{KernelSize: sz(k), Stride: sz(s), Padding: sz(p), Training: true, Negative: pool.ClampNegative, Layout: l}
				return [...]func(pool.Tensor[float32], pool.StochasticPoolOptions, uint64) (pool.Tensor[float32], []int64, error){pool.StochasticPool1d[float32], pool.StochasticPool2d[float32], pool.StochasticPool3d[float32]}[dims-1](x, o, seed)
			}},
		)
		if dims > 1 {
			ops = append(ops, layoutOp{fmt.Sprintf("fractional_max_pool%dd k%d", dims, k), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
				o := pool.FractionalMaxPoolOptions{KernelSize: sz(k), OutputRatio: []float64{0.6}, ReturnIndices: true, Seed: seed, Layout: l}
				return [...]func(pool.Tensor[float32], pool.FractionalMaxPoolOptions, []float32) (pool.Tensor[float32], []int64, error){nil, pool.FractionalMaxPool2d[float32], pool.FractionalMaxPool3d[float32]}[dims-1](x, o, nil)
			}})
		}
		ops = append(ops, layoutOp{fmt.Sprintf("max_unpool%dd k%d s%d", dims, k, s), dims, func(x pool.Tensor[float32], l pool.Layout) (pool.Tensor[float32], []int64, error) {
			// The indices of a max pooling of x, in x's layout, unpooled.
			mo := pool.MaxPoolOptions{KernelSize: sz(k), Stride: sz(s), ReturnIndices: true, Layout: l}
			y, idx, err := [...]func(pool.Tensor[float32], pool.MaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.MaxPool1d[float32], pool.MaxPool2d[float32], pool.MaxPool3d[float32]}[dims-1](x, mo)
			if err != nil {
				return y, nil, err
			}
			lead := len(x.Shape) - dims
			if l == pool.ChannelsLast {
				lead--
			}
			o := pool.MaxUnpoolOptions{KernelSize: sz(k), Stride: sz(s), OutputSize: x.Shape[lead : lead+dims], Layout: l}
			out, err := [...]func(pool.Tensor[float32], []int64, pool.MaxUnpoolOptions) (pool.Tensor[float32], error){pool.MaxUnpool1d[float32], pool.MaxUnpool2d[float32], pool.MaxUnpool3d[float32]}[dims-1](y, idx, o)
			return out, nil, err
		}})
	}
	return ops
}

// TestChannelsLastMatchesChannelsFirst runs every operator in both layouts
// on random inputs (normals or ties, with NaN, infinities and signed zeros),
// on every ISA: the channels-last results, permuted, must be the
// channels-first ones bit for bit, and so must the indices.
func TestChannelsLastMatchesChannelsFirst(t *testing.T) {
	prev := simdpool.Current()
	t.Cleanup(func() { require.NoError(t, simdpool.Use(prev)) })
	r := rand.New(rand.NewPCG(31, 32))
	for _, isa := range simdpool.Available() {
		require.NoError(t, simdpool.Use(isa))
		for trial := range 40 {
			for _, op := range layoutOps(r) {
				c := []int{1, 2, 3, 5, 8, 16, 17, 33}[r.IntN(8)]
				shape := []int{1 + r.IntN(2), c}
				for range op.dims {
					shape = append(shape, 3+r.IntN([]int{40, 12, 6}[op.dims-1]))
				}
				if trial%5 == 0 {
					shape = shape[1:] // unbatched
				}
				x := pool.NewTensor[float32](shape...)
				fillSpecial(r, x.Data)
				name := fmt.Sprintf("%s %s %v", isa, op.name, shape)
				want, wantIdx, err := op.run(x, pool.ChannelsFirst)
				if err != nil {
					_, _, errLast := op.run(lastOf(x, op.dims), pool.ChannelsLast)
					require.Error(t, errLast, name)
					continue
				}
				got, idx, err := op.run(lastOf(x, op.dims), pool.ChannelsLast)
				require.NoError(t, err, name)
				require.Equal(t, layout.Shape(want.Shape, op.dims), got.Shape, name)
				wl := lastOf(want, op.dims)
				for i := range wl.Data {
					if math.Float32bits(wl.Data[i]) != math.Float32bits(got.Data[i]) && !(wl.Data[i] != wl.Data[i] && got.Data[i] != got.Data[i]) {
						require.Failf(t, "value differs", "%s [%d]: got %v, want %v", name, i, got.Data[i], wl.Data[i])
					}
				}
				if wantIdx != nil {
					il := make([]int64, len(wantIdx))
					im, ch, n := layout.Split(want.Shape, op.dims)
					layout.ToLast(il, wantIdx, im, ch, n)
					require.Equal(t, il, idx, name)
				}
			}
		}
	}
}

// lastOf is x (channels-first) laid out channels-last.
func lastOf(x pool.Tensor[float32], dims int) pool.Tensor[float32] {
	im, c, n := layout.Split(x.Shape, dims)
	y := pool.Tensor[float32]{Shape: layout.Shape(x.Shape, dims), Data: make([]float32, len(x.Data))}
	layout.ToLast(y.Data, x.Data, im, c, n)
	return y
}

// fillSpecial writes normals or small integers (ties), with NaN, infinities
// and zeros of both signs here and there.
func fillSpecial(r *rand.Rand, x []float32) {
	ties := r.IntN(2) == 0
	for i := range x {
		x[i] = float32(r.NormFloat64())
		if ties {
			x[i] = float32(r.IntN(5) - 2)
		}
		switch r.IntN(60) {
		case 0:
			x[i] = float32(math.NaN())
		case 1:
			x[i] = float32(math.Inf(1))
		case 2:
			x[i] = float32(math.Inf(-1))
		case 3:
			x[i] = float32(math.Copysign(0, -1))
		}
	}
}

// TestLayoutErrors: a value that is no Layout, a shape with no channels-last
// reading, and a second layout for global pooling are errors naming the
// argument.
func TestLayoutErrors(t *testing.T) {
	bad := pool.Layout(7)
	for _, tc := range []struct {
		name, arg string
		err       error
	}{
		{"max_pool2d bad layout", "layout", second(pool.NewMaxPool2d[float32]([]int{1, 4, 4, 3}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: bad}))},
		{"avg_pool1d bad layout", "layout", second(pool.NewAvgPool1d[float32]([]int{1, 4, 3}, pool.AvgPoolOptions{KernelSize: []int{2}, Layout: bad}))},
		{"lp_pool3d bad layout", "layout", second(pool.NewLpPool3d[float32]([]int{4, 4, 4, 3}, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}, Layout: bad}))},
		{"adaptive_max bad layout", "layout", second(pool.NewAdaptiveMaxPool2d[float32]([]int{4, 4, 3}, pool.AdaptiveMaxPoolOptions{OutputSize: []int{2}, Layout: bad}))},
		{"adaptive_avg bad layout", "layout", second(pool.NewAdaptiveAvgPool2d[float32]([]int{4, 4, 3}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{2}, Layout: bad}))},
		{"fractional bad layout", "layout", second(pool.NewFractionalMaxPool2d[float32]([]int{4, 4, 3}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}, Layout: bad}))},
		{"unpool bad layout", "layout", second(pool.NewMaxUnpool2d[float32]([]int{4, 4, 3}, pool.MaxUnpoolOptions{KernelSize: []int{2}, Layout: bad}))},
		{"stochastic bad layout", "layout", second(pool.NewStochasticPool2d[float32]([]int{4, 4, 3}, pool.StochasticPoolOptions{KernelSize: []int{2}, Layout: bad}))},
		{"global bad layout", "layout", second(pool.NewGlobalMaxPool2d[float32]([]int{4, 4, 3}, bad))},
		{"global two layouts", "layout", second(pool.NewGlobalAvgPool2d[float32]([]int{4, 4, 3}, pool.ChannelsLast, pool.ChannelsLast))},
		{"global lp two layouts", "layout", second(pool.NewGlobalLpPool1d[float32]([]int{4, 3}, 2, pool.ChannelsLast, pool.ChannelsFirst))},
		{"channels-last rank", "input", second(pool.NewMaxPool2d[float32]([]int{4, 3}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast}))},
		{"channels-last no channels", "input", second(pool.NewMaxPool2d[float32]([]int{1, 4, 4, 0}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast}))},
		{"channels-last empty spatial", "input", second(pool.NewAvgPool2d[float32]([]int{1, 0, 4, 3}, pool.AvgPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast}))},
		{"channels-last too small", "input", second(pool.NewMaxPool2d[float32]([]int{1, 4, 1, 8}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast}))},
	} {
		var pe *pool.Error
		require.True(t, errors.As(tc.err, &pe), "%s: %v", tc.name, tc.err)
		require.Equal(t, tc.arg, pe.Arg, "%s: %v", tc.name, tc.err)
	}
	_, err := pool.NewMaxPool2d[float32]([]int{4, 3}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast})
	require.ErrorContains(t, err, "channels-last layout (N, H, W, C) or (H, W, C)")
}

func second[P any](_ P, err error) error { return err }

// TestChannelsLastShapes: plans give channels-last output shapes, and
// fractional pooling's samples stay (N, C, dims).
func TestChannelsLastShapes(t *testing.T) {
	p, err := pool.NewMaxPool2d[float32]([]int{2, 9, 8, 3}, pool.MaxPoolOptions{KernelSize: []int{2}, Layout: pool.ChannelsLast})
	require.NoError(t, err)
	require.Equal(t, []int{2, 4, 4, 3}, p.OutputShape())
	a, err := pool.NewAdaptiveAvgPool1d[float32]([]int{10, 5}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{3}, Layout: pool.ChannelsLast})
	require.NoError(t, err)
	require.Equal(t, []int{3, 5}, a.OutputShape())
	f, err := pool.NewFractionalMaxPool3d[float32]([]int{2, 6, 6, 6, 4}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}, Layout: pool.ChannelsLast})
	require.NoError(t, err)
	require.Equal(t, []int{2, 3, 3, 3, 4}, f.OutputShape())
	require.Equal(t, []int{2, 4, 3}, f.SamplesShape())
	u, err := pool.NewMaxUnpool2d[float32]([]int{1, 3, 3, 7}, pool.MaxUnpoolOptions{KernelSize: []int{2}, OutputSize: []int{1, 7, 6, 7}, Layout: pool.ChannelsLast})
	require.NoError(t, err)
	require.Equal(t, []int{1, 7, 6, 7}, u.OutputShape())
	g, err := pool.NewGlobalLpPool2d[float32]([]int{5, 6, 2}, 2, pool.ChannelsLast)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 2}, g.OutputShape())
}
