//go:build linux

package simdpool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/guardpage"
)

// The kernels must not read or write outside their slices: here every input,
// output and index buffer of a Program lies against a PROT_NONE page, before
// it or after it (internal/guardpage), so that an access past either end
// faults.

// checkPaged runs c with every buffer against a guard page, on both sides,
// and compares it with its oracle.
func checkPaged[T Float](t *testing.T, r *rand.Rand, c opCase[T]) {
	t.Helper()
	n, m := c.prog.InputLen(), c.prog.OutputLen()
	for _, atEnd := range []bool{true, false} {
		src := guardpage.Slice[T](t, n, atEnd)
		fill(r, src, true)
		want, wantIdx := make([]T, m), make([]int64, m)
		var wi []int64
		if c.prog.HasIndices() {
			wi = wantIdx
		}
		c.oracle(want, wi, src)
		dst := guardpage.Slice[T](t, m, !atEnd)
		var idx []int64
		if c.prog.HasIndices() {
			idx = guardpage.Slice[int64](t, m, atEnd)
		}
		require.NoError(t, c.prog.Run(dst, idx, src), c.name)
		for i := range want {
			require.Equal(t, bitsOf(want[i]), bitsOf(dst[i]), "%s [%d]", c.name, i)
			if idx != nil {
				require.Equal(t, wantIdx[i], idx[i], "%s index [%d]", c.name, i)
			}
		}
	}
}

func testGuardPages[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 150 {
		g := randGeometry(r, i)
		checkPaged(t, r, newCase[T](t, r, ops[i%4], g))
	}
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		if ki := info(id); ki.isa == Current() && ki.kind == kindWindow && ki.size == size[T]() {
			for _, g := range kernelGeometries(ki) {
				op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx", kSum: "avg", kSumSq: "lp"}[ki.op]
				checkPaged(t, r, newCase[T](t, r, op, g))
			}
		}
	}
}

func TestGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testGuardPages[float32], testGuardPages[float64])
	})
}
