package onnx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/stretchr/testify/require"
)

// forEachISA runs f once per ISA this machine has, with the kernels
// switched to it.
func forEachISA(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	prev := simdpool.Current()
	defer func() { require.NoError(t, simdpool.Use(prev)) }()
	for _, isa := range simdpool.Available() {
		t.Run(string(isa), func(t *testing.T) {
			require.NoError(t, simdpool.Use(isa))
			f(t)
		})
	}
}

// randData fills n values: normals or small integers (ties), with NaNs,
// infinities and zeros of both signs when special is set.
func randData[T Float](r *rand.Rand, n int, special bool) []T {
	x := make([]T, n)
	ints := r.IntN(2) == 0
	for i := range x {
		x[i] = T(r.NormFloat64())
		if ints {
			x[i] = T(r.IntN(5) - 2)
		}
		if special {
			switch r.IntN(30) {
			case 0:
				x[i] = T(math.NaN())
			case 1:
				x[i] = T(math.Inf(1))
			case 2:
				x[i] = T(math.Inf(-1))
			case 3:
				x[i] = T(math.Copysign(0, -1))
			}
		}
	}
	return x
}

// same reports whether a and b are the same value bit for bit (a NaN equals
// any NaN).
func same[T Elem](a, b T) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	switch x := any(a).(type) {
	case float32:
		return math.Float32bits(x) == math.Float32bits(any(b).(float32))
	case float64:
		return math.Float64bits(x) == math.Float64bits(any(b).(float64))
	}
	return a == b
}

func requireSame[T Elem](t *testing.T, want, got []T, msg string, args ...any) {
	t.Helper()
	require.Len(t, got, len(want), msg, fmt.Sprint(args...))
	for i := range want {
		if !same(want[i], got[i]) {
			require.Failf(t, "values differ", "%s [%d]: got %v, want %v", fmt.Sprintf(msg, args...), i, got[i], want[i])
		}
	}
}

func maxAttrs(w window, storage int) MaxPoolAttrs {
	return MaxPoolAttrs{AutoPad: w.autoPad, KernelShape: w.kernel, Pads: w.pads, Strides: w.strides, Dilations: w.dilations, CeilMode: w.ceilMode, StorageOrder: storage}
}

func avgAttrs(w window, include int) AveragePoolAttrs {
	return AveragePoolAttrs{AutoPad: w.autoPad, KernelShape: w.kernel, Pads: w.pads, Strides: w.strides, Dilations: w.dilations, CeilMode: w.ceilMode, CountIncludePad: include}
}

func lpAttrs(w window, p int) LpPoolAttrs {
	return LpPoolAttrs{AutoPad: w.autoPad, KernelShape: w.kernel, Pads: w.pads, Strides: w.strides, Dilations: w.dilations, CeilMode: w.ceilMode, P: Int(p)}
}

// checkAgainstRef runs MaxPool, AveragePool and LpPool with the attributes
// w over a random input and compares them with the reference: max-type
// values and indices and averages bit for bit, LP within 1e-5 (float32) of
// the float64 formula.
func checkAgainstRef[T Float](t *testing.T, r *rand.Rand, w window) {
	n := len(w.kernel)
	shape := randShape(r, n, w)
	x := Tensor[T]{Shape: shape, Data: randData[T](r, shapeLen(shape), r.IntN(2) == 0)}
	name := fmt.Sprintf("%T %v %+v", T(0), shape, w)

	ma := maxAttrs(w, r.IntN(2))
	y, idx, err := MaxPoolWithIndices(x, ma)
	if w.ceilMode == 1 && w.autoPad == Valid {
		// VALID with ceil_mode: shape inference's rule, not the spec formula the
		// reference uses; compared in TestAutoPadOutputSizes.
		return
	}
	require.NoError(t, err, name)
	wantY, wantIdx := refMaxPool(x.Data, shape, ma)
	requireSame(t, wantY, y.Data, "MaxPool %s", name)
	require.Equal(t, wantIdx, idx.Data, "MaxPool indices %s", name)

	aa := avgAttrs(w, r.IntN(2))
	ya, err := AveragePool(x, aa)
	require.NoError(t, err, name)
	requireSame(t, refAveragePool(x.Data, shape, aa), ya.Data, "AveragePool %s %+v", name, aa)

	la := lpAttrs(w, 1+r.IntN(4))
	yl, err := LpPool(x, la)
	require.NoError(t, err, name)
	x64 := make([]float64, len(x.Data))
	for i, v := range x.Data {
		x64[i] = float64(v)
	}
	want := refLpPool(x64, shape, la)
	for i, wv := range want {
		g := float64(yl.Data[i])
		if math.IsNaN(wv) || math.IsInf(wv, 0) {
			require.True(t, math.IsNaN(g) && math.IsNaN(wv) || g == wv, "LpPool %s p=%d [%d]: got %v, want %v", name, *la.P, i, g, wv)
			continue
		}
		require.InDelta(t, wv, g, 1e-5*(1+math.Abs(wv)), "LpPool %s p=%d [%d]", name, *la.P, i)
	}
}

func shapeLen(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// TestAgainstReference sweeps attributes (every auto_pad, pads of any size,
// strides, dilations, ceil_mode) in 1d, 2d and 3d on every ISA.
func TestAgainstReference(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for i := range 300 {
			w := randWindow(r, 1+i%3)
			checkAgainstRef[float32](t, r, w)
			checkAgainstRef[float64](t, r, w)
		}
	})
}

// TestAutoPadOutputSizes checks auto_pad's output sizes and padding against
// the formulas of the specification, ceil_mode included (SAME: ceil(in/s)
// whatever ceil_mode; VALID: ceil_mode's rule over the unpadded input).
func TestAutoPadOutputSizes(t *testing.T) {
	for in := 1; in <= 30; in++ {
		for k := 1; k <= 6; k++ {
			for s := 1; s <= 5; s++ {
				for d := 1; d <= 3; d++ {
					for ceil := range 2 {
						ext := (k-1)*d + 1
						for _, ap := range []string{SameUpper, SameLower, Valid} {
							w := window{autoPad: ap, kernel: []int{k}, strides: []int{s}, dilations: []int{d}, ceilMode: ceil}
							_, axes, err := w.axes("MaxPool", []int{1, 1, in})
							if ap == Valid && in < ext {
								require.Error(t, err)
								continue
							}
							require.NoError(t, err)
							a := axes[0]
							want := (in + s - 1) / s
							if ap == Valid {
								want = (in-ext)/s + 1
								if ceil == 1 {
									want = (in-ext+s-1)/s + 1
									if (want-1)*s >= in {
										want--
									}
								}
								require.Zero(t, a.Pad+a.PadEnd)
							} else {
								total := max(0, (want-1)*s+ext-in)
								require.Equal(t, total, a.Pad+a.PadEnd)
								require.LessOrEqual(t, a.Pad, a.PadEnd+1)
								if ap == SameUpper {
									require.Equal(t, total/2, a.Pad)
								} else {
									require.Equal(t, total-total/2, a.Pad)
								}
							}
							require.Equal(t, want, a.Out, "in %d k %d s %d d %d ceil %d %s", in, k, s, d, ceil, ap)
						}
					}
				}
			}
		}
	}
}
