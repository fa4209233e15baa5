package pool_test

import (
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/simdpool/simdpool/pool"
)

func TestMaxPoolNaNTiesAndPadding(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	x := pool.Tensor[float32]{Shape: []int{1, 1, 8}, Data: []float32{
		1, nan, 2, nan, // two NaNs in one window: the last one's index
		-inf, -inf, 3, 3, // ties keep the first
	}}
	out, idx, err := pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{4}, ReturnIndices: true})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(float64(out.Data[0])))
	assert.Equal(t, []int64{3, 6}, idx)
	assert.Equal(t, float32(3), out.Data[1])

	// Padding is -inf: a window of -inf inputs and padding reports its first input.
	x = pool.Tensor[float32]{Shape: []int{1, 2}, Data: []float32{-inf, -inf}}
	out, idx, err = pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{2}, Stride: []int{1}, Padding: []int{1}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []float32{-inf, -inf, -inf}, out.Data)
	assert.Equal(t, []int64{0, 0, 1}, idx)
}

func TestMaxPoolZeroSignFirstWins(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	x := pool.Tensor[float32]{Shape: []int{1, 2, 2}, Data: []float32{negZero, 0, 0, negZero}}
	out, _, err := pool.MaxPool2d(x, pool.MaxPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.True(t, math.Signbit(float64(out.Data[0])), "the first of equal zeros wins")
}

// A dilated window can lie entirely in the padding; PyTorch returns -inf and an
// index outside the plane. simdpool returns -inf and index -1.
func TestMaxPoolEmptyDilatedWindow(t *testing.T) {
	x := pool.Tensor[float64]{Shape: []int{1, 2}, Data: []float64{5, 7}}
	out, idx, err := pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{2}, Padding: []int{1}, Dilation: []int{3}, Stride: []int{1}, CeilMode: true, ReturnIndices: true})
	require.NoError(t, err)
	require.Equal(t, []int{1, 1}, out.Shape)
	assert.Equal(t, math.Inf(-1), out.Data[0])
	assert.Equal(t, []int64{-1}, idx)
}

func TestCeilModeDropsWindowStartingInPadding(t *testing.T) {
	// L=5, k=2, s=2, p=1, ceil: the fourth window would start at 5 = L+p-1... (o-1)*s = 6 >= L+p: dropped.
	p, err := pool.NewMaxPool1d[float32]([]int{1, 1, 5}, pool.MaxPoolOptions{KernelSize: []int{2}, Padding: []int{1}, CeilMode: true})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 3}, p.OutputShape())
	p, err = pool.NewMaxPool1d[float32]([]int{1, 1, 6}, pool.MaxPoolOptions{KernelSize: []int{2}, CeilMode: true, Stride: []int{4}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2}, p.OutputShape(), "ceil mode keeps a partial last window")
}

func TestAvgPoolDivisors(t *testing.T) {
	x := pool.Tensor[float32]{Shape: []int{1, 1, 3}, Data: []float32{1, 2, 3}}
	avg := func(o pool.AvgPoolOptions) []float32 {
		out, err := pool.AvgPool1d(x, o)
		require.NoError(t, err)
		return out.Data
	}
	k2p1 := pool.AvgPoolOptions{KernelSize: []int{2}, Padding: []int{1}}
	assert.Equal(t, []float32{0.5, 2.5}, avg(k2p1), "padding counts by default")
	k2p1.CountIncludePad = pool.Bool(false)
	assert.Equal(t, []float32{1, 2.5}, avg(k2p1))
	k2p1.DivisorOverride = pool.Int(-2)
	assert.Equal(t, []float32{-0.5, -2.5}, avg(k2p1))

	// A ceil-mode window running past the right padding is divided by fewer than k.
	out := avg(pool.AvgPoolOptions{KernelSize: []int{2}, CeilMode: true})
	assert.Equal(t, []float32{1.5, 3}, out)

	// An all -0 window sums from +0: the average is +0.
	negZero := float32(math.Copysign(0, -1))
	y, err := pool.AvgPool1d(pool.Tensor[float32]{Shape: []int{1, 2}, Data: []float32{negZero, negZero}}, pool.AvgPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	assert.False(t, math.Signbit(float64(y.Data[0])))
}

func TestLpPoolSigns(t *testing.T) {
	x := pool.Tensor[float32]{Shape: []int{1, 4}, Data: []float32{-3, -4, -1, 2}}
	out, err := pool.LpPool1d(x, pool.LpPoolOptions{NormType: 1, KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []float32{-7, 1}, out.Data, "p=1 is the signed sum")
	out, err = pool.LpPool1d(x, pool.LpPoolOptions{NormType: 2, KernelSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []float32{5, float32(math.Sqrt(5))}, out.Data)
	out, err = pool.LpPool1d(x, pool.LpPoolOptions{NormType: 1.5, KernelSize: []int{2}})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(float64(out.Data[0])), "a negative base to a fractional power is NaN")
}

func TestValidationErrorsNameTheArgument(t *testing.T) {
	shape4 := []int{1, 1, 8, 8}
	for _, c := range []struct {
		name, arg string
		build     func() error
	}{
		{"kernel required", "kernel_size", func() error { _, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{}); return err }},
		{"kernel zero", "kernel_size", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{2, 0}})
			return err
		}},
		{"kernel length", "kernel_size", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{2, 2, 2}})
			return err
		}},
		{"kernel empty", "kernel_size", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{}})
			return err
		}},
		{"kernel huge", "kernel_size", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{math.MaxInt}})
			return err
		}},
		{"stride negative", "stride", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{2}, Stride: []int{-1}})
			return err
		}},
		{"dilation zero", "dilation", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{2}, Dilation: []int{0}})
			return err
		}},
		{"padding negative", "padding", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{2}, Padding: []int{-1}})
			return err
		}},
		{"padding too large", "padding", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{3}, Padding: []int{2}})
			return err
		}},
		{"output too small", "input", func() error {
			_, err := pool.NewMaxPool2d[float32](shape4, pool.MaxPoolOptions{KernelSize: []int{9}})
			return err
		}},
		{"rank", "input", func() error {
			_, err := pool.NewMaxPool2d[float32]([]int{8, 8}, pool.MaxPoolOptions{KernelSize: []int{2}})
			return err
		}},
		{"negative size", "input", func() error {
			_, err := pool.NewMaxPool2d[float32]([]int{-1, 1, 8, 8}, pool.MaxPoolOptions{KernelSize: []int{2}})
			return err
		}},
		{"zero channels", "input", func() error {
			_, err := pool.NewMaxPool2d[float32]([]int{1, 0, 8, 8}, pool.MaxPoolOptions{KernelSize: []int{2}})
			return err
		}},
		{"overflowing shape", "input", func() error {
			_, err := pool.NewMaxPool2d[float32]([]int{math.MaxInt32, math.MaxInt32, math.MaxInt32, 8}, pool.MaxPoolOptions{KernelSize: []int{2}})
			return err
		}},
		{"divisor zero", "divisor_override", func() error {
			_, err := pool.NewAvgPool2d[float32](shape4, pool.AvgPoolOptions{KernelSize: []int{2}, DivisorOverride: pool.Int(0)})
			return err
		}},
		{"avg3d input smaller than kernel", "input", func() error {
			_, err := pool.NewAvgPool3d[float32]([]int{1, 1, 3, 3, 3}, pool.AvgPoolOptions{KernelSize: []int{4}, Padding: []int{2}})
			return err
		}},
		{"norm zero", "norm_type", func() error {
			_, err := pool.NewLpPool2d[float32](shape4, pool.LpPoolOptions{KernelSize: []int{2}})
			return err
		}},
		{"norm NaN", "norm_type", func() error {
			_, err := pool.NewLpPool2d[float32](shape4, pool.LpPoolOptions{NormType: math.NaN(), KernelSize: []int{2}})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.build()
			var pe *pool.Error
			require.True(t, errors.As(err, &pe), "want a *pool.Error, got %v", err)
			assert.Equal(t, c.arg, pe.Arg, "%v", err)
			assert.Contains(t, err.Error(), c.arg)
		})
	}
}

func TestRunRejectsWrongLengthsAndWritesNothing(t *testing.T) {
	p, err := pool.NewMaxPool2d[float32]([]int{2, 4, 4}, pool.MaxPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	src, dst, idx := make([]float32, 32), make([]float32, 8), make([]int64, 8)
	for i := range dst {
		dst[i], idx[i] = 42, 42
	}
	var pe *pool.Error
	require.ErrorAs(t, p.Run(dst, src[:31]), &pe)
	assert.Equal(t, "src", pe.Arg)
	require.ErrorAs(t, p.Run(dst[:7], src), &pe)
	assert.Equal(t, "dst", pe.Arg)
	require.ErrorAs(t, p.RunWithIndices(dst, idx[:7], src), &pe)
	assert.Equal(t, "indices", pe.Arg)
	for i := range dst {
		require.Equal(t, float32(42), dst[i])
		require.Equal(t, int64(42), idx[i])
	}
	avg, err := pool.NewAvgPool2d[float32]([]int{2, 4, 4}, pool.AvgPoolOptions{KernelSize: []int{2}})
	require.NoError(t, err)
	require.ErrorAs(t, avg.RunWithIndices(dst, idx, src), &pe)
	assert.Equal(t, "indices", pe.Arg)

	_, _, err = pool.MaxPool2d(pool.Tensor[float32]{Shape: []int{1, 4, 4}, Data: src}, pool.MaxPoolOptions{KernelSize: []int{2}})
	require.ErrorAs(t, err, &pe, "a tensor whose data does not match its shape")
}

func TestEmptyBatch(t *testing.T) {
	out, idx, err := pool.MaxPool2d(pool.Tensor[float32]{Shape: []int{0, 3, 4, 4}}, pool.MaxPoolOptions{KernelSize: []int{2}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 3, 2, 2}, out.Shape)
	assert.Empty(t, out.Data)
	assert.Empty(t, idx)
}

func TestPlanRunDoesNotAllocate(t *testing.T) {
	shape := []int{2, 3, 9, 9}
	src := make([]float32, 2*3*9*9)
	maxp, err := pool.NewMaxPool2d[float32](shape, pool.MaxPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}})
	require.NoError(t, err)
	avgp, err := pool.NewAvgPool2d[float32](shape, pool.AvgPoolOptions{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}})
	require.NoError(t, err)
	lpp, err := pool.NewLpPool2d[float32](shape, pool.LpPoolOptions{NormType: 3, KernelSize: []int{3}, Stride: []int{2}})
	require.NoError(t, err)
	dst, idx := make([]float32, 2*3*5*5), make([]int64, 2*3*5*5)
	race.NoAllocs(t, 20, func() { _ = maxp.RunWithIndices(dst, idx, src) })
	race.NoAllocs(t, 20, func() { _ = avgp.Run(dst, src) })
	race.NoAllocs(t, 20, func() { _ = lpp.Run(dst[:2*3*4*4], src) })
}

func TestPlanIsSafeForConcurrentUse(t *testing.T) {
	shape := []int{4, 8, 16, 16}
	p, err := pool.NewAvgPool2d[float64](shape, pool.AvgPoolOptions{KernelSize: []int{3}, Padding: []int{1}, Stride: []int{1}})
	require.NoError(t, err)
	src := make([]float64, 4*8*16*16)
	for i := range src {
		src[i] = float64(i%17) - 8
	}
	want := make([]float64, len(src))
	require.NoError(t, p.Run(want, src))
	var wg sync.WaitGroup
	results := make([][]float64, 8)
	for g := range results {
		wg.Go(func() {
			results[g] = make([]float64, len(src))
			for range 5 {
				_ = p.Run(results[g], src)
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		assert.Equal(t, want, r)
	}
}

// float32 and float64 plans agree where float32 is exact (small integers).
func TestFloat32AndFloat64Agree(t *testing.T) {
	shape := []int{2, 7, 9, 5}
	x32 := pool.NewTensor[float32](shape...)
	x64 := pool.NewTensor[float64](shape...)
	for i := range x32.Data {
		x32.Data[i] = float32(i*7%13) - 6
		x64.Data[i] = float64(x32.Data[i])
	}
	o := pool.MaxPoolOptions{KernelSize: []int{3, 2}, Stride: []int{2, 1}, Padding: []int{1, 1}, Dilation: []int{2, 1}, CeilMode: true, ReturnIndices: true}
	m32, i32, err := pool.MaxPool2d(x32, o)
	require.NoError(t, err)
	m64, i64, err := pool.MaxPool2d(x64, o)
	require.NoError(t, err)
	assert.Equal(t, i64, i32)
	for i := range m32.Data {
		assert.Equal(t, float64(m32.Data[i]), m64.Data[i])
	}
}
