package simdpool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzGenericPrograms builds Programs of the generic ISA over random
// geometries, most of whose horizontal taps are those of a fixed-taps pure-Go
// kernel (so that its interior loops, its edges and the recomputation of
// zeros and NaNs all run), and compares them with the generic kernels, bit
// for bit, on random data. shape picks the taps of the shape-th such kernel
// (past the last: random taps); op picks max, max with index, avg or LP;
// wide picks float64. Its seed corpus runs as a test, every shape with every
// op in both types.
func FuzzGenericPrograms(f *testing.F) {
	shapes := goShapeKernels()
	for shape := range len(shapes) + 1 {
		for op := range len(ops) {
			for seed := range uint64(8) {
				f.Add(seed, uint8(shape), uint8(op), seed%2 == 1)
			}
		}
	}
	f.Fuzz(func(t *testing.T, seed uint64, shape, op uint8, wide bool) {
		prev := Current()
		require.NoError(t, Use(Generic))
		defer func() { require.NoError(t, Use(prev)) }()
		r := rand.New(rand.NewPCG(seed, uint64(shape)<<8|uint64(op)))
		g := fuzzGeometry(r, shapes, int(shape))
		special := r.IntN(2) == 0
		if wide {
			newCase[float64](t, r, ops[int(op)%len(ops)], g).check(t, r, special)
		} else {
			newCase[float32](t, r, ops[int(op)%len(ops)], g).check(t, r, special)
		}
	})
}

// goShapeKernels returns the pure-Go kernels of fixed taps.
func goShapeKernels() []*kernelInfo {
	var ks []*kernelInfo
	for i := range goKernels {
		if goKernels[i].k != 0 {
			ks = append(ks, &goKernels[i])
		}
	}
	return ks
}

// fuzzGeometry draws a 1d, 2d or 3d geometry of 1..3 planes whose W axis has
// the taps of shapes[shape] (random taps past the last shape), in ceil mode
// or not: 1d with rows up to 1500 long (longer than a kernel takes at once),
// 2d or 3d with random vertical taps, 2d with the shape on H too (so that
// whole windows of the shape run), or 2d with windows that do not overlap
// vertically and rows up to 1500 long (one pass; the two passes of max over
// rows that long would need several bands of the scratch).
func fuzzGeometry(r *rand.Rand, shapes []*kernelInfo, shape int) Geometry {
	g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
	if shape >= len(shapes) {
		g.W = randAxis(r, 1, 300, 3)
		return g
	}
	ki := shapes[shape]
	axis := func(maxIn int) Axis {
		for {
			if a, ok := axisOf(1+r.IntN(maxIn), ki.k, ki.s, ki.p, ki.d, r.IntN(2) == 0); ok {
				return a
			}
		}
	}
	long := []int{300, 1500}[r.IntN(2)]
	switch r.IntN(5) {
	case 0:
		g.W = axis(long)
	case 1:
		g.H, g.W = randAxis(r, 1, 24, 3), axis(300)
	case 2:
		g.D, g.H, g.W = randAxis(r, 1, 6, 2), randAxis(r, 1, 12, 3), axis(40)
	case 3:
		g.H, g.W = axis(24), axis(300)
	default:
		k := 1 + r.IntN(3)
		g.H, _ = axisOf(k+r.IntN(24), k, k+r.IntN(2), 0, 1, false)
		g.W = axis(long)
	}
	return g
}
