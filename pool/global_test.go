package pool

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGlobalHandChecked(t *testing.T) {
	x := Tensor[float32]{Shape: []int{1, 2, 2, 2}, Data: []float32{
		3, -4, 1, 2,
		5, 0, 8, 6,
	}}
	out, err := GlobalMaxPool2d(x)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 1, 1}, out.Shape)
	assert.Equal(t, []float32{3, 8}, out.Data)

	out, err = GlobalAvgPool2d(x)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2, 1, 1}, out.Shape)
	assert.Equal(t, []float32{0.5, 4.75}, out.Data)

	x1 := Tensor[float64]{Shape: []int{2, 2}, Data: []float64{3, 4, 6, 8}}
	lp, err := GlobalLpPool1d(x1, 2)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1}, lp.Shape)
	assert.Equal(t, []float64{5, 10}, lp.Data)

	x3 := Tensor[float64]{Shape: []int{1, 2, 1, 2}, Data: []float64{1, -7, 2, 4}}
	m3, err := GlobalMaxPool3d(x3)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 1}, m3.Shape)
	assert.Equal(t, []float64{4}, m3.Data)
	a3, err := GlobalAvgPool3d(x3)
	require.NoError(t, err)
	assert.Equal(t, []float64{0}, a3.Data)
	l3, err := GlobalLpPool3d(x3, 1)
	require.NoError(t, err)
	assert.Equal(t, []float64{0}, l3.Data, "p=1 sums the signed values")

	p, err := NewGlobalMaxPool1d[float32]([]int{2, 3, 5})
	require.NoError(t, err)
	assert.True(t, p.HasIndices())
	dst, idx := make([]float32, 6), make([]int64, 6)
	src := []float32{0, 1, 9, 1, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1}
	require.NoError(t, p.RunWithIndices(dst, idx, src))
	assert.Equal(t, []float32{9, 2, 0, 0, 5, 5}, dst)
	assert.Equal(t, []int64{2, 0, 0, 0, 4, 0}, idx)
}

// The global operators are the general ones with whole-plane windows.
func TestGlobalIsAdaptiveAndLp(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		dims  int
		shape []int
	}{{1, []int{2, 3, 17}}, {1, []int{3, 17}}, {2, []int{2, 3, 7, 9}}, {2, []int{4, 7, 9}}, {3, []int{2, 3, 3, 4, 5}}, {3, []int{3, 3, 4, 5}}} {
		dims, shape := c.dims, c.shape
		x := Tensor[float32]{Shape: shape, Data: adaptiveData[float32](r, prodInts(shape))}
		pos := Tensor[float32]{Shape: shape, Data: make([]float32, len(x.Data))}
		for i := range pos.Data {
			pos.Data[i] = float32(r.Float64()) + 0.5
		}
		ones := AdaptiveMaxPoolOptions{OutputSize: []int{1}, ReturnIndices: true}
		kernel := LpPoolOptions{NormType: 3, KernelSize: shape[len(shape)-dims:]}
		var gm, am, ga, aa, gl, al Tensor[float32]
		var gmErr, amErr, gaErr, aaErr, glErr, alErr error
		switch dims {
		case 1:
			gm, gmErr = GlobalMaxPool1d(x)
			am, _, amErr = AdaptiveMaxPool1d(x, ones)
			ga, gaErr = GlobalAvgPool1d(x)
			aa, aaErr = AdaptiveAvgPool1d(x, AdaptiveAvgPoolOptions{OutputSize: []int{1}})
			gl, glErr = GlobalLpPool1d(pos, 3)
			al, alErr = LpPool1d(pos, kernel)
		case 2:
			gm, gmErr = GlobalMaxPool2d(x)
			am, _, amErr = AdaptiveMaxPool2d(x, ones)
			ga, gaErr = GlobalAvgPool2d(x)
			aa, aaErr = AdaptiveAvgPool2d(x, AdaptiveAvgPoolOptions{OutputSize: []int{1}})
			gl, glErr = GlobalLpPool2d(pos, 3)
			al, alErr = LpPool2d(pos, kernel)
		case 3:
			gm, gmErr = GlobalMaxPool3d(x)
			am, _, amErr = AdaptiveMaxPool3d(x, ones)
			ga, gaErr = GlobalAvgPool3d(x)
			aa, aaErr = AdaptiveAvgPool3d(x, AdaptiveAvgPoolOptions{OutputSize: []int{1}})
			gl, glErr = GlobalLpPool3d(pos, 3)
			al, alErr = LpPool3d(pos, kernel)
		}
		for _, err := range []error{gmErr, amErr, gaErr, aaErr, glErr, alErr} {
			require.NoError(t, err, "%v", shape)
		}
		for _, pair := range [][2]Tensor[float32]{{am, gm}, {aa, ga}, {al, gl}} {
			assert.Equal(t, pair[0].Shape, pair[1].Shape)
			adaptiveBits(t, pair[0].Data, pair[1].Data, "%v", shape)
		}
		for _, v := range gl.Data {
			assert.False(t, math.IsNaN(float64(v)))
		}
	}
}

func prodInts(v []int) int {
	n, _ := product(v)
	return n
}

func TestGlobalErrors(t *testing.T) {
	for _, c := range []struct {
		name, op, arg string
		build         func() error
	}{
		{"max rank", "global_max_pool2d", "input", func() error { _, err := NewGlobalMaxPool2d[float32]([]int{8, 8}); return err }},
		{"max no channels", "global_max_pool1d", "input", func() error { _, err := NewGlobalMaxPool1d[float32]([]int{1, 0, 8}); return err }},
		{"avg zero size", "global_avg_pool3d", "input", func() error { _, err := NewGlobalAvgPool3d[float32]([]int{1, 1, 2, 0, 2}); return err }},
		{"lp rank", "global_lp_pool2d", "input", func() error { _, err := NewGlobalLpPool2d[float32]([]int{8}, 2); return err }},
		{"lp no shape", "global_lp_pool1d", "input", func() error { _, err := NewGlobalLpPool1d[float32](nil, 2); return err }},
		{"lp zero size", "global_lp_pool2d", "input", func() error { _, err := NewGlobalLpPool2d[float32]([]int{1, 0, 4}, 2); return err }},
		{"lp negative size", "global_lp_pool3d", "input", func() error { _, err := NewGlobalLpPool3d[float32]([]int{1, 1, -2, 4}, 2); return err }},
		{"lp huge size", "global_lp_pool1d", "input", func() error { _, err := NewGlobalLpPool1d[float32]([]int{1, math.MaxInt}, 2); return err }},
		{"lp norm", "global_lp_pool2d", "p", func() error { _, err := NewGlobalLpPool2d[float32]([]int{1, 4, 4}, 0); return err }},
		{"one call", "global_avg_pool2d", "x", func() error {
			_, err := GlobalAvgPool2d(Tensor[float32]{Shape: []int{1, 4, 4}, Data: make([]float32, 15)})
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.build() })
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, c.op, pe.Op, "%v", err)
			assert.Equal(t, c.arg, pe.Arg, "%v", err)
		})
	}
}

func TestGlobalRunDoesNotAllocate(t *testing.T) {
	shape := []int{2, 64, 7, 7}
	src, dst, idx := make([]float32, 2*64*49), make([]float32, 2*64), make([]int64, 2*64)
	maxp, err := NewGlobalMaxPool2d[float32](shape)
	require.NoError(t, err)
	avgp, err := NewGlobalAvgPool2d[float32](shape)
	require.NoError(t, err)
	lpp, err := NewGlobalLpPool2d[float32](shape, 2)
	require.NoError(t, err)
	race.NoAllocs(t, 10, func() { _ = maxp.RunWithIndices(dst, idx, src) })
	race.NoAllocs(t, 10, func() { _ = avgp.Run(dst, src) })
	race.NoAllocs(t, 10, func() { _ = lpp.Run(dst, src) })
}

// The one-call forms of global pooling name their own operator, and p (issue 12).
func TestGlobalErrorsNameTheGlobalOperator(t *testing.T) {
	var pe *Error
	_, err := GlobalMaxPool2d(Tensor[float32]{Shape: []int{4, 4}, Data: make([]float32, 16)})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, [2]string{"global_max_pool2d", "input"}, [2]string{pe.Op, pe.Arg})
	_, err = GlobalAvgPool3d(Tensor[float32]{Shape: []int{1, 1, 2}, Data: make([]float32, 2)})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, [2]string{"global_avg_pool3d", "input"}, [2]string{pe.Op, pe.Arg})
	_, err = GlobalLpPool1d(Tensor[float32]{Shape: []int{1, 4}, Data: make([]float32, 4)}, math.NaN())
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, [2]string{"global_lp_pool1d", "p"}, [2]string{pe.Op, pe.Arg})
}
