package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/guardpage"
)

// The int8 and uint8 max kernels (ONNX's 8-bit MaxPool) against the generic
// kernels: every kernel of the table this machine runs, over rows around its
// lanes and random geometries, with guard words and guard pages.

// checkBytes runs max pooling over g on random bytes and compares it with
// maxPoolGeneric; paged puts every buffer against a guard page. It returns
// the kernels the Program ran.
func checkBytes[T ~int8 | ~uint8](t *testing.T, r *rand.Rand, g Geometry, paged bool) []string {
	t.Helper()
	prog, err := NewMax[T](g, false)
	require.NoError(t, err)
	name := fmt.Sprintf("max %T %+v (kernels %v)", T(0), g, prog.Kernels())
	n, m := prog.InputLen(), prog.OutputLen()
	var src, dst []T
	srcOK, dstOK := func() bool { return true }, func() bool { return true }
	atEnd := r.IntN(2) == 0
	if paged {
		src, dst = guardpage.Slice[T](t, n, atEnd), guardpage.Slice[T](t, m, !atEnd)
	} else {
		src, srcOK = guarded(r, n, T(7))
		dst, dstOK = guarded(r, m, T(9))
	}
	ties := r.IntN(2) == 0
	for i := range src {
		src[i] = T(r.IntN(256))
		if ties {
			src[i] = T(r.IntN(3))
		}
	}
	want := make([]T, m)
	maxPoolGeneric(want, nil, src, &g)
	require.NoError(t, prog.Run(dst, nil, src), name)
	require.True(t, srcOK() && dstOK(), "%s: a guard word changed", name)
	for i := range want {
		if want[i] != dst[i] {
			require.Failf(t, "value differs", "%s [%d]: got %d, want %d", name, i, dst[i], want[i])
		}
	}
	return prog.Kernels()
}

// TestByteKernels checks that every byte kernel is selected by a geometry of
// its taps and agrees with the generic kernels there.
func TestByteKernels(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	r := rand.New(rand.NewPCG(31, 32))
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		ki := info(id)
		if ki.size != 1 || !supported(ki.isa) {
			continue
		}
		require.NoError(t, Use(ki.isa))
		reached := false
		for _, g := range kernelGeometries(ki) {
			for _, paged := range []bool{false, true} {
				var ks []string
				if ki.unsigned {
					ks = checkBytes[uint8](t, r, g, paged)
				} else {
					ks = checkBytes[int8](t, r, g, paged)
				}
				reached = reached || contains(ks, ki.name)
			}
		}
		require.True(t, reached, "kernel %s is never selected", ki.name)
	}
}

// TestBytesRandom runs random geometries (ONNX's too: pads of any size) of
// rows around the lanes on every ISA.
func TestBytesRandom(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(33, 34))
		for i := range 400 {
			var g Geometry
			if i%2 == 0 {
				g = randGeometry(r, i)
			} else {
				g = randONNXGeometry(r, i)
			}
			if i%3 == 0 { // rows of 1 to 4 vectors of 32 or 64 bytes, and their edges
				w := randAxis(r, 20, 270, 3)
				g.W = w
			}
			checkBytes[int8](t, r, g, i%5 == 0)
			checkBytes[uint8](t, r, g, i%5 == 1)
		}
	})
}
