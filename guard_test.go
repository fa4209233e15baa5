package simdpool

import (
	"fmt"
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
	L := 64 / size[T]()
	for i := range 150 {
		g := randGeometry(r, i)
		if i%3 == 0 { // rows of about one or two chunks, where every chunk may be an edge
			if w, ok := axisOf(1+r.IntN(3*L*2), 1+r.IntN(3), 1+r.IntN(2), r.IntN(2), 1, r.IntN(2) == 0); ok {
				g.W = w
			}
		}
		checkPaged(t, r, newCase[T](t, r, ops[i%4], g))
	}
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		if ki := info(id); ki.isa == Current() && ki.kind == kindWindow && ki.size == size[T]() && !expandOp(ki.op) { // expand kernels: backward_guard_test.go
			for _, g := range kernelGeometries(ki) {
				op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx", kSum: "avg", kSumSq: "lp"}[ki.op]
				checkPaged(t, r, newCase[T](t, r, op, g))
			}
		}
	}
	// The global kernels: plane sizes of every path of the mean (scalar,
	// groups of 8 planes, cascade) and plane counts around whole groups; with
	// n%8 = 0 and aligned planes the vector after a plane's last is the next
	// plane's or past the input.
	for _, n := range []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 49, 64, 72, 127, 128, 129, 196, 256, 511, 512, 513, 1024, 4101} {
		for _, planes := range []int{1, 7, 8, 9, 17} {
			mean, err := NewGlobalMean[T](planes, n)
			require.NoError(t, err)
			checkPaged(t, r, opCase[T]{name: fmt.Sprintf("mean %d x %d", planes, n), prog: mean,
				oracle: func(dst []T, _ []int64, src []T) { globalMeanGeneric(dst, src, planes, n) }})
			for _, withIdx := range []bool{false, true} {
				mx, err := NewGlobalMax[T](planes, n, withIdx)
				require.NoError(t, err)
				checkPaged(t, r, opCase[T]{name: fmt.Sprintf("max %d x %d", planes, n), prog: mx,
					oracle: func(dst []T, idx []int64, src []T) { globalMaxGeneric(dst, idx, src, planes, n) }})
			}
		}
	}
}

func TestGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testGuardPages[float32], testGuardPages[float64])
	})
}
