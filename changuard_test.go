package simdpool

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The channels-last kernels against PROT_NONE pages on both sides of every
// buffer (see guard_test.go): narrow and wide channel counts, the last
// vector of a pixel overlapping the one before, chunks of the pixels left.
func testChannelsLastGuardPages[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for i := range 120 {
		g := randGeometry(r, i)
		g.Planes = 1 + r.IntN(2)
		c := clChannels[i%len(clChannels)]
		checkPaged(t, r, clCase[T](t, r, ops[i%4], g, c))
	}
	for _, n := range []int{1, 3, 7, 31, 32, 33, 49, 511, 512, 513, 1000} {
		for _, c := range []int{2, 3, 5, 16, 17, 33} {
			checkPaged(t, r, meanCLCase[T](t, 2, c, n))
		}
	}
}

func TestChannelsLastGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testChannelsLastGuardPages[float32], testChannelsLastGuardPages[float64])
	})
}

// TestChannelsLastNaNEverywhere puts one NaN, in turn, at every input of
// small channels-last max poolings, narrow and wide, with windows that
// overlap (float32: the images are checked for NaNs before the kernels run)
// and windows that do not (the kernels' own detectors): no NaN may escape.
func TestChannelsLastNaNEverywhere(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testNaNEverywhere[float32], testNaNEverywhere[float64])
	})
}

func testNaNEverywhere[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, c := range []int{3, 17} {
		for _, w := range [][3]int{{3, 2, 1}, {2, 2, 0}} {
			a, ok := axisOf(5, w[0], w[1], w[2], 1, false)
			require.True(t, ok)
			g := Geometry{Planes: 2, D: Unit, H: a, W: a}
			for _, op := range []string{"max", "maxIdx"} {
				cs := clCase[T](t, r, op, g, c)
				src := make([]T, cs.prog.InputLen())
				for at := range src {
					fill(r, src, false)
					src[at] = T(math.NaN())
					cs.checkOn(t, r, src)
				}
			}
		}
	}
}

// TestChannelsLastKernels checks that under every SIMD ISA the suite's
// channels-last geometries run kernels of that ISA (with the global max
// kernel where the images are checked for NaNs first), not the generic
// ones.
func TestChannelsLastKernels(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		if isa == Generic {
			return
		}
		for _, g := range suiteGeometries() {
			g.Channels = g.Planes
			for _, withIdx := range []bool{false, true} {
				p, err := NewMax[float32](g, withIdx)
				require.NoError(t, err)
				for _, n := range p.Kernels() {
					require.True(t, strings.HasSuffix(n, strings.ToUpper(string(isa))), "%+v: kernel %s under %s", g, n, isa)
					require.True(t, strings.Contains(n, "Chan") || strings.Contains(n, "Global"), "%+v: kernel %s", g, n)
				}
			}
		}
		m, err := NewGlobalMeanChannelsLast[float32](2048, 2048, 49)
		require.NoError(t, err)
		require.Equal(t, []string{"meanChanF32" + strings.ToUpper(string(isa))}, m.Kernels())
	})
}
