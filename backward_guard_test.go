package simdpool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/guardpage"
)

// checkBackPaged runs c with every buffer against a guard page (paged), on
// both sides, and compares it with its oracle.
func checkBackPaged[T Float](t *testing.T, c backCase[T]) {
	t.Helper()
	n, m := c.back.InputLen(), c.back.OutputLen()
	want := make([]T, n)
	c.oracle(want)
	for _, atEnd := range []bool{true, false} {
		gout := guardpage.Slice[T](t, m, atEnd)
		copy(gout, c.gout)
		var idx []int64
		if c.idx != nil {
			idx = guardpage.Slice[int64](t, m, atEnd)
			copy(idx, c.idx)
		}
		var src []T
		if c.src != nil {
			src = guardpage.Slice[T](t, n, atEnd)
			copy(src, c.src)
		}
		gin := guardpage.Slice[T](t, n, !atEnd)
		require.NoError(t, c.back.Run(gin, gout, idx, src), c.name)
		for i := range want {
			require.Equal(t, bitsOf(want[i]), bitsOf(gin[i]), "%s [%d]", c.name, i)
		}
	}
}

func testBackwardGuardPages[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for i := range 120 {
		checkBackPaged(t, newBackCase[T](t, r, backOps[i%len(backOps)], randGeometry(r, i), i%3 == 0))
	}
	for i := range 60 { // windows without overlap: the expand kernels
		g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: nonOverlappingAxis(r, 1, 9), W: nonOverlappingAxis(r, 1, 70)}
		g.W.Kernel, g.W.Stride, g.W.Pad = 2, 2, 0
		if a, ok := axisOf(g.W.In, 2, 2, 0, 1, i%2 == 0); ok {
			g.W = a
			checkBackPaged(t, newBackCase[T](t, r, []string{"max", "avg"}[i%2], g, i%4 == 0))
		}
	}
}

func TestBackwardGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testBackwardGuardPages[float32], testBackwardGuardPages[float64])
	})
}
