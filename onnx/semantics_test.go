package onnx

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/stretchr/testify/require"
)

// The behaviours ONNX leaves open, as the package documentation chooses
// them, on every ISA.

var (
	nan  = float32(math.NaN())
	ninf = float32(math.Inf(-1))
	negZ = float32(math.Copysign(0, -1))
)

func TestMaxPoolNaNAndTies(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		// Row of 20 (a SIMD chunk and more): window 0 holds two NaNs, window 1 ties.
		x := NewTensor[float32](1, 1, 20)
		copy(x.Data, []float32{1, nan, 3, nan, 0, 2, 5, 5, 1, 5})
		y, idx, err := MaxPoolWithIndices(x, MaxPoolAttrs{KernelShape: []int{5}, Strides: []int{5}})
		require.NoError(t, err)
		require.True(t, y.Data[0] != y.Data[0], "a NaN propagates")
		require.Equal(t, int64(3), idx.Data[0], "the last NaN's index")
		require.Equal(t, float32(5), y.Data[1])
		require.Equal(t, int64(6), idx.Data[1], "the first maximum wins a tie")

		// Zeros of both signs tie: the first wins, its sign kept.
		x = Tensor[float32]{Shape: []int{1, 2, 2}, Data: []float32{0, negZ, negZ, 0}}
		y, err = MaxPool(x, MaxPoolAttrs{KernelShape: []int{2}})
		require.NoError(t, err)
		require.Equal(t, []uint32{0, 0x80000000}, []uint32{math.Float32bits(y.Data[0]), math.Float32bits(y.Data[1])})
	})
}

// TestIndicesLayout checks Indices over several planes, row-major and
// column-major, with a tie: the row-major first maximum is chosen either way.
func TestIndicesLayout(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		// (N, C) = (2, 1), 2x3 planes; window 2x2 at (0, 1): [[5, 7], [7, 0]].
		x := Tensor[float32]{Shape: []int{2, 1, 2, 3}, Data: []float32{1, 5, 7, 0, 7, 0, 1, 5, 7, 0, 7, 0}}
		for storage, want := range map[int][]int64{0: {4, 2, 10, 8}, 1: {3, 4, 9, 10}} {
			_, idx, err := MaxPoolWithIndices(x, MaxPoolAttrs{KernelShape: []int{2, 2}, StorageOrder: storage})
			require.NoError(t, err)
			require.Equal(t, want, idx.Data, "storage_order %d", storage)
		}
	})
}

// TestPaddingOnlyWindows checks windows that hold no input element: pads
// larger than the kernel, and a dilation that jumps over the input.
func TestPaddingOnlyWindows(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		x := Tensor[float32]{Shape: []int{1, 1, 3}, Data: []float32{1, -2, 3}}
		a := MaxPoolAttrs{KernelShape: []int{1}, Pads: []int{2, 1}}
		y, idx, err := MaxPoolWithIndices(x, a)
		require.NoError(t, err)
		require.Equal(t, []float32{ninf, ninf, 1, -2, 3, ninf}, y.Data)
		require.Equal(t, []int64{-1, -1, 0, 1, 2, -1}, idx.Data)

		yi, err := MaxPool(Tensor[int8]{Shape: x.Shape, Data: []int8{1, -2, 3}}, a)
		require.NoError(t, err)
		require.Equal(t, []int8{-128, -128, 1, -2, 3, -128}, yi.Data)
		yu, err := MaxPool(Tensor[uint8]{Shape: x.Shape, Data: []uint8{1, 2, 3}}, a)
		require.NoError(t, err)
		require.Equal(t, []uint8{0, 0, 1, 2, 3, 0}, yu.Data)

		ya, err := AveragePool(x, AveragePoolAttrs{KernelShape: []int{1}, Pads: []int{2, 1}})
		require.NoError(t, err)
		require.True(t, ya.Data[0] != ya.Data[0] && ya.Data[5] != ya.Data[5], "0/0 without the padding counted: %v", ya.Data)
		require.Equal(t, []float32{1, -2, 3}, ya.Data[2:5])
		ya, err = AveragePool(x, AveragePoolAttrs{KernelShape: []int{1}, Pads: []int{2, 1}, CountIncludePad: 1})
		require.NoError(t, err)
		require.Equal(t, []float32{0, 0, 1, -2, 3, 0}, ya.Data)
		yl, err := LpPool(x, LpPoolAttrs{KernelShape: []int{1}, Pads: []int{2, 1}, P: Int(3)})
		require.NoError(t, err)
		require.Equal(t, []float32{0, 0, 1, 2, 3, 0}, yl.Data, "|x|^p, and 0 for the padding")

		// Dilation 3 over 2 elements with a begin pad of 1: window 0 taps -1 and 2.
		x = Tensor[float32]{Shape: []int{1, 1, 2}, Data: []float32{4, 5}}
		y, idx, err = MaxPoolWithIndices(x, MaxPoolAttrs{KernelShape: []int{2}, Dilations: []int{3}, Pads: []int{1, 2}})
		require.NoError(t, err)
		require.Equal(t, []float32{ninf, 4}, y.Data)
		require.Equal(t, []int64{-1, 0}, idx.Data)
	})
}

// TestAveragePoolZeros: the quotient is added to +0, so -0 averages to +0.
func TestAveragePoolZeros(t *testing.T) {
	y, err := AveragePool(Tensor[float32]{Shape: []int{1, 1, 2}, Data: []float32{negZ, negZ}}, AveragePoolAttrs{KernelShape: []int{2}})
	require.NoError(t, err)
	require.Equal(t, uint32(0), math.Float32bits(y.Data[0]))
}

// TestAsymmetricPadding: SAME_UPPER puts the odd pixel at the end, SAME_LOWER
// at the beginning, and count_include_pad counts it.
func TestAsymmetricPadding(t *testing.T) {
	x := Tensor[float32]{Shape: []int{1, 1, 4}, Data: []float32{1, 2, 3, 4}}
	for ap, want := range map[string][]float32{SameUpper: {1.5, 2.5, 3.5, 4}, SameLower: {1, 1.5, 2.5, 3.5}} {
		y, err := AveragePool(x, AveragePoolAttrs{AutoPad: ap, KernelShape: []int{2}})
		require.NoError(t, err)
		require.Equal(t, want, y.Data, ap)
	}
	y, err := AveragePool(x, AveragePoolAttrs{AutoPad: SameUpper, KernelShape: []int{2}, CountIncludePad: 1})
	require.NoError(t, err)
	require.Equal(t, []float32{1.5, 2.5, 3.5, 2}, y.Data)
	y, err = AveragePool(x, AveragePoolAttrs{KernelShape: []int{3}, Pads: []int{0, 2}, CountIncludePad: 1})
	require.NoError(t, err)
	require.Equal(t, []float32{2, 3, 7.0 / 3, 4.0 / 3}, y.Data)
}

// TestMaxUnpoolChoices checks duplicate indices (the last write wins),
// indices into another plane (run in input order) and the two readings of
// output_shape on the suite's example.
func TestMaxUnpoolChoices(t *testing.T) {
	w, err := NewWorkers(3)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	x := Tensor[float32]{Shape: []int{2, 1, 2}, Data: []float32{1, 2, 3, 4}}
	a := MaxUnpoolAttrs{KernelShape: []int{2}, Strides: []int{2}}
	for _, tc := range []struct {
		idx  []int64
		want []float32
	}{
		{[]int64{1, 1, 5, 5}, []float32{0, 2, 0, 0, 0, 4, 0, 0}}, // duplicates in each plane
		{[]int64{5, 0, 1, 5}, []float32{2, 3, 0, 0, 0, 4, 0, 0}}, // plane 0's first value lands in plane 1, then is overwritten
	} {
		p, err := NewMaxUnpool[float32](x.Shape, nil, a)
		require.NoError(t, err)
		for _, wk := range []*Workers{nil, w} {
			y := make([]float32, 8)
			require.NoError(t, p.RunOn(wk, y, x.Data, tc.idx))
			require.Equal(t, tc.want, y, "indices %v", tc.idx)
		}
	}

	xs := Tensor[float32]{Shape: []int{1, 1, 2, 2}, Data: []float32{5, 6, 7, 8}}
	is := Tensor[int64]{Shape: xs.Shape, Data: []int64{5, 7, 13, 15}}
	a2 := MaxUnpoolAttrs{KernelShape: []int{2, 2}, Strides: []int{2, 2}}
	y, err := MaxUnpool(xs, is, []int{1, 1, 5, 5}, a2)
	require.NoError(t, err)
	want := make([]float32, 25)
	want[5], want[7], want[13], want[15] = 5, 6, 7, 8
	require.Equal(t, want, y.Data, "positions in the output_shape tensor")
	a2.IndexInferredShape = true
	y, err = MaxUnpool(xs, is, []int{1, 1, 5, 5}, a2)
	require.NoError(t, err)
	want = make([]float32, 25)
	want[6], want[8], want[16], want[18] = 5, 6, 7, 8
	require.Equal(t, want, y.Data, "positions in the inferred 4x4, zero-extended")
	_, err = MaxUnpool(xs, is, []int{1, 1, 3, 5}, a2)
	requireArg(t, err, "output_shape")
}

// TestRunOnWorkers: every operator gives Run's outputs on workers.
func TestRunOnWorkers(t *testing.T) {
	w, err := NewWorkers(4)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	r := rand.New(rand.NewPCG(13, 14))
	shape := []int{3, 5, 17, 19}
	x := randData[float32](r, shapeLen(shape), true)
	k := []int{3, 3}
	max, _ := NewMaxPool[float32](shape, MaxPoolAttrs{AutoPad: SameUpper, KernelShape: k, Strides: []int{2, 2}, StorageOrder: 1})
	avg, _ := NewAveragePool[float32](shape, AveragePoolAttrs{KernelShape: k, Pads: []int{0, 1, 2, 0}, Dilations: []int{1, 2}})
	lp, _ := NewLpPool[float32](shape, LpPoolAttrs{KernelShape: k, P: Int(3)})
	glob, _ := NewGlobalAveragePool[float32](shape)
	for _, p := range []*Plan[float32]{max, avg, lp, glob} {
		n := shapeLen(p.OutputShape())
		y1, y2 := make([]float32, n), make([]float32, n)
		require.NoError(t, p.Run(y1, x))
		require.NoError(t, p.RunOn(w, y2, x))
		requireSame(t, y1, y2, "%s", p.Op())
		if p.HasIndices() {
			i1, i2 := make([]int64, n), make([]int64, n)
			require.NoError(t, p.RunWithIndices(y1, i1, x))
			require.NoError(t, p.RunWithIndicesOn(w, y2, i2, x))
			require.Equal(t, i1, i2)
			requireSame(t, y1, y2, "%s with indices", p.Op())
		}
	}
	require.NoError(t, w.Close())
	requireArg(t, max.RunOn(w, make([]float32, shapeLen(max.OutputShape())), x), "workers")
}

// TestRunDoesNotAllocate checks the plans' runs in steady state.
func TestRunDoesNotAllocate(t *testing.T) {
	shape := []int{2, 8, 30, 30}
	x := make([]float32, shapeLen(shape))
	p, err := NewMaxPool[float32](shape, MaxPoolAttrs{KernelShape: []int{3, 3}, AutoPad: SameLower})
	require.NoError(t, err)
	n := shapeLen(p.OutputShape())
	y, idx := make([]float32, n), make([]int64, n)
	race.NoAllocs(t, 20, func() { _ = p.Run(y, x) })
	race.NoAllocs(t, 20, func() { _ = p.RunWithIndices(y, idx, x) })
	u, err := NewMaxUnpool[float32](p.OutputShape(), shape, MaxUnpoolAttrs{KernelShape: []int{3, 3}})
	require.NoError(t, err)
	out := make([]float32, len(x))
	clear(idx)
	race.NoAllocs(t, 20, func() { _ = u.Run(out, y, idx) })
}

// requireArg checks that err is an *Error naming arg.
func requireArg(t *testing.T, err error, arg string) {
	t.Helper()
	var e *Error
	require.True(t, errors.As(err, &e), "want an *Error naming %s, got %v", arg, err)
	require.Equal(t, arg, e.Arg, "%v", err)
}

// TestErrors checks that every bad attribute combination, input and output
// gives an error naming it, and that a failed run writes nothing.
func TestErrors(t *testing.T) {
	shape := []int{1, 2, 8, 8}
	k := []int{3, 3}
	for _, tc := range []struct {
		arg string
		a   MaxPoolAttrs
		in  []int
	}{
		{"kernel_shape", MaxPoolAttrs{}, shape},
		{"kernel_shape", MaxPoolAttrs{KernelShape: []int{}}, shape},
		{"kernel_shape", MaxPoolAttrs{KernelShape: []int{2, 2, 2, 2}}, []int{1, 1, 4, 4, 4, 4}},
		{"kernel_shape", MaxPoolAttrs{KernelShape: []int{3, 0}}, shape},
		{"X", MaxPoolAttrs{KernelShape: k}, []int{2, 8, 8}},
		{"X", MaxPoolAttrs{KernelShape: k}, []int{1, 2, 0, 8}},
		{"X", MaxPoolAttrs{KernelShape: k}, []int{1, -2, 8, 8}},
		{"X", MaxPoolAttrs{KernelShape: []int{9, 9}}, shape},
		{"strides", MaxPoolAttrs{KernelShape: k, Strides: []int{1}}, shape},
		{"strides", MaxPoolAttrs{KernelShape: k, Strides: []int{1, 0}}, shape},
		{"dilations", MaxPoolAttrs{KernelShape: k, Dilations: []int{1, 2, 3}}, shape},
		{"dilations", MaxPoolAttrs{KernelShape: k, Dilations: []int{-1, 1}}, shape},
		{"pads", MaxPoolAttrs{KernelShape: k, Pads: []int{1, 1}}, shape},
		{"pads", MaxPoolAttrs{KernelShape: k, Pads: []int{1, 1, -1, 1}}, shape},
		{"pads", MaxPoolAttrs{KernelShape: k, AutoPad: SameUpper, Pads: []int{1, 1, 1, 1}}, shape},
		{"pads", MaxPoolAttrs{KernelShape: k, AutoPad: Valid, Pads: []int{0, 0, 0, 0}}, shape},
		{"auto_pad", MaxPoolAttrs{KernelShape: k, AutoPad: "SAME"}, shape},
		{"ceil_mode", MaxPoolAttrs{KernelShape: k, CeilMode: 2}, shape},
		{"storage_order", MaxPoolAttrs{KernelShape: k, StorageOrder: -1}, shape},
	} {
		_, err := NewMaxPool[float32](tc.in, tc.a)
		requireArg(t, err, tc.arg)
	}
	_, err := NewAveragePool[float64](shape, AveragePoolAttrs{KernelShape: k, CountIncludePad: 3})
	requireArg(t, err, "count_include_pad")
	_, err = NewAveragePool[float64](shape, AveragePoolAttrs{KernelShape: k, AutoPad: SameLower, Pads: []int{0, 0, 0, 0}})
	requireArg(t, err, "pads")
	for _, p := range []int{0, -2} {
		_, err = NewLpPool[float32](shape, LpPoolAttrs{KernelShape: k, P: Int(p)})
		requireArg(t, err, "p")
		_, err = NewGlobalLpPool[float32](shape, GlobalLpPoolAttrs{P: Int(p)})
		requireArg(t, err, "p")
	}
	_, err = NewGlobalMaxPool[float32]([]int{1, 2})
	requireArg(t, err, "X")

	_, err = NewMaxUnpool[float32](shape, nil, MaxUnpoolAttrs{KernelShape: []int{2, 2}, Pads: []int{9, 0, 9, 0}})
	requireArg(t, err, "pads")
	for _, out := range [][]int{{1, 2, 20}, {2, 2, 20, 20}, {1, 2, 0, 20}} {
		_, err = NewMaxUnpool[float32](shape, out, MaxUnpoolAttrs{KernelShape: []int{2, 2}})
		requireArg(t, err, "output_shape")
	}

	p, err := NewMaxPool[float32](shape, MaxPoolAttrs{KernelShape: k})
	require.NoError(t, err)
	n := shapeLen(p.OutputShape())
	x, y, idx := make([]float32, 128), make([]float32, n), make([]int64, n)
	for i := range y {
		y[i], idx[i] = 7, 7
	}
	requireArg(t, p.Run(y, x[:127]), "X")
	requireArg(t, p.Run(y[:n-1], x), "Y")
	requireArg(t, p.RunWithIndices(y, idx[:1], x), "Indices")
	avg, err := NewAveragePool[float32](shape, AveragePoolAttrs{KernelShape: k})
	require.NoError(t, err)
	requireArg(t, avg.RunWithIndices(y, idx, x), "Indices")
	u, err := NewMaxUnpool[float32](p.OutputShape(), shape, MaxUnpoolAttrs{KernelShape: k})
	require.NoError(t, err)
	out := make([]float32, 128)
	out[0] = 7
	bad := make([]int64, n)
	bad[n-1] = 128
	requireArg(t, u.Run(out, y, bad), "I")
	requireArg(t, u.Run(out, y, bad[:1]), "I")
	requireArg(t, u.Run(out[:1], y, make([]int64, n)), "output")
	require.Equal(t, float32(7), out[0], "a failed run writes nothing")
	for i := range y {
		require.Equal(t, float32(7), y[i])
		require.Equal(t, int64(7), idx[i])
	}
}

// TestBytesAgainstFloat pools int8 and uint8 inputs and compares them with
// float32 pooling of the same values: the same maxima and indices, on every
// ISA, over sweeps of attributes.
func TestBytesAgainstFloat(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(15, 16))
		for i := range 200 {
			w := randWindow(r, 1+i%3)
			shape := randShape(r, len(w.kernel), w)
			if i%4 == 0 { // rows around the byte kernels' 32 and 64 lanes
				shape[len(shape)-1] = 60 + r.IntN(140)
			}
			checkBytes[int8](t, r, w, shape)
			checkBytes[uint8](t, r, w, shape)
		}
	})
}

func checkBytes[T ~int8 | ~uint8](t *testing.T, r *rand.Rand, w window, shape []int) {
	n := shapeLen(shape)
	x, xf := make([]T, n), make([]float32, n)
	for i := range x {
		x[i] = T(r.IntN(256))
		if r.IntN(3) == 0 {
			x[i] = T(r.IntN(4)) // ties
		}
		xf[i] = float32(x[i])
	}
	a := maxAttrs(w, r.IntN(2))
	pf, err := NewMaxPool[float32](shape, a)
	if err != nil {
		return // no output: the float plan says the same
	}
	pb, err := NewMaxPool[T](shape, a)
	require.NoError(t, err)
	m := shapeLen(pf.OutputShape())
	yf, idxf := make([]float32, m), make([]int64, m)
	yb, idxb := make([]T, m), make([]int64, m)
	require.NoError(t, pf.RunWithIndices(yf, idxf, xf))
	require.NoError(t, pb.RunWithIndices(yb, idxb, x))
	require.Equal(t, idxf, idxb, "%T %v %+v", T(0), shape, w)
	y2 := make([]T, m)
	require.NoError(t, pb.Run(y2, x))
	for i := range yf {
		want := T(yf[i])
		if idxf[i] < 0 {
			want = lowestOf[T]()
		}
		require.Equal(t, want, yb[i], "%T %v %+v [%d] with indices", T(0), shape, w, i)
		require.Equal(t, want, y2[i], "%T %v %+v [%d] (kernels %v)", T(0), shape, w, i, pb.Kernels())
	}
}
