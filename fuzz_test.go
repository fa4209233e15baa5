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

// FuzzChannelsLast drives channels-last Programs of every op (and the global
// mean) over random geometries, channel counts and data on the ISA in use,
// against the channels-first generic kernels on the transposed input:
//
//	go test -run '^$' -fuzz FuzzChannelsLast -fuzztime 60s .
func FuzzChannelsLast(f *testing.F) {
	for _, s := range [][3]uint64{{1, 2, 0}, {3, 4, 1}, {5, 6, 2}, {7, 8, 3}} {
		f.Add(s[0], s[1], uint8(s[2]), true)
	}
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64, kind uint8, special bool) {
		r := rand.New(rand.NewPCG(seed1, seed2))
		g := randGeometry(r, int(kind))
		c := 1 + r.IntN(70)
		op := int(kind>>3) % 5
		if kind&4 == 0 {
			fuzzChannelsLast[float32](t, r, g, c, op, special)
		} else {
			fuzzChannelsLast[float64](t, r, g, c, op, special)
		}
	})
}

func fuzzChannelsLast[T Float](t *testing.T, r *rand.Rand, g Geometry, c, op int, special bool) {
	if op == 4 {
		meanCLCase[T](t, g.Planes, c, g.InPlane()).check(t, r, special)
		return
	}
	clCase[T](t, r, ops[op], g, c).check(t, r, special)
}
