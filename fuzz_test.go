package simdpool

import (
	"math/rand/v2"
	"testing"
)

// FuzzPrograms drives Programs of every op over random geometries and data on
// the ISA in use (set SIMDPOOL_ISA to fuzz another) and compares them with
// the generic kernels:
//
//	go test -run '^$' -fuzz FuzzPrograms -fuzztime 60s .
func FuzzPrograms(f *testing.F) {
	for _, s := range [][3]uint64{{1, 2, 0}, {3, 4, 1}, {5, 6, 2}, {7, 8, 3}} {
		f.Add(s[0], s[1], uint8(s[2]), true)
	}
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64, kind uint8, special bool) {
		r := rand.New(rand.NewPCG(seed1, seed2))
		g := randGeometry(r, int(kind))
		if kind&4 == 0 {
			newCase[float32](t, r, ops[int(kind>>3)%4], g).check(t, r, special)
		} else {
			newCase[float64](t, r, ops[int(kind>>3)%4], g).check(t, r, special)
		}
	})
}
