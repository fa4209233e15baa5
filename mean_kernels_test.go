package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// The global mean of every ISA against cascadeSum(x)/float32(n), bit for bit
// (NaN = NaN): sizes around every vector, row and cascade boundary, every tail
// length, misaligned starts, partial groups of planes, data that makes any
// other order of additions show, and the reproducers of issue 12.

// meanCase runs the mean of planes planes of n floats at in on the ISA in
// use, into an output at offset off of a buffer with guard words after it,
// and requires it to be generic's bit for bit. It returns the outputs.
func meanCase(t *testing.T, isa ISA, in []float32, planes, n, off int) []float32 {
	t.Helper()
	what := fmt.Sprintf("%s mean of %d planes of %d (src %% 64 = %d B, dst +%d)", isa, planes, n, addrMod64(in), off)
	want := make([]float32, planes)
	globalMeanGeneric(want, in, planes, n)
	got, gd := outBuf(planes, off)
	ran := globalMeanF32(got, in, planes, n)
	if !ran {
		globalMeanGeneric(got, in, planes, n)
	}
	if isa == AVX2 || isa == AVX512 {
		require.True(t, ran, "%s: the %s kernel did not run", what, isa)
	}
	compare(t, got, want, what)
	checkGuards(t, gd, what)
	return got
}

func addrMod64(x []float32) int {
	if len(x) == 0 {
		return 0
	}
	return int(uintptr(unsafe.Pointer(&x[0])) % 64)
}

// meanData fills x with one of the data kinds below, chosen by kind.
func meanData(r *rand.Rand, x []float32, kind int) {
	switch kind % 5 {
	case 0: // magnitudes over 2^-20..2^20: every order rounds differently
		for i := range x {
			x[i] = float32(r.NormFloat64() * math.Exp2(float64(r.IntN(41)-20)))
		}
	case 1: // small values and a few large ones of either sign: cancellations
		for i := range x {
			x[i] = float32(r.IntN(7) - 3)
			if r.IntN(16) == 0 {
				x[i] = float32(math.Ldexp(float64(1+r.IntN(255)), 22+r.IntN(6)))
				if r.IntN(2) == 0 {
					x[i] = -x[i]
				}
			}
		}
	case 2: // near float32's largest: partial sums overflow to ±Inf in some orders
		for i := range x {
			x[i] = float32((r.Float64() + 0.5) * 2e38)
			if r.IntN(2) == 0 {
				x[i] = -x[i]
			}
		}
	case 3: // NaN, ±Inf, -0 among normals
		fill(r, x, true)
	default: // zeros of both signs: the mean is +0
		for i := range x {
			x[i] = float32(math.Copysign(0, float64(r.IntN(4)-3)))
		}
	}
}

// meanPlanes returns planes*n floats starting off floats into a fresh buffer.
func meanPlanes(planes, n, off int) []float32 {
	return make([]float32, off+planes*n)[off:]
}

// TestGlobalMeanReproducers holds the cases of issue 12 (PyTorch 1.13's
// values) and NaN/Inf cases where the cascade's order decides the class.
func TestGlobalMeanReproducers(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		for _, c := range []struct {
			name string
			x    []float32
			want float32
		}{
			// PyTorch 0.0: the tail float (0) goes first, then lanes 1e8, 1, -1e8, ...
			{"adaptive_avg_pool1d (1,1,9)", []float32{1e8, 1, -1e8, 0, 0, 0, 0, 0, 0}, 0},
			// PyTorch -inf: the scalar path's running sum overflows first.
			{"adaptive_avg_pool1d (1,1,3)", []float32{-2e38, -2e38, 3e38}, meanNInf},
			// -Inf: the tail -Inf comes first and absorbs both lanes; a sum of
			// the lanes first would overflow to +Inf and give NaN.
			{"tail -Inf before lanes", []float32{3e38, 3e38, 0, 0, 0, 0, 0, 0, meanNInf}, meanNInf},
			// NaN: lane 0 overflows (3e38 + 3e38) before it meets lane 1's
			// -Inf; a sequential sum gives -Inf.
			{"lane overflow meets -Inf", []float32{3e38, meanNInf, 0, 0, 0, 0, 0, 0, 3e38, 0, 0, 0, 0, 0, 0, 0}, meanNaN},
		} {
			require.True(t, sameBits32(c.want, cascadeSum(c.x)/float32(len(c.x))), "%s: the generic order", c.name)
			for off := range 16 {
				in := meanPlanes(1, len(c.x), off)
				copy(in, c.x)
				got := meanCase(t, isa, in, 1, len(c.x), off%3)
				require.True(t, sameBits32(c.want, got[0]), "%s off %d: got %v, want %v", c.name, off, got[0], c.want)
			}
		}
	})
}

// TestGlobalMeanSizes covers every n up to 20 rows (the small-plane path, its
// boundary at 16 rows and the first cascade steps), every plane count up to
// two groups and a half, and every start offset in a 64-byte line.
func TestGlobalMeanSizes(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(31, 32))
		for n := 1; n <= 20*32+9; n++ {
			planes := 1 + (n*7)%20
			off := n % 16
			in := meanPlanes(planes, n, off)
			meanData(r, in, n)
			meanCase(t, isa, in, planes, n, r.IntN(16))
		}
	})
}

// TestGlobalMeanCascade covers the rows around each cascade boundary (16
// rows: level 1; 256: level 2; 4096 and twice that: level 3), with every
// tail length 0..31 after them up to 511 rows and some beyond, misaligned.
func TestGlobalMeanCascade(t *testing.T) {
	type size struct{ rows, tails []int }
	all := make([]int, 32)
	for i := range all {
		all[i] = i
	}
	sizes := []size{{[]int{15, 16, 17, 31, 32, 33, 255, 256, 257, 511}, all}}
	if !testing.Short() {
		sizes = append(sizes, size{[]int{4095, 4096, 4097, 8191, 8192, 8193, 3*4096 + 5}, []int{0, 1, 7, 8, 9, 24, 31}})
	}
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(33, 34))
		for _, sz := range sizes {
			for _, rw := range sz.rows {
				for _, tail := range sz.tails {
					n := rw*32 + tail
					planes := 1 + r.IntN(3)
					in := meanPlanes(planes, n, r.IntN(16))
					meanData(r, in, tail)
					meanCase(t, isa, in, planes, n, r.IntN(16))
				}
			}
		}
	})
}

// TestGlobalMeanLargeStep covers a plane of more than 2^19 rows, where the
// cascade's step grows to 32 rows (about 64 MB of input).
func TestGlobalMeanLargeStep(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MB plane")
	}
	n := (1<<19+1)*32 + 21
	r := rand.New(rand.NewPCG(35, 36))
	in := meanPlanes(1, n, 3)
	meanData(r, in, 0)
	withISA(t, func(t *testing.T, isa ISA) {
		meanCase(t, isa, in, 1, n, 1)
	})
}

// TestGlobalMeanOrderMatters checks that the data of these tests tells the
// cascade's order from others: on planes of each path, a sequential sum and a
// 16-lane cascade (a naive AVX-512 order) differ from the cascade for some
// plane, so a kernel summing in either order fails the tests above.
func TestGlobalMeanOrderMatters(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	for _, n := range []int{9, 17, 49, 100, 196, 511, 512, 1000, 3136, 16*32*16 + 7, 4097 * 32} {
		seq, wide := false, false
		for range 8 {
			x := make([]float32, n)
			meanData(r, x, 0)
			want := cascadeSum(x) / float32(n)
			seq = seq || !sameBits32(want, meanSequential(x))
			wide = wide || !sameBits32(want, meanModelSum(x, 16)/float32(n))
		}
		require.True(t, seq, "n=%d: no plane tells the cascade from a sequential sum", n)
		require.True(t, wide, "n=%d: no plane tells the cascade from 16 lanes", n)
	}
}
