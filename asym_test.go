package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ONNX's geometries: a begin and an end padding per axis, either of any size
// (larger than the kernel, so that whole windows lie in the padding), and
// dilated average and LP windows. Every Program over them must agree with
// the generic kernels on every ISA, against guard pages too.

// onnxAxis builds an axis with ONNX's output size for begin and end padding
// pb and pe (false: no output).
func onnxAxis(in, k, s, d, pb, pe int, ceil bool) (Axis, bool) {
	ext := (k-1)*d + 1
	num := in + pb + pe - ext
	if num < 0 {
		return Axis{}, false
	}
	o := num/s + 1
	if ceil {
		o = (num+s-1)/s + 1
		if (o-1)*s >= in+pb {
			o--
		}
	}
	return Axis{In: in, Out: o, Kernel: k, Stride: s, Pad: pb, PadEnd: pe, Dilation: d}, o >= 1
}

// randONNXAxis draws an axis of input length in [lo, hi] with unequal pads,
// sometimes larger than the kernel.
func randONNXAxis(r *rand.Rand, lo, hi, maxD int) Axis {
	for {
		k, s, d := 1+r.IntN(6), 1+r.IntN(3), 1+r.IntN(maxD)
		pb, pe := r.IntN(k/2+2), r.IntN(k/2+2)
		if r.IntN(4) == 0 {
			pb, pe = r.IntN(2*k+2), r.IntN(2*k+2)
		}
		if a, ok := onnxAxis(lo+r.IntN(hi-lo+1), k, s, d, pb, pe, r.IntN(3) == 0); ok {
			return a
		}
	}
}

func randONNXGeometry(r *rand.Rand, i int) Geometry {
	g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
	switch i % 3 {
	case 0:
		g.W = randONNXAxis(r, 1, 200, 3)
	case 1:
		g.H, g.W = randONNXAxis(r, 1, 20, 3), randONNXAxis(r, 1, 70, 3)
	default:
		g.D, g.H, g.W = randONNXAxis(r, 1, 7, 2), randONNXAxis(r, 1, 9, 2), randONNXAxis(r, 1, 40, 3)
	}
	return g
}

// counts lists the taps of each output's window along a, inside the input
// or inside the padded extent (ONNX's count_include_pad).
func counts(a *Axis, padded bool) []int32 {
	c := make([]int32, a.Out)
	for o := range c {
		c[o] = int32(a.Count(o, padded))
	}
	return c
}

// newONNXCase builds op ("max", "maxIdx", "avg", "lp") over g as ONNX's
// operators use it: avg with the divisor of count_include_pad 0 or 1 and
// dilation, LP of |x| with padding and dilation.
func newONNXCase[T Float](t *testing.T, r *rand.Rand, op string, g Geometry) opCase[T] {
	t.Helper()
	switch op {
	case "avg":
		include := r.IntN(2) == 0
		div := &Divisor{D: counts(&g.D, include), H: counts(&g.H, include), W: counts(&g.W, include)}
		prog, err := NewAvg[T](g, *div)
		require.NoError(t, err)
		return opCase[T]{name: fmt.Sprintf("avg %T %+v include=%v", T(0), g, include), prog: prog,
			oracle: func(dst []T, _ []int64, src []T) { avgPoolGeneric(dst, src, &g, div) }}
	case "lp":
		p := []float64{1, 2, 3, 4}[r.IntN(4)]
		pw := NewPower[T](p, g.Planes*g.InPlane(), g.Planes*g.OutPlane())
		pw.Abs = true
		prog, err := NewLp[T](g, pw)
		require.NoError(t, err)
		return opCase[T]{name: fmt.Sprintf("lp %T %+v p=%v", T(0), g, p), prog: prog,
			oracle: func(dst []T, _ []int64, src []T) { lpPoolGeneric(dst, src, &g, &pw) }}
	}
	return newCase[T](t, r, op, g)
}

func testONNXGeometries[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := range 500 {
		g := randONNXGeometry(r, i)
		newONNXCase[T](t, r, ops[r.IntN(4)], g).check(t, r, r.IntN(2) == 0)
	}
	for i := range 60 {
		g := randONNXGeometry(r, i)
		checkPaged(t, r, newONNXCase[T](t, r, ops[i%4], g))
	}
}

func TestONNXGeometries(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testONNXGeometries[float32], testONNXGeometries[float64])
	})
}

// TestAsymmetricPadsRunKernels checks that a TF 'SAME' window (end padding
// only) runs SIMD kernels wherever PyTorch's symmetric padding 1 does, on
// every ISA: the end padding is the right edge's masks, which every kernel
// has.
func TestAsymmetricPadsRunKernels(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		same, ok := onnxAxis(112, 3, 2, 1, 0, 1, false) // SAME_UPPER: 56 outputs
		require.True(t, ok)
		require.Equal(t, 56, same.Out)
		sym, _ := onnxAxis(112, 3, 2, 1, 1, 1, false)
		for _, withIdx := range []bool{false, true} {
			ps, err := NewMax[float32](Geometry{Planes: 64, D: Unit, H: sym, W: sym}, withIdx)
			require.NoError(t, err)
			pa, err := NewMax[float32](Geometry{Planes: 64, D: Unit, H: same, W: same}, withIdx)
			require.NoError(t, err)
			if !contains(ps.Kernels(), "generic") {
				require.NotContains(t, pa.Kernels(), "generic", "%s: symmetric %v, SAME %v", isa, ps.Kernels(), pa.Kernels())
			}
		}
	})
}

// TestCount checks Axis.Count against a tap-by-tap count.
func TestCount(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for range 2000 {
		a := randONNXAxis(r, 1, 30, 4)
		for o := range a.Out {
			in, padded := 0, 0
			for k := range a.Kernel {
				x := o*a.Stride - a.Pad + k*a.Dilation
				if x >= 0 && x < a.In {
					in++
				}
				if x >= -a.Pad && x < a.In+a.PadEnd {
					padded++
				}
			}
			require.Equal(t, in, a.Count(o, false), "%+v output %d", a, o)
			require.Equal(t, padded, a.Count(o, true), "%+v output %d", a, o)
		}
	}
}

// TestTwoPassWidePlanes checks max pooling over planes whose rows do not
// fit one scratch band, in 2d and 3d (the ONNX suite's 32^3 k2 s1 among
// them): the classes of output rows split at the bands must read their own
// input rows.
func TestTwoPassWidePlanes(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(25, 26))
		ax := func(in, k, s, p int) Axis { a, _ := axisOf(in, k, s, p, 1, false); return a }
		for _, g := range []Geometry{
			{Planes: 1, D: Unit, H: ax(400, 3, 2, 1), W: ax(400, 3, 2, 1)},
			{Planes: 2, D: Unit, H: ax(300, 3, 1, 1), W: ax(301, 3, 1, 1)},
			{Planes: 3, D: ax(32, 2, 1, 0), H: ax(32, 2, 1, 0), W: ax(32, 2, 1, 0)},
			{Planes: 1, D: ax(20, 3, 2, 1), H: ax(41, 3, 2, 1), W: ax(70, 3, 2, 1)},
		} {
			for _, op := range []string{"max", "maxIdx"} {
				newCase[float32](t, r, op, g).check(t, r, false)
				newCase[float64](t, r, op, g).check(t, r, false)
			}
		}
	})
}
