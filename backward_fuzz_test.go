package simdpool

import (
	"math/rand/v2"
	"testing"
)

// FuzzBackward drives Backwards of every kind over random geometries (half
// of them without overlapping windows, the expand kernels' kind), data and
// indices (some outside their window) on the ISA in use (set SIMDPOOL_ISA to
// fuzz another) and compares them with the generic backward:
//
//	go test -run '^$' -fuzz FuzzBackward -fuzztime 60s .
func FuzzBackward(f *testing.F) {
	for _, s := range [][3]uint64{{1, 2, 0}, {3, 4, 9}, {5, 6, 18}, {7, 8, 27}} {
		f.Add(s[0], s[1], uint8(s[2]), true)
	}
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64, kind uint8, odd bool) {
		r := rand.New(rand.NewPCG(seed1, seed2))
		g := randGeometry(r, int(kind))
		if kind&8 != 0 {
			g.W = nonOverlappingAxis(r, 1, 140)
			if g.H.In > 1 {
				g.H = nonOverlappingAxis(r, 1, 12)
			}
			if g.D.In > 1 {
				g.D = nonOverlappingAxis(r, 1, 5)
			}
		}
		op := backOps[int(kind>>4)%len(backOps)]
		if kind&4 == 0 {
			newBackCase[float32](t, r, op, g, odd).check(t, r)
		} else {
			newBackCase[float64](t, r, op, g, odd).check(t, r)
		}
	})
}
