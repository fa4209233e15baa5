package pool_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/simdpool/simdpool/pool"
)

func TestMaxUnpoolHandChecked(t *testing.T) {
	// Two planes of 3: default output size (3-1)*2 + 2 = 6 per plane.
	x := pool.Tensor[float32]{Shape: []int{1, 2, 3}, Data: []float32{5, 6, 7, -1, -2, -3}}
	out, err := pool.MaxUnpool1d(x, []int64{1, 2, 5, 0, 3, 4}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 6}, out.Shape)
	assert.Equal(t, []float32{0, 5, 6, 0, 0, 7, -1, 0, 0, -2, -3, 0}, out.Data)

	// 2d, unbatched, stride 1: (2-1)*1 + 2 = 3 per dimension.
	x2 := pool.Tensor[float64]{Shape: []int{1, 2, 2}, Data: []float64{1, 2, 3, 4}}
	out2, err := pool.MaxUnpool2d(x2, []int64{0, 2, 6, 8}, pool.MaxUnpoolOptions{KernelSize: []int{2}, Stride: []int{1}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 3, 3}, out2.Shape)
	assert.Equal(t, []float64{1, 0, 2, 0, 0, 0, 3, 0, 4}, out2.Data)

	// 3d with padding: (1-1)*2 + 3 - 2*1 = 1, (2-1)*2 + 3 - 2 = 3.
	x3 := pool.Tensor[float32]{Shape: []int{1, 1, 1, 2, 1}, Data: []float32{8, 9}}
	out3, err := pool.MaxUnpool3d(x3, []int64{0, 2}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1, 1, 0}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 3, 3}, out3.Shape)
	assert.Equal(t, []float32{8, 0, 9, 0, 0, 0, 0, 0, 0}, out3.Data)
}

// Duplicate indices: the last value in input order wins (PyTorch's serial loop).
func TestMaxUnpoolDuplicateIndicesLastWins(t *testing.T) {
	x := pool.Tensor[float32]{Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}
	out, err := pool.MaxUnpool1d(x, []int64{4, 4, 0, 1, 1, 1}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []float32{3, 0, 0, 0, 2, 0, 0, 6, 0, 0, 0, 0}, out.Data)
}

// Unpooling max pooling's output at its indices puts every maximum back in
// place and zeros elsewhere; pooling that again gives the same maxima.
func TestMaxUnpoolRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		dims  int
		shape []int
		mo    pool.MaxPoolOptions
		uo    pool.MaxUnpoolOptions
	}{
		{1, []int{2, 3, 17}, pool.MaxPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, OutputSize: []int{17}}},
		{2, []int{2, 3, 8, 10}, pool.MaxPoolOptions{KernelSize: []int{2}}, pool.MaxUnpoolOptions{KernelSize: []int{2}}},
		{2, []int{3, 9, 7}, pool.MaxPoolOptions{KernelSize: []int{3, 2}, Stride: []int{2, 2}, Padding: []int{1, 0}}, pool.MaxUnpoolOptions{KernelSize: []int{3, 2}, Stride: []int{2, 2}, Padding: []int{1, 0}, OutputSize: []int{3, 3, 9, 7}}},
		{3, []int{1, 2, 4, 6, 5}, pool.MaxPoolOptions{KernelSize: []int{2}, CeilMode: true}, pool.MaxUnpoolOptions{KernelSize: []int{2}, OutputSize: []int{4, 6, 5}}},
	} {
		x := pool.NewTensor[float32](c.shape...)
		for i := range x.Data {
			x.Data[i] = rng.Float32() + 0.5
		}
		c.mo.ReturnIndices = true
		var pooled, unpooled, again pool.Tensor[float32]
		var idx []int64
		var err error
		switch c.dims {
		case 1:
			pooled, idx, err = pool.MaxPool1d(x, c.mo)
			require.NoError(t, err)
			unpooled, err = pool.MaxUnpool1d(pooled, idx, c.uo)
			require.NoError(t, err)
			again, _, err = pool.MaxPool1d(unpooled, c.mo)
		case 2:
			pooled, idx, err = pool.MaxPool2d(x, c.mo)
			require.NoError(t, err)
			unpooled, err = pool.MaxUnpool2d(pooled, idx, c.uo)
			require.NoError(t, err)
			again, _, err = pool.MaxPool2d(unpooled, c.mo)
		case 3:
			pooled, idx, err = pool.MaxPool3d(x, c.mo)
			require.NoError(t, err)
			unpooled, err = pool.MaxUnpool3d(pooled, idx, c.uo)
			require.NoError(t, err)
			again, _, err = pool.MaxPool3d(unpooled, c.mo)
		}
		require.NoError(t, err)
		require.Equal(t, x.Shape, unpooled.Shape)
		for i, v := range unpooled.Data {
			if v != 0 {
				assert.Equal(t, x.Data[i], v, "%v: a value moved", c.shape)
			}
		}
		planeIn, planeOut := fracProd(c.shape[len(c.shape)-c.dims:]), fracProd(pooled.Shape[len(pooled.Shape)-c.dims:])
		for i, at := range idx {
			assert.Equal(t, pooled.Data[i], unpooled.Data[i/planeOut*planeIn+int(at)])
		}
		assert.Equal(t, pooled.Data, again.Data, "%v", c.shape)
	}
}

func TestMaxUnpoolOutputSizes(t *testing.T) {
	shape := func(p *pool.UnpoolPlan[float32], err error) []int {
		require.NoError(t, err)
		return p.OutputShape()
	}
	// Default (in-1)*stride + kernel - 2*padding; explicit sizes strictly
	// within default -/+ stride; the full (N, C, ...) form drops its first two
	// values without looking at them.
	assert.Equal(t, []int{1, 2, 7, 9}, shape(pool.NewMaxUnpool2d[float32]([]int{1, 2, 4, 5}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}})))
	assert.Equal(t, []int{1, 2, 8, 10}, shape(pool.NewMaxUnpool2d[float32]([]int{1, 2, 4, 5}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, OutputSize: []int{8, 10}})))
	assert.Equal(t, []int{1, 2, 6, 8}, shape(pool.NewMaxUnpool2d[float32]([]int{1, 2, 4, 5}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}, OutputSize: []int{99, -4, 6, 8}})))
	assert.Equal(t, []int{3, 16}, shape(pool.NewMaxUnpool1d[float32]([]int{3, 5}, pool.MaxUnpoolOptions{KernelSize: []int{2}, Stride: []int{3}, OutputSize: []int{1, 3, 16}})))
	assert.Equal(t, []int{2, 3, 4, 16}, shape(pool.NewMaxUnpool3d[float32]([]int{2, 2, 2, 5}, pool.MaxUnpoolOptions{KernelSize: []int{2}, Stride: []int{1, 2, 3}, OutputSize: []int{3, 4, 16}})))
	// PyTorch does not check padding: it only shifts the default size,
	// here (2-1)*3 + 3 + 2 = 8.
	assert.Equal(t, []int{1, 1, 8}, shape(pool.NewMaxUnpool1d[float32]([]int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Padding: []int{-1}})))
	// Unbatched inputs may have no channels (PyTorch only checks the
	// channels of batched inputs); batches may be empty.
	assert.Equal(t, []int{0, 4, 4}, shape(pool.NewMaxUnpool2d[float32]([]int{0, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{2}})))
	p, err := pool.NewMaxUnpool2d[float32]([]int{0, 2, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2, 4, 4}, p.OutputShape())
	assert.Equal(t, []int{0, 2, 2, 2}, p.InputShape())
	assert.Equal(t, "max_unpool2d", p.Op())
	assert.NoError(t, p.Run(nil, nil, nil))
}

func TestMaxUnpoolPlanErrors(t *testing.T) {
	k2 := []int{2}
	for _, c := range []struct {
		name  string
		dims  int
		shape []int
		o     pool.MaxUnpoolOptions
		arg   string
	}{
		{"no kernel", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{}, "kernel_size"},
		{"kernel 0", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{0}}, "kernel_size"},
		{"kernel negative", 1, []int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: []int{-2}}, "kernel_size"},
		{"kernel length", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{2, 2, 2}}, "kernel_size"},
		{"kernel huge", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{math.MaxInt}}, "kernel_size"},
		{"stride 0", 3, []int{1, 1, 2, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{0, 2, 2}}, "stride"},
		{"stride negative", 1, []int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{-1}}, "stride"},
		{"stride empty", 1, []int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{}}, "stride"},
		{"padding length", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, Padding: []int{0, 0, 0}}, "padding"},
		{"default size 0", 1, []int{1, 1, 1}, pool.MaxUnpoolOptions{KernelSize: k2, Padding: []int{1}}, "padding"},
		{"default size negative", 2, []int{1, 1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: k2, Padding: []int{2}}, "padding"},
		{"output above range", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, OutputSize: []int{6, 4}}, "output_size"},
		{"output below range", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, OutputSize: []int{4, 2}}, "output_size"},
		{"output range 1d", 1, []int{1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}, OutputSize: []int{9}}, "output_size"},
		{"output 0 within range", 1, []int{1, 1, 1}, pool.MaxUnpoolOptions{KernelSize: []int{1}, Stride: []int{2}, OutputSize: []int{0}}, "output_size"},
		{"output length", 3, []int{1, 1, 2, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, OutputSize: []int{4, 4}}, "output_size"},
		{"output one value", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, OutputSize: []int{4}}, "output_size"},
		{"output empty", 2, []int{1, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2, OutputSize: []int{}}, "output_size"},
		{"output huge", 1, []int{1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{maxElems}}, "output_size"},
		{"output huge, explicit", 1, []int{1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{maxElems}, OutputSize: []int{2*maxElems + 3}}, "output_size"},
		{"default size overflows by stride", 1, []int{1, 1, 4}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{math.MaxInt / 2}}, "stride"},
		{"default size overflows by kernel", 1, []int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: []int{math.MaxInt}, Stride: []int{2}}, "kernel_size"},
		{"default size overflows by padding", 1, []int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: k2, Padding: []int{-math.MaxInt / 2}}, "padding"},
		{"output below a range beyond the int range", 1, []int{1, 1, 3}, pool.MaxUnpoolOptions{KernelSize: k2, Stride: []int{math.MaxInt / 4}, OutputSize: []int{5}}, "output_size"},
		{"rank low 2d", 2, []int{2, 2}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
		{"rank low 3d", 3, []int{2, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
		{"rank high 1d", 1, []int{1, 1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
		{"zero channels", 2, []int{1, 0, 2, 2}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
		{"zero width", 1, []int{1, 1, 0}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
		{"negative batch", 1, []int{-1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: k2}, "input"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err, err1 error
			x := zeroTensor(c.shape)
			switch c.dims {
			case 1:
				_, err = pool.NewMaxUnpool1d[float32](c.shape, c.o)
				_, err1 = pool.MaxUnpool1d(x, nil, c.o)
			case 2:
				_, err = pool.NewMaxUnpool2d[float32](c.shape, c.o)
				_, err1 = pool.MaxUnpool2d(x, nil, c.o)
			case 3:
				_, err = pool.NewMaxUnpool3d[float64](c.shape, c.o)
				_, err1 = pool.MaxUnpool3d(x, nil, c.o)
			}
			fracArg(t, err, c.arg)
			fracArg(t, err1, c.arg)
		})
	}
}

func TestMaxUnpoolRunErrorsLeaveDstUntouched(t *testing.T) {
	p, err := pool.NewMaxUnpool2d[float32]([]int{2, 1, 2, 2}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	src := []float32{1, 2, 3, 4, 5, 6, 7, 8}
	good := []int64{0, 3, 8, 15, 1, 2, 3, 4}
	for _, c := range []struct {
		name    string
		dst     int
		src     []float32
		indices []int64
		arg     string
		msg     string
	}{
		{"short src", 32, src[1:], good[1:], "src", ""},
		{"short indices", 32, src, good[1:], "indices", ""},
		{"long indices", 32, src, append(slices.Clone(good), 0), "indices", ""},
		{"short dst", 31, src, good, "dst", ""},
		{"index too large", 32, src, []int64{0, 3, 8, 15, 1, 2, 3, 16}, "indices", "got 16 at position 7"},
		{"index negative", 32, src, []int64{0, 3, 8, 15, 1, 2, -1, 4}, "indices", "got -1 at position 6"},
		{"index huge", 32, src, []int64{math.MaxInt64, 3, 8, 15, 1, 2, 3, 4}, "indices", "at position 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dst := make([]float32, c.dst)
			for i := range dst {
				dst[i] = 42
			}
			err := p.Run(dst, c.src, c.indices)
			fracArg(t, err, c.arg)
			if c.msg != "" {
				assert.ErrorContains(t, err, c.msg)
			}
			for _, v := range dst {
				require.Equal(t, float32(42), v, "dst was written")
			}
		})
	}
	// A good run clears what the last one left.
	dst := make([]float32, 32)
	for i := range dst {
		dst[i] = 42
	}
	require.NoError(t, p.Run(dst, src, good))
	want := make([]float32, 32)
	want[0], want[3], want[8], want[15] = 1, 2, 3, 4
	want[17], want[18], want[19], want[20] = 5, 6, 7, 8
	assert.Equal(t, want, dst)
}

func TestMaxUnpoolZeroAllocs(t *testing.T) {
	p, err := pool.NewMaxUnpool3d[float32]([]int{2, 3, 2, 3, 4}, pool.MaxUnpoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	src, idx, dst := make([]float32, 144), make([]int64, 144), make([]float32, 144*8)
	for i := range idx {
		idx[i] = int64(i % 24 * 8)
	}
	require.NoError(t, p.Run(dst, src, idx))
	race.NoAllocs(t, 10, func() { _ = p.Run(dst, src, idx) })
	p64, err := pool.NewMaxUnpool1d[float64]([]int{5, 7}, pool.MaxUnpoolOptions{KernelSize: []int{3}, Stride: []int{2}})
	require.NoError(t, err)
	src64, idx64, dst64 := make([]float64, 35), make([]int64, 35), make([]float64, 5*15)
	for i := range idx64 {
		idx64[i] = int64(i % 7 * 2)
	}
	require.NoError(t, p64.Run(dst64, src64, idx64))
	race.NoAllocs(t, 10, func() { _ = p64.Run(dst64, src64, idx64) })
}

// Random, mostly valid, configurations and indices never panic; plan errors
// are *pool.Error.
func TestMaxUnpoolNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pick := func(lo, n int) int { return lo + rng.IntN(n) }
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
	valid := 0
	for range 3000 {
		dims := pick(1, 3)
		rank := dims + 1 + rng.IntN(2)
		if rng.IntN(10) == 0 {
			rank = pick(0, dims+3)
		}
		shape := list(rank, 1, 5)
		n := []int{1, dims}[rng.IntN(2)]
		o := pool.MaxUnpoolOptions{KernelSize: list(n, 1, 3), Stride: list(n, 1, 3), Padding: list(n, 0, 2)}
		if rng.IntN(3) == 0 {
			o.OutputSize = list(dims+2*rng.IntN(2), 1, 9)
		}
		assert.NotPanics(t, func() {
			var p *pool.UnpoolPlan[float32]
			var err error
			switch dims {
			case 1:
				p, err = pool.NewMaxUnpool1d[float32](shape, o)
			case 2:
				p, err = pool.NewMaxUnpool2d[float32](shape, o)
			default:
				p, err = pool.NewMaxUnpool3d[float32](shape, o)
			}
			if err != nil {
				var pe *pool.Error
				assert.True(t, errors.As(err, &pe), "%v", err)
				return
			}
			valid++
			in, out := fracProd(p.InputShape()), fracProd(p.OutputShape())
			plane := fracProd(p.OutputShape()[len(p.OutputShape())-dims:])
			src, idx, dst := make([]float32, in), make([]int64, in), make([]float32, out)
			for i := range idx {
				src[i] = float32(i + 1)
				idx[i] = int64(rng.IntN(plane + 1)) // now and then one past the end
			}
			bad := slices.ContainsFunc(idx, func(v int64) bool { return v == int64(plane) })
			err = p.Run(dst, src, idx)
			if bad {
				fracArg(t, err, "indices")
			} else {
				assert.NoError(t, err)
			}
		})
	}
	assert.Greater(t, valid, 100, "too few valid configurations to test")
	t.Log(valid, "valid configurations")
}
