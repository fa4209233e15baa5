package pool_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/simdpool/simdpool/pool"
)

// fracIota returns a tensor whose elements are their own flat index, so that the
// maximum of every window is its last element.
func fracIota[T pool.Float](shape ...int) pool.Tensor[T] {
	x := pool.NewTensor[T](shape...)
	for i := range x.Data {
		x.Data[i] = T(i)
	}
	return x
}

func TestFractional2dHandChecked(t *testing.T) {
	// L=7, k=2, O=3: alpha = 5/2; starts 0, int((1+u)*2.5)-int(u*2.5), 5:
	// u=0 gives [0 2 5], u=0.3 gives [0 3 5]. A window's maximum is its
	// bottom-right element (start+1 along each dimension).
	x := fracIota[float32](1, 1, 7, 7)
	o := pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}, ReturnIndices: true}
	want := func(rows, cols []int) ([]float32, []int64) {
		var v []float32
		var idx []int64
		for _, h := range rows {
			for _, w := range cols {
				v, idx = append(v, float32(h*7+w)), append(idx, int64(h*7+w))
			}
		}
		return v, idx
	}

	// samples[..., 0] drives W, samples[..., 1] drives H.
	out, idx, err := pool.FractionalMaxPool2d(x, o, []float32{0.3, 0})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 3, 3}, out.Shape)
	wantV, wantI := want([]int{1, 3, 6}, []int{1, 4, 6})
	assert.Equal(t, wantV, out.Data)
	assert.Equal(t, wantI, idx)

	out, idx, err = pool.FractionalMaxPool2d(x, o, []float32{0, 0.3})
	require.NoError(t, err)
	wantV, wantI = want([]int{1, 4, 6}, []int{1, 3, 6})
	assert.Equal(t, wantV, out.Data)
	assert.Equal(t, wantI, idx)

	// Without ReturnIndices, no indices; float64 gives the same windows here.
	o.ReturnIndices = false
	out64, idx64, err := pool.FractionalMaxPool2d(fracIota[float64](1, 7, 7), o, []float64{0.3, 0})
	require.NoError(t, err)
	assert.Nil(t, idx64)
	assert.Equal(t, []int{1, 3, 3}, out64.Shape)
	assert.Equal(t, []float64{8, 11, 13, 22, 25, 27, 43, 46, 48}, out64.Data)
}

func TestFractional3dHandChecked(t *testing.T) {
	// samples[..., 0] drives D, [1] H and [2] W. Same starts as the 2d test.
	x := fracIota[float32](1, 7, 7, 7)
	out, idx, err := pool.FractionalMaxPool3d(x, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}, ReturnIndices: true}, []float32{0.3, 0, 0.3})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 3, 3, 3}, out.Shape)
	var want []int64
	for _, d := range []int{1, 4, 6} {
		for _, h := range []int{1, 3, 6} {
			for _, w := range []int{1, 4, 6} {
				want = append(want, int64((d*7+h)*7+w))
			}
		}
	}
	assert.Equal(t, want, idx)
	for i, v := range out.Data {
		assert.Equal(t, float32(want[i]), v)
	}
}

// The window starts are computed in the element type, as PyTorch does:
// L=6, k=1, O=4, u=0.8 gives alpha = 5/3 and start 1 = int(1.8*alpha) -
// int(0.8*alpha): 2.9999998 -> 2, minus 1, in float32 but 3.00000002 -> 3,
// minus 1, in float64.
func TestFractionalStartsRoundInElementType(t *testing.T) {
	o := pool.FractionalMaxPoolOptions{KernelSize: []int{1}, OutputSize: []int{1, 4}}
	out32, _, err := pool.FractionalMaxPool2d(fracIota[float32](1, 1, 6), o, []float32{0.8, 0})
	require.NoError(t, err)
	assert.Equal(t, []float32{0, 1, 3, 5}, out32.Data)
	out64, _, err := pool.FractionalMaxPool2d(fracIota[float64](1, 1, 6), o, []float64{float64(float32(0.8)), 0})
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 2, 3, 5}, out64.Data)
}

func TestFractionalMaxRules(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	// O=2 along each dimension: windows start at 0 and L-k whatever the samples.
	x := pool.Tensor[float32]{Shape: []int{1, 4, 4}, Data: []float32{
		1, nan, 3, 3,
		nan, 0, 3, 2,
		-inf, -inf, 7, inf,
		-inf, -inf, inf, 1,
	}}
	out, idx, err := pool.FractionalMaxPool2d(x, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}, ReturnIndices: true}, []float32{0.5, 0.5})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(float64(out.Data[0])))
	assert.Equal(t, []float32{3, -inf, inf}, out.Data[1:])
	// The last NaN; the first of tied maxima; the first of an all -inf window.
	assert.Equal(t, []int64{4, 2, 8, 11}, idx)
}

// One output along a dimension (alpha undefined): the window is the last k
// elements, whatever the sample (golden case out1).
func TestFractionalOutputOne(t *testing.T) {
	x := fracIota[float32](1, 5, 6)
	for _, u := range []float32{0, 0.5, 0.99} {
		out, idx, err := pool.FractionalMaxPool2d(x, pool.FractionalMaxPoolOptions{KernelSize: []int{2, 3}, OutputSize: []int{1}, ReturnIndices: true}, []float32{u, u})
		require.NoError(t, err)
		assert.Equal(t, []float32{29}, out.Data)
		assert.Equal(t, []int64{29}, idx)
	}
}

func TestFractionalOutputSizes(t *testing.T) {
	shape := func(p *pool.FractionalPlan[float32], err error) []int {
		require.NoError(t, err)
		return p.OutputShape()
	}
	// output_ratio: int(L*ratio) in float64, 50*0.58 = 28.999999999999996 -> 28.
	assert.Equal(t, []int{1, 1, 2, 28}, shape(pool.NewFractionalMaxPool2d[float32]([]int{1, 1, 4, 50}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputRatio: []float64{0.5, 0.58}})))
	assert.Equal(t, []int{3, 2, 2, 3}, shape(pool.NewFractionalMaxPool3d[float32]([]int{3, 4, 4, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputRatio: []float64{0.5}})))
	// 2d accepts O + k - 1 == L; 3d needs O + k - 1 < L.
	assert.Equal(t, []int{2, 6, 5}, shape(pool.NewFractionalMaxPool2d[float32]([]int{2, 7, 7}, pool.FractionalMaxPoolOptions{KernelSize: []int{2, 3}, OutputSize: []int{6, 5}})))
	_, err := pool.NewFractionalMaxPool3d[float32]([]int{1, 4, 4, 4}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3, 2, 2}})
	fracArg(t, err, "output_size")
	assert.Equal(t, []int{1, 2, 2, 2}, shape(pool.NewFractionalMaxPool3d[float32]([]int{1, 4, 4, 4}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})))
	// Output size 0 is accepted, as PyTorch does, and gives an empty output.
	p, err := pool.NewFractionalMaxPool2d[float32]([]int{2, 3, 5, 5}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{0, 2}})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 0, 2}, p.OutputShape())
	assert.Equal(t, []int{2, 3, 2}, p.SamplesShape())
	require.NoError(t, p.Run(nil, nil, make([]float32, 150), make([]float32, 12)))
	// Empty batch; unbatched inputs take samples of shape (1, C, dims).
	p, err = pool.NewFractionalMaxPool2d[float32]([]int{0, 2, 5, 5}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 2}, p.SamplesShape())
	require.NoError(t, p.Run([]float32{}, nil, []float32{}, []float32{}))
	p3, err := pool.NewFractionalMaxPool3d[float32]([]int{5, 4, 4, 4}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 5, 3}, p3.SamplesShape())
	assert.Equal(t, []int{5, 4, 4, 4}, p3.InputShape())
	assert.Equal(t, "fractional_max_pool3d", p3.Op())
	// PyTorch checks every non-batch size: an unbatched input's channels are
	// not among them.
	p, err = pool.NewFractionalMaxPool2d[float32]([]int{0, 5, 5}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 2}, p.OutputShape())
	_, err = pool.NewFractionalMaxPool2d[float32]([]int{1, 0, 5, 5}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})
	fracArg(t, err, "input")
}

// zeroTensor is a tensor of shape whose Data holds the elements the shape
// gives (none for a shape with a negative size), so that one-call forms reach
// the rules on the shape and the options.
func zeroTensor(shape []int) pool.Tensor[float32] {
	n := 1
	for _, s := range shape {
		n *= max(s, 0)
	}
	return pool.Tensor[float32]{Shape: shape, Data: make([]float32, n)}
}

// fracArg checks that err is a *pool.Error naming arg.
func fracArg(t *testing.T, err error, arg string) {
	t.Helper()
	var pe *pool.Error
	if assert.True(t, errors.As(err, &pe), "want a *pool.Error naming %s, got %v", arg, err) {
		assert.Equal(t, arg, pe.Arg, "%v", err)
	}
}

func TestFractionalPlanErrors(t *testing.T) {
	k2, o2 := []int{2}, []int{2}
	for _, c := range []struct {
		name  string
		dims  int
		shape []int
		o     pool.FractionalMaxPoolOptions
		arg   string
	}{
		{"no output", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2}, "output_size"},
		{"both outputs", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2, OutputRatio: []float64{0.5}}, "output_ratio"},
		{"no kernel", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{OutputSize: o2}, "kernel_size"},
		{"kernel 0", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{0}, OutputSize: o2}, "kernel_size"},
		{"kernel negative", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{2, -1}, OutputSize: o2}, "kernel_size"},
		{"kernel length", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{2, 2, 2}, OutputSize: o2}, "kernel_size"},
		{"kernel empty", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{}, OutputSize: o2}, "kernel_size"},
		{"kernel huge", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{math.MaxInt}, OutputSize: o2}, "kernel_size"},
		{"output negative", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: []int{2, -1}}, "output_size"},
		{"output length", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: []int{2, 2, 2}}, "output_size"},
		{"output too large 2d", 2, []int{1, 1, 7, 7}, pool.FractionalMaxPoolOptions{KernelSize: []int{3}, OutputSize: []int{6, 4}}, "output_size"},
		{"output too large 3d", 3, []int{1, 1, 5, 9, 9}, pool.FractionalMaxPoolOptions{KernelSize: []int{3}, OutputSize: []int{4}}, "output_size"},
		{"ratio too large", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{1}}, "output_ratio"},
		{"ratio negative", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{0.5, -0.5}}, "output_ratio"},
		{"ratio NaN", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{math.NaN()}}, "output_ratio"},
		{"ratio Inf", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{math.Inf(1)}}, "output_ratio"},
		{"ratio length", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{0.5, 0.5, 0.5}}, "output_ratio"},
		{"ratio empty", 2, []int{1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputRatio: []float64{}}, "output_ratio"},
		{"rank low", 2, []int{6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2}, "input"},
		{"rank high", 2, []int{1, 1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2}, "input"},
		{"zero height", 2, []int{1, 1, 0, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2}, "input"},
		{"negative size", 2, []int{-1, 1, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2}, "input"},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := zeroTensor(c.shape)
			var err, err1 error
			if c.dims == 3 {
				_, err = pool.NewFractionalMaxPool3d[float32](c.shape, c.o)
				_, _, err1 = pool.FractionalMaxPool3d(x, c.o, nil)
			} else {
				_, err = pool.NewFractionalMaxPool2d[float32](c.shape, c.o)
				_, _, err1 = pool.FractionalMaxPool2d(x, c.o, nil)
			}
			fracArg(t, err, c.arg)
			fracArg(t, err1, c.arg)
		})
	}
	_, err := pool.NewFractionalMaxPool3d[float64]([]int{6, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: k2, OutputSize: o2})
	fracArg(t, err, "input")
}

func TestFractionalRunErrorsLeaveDstUntouched(t *testing.T) {
	p, err := pool.NewFractionalMaxPool2d[float32]([]int{2, 3, 6, 6}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3}})
	require.NoError(t, err)
	src := make([]float32, 2*3*36)
	samples := make([]float32, 2*3*2)
	fresh := func() ([]float32, []int64) {
		dst, idx := make([]float32, 2*3*9), make([]int64, 2*3*9)
		for i := range dst {
			dst[i], idx[i] = 42, 42
		}
		return dst, idx
	}
	for _, c := range []struct {
		name string
		run  func(dst []float32, idx []int64) error
		arg  string
	}{
		{"short src", func(d []float32, i []int64) error { return p.Run(d, i, src[1:], samples) }, "src"},
		{"short dst", func(d []float32, i []int64) error { return p.Run(d[1:], i, src, samples) }, "dst"},
		{"short indices", func(d []float32, i []int64) error { return p.Run(d, i[1:], src, samples) }, "indices"},
		{"short samples", func(d []float32, i []int64) error { return p.Run(d, i, src, samples[1:]) }, "samples"},
		{"sample 1", func(d []float32, i []int64) error {
			return p.Run(d, i, src, append(slices.Clone(samples[1:]), 1))
		}, "samples"},
		{"sample negative", func(d []float32, i []int64) error {
			return p.Run(d, i, src, append(slices.Clone(samples[1:]), -0.25))
		}, "samples"},
		{"sample NaN", func(d []float32, i []int64) error {
			return p.Run(d, i, src, append(slices.Clone(samples[1:]), float32(math.NaN())))
		}, "samples"},
		{"seeded short dst", func(d []float32, i []int64) error { return p.RunSeeded(d[1:], i, src, 7) }, "dst"},
		{"seeded short src", func(d []float32, i []int64) error { return p.RunSeeded(d, i, nil, 7) }, "src"},
		{"seeded short indices", func(d []float32, i []int64) error { return p.RunSeeded(d, i[:0], src, 7) }, "indices"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst, idx := fresh()
			fracArg(t, c.run(dst, idx), c.arg)
			want, wantIdx := fresh()
			assert.Equal(t, want, dst)
			assert.Equal(t, wantIdx, idx)
		})
	}
	err = p.Run(make([]float32, 54), nil, src, append(slices.Clone(samples[1:]), 1))
	assert.ErrorContains(t, err, "position 11")
}

func TestFractionalSeeded(t *testing.T) {
	o := pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{5, 7}, Seed: 42, ReturnIndices: true}
	x := pool.NewTensor[float32](2, 3, 11, 15)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	p, err := pool.NewFractionalMaxPool2d[float32](x.Shape, o)
	require.NoError(t, err)
	dst, idx := make([]float32, 2*3*35), make([]int64, 2*3*35)
	require.NoError(t, p.RunSeeded(dst, idx, x.Data, 42))

	// The one-call form draws from o.Seed.
	out, idx1, err := pool.FractionalMaxPool2d(x, o, nil)
	require.NoError(t, err)
	assert.Equal(t, dst, out.Data)
	assert.Equal(t, idx, idx1)

	// Every output is the input at its index.
	for i, at := range idx {
		plane := i / 35
		assert.Equal(t, x.Data[plane*165+int(at)], dst[i])
	}

	// Sample i depends on the seed and i only: the first image of a batch of
	// two pools as that image alone.
	p1, err := pool.NewFractionalMaxPool2d[float32]([]int{1, 3, 11, 15}, o)
	require.NoError(t, err)
	dst1, idxOne := make([]float32, 3*35), make([]int64, 3*35)
	require.NoError(t, p1.RunSeeded(dst1, idxOne, x.Data[:3*165], 42))
	assert.Equal(t, dst[:3*35], dst1)
	assert.Equal(t, idx[:3*35], idxOne)

	// Concurrent runs give the same result.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d, i := make([]float32, len(dst)), make([]int64, len(idx))
			assert.NoError(t, p.RunSeeded(d, i, x.Data, 42))
			assert.Equal(t, dst, d)
			assert.Equal(t, idx, i)
		})
	}
	wg.Wait()

	// Other seeds move the windows.
	differ := false
	for seed := range uint64(8) {
		i := make([]int64, len(idx))
		require.NoError(t, p.RunSeeded(make([]float32, len(dst)), i, x.Data, seed+100))
		differ = differ || !slices.Equal(i, idx)
	}
	assert.True(t, differ, "the seed should change the windows")
}

func TestFractionalZeroAllocs(t *testing.T) {
	p, err := pool.NewFractionalMaxPool3d[float32]([]int{2, 3, 7, 8, 9}, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{3, 4, 5}})
	require.NoError(t, err)
	src, samples := make([]float32, 2*3*7*8*9), make([]float32, 2*3*3)
	for i := range samples {
		samples[i] = float32(i) / 20
	}
	dst, idx := make([]float32, 2*3*60), make([]int64, 2*3*60)
	require.NoError(t, p.Run(dst, idx, src, samples))
	require.NoError(t, p.RunSeeded(dst, idx, src, 3))
	race.NoAllocs(t, 10, func() { _ = p.Run(dst, idx, src, samples) })
	race.NoAllocs(t, 10, func() { _ = p.Run(dst, nil, src, samples) })
	race.NoAllocs(t, 10, func() { _ = p.RunSeeded(dst, idx, src, 3) })
	p64, err := pool.NewFractionalMaxPool2d[float64]([]int{3, 9, 9}, pool.FractionalMaxPoolOptions{KernelSize: []int{3}, OutputRatio: []float64{0.5}})
	require.NoError(t, err)
	src64, dst64 := make([]float64, 3*81), make([]float64, 3*16)
	require.NoError(t, p64.RunSeeded(dst64, nil, src64, 3))
	race.NoAllocs(t, 10, func() { _ = p64.RunSeeded(dst64, nil, src64, 3) })
}

// Random, mostly invalid, configurations never panic; valid ones give
// outputs that are the inputs at their indices.
func TestFractionalNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(lo, n int) int { return lo + rng.IntN(n) }
	// list returns n values in [lo, lo+span), now and then a bad one (-1 or 0),
	// and now and then nil.
	list := func(n, lo, span int) []int {
		if rng.IntN(20) == 0 {
			return nil
		}
		v := make([]int, n)
		for i := range v {
			v[i] = pick(lo, span)
			if rng.IntN(30) == 0 {
				v[i] = pick(-1, 2)
			}
		}
		return v
	}
	// count is mostly 1 or dims, sometimes another length.
	count := func(dims int) int {
		if rng.IntN(10) == 0 {
			return pick(0, dims+2)
		}
		return []int{1, dims}[rng.IntN(2)]
	}
	valid := 0
	for range 3000 {
		dims := pick(2, 2)
		rank := dims + 1 + rng.IntN(2)
		if rng.IntN(10) == 0 {
			rank = pick(0, dims+3)
		}
		shape := list(rank, 1, 7)
		o := pool.FractionalMaxPoolOptions{KernelSize: list(count(dims), 1, 3), ReturnIndices: rng.IntN(2) == 0, Seed: rng.Uint64()}
		if rng.IntN(3) == 0 {
			o.OutputRatio = []float64{rng.Float64()*1.2 - 0.1}
		} else {
			o.OutputSize = list(count(dims), 0, 4)
		}
		assert.NotPanics(t, func() {
			var p *pool.FractionalPlan[float32]
			var err error
			if dims == 2 {
				p, err = pool.NewFractionalMaxPool2d[float32](shape, o)
			} else {
				p, err = pool.NewFractionalMaxPool3d[float32](shape, o)
			}
			if err != nil {
				var pe *pool.Error
				assert.True(t, errors.As(err, &pe), "%v", err)
				return
			}
			valid++
			n, m, s := fracProd(p.InputShape()), fracProd(p.OutputShape()), fracProd(p.SamplesShape())
			src := make([]float32, n)
			for i := range src {
				src[i] = float32(rng.IntN(5))
			}
			samples := make([]float32, s)
			for i := range samples {
				samples[i] = rng.Float32()
			}
			dst, idx := make([]float32, m), make([]int64, m)
			assert.NoError(t, p.Run(dst, idx, src, samples))
			assert.NoError(t, p.RunSeeded(dst, idx, src, o.Seed))
			plane, outPlane := fracProd(p.InputShape()[len(p.InputShape())-dims:]), fracProd(p.OutputShape()[len(p.OutputShape())-dims:])
			for i, at := range idx {
				assert.Equal(t, src[i/outPlane*plane+int(at)], dst[i])
			}
			if s > 0 {
				assert.Error(t, p.Run(dst, idx, src, samples[:s-1]))
			}
			if m > 0 {
				assert.Error(t, p.Run(dst[1:], idx, src, samples))
			}
		})
	}
	assert.Greater(t, valid, 100, "too few valid configurations to test")
	t.Log(valid, "valid configurations")
}

func fracProd(v []int) int {
	n := 1
	for _, s := range v {
		n *= s
	}
	return n
}
