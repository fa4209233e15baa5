package simdpool

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExpectedISAs fails when an ISA that SIMDPOOL_EXPECT names (comma
// separated, e.g. "avx2,avx512") is not available, or when its kernels do not
// run: no silent fallback to the generic kernels can pass.
func TestExpectedISAs(t *testing.T) {
	env := os.Getenv("SIMDPOOL_EXPECT")
	if env == "" {
		t.Skip("SIMDPOOL_EXPECT not set")
	}
	for _, name := range strings.Split(env, ",") {
		isa := ISA(strings.TrimSpace(name))
		require.Contains(t, Available(), isa, "expected ISA %s is not available", isa)
		requireHooksRun(t, isa)
	}
}

// TestHooksRun checks that under each available ISA the float32 hooks take
// (return true for) the suite's geometries, and that under the generic ISA
// they all decline.
func TestHooksRun(t *testing.T) {
	for _, isa := range Available() {
		requireHooksRun(t, isa)
	}
}

func requireHooksRun(t *testing.T, isa ISA) {
	t.Helper()
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	require.NoError(t, Use(isa))
	require.Equal(t, isa, Current())
	simd := isa != Generic
	ax := func(in, k, s, p, d int) Axis {
		a, ok := axis(in, k, s, p, d, false)
		require.True(t, ok)
		return a
	}
	geoms := []Geometry{
		{Planes: 2, D: Unit, H: ax(12, 3, 2, 1, 1), W: ax(12, 3, 2, 1, 1)}, // separable max
		{Planes: 2, D: Unit, H: ax(9, 3, 3, 1, 1), W: ax(31, 4, 3, 1, 2)},  // gathers
		{Planes: 2, D: ax(4, 2, 2, 0, 1), H: ax(6, 2, 2, 0, 1), W: ax(40, 2, 1, 0, 1)},
		{Planes: 3, D: Unit, H: Unit, W: ax(100, 3, 2, 1, 1)},
	}
	for _, g := range geoms {
		in := make([]float32, g.Planes*g.InPlane())
		out := make([]float32, g.Planes*g.OutPlane())
		idx := make([]int64, len(out))
		require.Equal(t, simd, maxPoolF32(out, nil, in, &g), "%s max %+v", isa, g)
		require.Equal(t, simd, maxPoolF32(out, idx, in, &g), "%s max with index %+v", isa, g)
		if g.W.Dilation == 1 && g.H.Dilation == 1 {
			div := &Divisor{D: ones(g.D.Out), H: ones(g.H.Out), W: ones(g.W.Out)}
			require.Equal(t, simd, avgPoolF32(out, in, &g, div), "%s avg %+v", isa, g)
			div.Successive = true
			require.Equal(t, simd, avgPoolF32(out, in, &g, div), "%s adaptive avg %+v", isa, g)
			if g.D.Pad == 0 && g.H.Pad == 0 && g.W.Pad == 0 {
				for _, p := range []float64{1, 2} {
					require.Equal(t, simd, lpPoolF32(out, in, &g, &Power{P: p}), "%s lp %v %+v", isa, p, g)
				}
			}
		}
		n := g.InPlane()
		require.Equal(t, simd, globalMaxF32(out[:g.Planes], nil, in, g.Planes, n), "%s global max", isa)
		require.Equal(t, simd, globalMaxF32(out[:g.Planes], idx[:g.Planes], in, g.Planes, n), "%s global max with index", isa)
		require.Equal(t, simd, globalMeanF32(out[:g.Planes], in, g.Planes, n), "%s global mean", isa)
	}
}

func ones(n int) []int32 {
	v := make([]int32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// TestAvailableOrder checks that Available lists generic first and that the
// ISAs it lists can all be used.
func TestAvailableOrder(t *testing.T) {
	a := Available()
	require.Equal(t, Generic, a[0])
	for _, isa := range a {
		require.NoError(t, func() error { defer Use(Current()); return Use(isa) }())
	}
	require.False(t, slices.Contains(a, ISA("bogus")))
	require.Error(t, func() error { defer Use(Current()); return Use("bogus") }())
}
