//go:build !386 && !arm && !mips && !mipsle

package pool_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/pool"
)

// Size arguments as large as PyTorch 1.13 accepts them, int64 where PyTorch
// keeps int64 (so these tests need 64-bit ints), with the results PyTorch
// gives (recorded with Debian's python3-torch 1.13); refused where PyTorch
// passes them to a C++ int or where its int64 arithmetic would overflow.

func TestSizeArgumentsBeyondInt32(t *testing.T) {
	x1 := pool.Tensor[float32]{Shape: []int{1, 1, 3}, Data: []float32{3, 1, 2}}
	x2 := pool.Tensor[float32]{Shape: []int{1, 1, 2, 2}, Data: []float32{3, 1, 2, 4}}
	one := []int{1}
	for _, s := range []int{1<<31 - 1, 1 << 31, 1 << 32, 1 << 40, 1 << 62, math.MaxInt} {
		// avg_pool2d's divisor_override is int64: torch gives 3/2^31 = 1.3969839e-09 for 2^31.
		out, err := pool.AvgPool2d(x2, pool.AvgPoolOptions{KernelSize: one, DivisorOverride: pool.Int(s)})
		require.NoError(t, err, "divisor_override %d", s)
		for i, v := range x2.Data {
			assert.Equal(t, v/float32(s), out.Data[i], "divisor_override %d", s)
		}
		out, err = pool.AvgPool2d(x2, pool.AvgPoolOptions{KernelSize: one, DivisorOverride: pool.Int(-s)})
		require.NoError(t, err, "divisor_override %d", -s)
		assert.Equal(t, -x2.Data[3]/float32(s), out.Data[3])

		// max_pool1d's stride and dilation are int64 (with indices too,
		// where torch stops at 2^31-1).
		for _, o := range []pool.MaxPoolOptions{
			{KernelSize: one, Stride: []int{s}, ReturnIndices: true},
			{KernelSize: []int{2}, Padding: one, Stride: []int{s}, ReturnIndices: true},
			{KernelSize: one, Dilation: []int{s}, ReturnIndices: true},
		} {
			out, idx, err := pool.MaxPool1d(x1, o)
			require.NoError(t, err, "%+v", o)
			if o.Stride != nil {
				assert.Equal(t, []int{1, 1, 1}, out.Shape)
				assert.Equal(t, []float32{3}, out.Data)
				assert.Equal(t, []int64{0}, idx)
			} else {
				assert.Equal(t, x1.Data, out.Data)
				assert.Equal(t, []int64{0, 1, 2}, idx)
			}
		}
		// max_unpool's sizes are int64: a single input goes to position 0.
		out, err = pool.MaxUnpool1d(pool.Tensor[float32]{Shape: []int{1, 1, 1}, Data: []float32{3}}, []int64{0}, pool.MaxUnpoolOptions{KernelSize: one, Stride: []int{s}})
		require.NoError(t, err, "max_unpool1d stride %d", s)
		assert.Equal(t, []float32{3}, out.Data)

		// Refused where PyTorch refuses it ("integer out of range") or truncates it to C++ int.
		if s > math.MaxInt32 {
			_, _, err = pool.MaxPool2d(x2, pool.MaxPoolOptions{KernelSize: one, Stride: []int{s}})
			requireArg(t, err, "max_pool2d", "stride")
			_, err = pool.AvgPool1d(x1, pool.AvgPoolOptions{KernelSize: one, Stride: []int{s}})
			requireArg(t, err, "avg_pool1d", "stride")
			_, err = pool.AvgPool3d(pool.NewTensor[float32](1, 1, 1, 1), pool.AvgPoolOptions{KernelSize: one, DivisorOverride: pool.Int(s)})
			requireArg(t, err, "avg_pool3d", "divisor_override")
			_, err = pool.LpPool2d(x2, pool.LpPoolOptions{NormType: 2, KernelSize: one, Stride: []int{s}})
			requireArg(t, err, "lp_pool2d", "stride")
		}
	}
	out, err := pool.AvgPool2d(pool.Tensor[float32]{Shape: []int{1, 1, 1}, Data: []float32{3}}, pool.AvgPoolOptions{KernelSize: one, DivisorOverride: pool.Int(1 << 31)})
	require.NoError(t, err)
	assert.Equal(t, float32(1.3969839e-09), out.Data[0])

	// max_unpool's default size with a stride of 2^31 and two inputs:
	// torch gives 2^31+1.
	p, err := pool.NewMaxUnpool1d[float32]([]int{1, 1, 2}, pool.MaxUnpoolOptions{KernelSize: one, Stride: []int{1 << 31}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1<<31 + 1}, p.OutputShape())
	// kernel 2^31 with padding 2^30-1: torch gives size 2, the input at 0.
	out, err = pool.MaxUnpool2d(pool.Tensor[float32]{Shape: []int{1, 1, 1, 1}, Data: []float32{3}}, []int64{0}, pool.MaxUnpoolOptions{KernelSize: []int{1 << 31}, Padding: []int{1<<30 - 1}})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2, 2}, out.Shape)
	assert.Equal(t, []float32{3, 0, 0, 0}, out.Data)
}

func TestMaxPool1dHugeWindows(t *testing.T) {
	x := pool.Tensor[float32]{Shape: []int{1, 1, 3}, Data: []float32{3, 1, 2}}
	for _, c := range []struct {
		name  string
		o     pool.MaxPoolOptions
		shape []int
		out   []float32
		idx   []int64
	}{
		// torch: one window over the whole input (it takes about 2^31 steps there).
		{"kernel 2^32, padding 2^31", pool.MaxPoolOptions{KernelSize: []int{1 << 32}, Padding: []int{1 << 31}}, []int{1, 1, 1}, []float32{3}, []int64{0}},
		{"kernel 2^62, padding 2^61", pool.MaxPoolOptions{KernelSize: []int{1 << 62}, Padding: []int{1 << 61}}, []int{1, 1, 1}, []float32{3}, []int64{0}},
		// Two windows 2^61 apart: the first covers the input, the second starts at 0.
		{"stride 2^61, ceil", pool.MaxPoolOptions{KernelSize: []int{1 << 62}, Padding: []int{1 << 61}, Stride: []int{1 << 61}, CeilMode: true}, []int{1, 1, 2}, []float32{3, 3}, []int64{0, 0}},
		// A window reaching 2^40 past the input in ceil mode: its first tap only.
		{"dilation 2^40, ceil", pool.MaxPoolOptions{KernelSize: []int{2}, Dilation: []int{1 << 40}, Stride: []int{1 << 41}, CeilMode: true}, []int{1, 1, 1}, []float32{3}, []int64{0}},
	} {
		out, idx, err := pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: c.o.KernelSize, Stride: c.o.Stride, Padding: c.o.Padding, Dilation: c.o.Dilation, CeilMode: c.o.CeilMode, ReturnIndices: true})
		require.NoError(t, err, c.name)
		assert.Equal(t, c.shape, out.Shape, c.name)
		assert.Equal(t, c.out, out.Data, c.name)
		assert.Equal(t, c.idx, idx, c.name)
	}
	// Where PyTorch's int64 arithmetic overflows (it returns a made-up output
	// for kernel 2, dilation 2^40 and fails for ceil mode with stride
	// 2^63-1), simdpool gives an error.
	_, _, err := pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{2}, Dilation: []int{1 << 40}})
	requireArg(t, err, "max_pool1d", "input")
	_, _, err = pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{1}, Stride: []int{math.MaxInt}, CeilMode: true})
	requireArg(t, err, "max_pool1d", "stride")
	_, _, err = pool.MaxPool1d(x, pool.MaxPoolOptions{KernelSize: []int{math.MaxInt}, Padding: []int{math.MaxInt / 2}})
	requireArg(t, err, "max_pool1d", "padding")
}

func TestEmptyBatchesWithLargeDimensions(t *testing.T) {
	// torch accepts any output size for an empty batch; simdpool up to the
	// largest dimension (and plane) a tensor may have, 2^37.
	p, err := pool.NewAdaptiveAvgPool1d[float32]([]int{0, 1, 3}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{1 << 37}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 1 << 37}, p.OutputShape())
	_, err = pool.NewAdaptiveAvgPool1d[float32]([]int{0, 1, 3}, pool.AdaptiveAvgPoolOptions{OutputSize: []int{1<<37 + 1}})
	requireArg(t, err, "adaptive_avg_pool1d", "output_size")
	q, err := pool.NewMaxPool2d[float32]([]int{0, 1, 1, 1 << 31}, pool.MaxPoolOptions{KernelSize: []int{1}})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 1, 1 << 31}, q.OutputShape())
	require.NoError(t, q.Run(nil, nil))
}

func TestNewTensorOverflowingShape(t *testing.T) {
	// 2^93 elements: the product wraps to 0 in int64.
	_, err := pool.MakeTensor[float32](1<<31, 1<<31, 1<<31)
	requireArg(t, err, "MakeTensor", "shape")
	assert.Panics(t, func() { pool.NewTensor[float32](1<<31, 1<<31, 1<<31) })
}

func TestGlobalLpPlaneBeyondLpPoolsInt32Kernel(t *testing.T) {
	// lp_pool takes kernel sizes up to 2^31-1; global LP pooling's kernel is
	// the plane, which may be larger (here an empty batch).
	p, err := pool.NewGlobalLpPool1d[float32]([]int{0, 1, math.MaxInt32 + 1}, 2)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 1}, p.OutputShape())
}
