package pool

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stochasticRef is a from-scratch stochastic pooling over the (already
// validated) input shape: each window is recomputed from its output position,
// start = o*stride - pad clipped to [0, In), and pooled in the plainest way.
// It holds for inputs in the normal range (no rescaling).
func stochasticRef[T Float](shape, outShape []int, dims int, o StochasticPoolOptions, src []T, seed uint64) ([]T, []int64) {
	lead := len(shape) - dims
	in := append(slices.Repeat([]int{1}, 3-dims), shape[lead:]...)
	out := append(slices.Repeat([]int{1}, 3-dims), outShape[lead:]...)
	k, s, p := [3]int{1, 1, 1}, [3]int{1, 1, 1}, [3]int{}
	for i := range dims {
		at := func(v []int, def int) int {
			switch len(v) {
			case 0:
				return def
			case 1:
				return v[0]
			}
			return v[i]
		}
		k[3-dims+i] = at(o.KernelSize, 0)
		s[3-dims+i] = at(o.Stride, k[3-dims+i])
		p[3-dims+i] = at(o.Padding, 0)
	}
	planes := 1
	for _, n := range shape[:lead] {
		planes *= n
	}
	inPlane, outPlane := in[0]*in[1]*in[2], out[0]*out[1]*out[2]
	dst, idx := make([]T, planes*outPlane), make([]int64, planes*outPlane)
	for pl := range planes {
		for od := range out[0] {
			for oh := range out[1] {
				for ow := range out[2] {
					oi := pl*outPlane + (od*out[1]+oh)*out[2] + ow
					var vals []T
					var at []int
					first := -1
					for d := max(od*s[0]-p[0], 0); d < min(od*s[0]-p[0]+k[0], in[0]); d++ {
						for h := max(oh*s[1]-p[1], 0); h < min(oh*s[1]-p[1]+k[1], in[1]); h++ {
							for w := max(ow*s[2]-p[2], 0); w < min(ow*s[2]-p[2]+k[2], in[2]); w++ {
								i := (d*in[1]+h)*in[2] + w
								if first < 0 {
									first = i
								}
								if v := src[pl*inPlane+i]; v > 0 {
									vals, at = append(vals, v), append(at, i)
								}
							}
						}
					}
					var sum, sq T
					for _, v := range vals {
						sum += v
						sq += T(v * v)
					}
					switch {
					case sum == 0:
						dst[oi], idx[oi] = 0, int64(first)
					case !o.Training:
						dst[oi] = sq / sum
					default:
						t := uniform[T](seed, uint64(oi)) * sum
						var c T
						j := len(vals) - 1
						for n, v := range vals {
							if c += v; c > t {
								j = n
								break
							}
						}
						dst[oi], idx[oi] = vals[j], int64(at[j])
					}
				}
			}
		}
	}
	if !o.Training {
		idx = nil
	}
	return dst, idx
}

func newStochastic[T Float](dims int, shape []int, o StochasticPoolOptions) (*StochasticPlan[T], error) {
	return [...]func([]int, StochasticPoolOptions) (*StochasticPlan[T], error){
		NewStochasticPool1d[T], NewStochasticPool2d[T], NewStochasticPool3d[T],
	}[dims-1](shape, o)
}

func stochasticCall[T Float](dims int, x Tensor[T], o StochasticPoolOptions, seed uint64) (Tensor[T], []int64, error) {
	return [...]func(Tensor[T], StochasticPoolOptions, uint64) (Tensor[T], []int64, error){
		StochasticPool1d[T], StochasticPool2d[T], StochasticPool3d[T],
	}[dims-1](x, o, seed)
}

// stochasticData fills n values: a third zeros, the rest in (0, 10), and
// with negatives a sixth negative.
func stochasticData[T Float](r *rand.Rand, n int, negatives bool) []T {
	x := make([]T, n)
	for i := range x {
		switch v := r.IntN(6); {
		case v < 2:
			x[i] = 0
		case v == 2 && negatives:
			x[i] = -T(r.Float64() * 10)
		default:
			x[i] = T(r.Float64() * 10)
		}
	}
	return x
}

func TestStochasticInferenceHandChecked(t *testing.T) {
	x := Tensor[float64]{Shape: []int{1, 6}, Data: []float64{1, 2, 3, 0, 0, 0}}
	out, idx, err := StochasticPool1d(x, StochasticPoolOptions{KernelSize: []int{2}}, 0)
	require.NoError(t, err)
	assert.Nil(t, idx)
	assert.Equal(t, []int{1, 3}, out.Shape)
	assert.Equal(t, []float64{5.0 / 3, 3, 0}, out.Data)

	// 2d, padding 1, ceil mode: (1 2 / 3 4) pooled 2x2 with stride 2.
	y := Tensor[float32]{Shape: []int{1, 1, 3, 3}, Data: []float32{
		1, 2, 0,
		3, 4, 0,
		0, 0, 5,
	}}
	o := StochasticPoolOptions{KernelSize: []int{2}, Padding: []int{1}}
	out32, _, err := StochasticPool2d(y, o, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2, 2}, out32.Shape)
	assert.Equal(t, []float32{1, 2, 3, float32(16+25) / 9}, out32.Data)

	// 3d: one 2x2x2 window of 1..8: sum 36, sum of squares 204.
	z := NewTensor[float64](1, 2, 2, 2)
	for i := range z.Data {
		z.Data[i] = float64(i + 1)
	}
	out, _, err = StochasticPool3d(z, StochasticPoolOptions{KernelSize: []int{2}}, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 1}, out.Shape)
	assert.Equal(t, []float64{204.0 / 36}, out.Data)
}

func TestStochasticTrainingHandChecked(t *testing.T) {
	// One window of 1, 2, 3, 4 (sum 10): the pick is the first element whose
	// running sum 1, 3, 6, 10 exceeds 10u.
	p, err := NewStochasticPool1d[float64]([]int{1, 4}, StochasticPoolOptions{KernelSize: []int{4}, Training: true})
	require.NoError(t, err)
	src := []float64{1, 2, 3, 4}
	seen := map[int64]bool{}
	for seed := range uint64(200) {
		dst, idx := []float64{-1}, []int64{-1}
		require.NoError(t, p.Run(dst, idx, src, seed))
		u := uniform[float64](seed, 0)
		want := int64(3)
		switch {
		case u < 0.1:
			want = 0
		case u < 0.3:
			want = 1
		case u < 0.6:
			want = 2
		}
		require.Equal(t, want, idx[0], "seed %d, u=%v", seed, u)
		require.Equal(t, src[want], dst[0])
		seen[want] = true
	}
	assert.Len(t, seen, 4)

	// 2d with padding: the indices are flat in the (n, c) plane, the random
	// number is drawn from the flat output index.
	src = []float64{
		0, 0, 0, 7,
		0, 0, 0, 0,
		0, 0, 0, 0,
		9, 0, 0, 0,
	}
	out, idx, err := StochasticPool2d(Tensor[float64]{Shape: []int{1, 1, 4, 4}, Data: src}, StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, Training: true}, 5)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 7, 9, 0}, out.Data)
	assert.Equal(t, []int64{0, 3, 12, 5}, idx)
}

// At the ends of [0, 1): u = 0 never picks a leading zero, and a u*sum that
// rounds up to the sum falls back to the last positive element, never to a
// trailing zero or off the end.
func TestStochasticTrainingRoundingEdges(t *testing.T) {
	w := stochasticWindow[float32]{in: []float32{0, 0, 5}, d1: 1, h1: 1, w1: 3}
	v, i := w.sample(0)
	assert.Equal(t, float32(5), v)
	assert.Equal(t, 2, i)

	// The largest uniform picks the last positive element; u = 1, which
	// uniform never returns, exercises the guard against walking off the end.
	w.in = []float32{1, 2, 0}
	for _, u := range []float32{1 - 0x1p-24, 1} {
		v, i = w.sample(u)
		assert.Equal(t, float32(2), v)
		assert.Equal(t, 1, i)
	}
	w64 := stochasticWindow[float64]{in: []float64{0, 1, 2, 0}, d1: 1, h1: 1, w1: 4}
	for _, u := range []float64{1 - 0x1p-53, 1} {
		v, i := w64.sample(u)
		assert.Equal(t, 2.0, v)
		assert.Equal(t, 2, i)
	}
}

// The empirical frequencies over many seeds match a_i/sum(a): a chi-square
// statistic, deterministic for the fixed seed set, below the 0.1% critical
// value, while the same counts are far from what plausible wrong rules give.
func TestStochasticFrequencies(t *testing.T) {
	src := []float32{0, 1, 0, 2, 3, 4, 0}
	const n = 20000
	for _, threads := range []int{1, 3} {
		p, err := NewStochasticPool1d[float32]([]int{1, 7}, StochasticPoolOptions{KernelSize: []int{7}, Training: true, Threads: threads})
		require.NoError(t, err)
		counts := make([]float64, len(src))
		dst, idx := []float32{0}, []int64{0}
		for seed := range uint64(n) {
			require.NoError(t, p.Run(dst, idx, src, seed*0x9e3779b97f4a7c15+12345))
			counts[idx[0]]++
			require.Equal(t, src[idx[0]], dst[0])
		}
		for i, v := range src {
			if v == 0 {
				assert.Zero(t, counts[i], "element %d has probability 0", i)
			}
		}
		chi2 := func(weight func(float32) float64) float64 {
			var total, c2 float64
			for _, v := range src {
				total += weight(v)
			}
			for i, v := range src {
				if v > 0 {
					e := n * weight(v) / total
					c2 += (counts[i] - e) * (counts[i] - e) / e
				}
			}
			return c2
		}
		right := chi2(func(v float32) float64 { return float64(v) })
		assert.Less(t, right, 16.27, "chi-square, 3 degrees of freedom, 0.1%% critical value 16.27")
		assert.Greater(t, chi2(func(v float32) float64 { return float64(v * v) }), 100.0, "a_i^2 weights must fail")
		assert.Greater(t, chi2(func(v float32) float64 { return min(float64(v), 1) }), 100.0, "uniform weights must fail")
		assert.Greater(t, chi2(func(v float32) float64 { return float64(v) + 0.5 }), 25.0, "shifted weights must fail")
	}
}

func TestStochasticMatchesReferenceAndThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		dims  int
		shape []int
		o     StochasticPoolOptions
	}{
		{1, []int{2, 3, 17}, StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, CeilMode: true}},
		{1, []int{4, 9}, StochasticPoolOptions{KernelSize: []int{4}}},
		{2, []int{2, 3, 9, 11}, StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, CeilMode: true}},
		{2, []int{3, 8, 7}, StochasticPoolOptions{KernelSize: []int{2, 3}, Stride: []int{1, 2}}},
		{2, []int{1, 1, 5, 5}, StochasticPoolOptions{KernelSize: []int{5}, Padding: []int{2}, Stride: []int{1}}},
		{3, []int{2, 2, 5, 6, 7}, StochasticPoolOptions{KernelSize: []int{2, 3, 2}, Stride: []int{2}, Padding: []int{1, 0, 1}, CeilMode: true}},
		{3, []int{3, 4, 4, 4}, StochasticPoolOptions{KernelSize: []int{2}}},
	}
	for _, c := range cases {
		for _, training := range []bool{false, true} {
			for _, clamp := range []bool{false, true} {
				o := c.o
				o.Training = training
				if clamp {
					o.Negative = ClampNegative
				}
				p, err := newStochastic[float32](c.dims, c.shape, o)
				require.NoError(t, err)
				n, _ := product(c.shape)
				src := stochasticData[float32](r, n, clamp)
				const seed = 77
				want, wantIdx := stochasticRef(c.shape, p.OutputShape(), c.dims, o, src, seed)
				for _, threads := range []int{0, 1, 2, 7, 1000} {
					o.Threads = threads
					p, err := newStochastic[float32](c.dims, c.shape, o)
					require.NoError(t, err)
					dst := make([]float32, len(want))
					var idx []int64
					if training {
						idx = make([]int64, len(want))
					}
					require.NoError(t, p.Run(dst, idx, src, seed))
					assert.Equal(t, want, dst, "%v %+v", c.shape, o)
					assert.Equal(t, wantIdx, idx, "%v %+v", c.shape, o)
				}
				out, idx, err := stochasticCall(c.dims, Tensor[float32]{Shape: c.shape, Data: src}, o, seed)
				require.NoError(t, err)
				assert.Equal(t, p.OutputShape(), out.Shape)
				assert.Equal(t, want, out.Data, "one call")
				assert.Equal(t, wantIdx, idx, "one call")

				src64 := make([]float64, len(src))
				for i, v := range src {
					src64[i] = float64(v)
				}
				want64, wantIdx64 := stochasticRef(c.shape, p.OutputShape(), c.dims, o, src64, seed)
				out64, idx64, err := stochasticCall(c.dims, Tensor[float64]{Shape: c.shape, Data: src64}, o, seed)
				require.NoError(t, err)
				assert.Equal(t, want64, out64.Data, "float64")
				assert.Equal(t, wantIdx64, idx64, "float64")
			}
		}
	}
}

func TestStochasticTrainingPicksPositiveElements(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shape := []int{2, 3, 10, 9}
	for _, clamp := range []bool{false, true} {
		o := StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, CeilMode: true, Training: true}
		if clamp {
			o.Negative = ClampNegative
		}
		p, err := NewStochasticPool2d[float64](shape, o)
		require.NoError(t, err)
		src := stochasticData[float64](r, 2*3*10*9, clamp)
		out := p.OutputShape()
		dst := make([]float64, 2*3*out[2]*out[3])
		idx := make([]int64, len(dst))
		for seed := range uint64(50) {
			require.NoError(t, p.Run(dst, idx, src, seed))
			for o, i := range idx {
				plane := o / (out[2] * out[3])
				oh, ow := o/out[3]%out[2], o%out[3]
				h, w := int(i)/9, int(i)%9
				require.True(t, h >= oh*2-1 && h < oh*2+2 && w >= ow*2-1 && w < ow*2+2, "index %d outside the window of output %d", i, o)
				v := src[plane*90+int(i)]
				if dst[o] != 0 {
					require.Greater(t, v, 0.0, "picked a zero-probability element")
					require.Equal(t, v, dst[o])
				}
			}
		}
	}
}

func TestStochasticSeeds(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	shape := []int{4, 16, 16}
	src := stochasticData[float32](r, 4*16*16, false)
	p, err := NewStochasticPool2d[float32](shape, StochasticPoolOptions{KernelSize: []int{2}, Training: true})
	require.NoError(t, err)
	run := func(seed uint64) ([]float32, []int64) {
		dst, idx := make([]float32, 4*8*8), make([]int64, 4*8*8)
		require.NoError(t, p.Run(dst, idx, src, seed))
		return dst, idx
	}
	a, ai := run(1)
	b, bi := run(1)
	assert.Equal(t, a, b)
	assert.Equal(t, ai, bi)
	c, ci := run(2)
	assert.NotEqual(t, ai, ci)
	assert.NotEqual(t, a, c)
	// Indices nil: the same values.
	dst := make([]float32, 4*8*8)
	require.NoError(t, p.Run(dst, nil, src, 1))
	assert.Equal(t, a, dst)
}

func TestStochasticAllZeroWindows(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	src := []float32{
		0, 0, 0, negZero,
		0, 0, 3, 0,
	}
	for _, training := range []bool{false, true} {
		out, idx, err := StochasticPool2d(Tensor[float32]{Shape: []int{1, 2, 4}, Data: src}, StochasticPoolOptions{KernelSize: []int{2}, Stride: []int{1, 2}, Padding: []int{0, 1}, Training: training}, 9)
		require.NoError(t, err)
		assert.Equal(t, []float32{0, 3, 0}, out.Data)
		assert.False(t, math.Signbit(float64(out.Data[2])), "an all-zero window gives +0")
		if training {
			// The windows' first elements inside the input: (0,0), (0,1), (0,3).
			assert.Equal(t, []int64{0, 6, 3}, idx)
		} else {
			assert.Nil(t, idx)
		}
	}
	// Under ClampNegative a window of negatives is all zero too.
	for _, training := range []bool{false, true} {
		out, idx, err := StochasticPool1d(Tensor[float64]{Shape: []int{1, 4}, Data: []float64{-1, -2, 0, 4}}, StochasticPoolOptions{KernelSize: []int{2}, Training: training, Negative: ClampNegative}, 3)
		require.NoError(t, err)
		assert.Equal(t, []float64{0, 4}, out.Data)
		if training {
			assert.Equal(t, []int64{0, 3}, idx)
		}
	}
}

func TestStochasticNegativeInputIsAnError(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, c := range []struct {
		name  string
		rule  NegativeRule
		bad   float32
		fails bool
	}{
		{"negative", ErrorOnNegative, -0.5, true},
		{"-inf", ErrorOnNegative, -inf, true},
		{"nan", ErrorOnNegative, nan, true},
		{"+inf", ErrorOnNegative, inf, true},
		{"-0", ErrorOnNegative, float32(math.Copysign(0, -1)), false},
		{"clamped negative", ClampNegative, -0.5, false},
		{"clamped -inf", ClampNegative, -inf, false},
		{"nan under clamp", ClampNegative, nan, true},
		{"+inf under clamp", ClampNegative, inf, true},
	} {
		for _, training := range []bool{false, true} {
			shape := []int{2, 2, 3, 4}
			src := make([]float32, 48)
			for i := range src {
				src[i] = float32(i%5) + 1
			}
			src[29] = c.bad // n=1, c=0, h=1, w=1
			src[40] = c.bad
			p, err := NewStochasticPool2d[float32](shape, StochasticPoolOptions{KernelSize: []int{2}, Training: training, Negative: c.rule, Threads: 2})
			require.NoError(t, err)
			dst := []float32{-7, -7, -7, -7, -7, -7, -7, -7}
			var idx []int64
			if training {
				idx = []int64{-7, -7, -7, -7, -7, -7, -7, -7}
			}
			err = p.Run(dst, idx, src, 1)
			if !c.fails {
				require.NoError(t, err, c.name)
				continue
			}
			var pe *Error
			require.True(t, errors.As(err, &pe), c.name)
			assert.Equal(t, "input", pe.Arg, c.name)
			assert.Equal(t, "stochastic_pool2d", pe.Op)
			assert.Contains(t, pe.Rule, "[1 0 1 1]", c.name)
			assert.Equal(t, []float32{-7, -7, -7, -7, -7, -7, -7, -7}, dst, "dst untouched")
			if training {
				assert.Equal(t, []int64{-7, -7, -7, -7, -7, -7, -7, -7}, idx, "indices untouched")
			}
		}
	}
}

func TestStochasticClampNegative(t *testing.T) {
	x := Tensor[float32]{Shape: []int{1, 4}, Data: []float32{-5, 2, -1, 2}}
	o := StochasticPoolOptions{KernelSize: []int{4}, Negative: ClampNegative}
	out, _, err := StochasticPool1d(x, o, 0)
	require.NoError(t, err)
	assert.Equal(t, []float32{2}, out.Data, "(4+4)/(2+2): negatives count as 0")

	o.Training = true
	for seed := range uint64(100) {
		out, idx, err := StochasticPool1d(x, o, seed)
		require.NoError(t, err)
		assert.Contains(t, []int64{1, 3}, idx[0])
		assert.Equal(t, float32(2), out.Data[0])
	}

	_, _, err = StochasticPool1d(x, StochasticPoolOptions{KernelSize: []int{4}}, 0)
	assert.ErrorContains(t, err, "[0 0]")
	assert.Equal(t, "ClampNegative", ClampNegative.String())
	assert.Equal(t, "NegativeRule(5)", NegativeRule(5).String())
}

// Finite inputs give finite, accurate results even where the plain sums would
// overflow or fall into the subnormals.
func TestStochasticExtremeValues(t *testing.T) {
	big := float32(3e38)
	out, _, err := StochasticPool1d(Tensor[float32]{Shape: []int{1, 3}, Data: []float32{big, big, 0}}, StochasticPoolOptions{KernelSize: []int{3}}, 0)
	require.NoError(t, err)
	assert.InEpsilon(t, big, out.Data[0], 1e-6)

	out, _, err = StochasticPool1d(Tensor[float32]{Shape: []int{1, 2}, Data: []float32{1e-30, 3e-30}}, StochasticPoolOptions{KernelSize: []int{2}}, 0)
	require.NoError(t, err)
	assert.InEpsilon(t, float32(10e-60/4e-30), out.Data[0], 1e-6)

	sub := float32(math.SmallestNonzeroFloat32)
	out, _, err = StochasticPool1d(Tensor[float32]{Shape: []int{1, 2}, Data: []float32{sub, 3 * sub}}, StochasticPoolOptions{KernelSize: []int{2}}, 0)
	require.NoError(t, err)
	assert.Equal(t, 2*sub, out.Data[0], "(1+9)/(1+3) of the smallest subnormal, rounded")

	out64, _, err := StochasticPool1d(Tensor[float64]{Shape: []int{1, 2}, Data: []float64{1e300, 1e300}}, StochasticPoolOptions{KernelSize: []int{2}}, 0)
	require.NoError(t, err)
	assert.InEpsilon(t, 1e300, out64.Data[0], 1e-15)

	for seed := range uint64(200) {
		out, idx, err := StochasticPool1d(Tensor[float32]{Shape: []int{1, 4}, Data: []float32{big, 0, big, big}}, StochasticPoolOptions{KernelSize: []int{4}, Training: true}, seed)
		require.NoError(t, err)
		require.NotEqual(t, int64(1), idx[0])
		require.Equal(t, big, out.Data[0])
		out, idx, err = StochasticPool1d(Tensor[float32]{Shape: []int{1, 3}, Data: []float32{0, sub, 0}}, StochasticPoolOptions{KernelSize: []int{3}, Training: true}, seed)
		require.NoError(t, err)
		require.Equal(t, int64(1), idx[0])
		require.Equal(t, sub, out.Data[0])
	}
}

func TestStochasticValidationErrorsNameTheArgument(t *testing.T) {
	shape := []int{1, 1, 8, 8}
	k2 := []int{2}
	plan := func(o StochasticPoolOptions) func() error {
		return func() error { _, err := NewStochasticPool2d[float32](shape, o); return err }
	}
	p, err := NewStochasticPool2d[float32](shape, StochasticPoolOptions{KernelSize: k2, Training: true})
	require.NoError(t, err)
	inf, err := NewStochasticPool2d[float32](shape, StochasticPoolOptions{KernelSize: k2})
	require.NoError(t, err)
	src, dst, idx := make([]float32, 64), make([]float32, 16), make([]int64, 16)
	for _, c := range []struct {
		name, arg string
		err       func() error
	}{
		{"kernel required", "kernel_size", plan(StochasticPoolOptions{})},
		{"kernel zero", "kernel_size", plan(StochasticPoolOptions{KernelSize: []int{2, 0}})},
		{"kernel length", "kernel_size", plan(StochasticPoolOptions{KernelSize: []int{2, 2, 2}})},
		{"kernel huge", "kernel_size", plan(StochasticPoolOptions{KernelSize: []int{math.MaxInt}})},
		{"stride zero", "stride", plan(StochasticPoolOptions{KernelSize: k2, Stride: []int{0}})},
		{"stride empty", "stride", plan(StochasticPoolOptions{KernelSize: k2, Stride: []int{}})},
		{"padding negative", "padding", plan(StochasticPoolOptions{KernelSize: k2, Padding: []int{-1}})},
		{"padding too large", "padding", plan(StochasticPoolOptions{KernelSize: []int{3}, Padding: []int{2}})},
		{"negative rule", "negative", plan(StochasticPoolOptions{KernelSize: k2, Negative: 2})},
		{"threads", "threads", plan(StochasticPoolOptions{KernelSize: k2, Threads: -1})},
		{"window too large", "input", plan(StochasticPoolOptions{KernelSize: []int{9}})},
		{"rank", "input", func() error {
			_, err := NewStochasticPool2d[float32]([]int{8, 8}, StochasticPoolOptions{KernelSize: k2})
			return err
		}},
		{"negative size", "input", func() error {
			_, err := NewStochasticPool1d[float32]([]int{-1, 1, 8}, StochasticPoolOptions{KernelSize: k2})
			return err
		}},
		{"no channels", "input", func() error {
			_, err := NewStochasticPool3d[float64]([]int{1, 0, 2, 2, 2}, StochasticPoolOptions{KernelSize: k2})
			return err
		}},
		{"too many elements", "input", func() error {
			_, err := NewStochasticPool1d[float32]([]int{1 << 30, 1 << 30, 1 << 30}, StochasticPoolOptions{KernelSize: k2})
			return err
		}},
		{"src length", "src", func() error { return p.Run(dst, idx, src[:63], 0) }},
		{"dst length", "dst", func() error { return p.Run(dst[:15], idx, src, 0) }},
		{"indices length", "indices", func() error { return p.Run(dst, idx[:15], src, 0) }},
		{"indices in inference", "indices", func() error { return inf.Run(dst, idx, src, 0) }},
		{"one call, wrong data length", "x", func() error {
			_, _, err := StochasticPool2d(Tensor[float32]{Shape: shape, Data: src[:10]}, StochasticPoolOptions{KernelSize: k2}, 0)
			return err
		}},
		{"one call, bad option", "kernel_size", func() error {
			_, _, err := StochasticPool3d(Tensor[float32]{Shape: []int{1, 2, 2, 2}, Data: src[:8]}, StochasticPoolOptions{}, 0)
			return err
		}},
	} {
		err := c.err()
		var pe *Error
		require.True(t, errors.As(err, &pe), "%s: %v", c.name, err)
		assert.Equal(t, c.arg, pe.Arg, "%s: %v", c.name, err)
		assert.Contains(t, pe.Op, "stochastic_pool", c.name)
	}
	// Inference needs no indices; training may omit them.
	require.NoError(t, inf.Run(dst, nil, src, 0))
	require.NoError(t, p.Run(dst, nil, src, 0))
}

func TestStochasticNoPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	// ints returns n values in [lo, hi], now and then one in [lo-2, lo).
	ints := func(n, lo, hi int) []int {
		v := make([]int, n)
		for i := range v {
			v[i] = lo + r.IntN(hi-lo+1)
			if r.IntN(30) == 0 {
				v[i] = lo - 1 - r.IntN(2)
			}
		}
		return v
	}
	// arg is a size argument: mostly one value or one per dimension.
	arg := func(dims, lo, hi int) []int {
		switch r.IntN(10) {
		case 0:
			return nil
		case 1:
			return ints(r.IntN(5), lo, hi)
		case 2, 3, 4:
			return ints(1, lo, hi)
		}
		return ints(dims, lo, hi)
	}
	values := []float32{0, 1, 2.5, -1, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 3e38, 1e-45}
	planned := 0
	for range 3000 {
		dims := 1 + r.IntN(3)
		rank := dims + 1 + r.IntN(2)
		if r.IntN(10) == 0 {
			rank = r.IntN(7)
		}
		shape := ints(rank, 1, 6)
		o := StochasticPoolOptions{
			KernelSize: arg(dims, 1, 4), Stride: arg(dims, 1, 3), Padding: arg(dims, 0, 2),
			CeilMode: r.IntN(2) == 0, Training: r.IntN(2) == 0, Threads: r.IntN(5) - 1,
		}
		if r.IntN(10) == 0 {
			o.Negative = NegativeRule(r.IntN(5) - 2)
		} else if r.IntN(2) == 0 {
			o.Negative = ClampNegative
		}
		require.NotPanics(t, func() {
			p, err := newStochastic[float32](dims, shape, o)
			if err != nil {
				require.Nil(t, p)
				return
			}
			planned++
			inLen, _ := product(p.InputShape())
			outLen, _ := product(p.OutputShape())
			src := make([]float32, inLen)
			for i := range src {
				src[i] = float32(r.IntN(3))
				if r.IntN(max(inLen, 4)) == 0 {
					src[i] = values[r.IntN(len(values))]
				}
			}
			var idx []int64
			if r.IntN(2) == 0 {
				idx = make([]int64, outLen)
				if r.IntN(5) == 0 {
					idx = idx[:max(outLen-1, 0)]
				}
			}
			_ = p.Run(make([]float32, outLen), idx, src, r.Uint64())
			_ = p.Run(make([]float32, outLen+1), idx, src, 0)
			_ = p.Run(make([]float32, outLen), idx, append(src, 1), 0)
			_, _, _ = stochasticCall(dims, Tensor[float32]{Shape: shape, Data: src}, o, 1)
		}, "shape %v options %+v", shape, o)
	}
	assert.Greater(t, planned, 300, "the generator must reach the kernels")
}

func TestStochasticRunDoesNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	shape := []int{2, 3, 16, 16}
	src32 := stochasticData[float32](r, 2*3*16*16, true)
	src64 := stochasticData[float64](r, 2*3*16*16, true)
	for _, training := range []bool{false, true} {
		o := StochasticPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, Training: training, Negative: ClampNegative}
		p32, err := NewStochasticPool2d[float32](shape, o)
		require.NoError(t, err)
		p64, err := NewStochasticPool2d[float64](shape, o)
		require.NoError(t, err)
		dst32, dst64 := make([]float32, 2*3*8*8), make([]float64, 2*3*8*8)
		var idx []int64
		if training {
			idx = make([]int64, 2*3*8*8)
		}
		allocs := testing.AllocsPerRun(50, func() {
			if p32.Run(dst32, idx, src32, 1) != nil || p64.Run(dst64, idx, src64, 2) != nil {
				panic("run failed")
			}
		})
		assert.Zero(t, allocs, "training=%v", training)
	}
}

// Inference over a window of equal values near the float maximum: the sums
// overflow, the rescaled quotient rounds up, and the output must still be the
// (finite) value itself (issue 12).
func TestStochasticInferenceNearTheFloatMaximum(t *testing.T) {
	o := StochasticPoolOptions{KernelSize: []int{5}}
	x32 := Tensor[float32]{Shape: []int{1, 5}, Data: []float32{math.MaxFloat32, math.MaxFloat32, math.MaxFloat32, math.MaxFloat32, math.MaxFloat32}}
	out32, _, err := StochasticPool1d(x32, o, 0)
	require.NoError(t, err)
	assert.Equal(t, []float32{math.MaxFloat32}, out32.Data)

	x64 := Tensor[float64]{Shape: []int{1, 5}, Data: []float64{math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64, math.MaxFloat64}}
	out64, _, err := StochasticPool1d(x64, o, 0)
	require.NoError(t, err)
	assert.Equal(t, []float64{math.MaxFloat64}, out64.Data)

	x3 := Tensor[float32]{Shape: []int{1, 1, 2, 2}, Data: []float32{math.MaxFloat32, math.MaxFloat32, math.MaxFloat32, math.MaxFloat32}}
	out3, _, err := StochasticPool3d(x3, StochasticPoolOptions{KernelSize: []int{1, 2, 2}}, 0)
	require.NoError(t, err)
	assert.Equal(t, []float32{math.MaxFloat32}, out3.Data)

	// Unequal values: the output lies between the smallest and the largest.
	x32.Data[0] = math.MaxFloat32 / 2
	out32, _, err = StochasticPool1d(x32, o, 0)
	require.NoError(t, err)
	assert.LessOrEqual(t, out32.Data[0], float32(math.MaxFloat32))
	assert.Greater(t, out32.Data[0], float32(math.MaxFloat32/2))
}
