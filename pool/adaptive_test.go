package pool

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adaptiveBits compares float slices bit for bit, any NaN equal to any NaN.
func adaptiveBits[T Float](t *testing.T, want, got []T, msgAndArgs ...any) {
	t.Helper()
	require.Len(t, got, len(want), msgAndArgs...)
	for i := range want {
		w, g := float64(want[i]), float64(got[i])
		if math.IsNaN(w) && math.IsNaN(g) {
			continue
		}
		if math.Float64bits(w) != math.Float64bits(g) {
			require.Failf(t, "values differ", "at %d: want %v, got %v; %v", i, want[i], got[i], msgAndArgs)
		}
	}
}

// adaptiveData returns n values mixing normals, small integers (ties), NaN,
// ±Inf and ±0.
func adaptiveData[T Float](r *rand.Rand, n int) []T {
	special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1, -1}
	x := make([]T, n)
	for i := range x {
		switch r.IntN(10) {
		case 0:
			x[i] = T(special[r.IntN(len(special))])
		case 1, 2:
			x[i] = T(r.IntN(5) - 2)
		default:
			x[i] = T(r.NormFloat64())
		}
	}
	return x
}

// adaptiveTiny returns n values among ±0 and ±the smallest denormal of T, whose
// averages underflow: PyTorch's adaptive average then gives -0 where the sum
// is negative (it adds no +0 after dividing, unlike avg_pool).
func adaptiveTiny[T Float](r *rand.Rand, n int) []T {
	tiny := T(math.SmallestNonzeroFloat64)
	if tiny == 0 {
		tiny = T(math.SmallestNonzeroFloat32)
	}
	values := []T{0, T(math.Copysign(0, -1)), tiny, -tiny, -tiny}
	x := make([]T, n)
	for i := range x {
		x[i] = values[r.IntN(len(values))]
	}
	return x
}

func TestAdaptiveHandChecked(t *testing.T) {
	// L=5, O=3: windows [0,2), [1,4), [3,5).
	x := Tensor[float32]{Shape: []int{1, 5}, Data: []float32{1, 5, 2, 4, 3}}
	out, idx, err := AdaptiveMaxPool1d(x, AdaptiveMaxPoolOptions{OutputSize: []int{3}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 3}, out.Shape)
	assert.Equal(t, []float32{5, 5, 4}, out.Data)
	assert.Equal(t, []int64{1, 1, 3}, idx)
	avg, err := AdaptiveAvgPool1d(x, AdaptiveAvgPoolOptions{OutputSize: []int{3}})
	require.NoError(t, err)
	assert.Equal(t, []float32{3, float32(11) / 3, 3.5}, avg.Data)

	// Upsampling, L=2, O=3: windows [0,1), [0,2), [1,2).
	x = Tensor[float32]{Shape: []int{1, 1, 2}, Data: []float32{7, -1}}
	out, idx, err = AdaptiveMaxPool1d(x, AdaptiveMaxPoolOptions{OutputSize: []int{3}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []float32{7, 7, -1}, out.Data)
	assert.Equal(t, []int64{0, 0, 1}, idx)

	// 3x3 -> 2x2: rows and columns [0,2), [1,3); indices are flat in the plane.
	x = Tensor[float32]{Shape: []int{1, 1, 3, 3}, Data: []float32{
		1, 2, 3,
		4, 9, 6,
		7, 8, 5,
	}}
	out, idx, err = AdaptiveMaxPool2d(x, AdaptiveMaxPoolOptions{OutputSize: []int{2}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 2, 2}, out.Shape)
	assert.Equal(t, []float32{9, 9, 9, 9}, out.Data)
	assert.Equal(t, []int64{4, 4, 4, 4}, idx)
	avg, err = AdaptiveAvgPool2d(x, AdaptiveAvgPoolOptions{OutputSize: []int{2}})
	require.NoError(t, err)
	assert.Equal(t, []float32{4, 5, 7, 7}, avg.Data)

	// 3d, unbatched, 2x1x3 -> 1x1x2: windows d [0,2), w [0,2) and [1,3);
	// the average divides by 2, 1 and 2 in turn.
	x3 := Tensor[float64]{Shape: []int{1, 2, 1, 3}, Data: []float64{1, 2, 3, 10, 20, 30}}
	o3, i3, err := AdaptiveMaxPool3d(x3, AdaptiveMaxPoolOptions{OutputSize: []int{1, 1, 2}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 2}, o3.Shape)
	assert.Equal(t, []float64{20, 30}, o3.Data)
	assert.Equal(t, []int64{4, 5}, i3)
	a3, err := AdaptiveAvgPool3d(x3, AdaptiveAvgPoolOptions{OutputSize: []int{1, 1, 2}})
	require.NoError(t, err)
	assert.Equal(t, []float64{33.0 / 4, 55.0 / 4}, a3.Data)
}

func TestAdaptiveMaxNaNTiesAndZeros(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	x := Tensor[float32]{Shape: []int{1, 1, 9}, Data: []float32{
		nan, 1, nan, // the last NaN wins
		2, 2, -inf, // ties keep the first
		negZero, 0, -inf, // -0 first: -0 is kept
	}}
	for _, o := range [][]int{{3}, {4}} { // regular and irregular windows
		out, idx, err := AdaptiveMaxPool1d(x, AdaptiveMaxPoolOptions{OutputSize: o, ReturnIndices: true})
		require.NoError(t, err)
		if o[0] == 3 {
			assert.True(t, math.IsNaN(float64(out.Data[0])))
			assert.Equal(t, []int64{2, 3, 6}, idx)
			assert.True(t, math.Signbit(float64(out.Data[2])))
		} else { // windows [0,3), [2,5), [4,7), [6,9)
			assert.True(t, math.IsNaN(float64(out.Data[0])))
			assert.True(t, math.IsNaN(float64(out.Data[1])))
			assert.Equal(t, []int64{2, 2, 4, 6}, idx)
		}
	}
	allNegInf := Tensor[float32]{Shape: []int{1, 2, 2}, Data: []float32{-inf, -inf, -inf, -inf}}
	out, idx, err := AdaptiveMaxPool2d(allNegInf, AdaptiveMaxPoolOptions{OutputSize: []int{1}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []float32{-inf}, out.Data)
	assert.Equal(t, []int64{0}, idx)

	// An all -0 window averages to +0 (the sum starts at +0), and a tiny
	// negative sum divided to zero stays -0, on the irregular (3) and the
	// regular (2) path alike.
	tiny := float32(math.SmallestNonzeroFloat32)
	for _, o := range []int{3, 2} {
		avg, err := AdaptiveAvgPool1d(Tensor[float32]{Shape: []int{1, 4}, Data: []float32{negZero, negZero, 0, -tiny}}, AdaptiveAvgPoolOptions{OutputSize: []int{o}})
		require.NoError(t, err)
		assert.False(t, math.Signbit(float64(avg.Data[0])), "output size %d", o)
		assert.True(t, math.Signbit(float64(avg.Data[o-1])), "output size %d", o)
		assert.Zero(t, avg.Data[o-1])
	}
}

func TestAdaptiveNone(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := Tensor[float32]{Shape: []int{2, 3, 5, 7}, Data: adaptiveData[float32](r, 2*3*5*7)}
	withNone, idxNone, err := AdaptiveMaxPool2d(x, AdaptiveMaxPoolOptions{OutputSize: []int{None, 3}, ReturnIndices: true})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 5, 3}, withNone.Shape)
	explicit, idx, err := AdaptiveMaxPool2d(x, AdaptiveMaxPoolOptions{OutputSize: []int{5, 3}, ReturnIndices: true})
	require.NoError(t, err)
	adaptiveBits(t, explicit.Data, withNone.Data)
	assert.Equal(t, idx, idxNone)

	x3 := Tensor[float64]{Shape: []int{3, 4, 5, 6}, Data: adaptiveData[float64](r, 3*4*5*6)}
	a, err := AdaptiveAvgPool3d(x3, AdaptiveAvgPoolOptions{OutputSize: []int{2, None, None}})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 2, 5, 6}, a.Shape)
	b, err := AdaptiveAvgPool3d(x3, AdaptiveAvgPoolOptions{OutputSize: []int{2, 5, 6}})
	require.NoError(t, err)
	adaptiveBits(t, b.Data, a.Data)

	// None resolving to 1 everywhere is the mean, as in PyTorch.
	p, err := NewAdaptiveAvgPool2d[float32]([]int{2, 1, 9}, AdaptiveAvgPoolOptions{OutputSize: []int{None, 1}})
	require.NoError(t, err)
	assert.Equal(t, []int{2, 1, 1}, p.OutputShape())

	opts := []int{None, 2}
	_, err = NewAdaptiveAvgPool2d[float32]([]int{1, 4, 4}, AdaptiveAvgPoolOptions{OutputSize: opts})
	require.NoError(t, err)
	assert.Equal(t, []int{None, 2}, opts, "the caller's slice is not modified")
}

// adaptiveShapes are the input shapes, output sizes and expected paths of the
// path tests: each regular or global case must give what the irregular loop
// gives on the same windows.
var adaptiveShapes = []struct {
	dims       int
	shape, out []int
	path       int
}{
	{1, []int{2, 3, 12}, []int{4}, adaptiveRegular},
	{1, []int{3, 12}, []int{12}, adaptiveRegular},
	{1, []int{2, 3, 12}, []int{1}, adaptiveGlobal},
	{1, []int{2, 3, 13}, []int{5}, adaptiveIrregular},
	{1, []int{1, 2, 3}, []int{7}, adaptiveIrregular},
	{2, []int{2, 3, 8, 9}, []int{4, 3}, adaptiveRegular},
	{2, []int{2, 3, 8, 9}, []int{1, 9}, adaptiveRegular},
	{2, []int{2, 3, 9, 15}, []int{3, 5}, adaptiveRegular}, // sum/3/3 is not sum/9
	{2, []int{5, 31, 33}, []int{1}, adaptiveGlobal},
	{2, []int{2, 3, 8, 9}, []int{3, 4}, adaptiveIrregular},
	{2, []int{2, 3, 8, 9}, []int{4, 4}, adaptiveRegular},   // 9 -> 4: windows of 3 every 2
	{2, []int{1, 5, 13, 13}, []int{6, 6}, adaptiveRegular}, // windows of 3 every 2 (suite case S6)
	{2, []int{2, 3, 8, 10}, []int{4, 4}, adaptiveIrregular},
	{3, []int{2, 3, 4, 6, 10}, []int{2, 3, 5}, adaptiveRegular},
	{3, []int{3, 4, 6, 10}, []int{1, 1, 10}, adaptiveRegular},
	{3, []int{1, 2, 6, 9, 15}, []int{2, 3, 5}, adaptiveRegular},
	{3, []int{2, 3, 4, 6, 10}, []int{1}, adaptiveGlobal},
	{3, []int{2, 3, 4, 6, 10}, []int{3, 4, 7}, adaptiveIrregular},
	{3, []int{2, 3, 4, 6, 10}, []int{0, 4, 7}, adaptiveEmpty},
}

func TestAdaptivePathsAgreeWithLoop(t *testing.T) {
	t.Run("float32", func(t *testing.T) { adaptivePathsAgree[float32](t) })
	t.Run("float64", func(t *testing.T) { adaptivePathsAgree[float64](t) })
}

func adaptivePathsAgree[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range adaptiveShapes {
		dims := c.dims
		in, out, err := parseAdaptive("test", dims, c.shape, c.out, ChannelsFirst)
		require.NoError(t, err)
		maxp, err := newAdaptiveMaxPool[T]("test", dims, c.shape, AdaptiveMaxPoolOptions{OutputSize: c.out})
		require.NoError(t, err)
		avgp, err := newAdaptiveAvgPool[T]("test", dims, c.shape, AdaptiveAvgPoolOptions{OutputSize: c.out})
		require.NoError(t, err)
		a := adaptiveLayout(&in, out, maxp.outLen)
		require.Equal(t, c.path, a.path, "%v -> %v", c.shape, c.out)
		g := newAdaptiveGeometry(&a.g)
		for i := range 20 {
			src := adaptiveData[T](r, maxp.inLen)
			if i%4 == 3 {
				src = adaptiveTiny[T](r, maxp.inLen)
			}
			want, wantIdx := make([]T, maxp.outLen), make([]int64, maxp.outLen)
			got, gotIdx := make([]T, maxp.outLen), make([]int64, maxp.outLen)
			adaptiveMax(want, wantIdx, src, &g, 0, g.planes)
			require.NoError(t, maxp.RunWithIndices(got, gotIdx, src))
			adaptiveBits(t, want, got, "max %v -> %v", c.shape, c.out)
			require.Equal(t, wantIdx, gotIdx, "max indices %v -> %v", c.shape, c.out)
			got2 := make([]T, maxp.outLen)
			require.NoError(t, maxp.Run(got2, src))
			adaptiveBits(t, got, got2, "max without indices %v -> %v", c.shape, c.out)

			adaptiveAvg(want, src, &g, 0, g.planes)
			require.NoError(t, avgp.Run(got, src))
			if c.path == adaptiveGlobal {
				// PyTorch's mean sums in a cascade, not row-major: the same
				// value up to rounding, and the same NaN/Inf class.
				for i := range want {
					if w := float64(want[i]); math.IsNaN(w) || math.IsInf(w, 0) {
						adaptiveBits(t, want[i:i+1], got[i:i+1])
					} else {
						require.InDelta(t, w, float64(got[i]), 1e-5*(1+math.Abs(w)))
					}
				}
				continue
			}
			adaptiveBits(t, want, got, "avg %v -> %v", c.shape, c.out)
		}
	}
}

func TestAdaptiveWindows(t *testing.T) {
	// Every window is non-empty, windows cover the input in order, and they
	// match PyTorch's floor/ceil formula, also near the int32 limit and at
	// the largest dimension.
	for _, c := range [][2]int{{5, 3}, {2, 3}, {7, 7}, {1, 4}, {13, 5}, {math.MaxInt32, 3}, {math.MaxInt32, 7}, {maxElems, 3}, {maxElems, 7}} {
		in, out := c[0], c[1]
		a := newAdaptiveAxis(in, out)
		require.Len(t, a.lo, out)
		for o := range out {
			assert.Equal(t, int(math.Floor(float64(o)*float64(in)/float64(out))), a.lo[o])
			assert.Equal(t, int(math.Ceil(float64(o+1)*float64(in)/float64(out))), a.hi[o])
			assert.Less(t, a.lo[o], a.hi[o])
		}
		assert.Equal(t, 0, a.lo[0])
		assert.Equal(t, in, a.hi[out-1])
	}
}

func TestAdaptiveEmptyAndChannels(t *testing.T) {
	for _, c := range []struct {
		name  string
		build func() (*Plan[float32], error)
		ok    bool
		shape []int
	}{
		{"max output 0", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool1d[float32]([]int{1, 2, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{0}})
		}, true, []int{1, 2, 0}},
		{"avg output 0", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool2d[float32]([]int{1, 1, 5, 5}, AdaptiveAvgPoolOptions{OutputSize: []int{0, 3}})
		}, true, []int{1, 1, 0, 3}},
		{"max empty batch", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool2d[float32]([]int{0, 2, 5, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{2}})
		}, true, []int{0, 2, 2, 2}},
		{"avg2d no channels", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool2d[float32]([]int{1, 0, 5, 5}, AdaptiveAvgPoolOptions{OutputSize: []int{2}})
		}, true, []int{1, 0, 2, 2}},
		{"avg1d no channels", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool1d[float32]([]int{1, 0, 5}, AdaptiveAvgPoolOptions{OutputSize: []int{2}})
		}, true, []int{1, 0, 2}},
		{"max2d no channels", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool2d[float32]([]int{1, 0, 5, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{2}})
		}, false, nil},
		{"max1d no channels", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool1d[float32]([]int{1, 0, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{2}})
		}, false, nil},
		{"max2d unbatched no channels", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool2d[float32]([]int{0, 5, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{2}})
		}, true, []int{0, 2, 2}},
		{"avg3d no channels", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool3d[float32]([]int{1, 0, 4, 4, 4}, AdaptiveAvgPoolOptions{OutputSize: []int{2}})
		}, false, nil},
		{"avg3d no channels, mean", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool3d[float32]([]int{1, 0, 4, 4, 4}, AdaptiveAvgPoolOptions{OutputSize: []int{1}})
		}, true, []int{1, 0, 1, 1, 1}},
		{"avg3d unbatched no channels", func() (*Plan[float32], error) {
			return NewAdaptiveAvgPool3d[float32]([]int{0, 4, 4, 4}, AdaptiveAvgPoolOptions{OutputSize: []int{2}})
		}, true, []int{0, 2, 2, 2}},
		{"huge output of an empty batch", func() (*Plan[float32], error) {
			return NewAdaptiveMaxPool1d[float32]([]int{0, 1, 1}, AdaptiveMaxPoolOptions{OutputSize: []int{maxElems}})
		}, true, []int{0, 1, maxElems}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.build()
			if !c.ok {
				var pe *Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "input", pe.Arg)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.shape, p.OutputShape())
			n, _ := product(p.InputShape())
			require.NoError(t, p.Run(nil, make([]float32, n)))
		})
	}
}

func TestAdaptiveValidationErrorsNameTheArgument(t *testing.T) {
	shape := []int{1, 1, 8, 8}
	max2 := func(s []int, o ...int) func() error {
		return func() error {
			_, err := NewAdaptiveMaxPool2d[float32](s, AdaptiveMaxPoolOptions{OutputSize: o})
			return err
		}
	}
	avg := func(dims int, s []int, o ...int) func() error {
		return func() error {
			_, err := [...]func([]int, AdaptiveAvgPoolOptions) (*Plan[float64], error){
				NewAdaptiveAvgPool1d[float64], NewAdaptiveAvgPool2d[float64], NewAdaptiveAvgPool3d[float64],
			}[dims-1](s, AdaptiveAvgPoolOptions{OutputSize: o})
			return err
		}
	}
	for _, c := range []struct {
		name, op, arg string
		build         func() error
	}{
		{"output required", "adaptive_max_pool2d", "output_size", max2(shape)},
		{"output empty", "adaptive_max_pool2d", "output_size", max2(shape, []int{}...)},
		{"output negative", "adaptive_max_pool2d", "output_size", max2(shape, -1, 2)},
		{"output too many", "adaptive_max_pool2d", "output_size", max2(shape, 2, 2, 2)},
		{"output huge", "adaptive_max_pool2d", "output_size", max2(shape, math.MaxInt)},
		{"output very negative", "adaptive_max_pool2d", "output_size", max2(shape, -math.MaxInt)},
		{"single None", "adaptive_max_pool2d", "output_size", max2(shape, None)},
		{"None and too many", "adaptive_max_pool2d", "output_size", max2(shape, None, 2, 2)},
		{"output overflows", "adaptive_max_pool2d", "output_size", max2([]int{maxElems, 1, 1, 1}, maxElems)},
		{"output too large", "adaptive_max_pool2d", "output_size", max2([]int{1, 1, 1, 1}, 1<<19)},
		{"empty output, plane too large", "adaptive_max_pool2d", "output_size", max2([]int{0, 1, 1, 1}, 1<<19)},
		{"output dimension too large", "adaptive_max_pool2d", "output_size", max2([]int{0, 1, 1, 1}, maxElems+1, 1)},
		{"rank low", "adaptive_max_pool2d", "input", max2([]int{8, 8}, 2)},
		{"rank high", "adaptive_max_pool2d", "input", max2([]int{1, 1, 1, 8, 8}, 2)},
		{"no shape", "adaptive_max_pool2d", "input", max2(nil, 2)},
		{"negative size", "adaptive_max_pool2d", "input", max2([]int{1, -1, 8, 8}, 2)},
		{"huge size", "adaptive_max_pool2d", "input", max2([]int{1, 1, math.MaxInt, 8}, 2)},
		{"zero height", "adaptive_max_pool2d", "input", max2([]int{1, 1, 0, 8}, 2)},
		{"zero height, output 1", "adaptive_max_pool2d", "input", max2([]int{1, 1, 0, 8}, 1)},
		{"overflowing input", "adaptive_max_pool2d", "input", max2([]int{math.MaxInt32, math.MaxInt32, math.MaxInt32, 8}, 2)},
		{"1d None", "adaptive_avg_pool1d", "output_size", avg(1, []int{1, 1, 8}, None)},
		{"1d two sizes", "adaptive_avg_pool1d", "output_size", avg(1, []int{1, 1, 8}, 2, 2)},
		{"1d negative", "adaptive_avg_pool1d", "output_size", avg(1, []int{1, 1, 8}, -1)},
		{"1d zero width", "adaptive_avg_pool1d", "input", avg(1, []int{1, 1, 0}, 2)},
		{"1d zero width, mean", "adaptive_avg_pool1d", "input", avg(1, []int{1, 1, 0}, 1)},
		{"1d rank", "adaptive_avg_pool1d", "input", avg(1, []int{8}, 2)},
		{"2d rank", "adaptive_avg_pool2d", "input", avg(2, []int{8, 8}, 1)},
		{"3d two sizes", "adaptive_avg_pool3d", "output_size", avg(3, []int{1, 1, 4, 4, 4}, 2, 2)},
		{"3d negative", "adaptive_avg_pool3d", "output_size", avg(3, []int{1, 1, 4, 4, 4}, 2, -3, 2)},
		{"3d zero depth", "adaptive_avg_pool3d", "input", avg(3, []int{1, 1, 0, 4, 4}, 2)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = c.build() })
			var pe *Error
			require.True(t, errors.As(err, &pe), "want a *pool.Error, got %v", err)
			assert.Equal(t, c.op, pe.Op, "%v", err)
			assert.Equal(t, c.arg, pe.Arg, "%v", err)
			assert.Contains(t, err.Error(), c.arg)
		})
	}
}

func TestAdaptiveRunChecksLengths(t *testing.T) {
	p, err := NewAdaptiveMaxPool2d[float32]([]int{2, 5, 5}, AdaptiveMaxPoolOptions{OutputSize: []int{3}})
	require.NoError(t, err)
	src, dst, idx := make([]float32, 50), make([]float32, 18), make([]int64, 18)
	var pe *Error
	require.ErrorAs(t, p.Run(dst, src[:49]), &pe)
	assert.Equal(t, "src", pe.Arg)
	require.ErrorAs(t, p.RunWithIndices(dst[:17], idx, src), &pe)
	assert.Equal(t, "dst", pe.Arg)
	require.ErrorAs(t, p.RunWithIndices(dst, idx[:17], src), &pe)
	assert.Equal(t, "indices", pe.Arg)

	a, err := NewAdaptiveAvgPool2d[float32]([]int{2, 5, 5}, AdaptiveAvgPoolOptions{OutputSize: []int{3}})
	require.NoError(t, err)
	require.ErrorAs(t, a.RunWithIndices(dst, idx, src), &pe)
	assert.Equal(t, "indices", pe.Arg)
	_, err = AdaptiveAvgPool2d(Tensor[float32]{Shape: []int{2, 5, 5}, Data: src[:10]}, AdaptiveAvgPoolOptions{OutputSize: []int{3}})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "x", pe.Arg)
}

func TestAdaptiveRunDoesNotAllocate(t *testing.T) {
	for _, c := range adaptiveShapes {
		dims := c.dims
		maxp, err := newAdaptiveMaxPool[float32]("test", dims, c.shape, AdaptiveMaxPoolOptions{OutputSize: c.out})
		require.NoError(t, err)
		avgp, err := newAdaptiveAvgPool[float32]("test", dims, c.shape, AdaptiveAvgPoolOptions{OutputSize: c.out})
		require.NoError(t, err)
		src := make([]float32, maxp.inLen)
		dst, idx := make([]float32, maxp.outLen), make([]int64, maxp.outLen)
		race.NoAllocs(t, 10, func() { _ = maxp.RunWithIndices(dst, idx, src) }, "%v -> %v", c.shape, c.out)
		race.NoAllocs(t, 10, func() { _ = maxp.Run(dst, src) }, "%v -> %v", c.shape, c.out)
		race.NoAllocs(t, 10, func() { _ = avgp.Run(dst, src) }, "%v -> %v", c.shape, c.out)
	}
}
