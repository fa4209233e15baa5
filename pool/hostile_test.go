package pool_test

import (
	"math"
	"runtime/metrics"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/pool"
)

// The hostile-input reproducers of issue 12: each gives a *pool.Error naming
// the caller's argument, and nothing panics.

// maxElems is the package's limit on dimensions and element counts: 2^37
// with 64-bit ints, 2^28-1 with 32-bit ones.
const maxElems = min(1<<37, math.MaxInt>>3)

// heapAllocated returns the bytes f allocates on the heap: large objects
// exactly, small ones to within a span or so per size class.
func heapAllocated(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

func TestHugeOutputSizesFail(t *testing.T) {
	x := pool.NewTensor[float32](2, 3, 6, 7, 8)
	var err error
	require.NotPanics(t, func() {
		_, err = pool.AdaptiveAvgPool3d(x, pool.AdaptiveAvgPoolOptions{OutputSize: []int{1 << 20}})
	})
	requireArg(t, err, "adaptive_avg_pool3d", "output_size")
	require.NotPanics(t, func() {
		_, _, err = pool.AdaptiveMaxPool3d(x, pool.AdaptiveMaxPoolOptions{OutputSize: []int{1 << 20}})
	})
	requireArg(t, err, "adaptive_max_pool3d", "output_size")

	y := pool.NewTensor[float32](1, 1, 2, 2)
	require.NotPanics(t, func() {
		_, err = pool.MaxUnpool2d(y, make([]int64, 4), pool.MaxUnpoolOptions{KernelSize: []int{1 << 20}})
	})
	requireArg(t, err, "max_unpool2d", "output_size")
}

func TestTensorConstructors(t *testing.T) {
	for _, shape := range [][]int{{math.MaxInt, 2}, {-1, -1}, {-1}, {2, maxElems}, {0, maxElems + 1}, {maxElems, maxElems, 2}} {
		_, err := pool.MakeTensor[float32](shape...)
		requireArg(t, err, "MakeTensor", "shape")
		assert.PanicsWithError(t, "pool: NewTensor: shape"+err.Error()[len("pool: MakeTensor: shape"):], func() { pool.NewTensor[float64](shape...) }, "%v", shape)
	}
	for _, shape := range [][]int{{}, {0}, {3, 0, maxElems}, {2, 3}} {
		x, err := pool.MakeTensor[float32](shape...)
		require.NoError(t, err)
		assert.Len(t, x.Shape, len(shape))
		n := 1
		for _, s := range shape {
			n *= s
		}
		assert.Len(t, x.Data, n)
		assert.Equal(t, x, pool.NewTensor[float32](shape...))
	}
}

// hostileShape is a shape of rank dims+2 that claims nearly the most
// elements a tensor may have (2^37 on 64-bit platforms).
func hostileShape(dims int) []int {
	return append([]int{maxElems / 270, 3}, [][]int{{90}, {10, 9}, {3, 5, 6}}[dims-1]...)
}

func TestOneCallChecksDataBeforeAllocating(t *testing.T) {
	for _, c := range oneCalls() {
		t.Run(c.op, func(t *testing.T) {
			x := pool.Tensor[float32]{Shape: hostileShape(c.dims), Data: make([]float32, 16)}
			var err error
			n := heapAllocated(func() { err = c.call(x) })
			requireArg(t, err, c.op, "x")
			assert.Less(t, n, uint64(1<<20), "bytes allocated before failing")
		})
	}
}

// TestOneCallOpNames checks that every one-call form names its operator as
// its plan does.
func TestOneCallOpNames(t *testing.T) {
	for _, c := range oneCalls() {
		shape := hostileShape(c.dims)[1:] // unbatched: 3 planes
		op, err := c.plan(shape)
		require.NoError(t, err, c.op)
		assert.Equal(t, c.op, op)
		requireArg(t, c.call(pool.Tensor[float32]{Shape: shape, Data: make([]float32, 3)}), c.op, "x")
	}
}
