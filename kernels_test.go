package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Differential tests of the float32 kernels of every available ISA against the
// generic kernels. Max results (with or without index) must match bit for bit,
// zeros' signs included (a NaN may carry any payload), indices exactly; the
// window sums and the global mean follow the generic order and must match bit
// for bit too.

// withISA runs f once per available ISA, with the kernels switched to it.
func withISA(t *testing.T, f func(t *testing.T, isa ISA)) {
	t.Helper()
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	for _, isa := range Available() {
		t.Run(string(isa), func(t *testing.T) {
			require.NoError(t, Use(isa))
			f(t, isa)
		})
	}
}

// axis builds an Axis whose Out follows PyTorch's output-size rule.
func axis(in, k, s, p, d int, ceil bool) (Axis, bool) {
	num := in + 2*p - d*(k-1) - 1
	if ceil {
		num += s - 1
	}
	if num < 0 {
		return Axis{}, false
	}
	o := num/s + 1
	if ceil && (o-1)*s >= in+p {
		o--
	}
	if o < 1 {
		return Axis{}, false
	}
	return Axis{In: in, Out: o, Kernel: k, Stride: s, Pad: p, Dilation: d}, true
}

// randAxis draws an axis: kernel 1..7, stride 1..4, dilation 1..maxD, padding
// 0..k/2, ceil mode or not, input length between lo and hi.
func randAxis(r *rand.Rand, lo, hi, maxD int) Axis {
	for {
		k := 1 + r.IntN(7)
		s := 1 + r.IntN(4)
		if r.IntN(3) == 0 { // the fast paths
			s = 1 + r.IntN(2)
		}
		d := 1 + r.IntN(maxD)
		p := r.IntN(k/2 + 1)
		in := lo + r.IntN(hi-lo+1)
		if a, ok := axis(in, k, s, p, d, r.IntN(2) == 0); ok {
			return a
		}
	}
}

// fill writes random data: normals, with some ties, NaNs, infinities and
// zeros of both signs when special is set.
func fill(r *rand.Rand, x []float32, special bool) {
	kind := r.IntN(4)
	for i := range x {
		switch kind {
		case 0:
			x[i] = float32(r.NormFloat64())
		case 1:
			x[i] = float32(r.IntN(5) - 2) // ties
		default:
			x[i] = float32(r.NormFloat64() * 4)
		}
		if special {
			switch r.IntN(40) {
			case 0:
				x[i] = float32(math.NaN())
			case 1:
				x[i] = math.Float32frombits(0xffc00123) // a negative NaN with a payload
			case 2:
				x[i] = float32(math.Inf(1))
			case 3:
				x[i] = float32(math.Inf(-1))
			case 4:
				x[i] = float32(math.Copysign(0, -1))
			case 5:
				x[i] = 0
			}
		}
	}
	if special && r.IntN(8) == 0 { // a run of -inf, for windows of -inf only
		for i := range x {
			if r.IntN(2) == 0 {
				x[i] = float32(math.Inf(-1))
			}
		}
	}
}

const guardWords = 17

var guard = math.Float32frombits(0x7fbadbad)

// outBuf returns a slice of n floats at offset off of a buffer whose guard
// words after the slice hold a signalling NaN.
func outBuf(n, off int) ([]float32, []float32) {
	buf := make([]float32, off+n+guardWords)
	for i := range buf {
		buf[i] = guard
	}
	return buf[off : off+n], buf[off+n:]
}

func checkGuards(t *testing.T, g []float32, what string) {
	t.Helper()
	for i, v := range g {
		if math.Float32bits(v) != math.Float32bits(guard) {
			t.Fatalf("%s: guard word %d after the output overwritten: %v", what, i, v)
		}
	}
}

// sameFloat: the same bits, or both NaN (any payload).
func sameFloat(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

// compare fails the test on the first differences between got and want.
func compare(t *testing.T, got, want []float32, what string) {
	t.Helper()
	bad := 0
	msg := ""
	for i := range want {
		if !sameFloat(got[i], want[i]) {
			if bad < 5 {
				msg += fmt.Sprintf("\n  [%d] got %v (%#08x), want %v (%#08x)", i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d outputs differ:%s", what, bad, len(want), msg)
	}
}

func compareIdx(t *testing.T, got, want []int64, what string) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: index [%d] = %d, want %d", what, i, got[i], want[i])
		}
	}
}

// maxCase runs MaxPool (with and without index) on g against the generic
// kernel, with src starting off floats into its buffer; the hooks must run
// (return true) whenever the ISA is not generic and the geometry fits.
func maxCase(t *testing.T, r *rand.Rand, isa ISA, g Geometry, off int) {
	t.Helper()
	what := fmt.Sprintf("%s max %+v off %d", isa, g, off)
	in := make([]float32, off+g.Planes*g.InPlane())[off:]
	fill(r, in, true)
	n := g.Planes * g.OutPlane()
	want := make([]float32, n)
	wantIdx := make([]int64, n)
	maxPoolGeneric(want, wantIdx, in, &g)

	got, gd := outBuf(n, r.IntN(16))
	ran := maxPoolF32(got, nil, in, &g)
	if !ran {
		maxPoolGeneric(got, nil, in, &g)
	}
	requireRan(t, isa, ran, &g, what)
	compare(t, got, want, what)
	checkGuards(t, gd, what)

	got, gd = outBuf(n, r.IntN(16))
	idxBuf := make([]int64, n+guardWords)
	for i := range idxBuf {
		idxBuf[i] = -7
	}
	gotIdx := idxBuf[:n]
	ran = maxPoolF32(got, gotIdx, in, &g)
	if !ran {
		maxPoolGeneric(got, gotIdx, in, &g)
	}
	requireRan(t, isa, ran, &g, what)
	compare(t, got, want, what+" (with index)")
	compareIdx(t, gotIdx, wantIdx, what)
	checkGuards(t, gd, what)
	for i, v := range idxBuf[n:] {
		if v != -7 {
			t.Fatalf("%s: index guard %d overwritten", what, i)
		}
	}
}

// requireRan fails when a SIMD ISA is in use, the geometry fits the SIMD
// kernels, and the hook still fell back to the generic kernel.
func requireRan(t *testing.T, isa ISA, ran bool, g *Geometry, what string) {
	t.Helper()
	if isa == Generic {
		require.False(t, ran, "%s: the generic ISA ran a SIMD kernel", what)
		return
	}
	if simdFits(g) && (simdDeclines == nil || !simdDeclines(isa, g)) {
		require.True(t, ran, "%s: the %s kernel did not run", what, isa)
	}
}

// simdDeclines, when an ISA's tests set it (neon_arm64_test.go), names the
// geometries that ISA documents as left to the generic kernels.
var simdDeclines func(isa ISA, g *Geometry) bool

// simdFits says which geometries the SIMD kernels of this build must take.
func simdFits(g *Geometry) bool {
	return len(Available()) > 1 && g.Planes > 0 && g.InPlane() > 0 && g.OutPlane() > 0 &&
		g.D.Kernel*g.H.Kernel <= 64
}

func TestMaxPool1D(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(1, 2))
		for in := 1; in <= 4*16+3; in++ {
			for k := 1; k <= 7; k++ {
				for s := 1; s <= 4; s++ {
					d := 1 + (in+k+s)%3
					p := (in + s) % (k/2 + 1)
					w, ok := axis(in, k, s, p, d, (in+k)%2 == 0)
					if !ok {
						continue
					}
					g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit, W: w}
					maxCase(t, r, isa, g, r.IntN(16))
				}
			}
		}
	})
}

func TestMaxPoolRandom(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(3, 4))
		for i := 0; i < 400; i++ {
			g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
			switch i % 3 {
			case 0:
				g.W = randAxis(r, 1, 300, 3)
			case 1:
				g.H, g.W = randAxis(r, 1, 24, 3), randAxis(r, 1, 70, 3)
			default:
				g.D, g.H, g.W = randAxis(r, 1, 8, 3), randAxis(r, 1, 10, 3), randAxis(r, 1, 40, 3)
			}
			maxCase(t, r, isa, g, r.IntN(16))
		}
	})
}

// divisorFor builds the divisor factors of avg pooling over g, PyTorch's way.
func divisorFor(r *rand.Rand, g *Geometry) *Divisor {
	include := r.IntN(2) == 0
	f := func(a Axis) []int32 {
		v := make([]int32, a.Out)
		for o := range v {
			lo, hi, size := a.Span(o)
			if include {
				v[o] = int32(size)
			} else {
				v[o] = int32(hi - lo)
			}
		}
		return v
	}
	div := &Divisor{D: f(g.D), H: f(g.H), W: f(g.W)}
	switch r.IntN(4) {
	case 0:
		div.Override = 1 + r.IntN(9)
		if r.IntN(2) == 0 {
			div.D, div.H, div.W = nil, nil, nil
		}
	case 1:
		div.Successive = true
	}
	return div
}

func avgCase(t *testing.T, r *rand.Rand, isa ISA, g Geometry, off int) {
	t.Helper()
	div := divisorFor(r, &g)
	what := fmt.Sprintf("%s avg %+v %+v off %d", isa, g, *div, off)
	in := make([]float32, off+g.Planes*g.InPlane())[off:]
	fill(r, in, r.IntN(2) == 0)
	n := g.Planes * g.OutPlane()
	want := make([]float32, n)
	avgPoolGeneric(want, in, &g, div)
	got, gd := outBuf(n, r.IntN(16))
	ran := avgPoolF32(got, in, &g, div)
	if !ran {
		avgPoolGeneric(got, in, &g, div)
	}
	requireRan(t, isa, ran, &g, what)
	compare(t, got, want, what)
	checkGuards(t, gd, what)
}

func lpCase(t *testing.T, r *rand.Rand, isa ISA, g Geometry, off int) {
	t.Helper()
	pw := &Power{P: float64(1 + r.IntN(2)), SrcExactFrom: math.MaxInt, DstExactFrom: math.MaxInt}
	what := fmt.Sprintf("%s lp %+v p %v off %d", isa, g, pw.P, off)
	in := make([]float32, off+g.Planes*g.InPlane())[off:]
	fill(r, in, r.IntN(2) == 0)
	n := g.Planes * g.OutPlane()
	want := make([]float32, n)
	lpPoolGeneric(want, in, &g, pw)
	got, gd := outBuf(n, r.IntN(16))
	ran := lpPoolF32(got, in, &g, pw)
	if !ran {
		lpPoolGeneric(got, in, &g, pw)
	}
	requireRan(t, isa, ran, &g, what)
	compare(t, got, want, what)
	checkGuards(t, gd, what)
}

// noDilation and noPad turn an axis into an avg (dilation 1) or LP (no
// padding) one, with Out recomputed.
func noDilation(r *rand.Rand, a Axis, pad bool) Axis {
	for {
		p := 0
		if pad {
			p = min(a.Pad, a.Kernel/2)
		}
		if b, ok := axis(a.In, a.Kernel, a.Stride, p, 1, r.IntN(2) == 0); ok {
			return b
		}
		a.In++
	}
}

func TestAvgPool(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(5, 6))
		for in := 1; in <= 4*16+3; in++ {
			k := 1 + in%7
			s := 1 + in%4
			a, ok := axis(in, k, s, in%(k/2+1), 1, in%2 == 0)
			if ok {
				avgCase(t, r, isa, Geometry{Planes: 2, D: Unit, H: Unit, W: a}, in%16)
			}
		}
		for i := 0; i < 400; i++ {
			g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
			switch i % 3 {
			case 0:
				g.W = noDilation(r, randAxis(r, 1, 300, 1), true)
			case 1:
				g.H, g.W = noDilation(r, randAxis(r, 1, 24, 1), true), noDilation(r, randAxis(r, 1, 70, 1), true)
			default:
				g.D, g.H, g.W = noDilation(r, randAxis(r, 1, 8, 1), true), noDilation(r, randAxis(r, 1, 10, 1), true), noDilation(r, randAxis(r, 1, 40, 1), true)
			}
			avgCase(t, r, isa, g, r.IntN(16))
		}
	})
}

func TestLpPool(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(7, 8))
		for i := 0; i < 300; i++ {
			g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
			switch i % 3 {
			case 0:
				g.W = noDilation(r, randAxis(r, 1, 300, 1), false)
			case 1:
				g.H, g.W = noDilation(r, randAxis(r, 1, 24, 1), false), noDilation(r, randAxis(r, 1, 70, 1), false)
			default:
				g.D, g.H, g.W = noDilation(r, randAxis(r, 1, 8, 1), false), noDilation(r, randAxis(r, 1, 10, 1), false), noDilation(r, randAxis(r, 1, 40, 1), false)
			}
			lpCase(t, r, isa, g, r.IntN(16))
		}
	})
}

func globalCase(t *testing.T, r *rand.Rand, isa ISA, planes, n, off int) {
	t.Helper()
	what := fmt.Sprintf("%s global %d planes of %d, off %d", isa, planes, n, off)
	in := make([]float32, off+planes*n)[off:]
	fill(r, in, r.IntN(2) == 0)
	want := make([]float32, planes)
	wantIdx := make([]int64, planes)
	globalMaxGeneric(want, wantIdx, in, planes, n)

	got, gd := outBuf(planes, r.IntN(16))
	ran := globalMaxF32(got, nil, in, planes, n)
	if !ran {
		globalMaxGeneric(got, nil, in, planes, n)
	}
	require.Equal(t, isa != Generic, ran, "%s: the %s kernel ran: %v", what, isa, ran)
	compare(t, got, want, what+" max")
	checkGuards(t, gd, what)

	got, gd = outBuf(planes, r.IntN(16))
	gotIdx := make([]int64, planes)
	if !globalMaxF32(got, gotIdx, in, planes, n) {
		globalMaxGeneric(got, gotIdx, in, planes, n)
	}
	compare(t, got, want, what+" max with index")
	compareIdx(t, gotIdx, wantIdx, what)
	checkGuards(t, gd, what)

	globalMeanGeneric(want, in, planes, n)
	got, gd = outBuf(planes, r.IntN(16))
	if !globalMeanF32(got, in, planes, n) {
		globalMeanGeneric(got, in, planes, n)
	}
	compare(t, got, want, what+" mean")
	checkGuards(t, gd, what)
}

func TestGlobal(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(9, 10))
		for n := 1; n <= 4*16*4+3; n++ {
			globalCase(t, r, isa, 1+r.IntN(5), n, r.IntN(16))
		}
		for _, n := range []int{1000, 4097, 100000} {
			globalCase(t, r, isa, 2, n, r.IntN(16))
		}
	})
}

// TestMaxPoolSeparable sweeps the geometries of the separable max kernels
// (stride 1 or 2, kernel 2 or 3, dilation 1 or 2) over widths around every
// chunk size, heights with 1..4 and more vertical taps, 1d/2d/3d.
func TestMaxPoolSeparable(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, c := range [][3]int{{2, 2, 1}, {2, 3, 1}, {1, 2, 1}, {1, 3, 1}, {1, 3, 2}} {
			s, k, d := c[0], c[1], c[2]
			for in := 1; in <= 4*16*2+5; in++ {
				p := in % (k/2 + 1)
				w, ok := axis(in, k, s, p, d, in%3 == 0)
				if !ok {
					continue
				}
				g := Geometry{Planes: 1 + r.IntN(2), D: Unit, H: Unit, W: w}
				switch in % 3 {
				case 1:
					g.H = randAxis(r, 1, 9, 2)
				case 2:
					g.D, g.H = randAxis(r, 1, 5, 2), randAxis(r, 1, 6, 2)
				}
				maxCase(t, r, isa, g, r.IntN(16))
			}
		}
	})
}

// TestSumFixedTaps sweeps the geometries of the fixed-tap sum kernels (stride 1
// or 2, kernel 2 or 3) over widths around every chunk size, for avg and LP.
func TestSumFixedTaps(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, c := range [][2]int{{1, 2}, {1, 3}, {2, 2}, {2, 3}} {
			s, k := c[0], c[1]
			for in := 1; in <= 4*16*2+5; in++ {
				for _, lp := range []bool{false, true} {
					p := in % (k/2 + 1)
					if lp {
						p = 0
					}
					w, ok := axis(in, k, s, p, 1, in%3 == 0)
					if !ok {
						continue
					}
					g := Geometry{Planes: 1 + r.IntN(2), D: Unit, H: Unit, W: w}
					switch in % 3 {
					case 1:
						g.H = noDilation(r, randAxis(r, 1, 9, 1), !lp)
					case 2:
						g.D, g.H = noDilation(r, randAxis(r, 1, 5, 1), !lp), noDilation(r, randAxis(r, 1, 6, 1), !lp)
					}
					if lp {
						lpCase(t, r, isa, g, r.IntN(16))
					} else {
						avgCase(t, r, isa, g, r.IntN(16))
					}
				}
			}
		}
	})
}

// TestAvgPoolNarrow sweeps the small planes of the column-major and pair avg
// kernels (stride 1 or 2, kernel 2 or 3, 1 to 3 window rows): widths around
// one and two rows per vector, every divisor rule, data of every magnitude
// (so that the reciprocal division and its VDIVPS fallback both run).
func TestAvgPoolNarrow(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(17, 18))
		for _, c := range [][2]int{{1, 2}, {1, 3}, {2, 2}, {2, 3}} {
			s, k := c[0], c[1]
			for in := 1; in <= 40; in++ {
				for _, p := range []int{0, k / 2} {
					w, ok := axis(in, k, s, p, 1, in%3 == 0)
					if !ok {
						continue
					}
					h, ok := axis(1+r.IntN(12), k, s, p, 1, in%2 == 0)
					if !ok {
						continue
					}
					g := Geometry{Planes: 1 + r.IntN(4), D: Unit, H: h, W: w}
					avgCase(t, r, isa, g, r.IntN(16))
					// Magnitudes around the reciprocal division's range, and
					// windows of zeros of either sign.
					div := divisorFor(r, &g)
					in := make([]float32, g.Planes*g.InPlane())
					zeros := r.IntN(3) == 0
					for i := range in {
						e := []float64{-149, -130, -60, -41, -40, -39, 0, 39, 40, 41, 100, 127}[r.IntN(12)]
						in[i] = float32(math.Ldexp(r.Float64()+0.5, int(e)))
						if r.IntN(2) == 0 {
							in[i] = -in[i]
						}
						if zeros && r.IntN(10) != 0 {
							in[i] = float32(math.Copysign(0, -1))
						}
					}
					want := make([]float32, g.Planes*g.OutPlane())
					avgPoolGeneric(want, in, &g, div)
					got, gd := outBuf(len(want), r.IntN(16))
					if !avgPoolF32(got, in, &g, div) {
						avgPoolGeneric(got, in, &g, div)
					}
					what := fmt.Sprintf("%s avg magnitudes %+v %+v", isa, g, *div)
					compare(t, got, want, what)
					checkGuards(t, gd, what)
				}
			}
		}
	})
}

// TestAvgPoolReciprocal checks the reciprocal division of the AVX-512 avg
// kernels against VDIVPS's quotient (the generic one) over divisors up to the
// kernels' bound (2^16) and beyond it, and sums of every magnitude.
func TestAvgPoolReciprocal(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(21, 22))
		for i := 0; i < 300; i++ {
			s, k := 1+r.IntN(2), 2+r.IntN(2)
			w, _ := axis(8+r.IntN(60), k, s, r.IntN(k/2+1), 1, false)
			h, _ := axis(3+r.IntN(6), k, 1, 0, 1, false)
			g := Geometry{Planes: 1 + r.IntN(2), D: Unit, H: h, W: w}
			div := &Divisor{Override: 1 + r.IntN(1<<16)}
			if i%10 == 0 {
				div.Override = 1<<16 + r.IntN(1<<20)
			}
			in := make([]float32, g.Planes*g.InPlane())
			for j := range in {
				in[j] = float32(math.Ldexp(r.Float64()+0.5, r.IntN(90)-45))
				if r.IntN(2) == 0 {
					in[j] = -in[j]
				}
			}
			want := make([]float32, g.Planes*g.OutPlane())
			avgPoolGeneric(want, in, &g, div)
			got, gd := outBuf(len(want), r.IntN(16))
			if !avgPoolF32(got, in, &g, div) {
				avgPoolGeneric(got, in, &g, div)
			}
			what := fmt.Sprintf("%s avg override %d %+v", isa, div.Override, g)
			compare(t, got, want, what)
			checkGuards(t, gd, what)
		}
	})
}
