package seqpool_test

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/race"
	"github.com/simdpool/simdpool/seqpool"
)

// requireError checks that err is a *seqpool.Error naming arg, with rule in its message.
func requireError(t *testing.T, err error, arg, rule string, msgAndArgs ...any) {
	t.Helper()
	var e *seqpool.Error
	require.True(t, errors.As(err, &e), "want a *seqpool.Error, got %v %v", err, msgAndArgs)
	assert.Equal(t, arg, e.Arg, msgAndArgs...)
	assert.Contains(t, err.Error(), rule, msgAndArgs...)
}

func TestNewPlanRejectsBadArguments(t *testing.T) {
	for _, tc := range []struct {
		op        seqpool.Op
		shape     []int
		o         seqpool.Options
		arg, rule string
	}{
		{seqpool.Mean, []int{0, 4, 8}, seqpool.Options{}, "input", "batch size B must be greater than zero, got shape [0 4 8]"},
		{seqpool.Mean, []int{-1, 4, 8}, seqpool.Options{}, "input", "batch size B must be greater than zero"},
		{seqpool.Max, []int{2, 0, 8}, seqpool.Options{}, "input", "token count T must be greater than zero"},
		{seqpool.Max, []int{0, 8}, seqpool.Options{}, "input", "token count T must be greater than zero"},
		{seqpool.CLS, []int{2, 4, 0}, seqpool.Options{}, "input", "hidden size H must be greater than zero"},
		{seqpool.CLS, []int{4, -3}, seqpool.Options{}, "input", "hidden size H must be greater than zero"},
		{seqpool.Mean, []int{8}, seqpool.Options{}, "input", "must have shape (B, T, H) or (T, H), got 1 dimensions [8]"},
		{seqpool.Mean, nil, seqpool.Options{}, "input", "got 0 dimensions"},
		{seqpool.Mean, []int{1, 2, 3, 4}, seqpool.Options{}, "input", "got 4 dimensions"},
		{seqpool.Mean, []int{math.MaxInt / 2, 3, 3}, seqpool.Options{}, "input", "more elements than an int holds"},
		{seqpool.Op(0), []int{1, 2, 3}, seqpool.Options{}, "op", "is not a sequence pooling"},
		{seqpool.Op(99), []int{1, 2, 3}, seqpool.Options{}, "op", "is not a sequence pooling"},
		{seqpool.LastToken, []int{1, 2, 3}, seqpool.Options{Padding: 2}, "padding", "must be PadRight or PadLeft, got Padding(2)"},
	} {
		p, err := seqpool.NewPlan[float32, int64](tc.op, tc.shape, tc.o)
		assert.Nil(t, p)
		requireError(t, err, tc.arg, tc.rule, "%v %v", tc.op, tc.shape)
	}
	_, err := seqpool.NewPlan[float64, bool](seqpool.Max, []int{2, 0, 3}, seqpool.Options{})
	assert.EqualError(t, err, "seqpool: masked_max: input token count T must be greater than zero, got shape [2 0 3]")
}

func TestRunRejectsBadSlicesAndWritesNothing(t *testing.T) {
	p, err := seqpool.NewPlan[float32, float32](seqpool.Mean, []int{2, 3, 4}, seqpool.Options{})
	require.NoError(t, err)
	x, mask, dst := make([]float32, 24), make([]float32, 6), make([]float32, 8)
	for i := range dst {
		dst[i] = 42
	}
	untouched := func() {
		t.Helper()
		assert.Equal(t, slices.Repeat([]float32{42}, 8), dst)
	}
	requireError(t, p.Run(dst, x[:23], mask), "x", "must have 24 elements for input shape [2 3 4], got 23")
	requireError(t, p.Run(dst, x, mask[:5]), "mask", "must have 6 elements for mask shape [2 3], got 5")
	requireError(t, p.Run(dst[:7], x, mask), "dst", "must have 8 elements for output shape [2 4], got 7")
	untouched()
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))} {
		mask[4] = bad
		requireError(t, p.Run(dst, x, mask), "mask", "must be finite, got")
		assert.ErrorContains(t, p.Run(dst, x, mask), "at position 4")
		untouched()
	}
}

func TestPoolChecksTheMaskShape(t *testing.T) {
	x := seqpool.Tensor[float32]{Shape: []int{2, 4, 3}, Data: make([]float32, 24)}
	for _, shape := range [][]int{{2, 5}, {4, 2}, {8}, {2, 4, 1}, nil} {
		m := seqpool.Tensor[int64]{Shape: shape, Data: make([]int64, 8)}
		_, err := seqpool.Pool(seqpool.Mean, x, m, seqpool.Options{})
		requireError(t, err, "mask", "must have shape [2 4] for input shape [2 4 3]", "%v", shape)
	}
	_, err := seqpool.Pool(seqpool.Mean, x, seqpool.Tensor[int64]{Shape: []int{2, 4}, Data: make([]int64, 7)}, seqpool.Options{})
	requireError(t, err, "mask", "must have 8 elements")
	_, err = seqpool.Pool(seqpool.Mean, seqpool.Tensor[float32]{Shape: []int{2, 4, 3}}, seqpool.Tensor[int64]{Shape: []int{2, 4}, Data: make([]int64, 8)}, seqpool.Options{})
	requireError(t, err, "x", "must have 24 elements")
	_, err = seqpool.Pool(seqpool.Mean, seqpool.Tensor[float32]{Shape: []int{2, 0, 3}}, seqpool.Tensor[int64]{Shape: []int{2, 0}}, seqpool.Options{})
	requireError(t, err, "input", "token count T")
}

func TestShapes(t *testing.T) {
	p, err := seqpool.NewPlan[float64, int32](seqpool.WeightedMean, []int{3, 5, 7}, seqpool.Options{Normalize: true})
	require.NoError(t, err)
	assert.Equal(t, seqpool.WeightedMean, p.Op())
	assert.Equal(t, seqpool.Options{Normalize: true}, p.Options())
	assert.Equal(t, []int{3, 5, 7}, p.InputShape())
	assert.Equal(t, []int{3, 5}, p.MaskShape())
	assert.Equal(t, []int{3, 7}, p.OutputShape())

	u, err := seqpool.NewPlan[float32, bool](seqpool.CLS, []int{5, 7}, seqpool.Options{})
	require.NoError(t, err)
	assert.Equal(t, []int{5}, u.MaskShape())
	assert.Equal(t, []int{7}, u.OutputShape())
	shape := u.InputShape()
	shape[0] = 99
	assert.Equal(t, []int{5, 7}, u.InputShape(), "the plan keeps its own copy")
}

func TestOpNames(t *testing.T) {
	want := []string{"masked_mean", "masked_max", "cls", "last_token", "sqrt_mean", "weighted_mean"}
	for i, op := range seqpool.Ops() {
		assert.Equal(t, want[i], op.String())
		got, err := seqpool.ParseOp(want[i])
		require.NoError(t, err)
		assert.Equal(t, op, got)
	}
	_, err := seqpool.ParseOp("mean")
	assert.ErrorContains(t, err, `unknown sequence pooling "mean"`)
	assert.Equal(t, "Op(0)", seqpool.Op(0).String())
	assert.Equal(t, "left", seqpool.PadLeft.String())
}

// A batch of two sequences of three tokens, H = 2; the second has one
// padding token.
var (
	smallX    = []float32{1, 10, 2, 20, 3, 30, -1, -10, -5, 50, 7, 70}
	smallMask = []int64{1, 1, 1, 1, 1, 0}
)

func pool(t *testing.T, op seqpool.Op, o seqpool.Options, x []float32, mask []int64, shape ...int) []float32 {
	t.Helper()
	out, err := seqpool.Pool(op, seqpool.Tensor[float32]{Shape: shape, Data: x}, seqpool.Tensor[int64]{Shape: shape[:len(shape)-1], Data: mask}, o)
	require.NoError(t, err)
	return out.Data
}

func TestSemantics(t *testing.T) {
	none := seqpool.Options{}
	assert.Equal(t, []float32{2, 20, -3, 20}, pool(t, seqpool.Mean, none, smallX, smallMask, 2, 3, 2))
	assert.Equal(t, []float32{3, 30, -1, 50}, pool(t, seqpool.Max, none, smallX, smallMask, 2, 3, 2))
	assert.Equal(t, []float32{1, 10, -1, -10}, pool(t, seqpool.CLS, none, smallX, smallMask, 2, 3, 2))
	assert.Equal(t, []float32{3, 30, -5, 50}, pool(t, seqpool.LastToken, none, smallX, smallMask, 2, 3, 2))
	assert.Equal(t, []float32{3, 30, 7, 70}, pool(t, seqpool.LastToken, seqpool.Options{Padding: seqpool.PadLeft}, smallX, smallMask, 2, 3, 2))
	sq := pool(t, seqpool.SqrtMean, none, smallX, smallMask, 2, 3, 2)
	assert.Equal(t, []float32{6 / float32(math.Sqrt(3)), 60 / float32(math.Sqrt(3)), -6 / float32(math.Sqrt(2)), 40 / float32(math.Sqrt(2))}, sq)
	// Weights 1, 2, 3: (1+4+9)/6 and (-1-10)/3.
	assert.Equal(t, []float32{14.0 / 6, 140.0 / 6, -11.0 / 3, 90.0 / 3}, pool(t, seqpool.WeightedMean, none, smallX, smallMask, 2, 3, 2))

	n := pool(t, seqpool.CLS, seqpool.Options{Normalize: true}, []float32{3, 4, 0, 0}, []int64{1, 1}, 2, 2)
	assert.Equal(t, []float32{0.6, 0.8}, n)
	assert.Equal(t, []float32{0, 0}, pool(t, seqpool.CLS, seqpool.Options{Normalize: true}, []float32{0, 0, 1, 1}, []int64{1, 1}, 2, 2), "a zero vector stays zero (eps)")
}

func TestAllMaskedRows(t *testing.T) {
	x := []float32{1, 2, 3, 4, float32(math.NaN()), -7}
	mask := []int64{0, 0, 0}
	none := seqpool.Options{}
	assert.Equal(t, []float32{0, 0}, pool(t, seqpool.Mean, none, []float32{1, 2, 3, 4, 5, 6}, mask, 3, 2), "0 / clamp(0, 1e-9)")
	assert.Equal(t, []float32{-1e9, -1e9}, pool(t, seqpool.Max, none, x, mask, 3, 2), "every position is -1e9")
	assert.Equal(t, []float32{0, 0}, pool(t, seqpool.LastToken, none, x, mask, 3, 2), "no last token: zeros")
	left := pool(t, seqpool.LastToken, seqpool.Options{Padding: seqpool.PadLeft}, x, mask, 3, 2)
	assert.True(t, math.IsNaN(float64(left[0])), "left padding takes the final position regardless")
	assert.Equal(t, float32(-7), left[1])
	mean := pool(t, seqpool.Mean, none, x, mask, 3, 2)
	assert.True(t, math.IsNaN(float64(mean[0])), "a NaN state times a zero mask is NaN, as in PyTorch")
	assert.Equal(t, float32(0), mean[1])
}

func TestMaxRule(t *testing.T) {
	none := seqpool.Options{}
	// A kept value below -1e9 loses to the masked positions' -1e9.
	assert.Equal(t, []float32{-1e9}, pool(t, seqpool.Max, none, []float32{-3e9, 5}, []int64{1, 0}, 2, 1))
	assert.Equal(t, []float32{-3e9}, pool(t, seqpool.Max, none, []float32{-3e9, -4e9}, []int64{1, 1}, 2, 1))
	// NaN at a kept position wins; at a masked position it is overwritten.
	nan := float32(math.NaN())
	got := pool(t, seqpool.Max, none, []float32{1, nan, 2, 5}, []int64{1, 1, 0, 1}, 4, 1)
	assert.True(t, math.IsNaN(float64(got[0])))
	assert.Equal(t, []float32{5}, pool(t, seqpool.Max, none, []float32{1, nan, 2, 5}, []int64{1, 0, 0, 1}, 4, 1))
	// Ties keep the first zero's sign.
	negZero := float32(math.Copysign(0, -1))
	got = pool(t, seqpool.Max, none, []float32{negZero, 0}, []int64{1, 1}, 2, 1)
	assert.True(t, math.Signbit(float64(got[0])))
}

func TestMaskTypesAgree(t *testing.T) {
	shape := []int{3, 6, 37}
	x := make([]float32, 3*6*37)
	for i := range x {
		x[i] = float32(math.Sin(float64(i))) * float32(i%11)
	}
	ints := []int64{1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0}
	i32 := make([]int32, len(ints))
	b := make([]bool, len(ints))
	f := make([]float32, len(ints))
	for i, v := range ints {
		i32[i], b[i], f[i] = int32(v), v != 0, float32(v)
	}
	for _, op := range seqpool.Ops() {
		o := seqpool.Options{Normalize: op == seqpool.Max}
		want := pool(t, op, o, x, ints, shape...)
		got32, err := seqpool.Pool(op, seqpool.Tensor[float32]{Shape: shape, Data: x}, seqpool.Tensor[int32]{Shape: shape[:2], Data: i32}, o)
		require.NoError(t, err)
		gotB, err := seqpool.Pool(op, seqpool.Tensor[float32]{Shape: shape, Data: x}, seqpool.Tensor[bool]{Shape: shape[:2], Data: b}, o)
		require.NoError(t, err)
		gotF, err := seqpool.Pool(op, seqpool.Tensor[float32]{Shape: shape, Data: x}, seqpool.Tensor[float32]{Shape: shape[:2], Data: f}, o)
		require.NoError(t, err)
		assert.Equal(t, want, got32.Data, "%v int32", op)
		assert.Equal(t, want, gotB.Data, "%v bool", op)
		assert.Equal(t, want, gotF.Data, "%v float32 (a 0/1 mask sums exactly in any order)", op)
	}
}

func TestRunDoesNotAllocate(t *testing.T) {
	for _, op := range seqpool.Ops() {
		for _, h := range []int{1, 7, 100} {
			p, err := seqpool.NewPlan[float32, bool](op, []int{2, 20, h}, seqpool.Options{Normalize: true})
			require.NoError(t, err)
			x, mask, dst := make([]float32, 40*h), make([]bool, 40), make([]float32, 2*h)
			for i := range 15 {
				mask[i] = true
			}
			race.NoAllocs(t, 20, func() {
				if err := p.Run(dst, x, mask); err != nil {
					t.Fatal(err)
				}
			}, "%v H=%d", op, h)
		}
	}
}

// TestConcurrentRuns runs one plan from many goroutines (go test -race
// checks that they share nothing mutable) and compares with a single run.
func TestConcurrentRuns(t *testing.T) {
	const b, n, h = 4, 50, 96
	p, err := seqpool.NewPlan[float32, int64](seqpool.Mean, []int{b, n, h}, seqpool.Options{Normalize: true})
	require.NoError(t, err)
	x := make([]float32, b*n*h)
	for i := range x {
		x[i] = float32(math.Cos(float64(i) * 0.37))
	}
	mask := make([]int64, b*n)
	for i := range mask {
		mask[i] = int64((i % n) % 3 % 2)
	}
	want := make([]float32, b*h)
	require.NoError(t, p.Run(want, x, mask))
	var wg sync.WaitGroup
	outs := make([][]float32, 8)
	for g := range outs {
		outs[g] = make([]float32, b*h)
		wg.Go(func() {
			for range 20 {
				if err := p.Run(outs[g], x, mask); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, got := range outs {
		assert.Equal(t, want, got)
	}
}
