//go:build !purego

package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// These tests check the NEON kernels against the generic ones on arm64
// (under qemu-aarch64-static on other machines). The shared differential
// tests cover the exported kernels too; these ones aim at the row kernels'
// own edges: run lengths around 4 and 16, the overlapping tail, the scalar
// edge outputs, every kernel variant (K2, K3, KN) and every reduction.

func init() {
	// The NEON row kernels need a run of at least 4 outputs whose windows
	// lie inside the input along W; other geometries run the generic kernels.
	simdDeclines = func(isa ISA, g *Geometry) bool {
		_, _, _, _, ok := rowShape(&g.W, g.W.Dilation)
		return isa == NEON && !ok
	}
}

// neonWith runs f with NEON selected, restoring the ISA afterwards.
func neonWith(t *testing.T, f func()) {
	t.Helper()
	if !supported(NEON) {
		t.Skip("no ASIMD")
	}
	prev := Current()
	if err := Use(NEON); err != nil {
		t.Fatal(err)
	}
	defer Use(prev)
	f()
}

func neonWithGeneric(f func()) {
	prev := Current()
	Use(Generic)
	defer Use(prev)
	f()
}

// TestNEONExpected fails when NEON was expected (SIMDPOOL_ISA unset or neon,
// and the CPU has ASIMD) but the kernels did not run NEON code.
func TestNEONExpected(t *testing.T) {
	env, set := os.LookupEnv("SIMDPOOL_ISA")
	if set && env != string(NEON) {
		t.Skipf("SIMDPOOL_ISA=%s", env)
	}
	if !cpu.ARM64.HasASIMD {
		t.Skip("CPU without ASIMD")
	}
	if Current() != NEON {
		t.Fatalf("Current() = %s, want neon", Current())
	}
	neonRan.Store(0)
	g := neonGeom2(1, 10, 40, 3, 2, 1, 1, false)
	src := make([]float32, g.Planes*g.InPlane())
	for i := range src {
		src[i] = float32(i % 7)
	}
	dst := make([]float32, g.Planes*g.OutPlane())
	idx := make([]int64, len(dst))
	MaxPool(dst, nil, src, &g)
	MaxPool(dst, idx, src, &g)
	div := neonDivisor(&g, true, 0, false)
	AvgPool(dst, src, &g, &div)
	gl := neonGeom2(1, 10, 40, 3, 2, 0, 1, false)
	LpPool(dst[:gl.OutPlane()], src, &gl, &Power{P: 2})
	GlobalMax(dst[:1], nil, src, 1, len(src))
	GlobalMax(dst[:1], idx[:1], src, 1, len(src))
	GlobalMean(dst[:1], src, 1, len(src))
	want := uint32(ranMax | ranMaxIdx | ranAvg | ranLp | ranGlobalMax | ranGlobalMaxIdx | ranGlobalMean)
	if got := neonRan.Load(); got != want {
		t.Fatalf("NEON kernels that ran: %06b, want %06b", got, want)
	}
	// and the assembly itself computes: one row kernel called directly
	in := []float32{1, 5, 2, 7, 3, 3, 9, 0}
	out := make([]float32, 4)
	a := rowArgs{dst: &out[0], src: &in[0], n: 4, nd: 1, nh: 1}
	maxRowS2K2(&a)
	if out != nil && (out[0] != 5 || out[1] != 7 || out[2] != 3 || out[3] != 9) {
		t.Fatalf("maxRowS2K2 = %v", out)
	}
}

func TestRowArgsLayout(t *testing.T) {
	var a rowArgs
	got := [...]uintptr{
		unsafe.Offsetof(a.dst), unsafe.Offsetof(a.idx), unsafe.Offsetof(a.src), unsafe.Offsetof(a.n),
		unsafe.Offsetof(a.nd), unsafe.Offsetof(a.dstep), unsafe.Offsetof(a.nh), unsafe.Offsetof(a.hstep),
		unsafe.Offsetof(a.kw), unsafe.Offsetof(a.wstep), unsafe.Offsetof(a.idx0), unsafe.Offsetof(a.dI),
		unsafe.Offsetof(a.hI), unsafe.Offsetof(a.wI), unsafe.Offsetof(a.div), unsafe.Offsetof(a.post),
		unsafe.Offsetof(a.lanes), unsafe.Offsetof(a.ostep),
	}
	if got != rowArgsOffsets {
		t.Fatalf("rowArgs offsets %v, assembly uses %v", got, rowArgsOffsets)
	}
}

// neonOutLen is PyTorch's output size, ceil-mode drop included.
func neonOutLen(in, k, s, p, d int, ceil bool) int {
	num := in + 2*p - d*(k-1) - 1
	if ceil {
		num += s - 1
	}
	if num < 0 {
		return 0
	}
	o := num/s + 1
	if ceil && (o-1)*s >= in+p {
		o--
	}
	return o
}

func neonAxis(in, k, s, p, d int, ceil bool) Axis {
	return Axis{In: in, Out: neonOutLen(in, k, s, p, d, ceil), Kernel: k, Stride: s, Pad: p, Dilation: d}
}

func neonGeom2(planes, h, w, k, s, p, d int, ceil bool) Geometry {
	return Geometry{Planes: planes, D: Unit, H: neonAxis(h, k, s, p, d, ceil), W: neonAxis(w, k, s, p, d, ceil)}
}

// neonDivisor builds avg_pool's divisors (or adaptive pooling's successive ones).
func neonDivisor(g *Geometry, includePad bool, override int, successive bool) Divisor {
	f := func(a *Axis) []int32 {
		r := make([]int32, a.Out)
		for o := range r {
			lo, hi, size := a.Span(o)
			if includePad {
				r[o] = int32(size)
			} else {
				r[o] = int32(hi - lo)
			}
		}
		return r
	}
	return Divisor{Override: override, D: f(&g.D), H: f(&g.H), W: f(&g.W), Successive: successive}
}

// neonFill writes values of a kind into x.
func neonFill(r *rand.Rand, x []float32, kind int) {
	for i := range x {
		switch kind {
		case 0:
			x[i] = float32(r.NormFloat64())
		case 1: // ties
			x[i] = float32(r.IntN(5) - 2)
		case 2: // NaN, inf, signed zeros among ties
			switch r.IntN(8) {
			case 0:
				x[i] = float32(math.NaN())
			case 1:
				x[i] = float32(math.Inf(1 - 2*r.IntN(2)))
			case 2:
				x[i] = float32(math.Copysign(0, -1))
			case 3:
				x[i] = 0
			default:
				x[i] = float32(r.IntN(5) - 2)
			}
		case 4: // signed zeros, ties and a few tiny values
			x[i] = float32(math.Copysign(0, float64(r.IntN(2)*2-1)))
			if r.IntN(6) == 0 {
				x[i] = float32(r.IntN(3)-1) * 1e-45
			}
		case 3: // mostly -inf
			x[i] = float32(math.Inf(-1))
			if r.IntN(10) == 0 {
				x[i] = float32(r.IntN(3))
			}
		}
	}
}

// neonSame reports whether a NEON float result matches the generic one bit for
// bit, NaN matching any NaN (signed zeros must match: PyTorch's max keeps the
// first zero of a window, avg_pool's +0 rule makes -0 quotients +0).
func neonSame(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

const neonGuard = 12345.5

// neonHits counts the neonRunBoth calls in which a NEON kernel ran.
var neonHits int

// neonCoverage fails a test whose neonCases mostly fell back to generic code.
func neonCoverage(t *testing.T, total, want int) {
	t.Helper()
	t.Logf("%d of %d calls ran NEON kernels", neonHits, total)
	if neonHits < want {
		t.Errorf("only %d calls ran NEON kernels, want at least %d", neonHits, want)
	}
}

// neonRunBoth runs f once with the generic kernels and once with NEON on copies
// of dst (with neonGuard words after it) and returns both.
func neonRunBoth(t *testing.T, n int, f func(dst []float32, idx []int64)) (gen, neon []float32, gi, ni []int64) {
	t.Helper()
	mk := func() ([]float32, []int64) {
		d := make([]float32, n+4)
		i := make([]int64, n+4)
		for j := range d {
			d[j], i[j] = neonGuard, -7
		}
		return d, i
	}
	gen, gi = mk()
	neon, ni = mk()
	neonWithGeneric(func() { f(gen[:n:n], gi[:n:n]) })
	neonRan.Store(0)
	neonWith(t, func() { f(neon[:n:n], ni[:n:n]) })
	if neonRan.Load() != 0 {
		neonHits++
	}
	for j := n; j < n+4; j++ {
		if neon[j] != neonGuard || ni[j] != -7 {
			t.Fatalf("write past the end of dst at %d", j)
		}
	}
	return gen[:n], neon[:n], gi[:n], ni[:n]
}

type neonCase struct {
	g    Geometry
	kind int
}

func (c neonCase) String() string {
	return fmt.Sprintf("planes=%d D=%+v H=%+v W=%+v kind=%d", c.g.Planes, c.g.D, c.g.H, c.g.W, c.kind)
}

// neonCases returns pooling geometries: 1d, 2d and 3d, W kernels 1..5, strides
// 1..3, padding, dilation, ceil mode, widths around 4 and 16 outputs.
func neonCases(r *rand.Rand, dilated, padded bool, n int) []neonCase {
	var cs []neonCase
	widths := []int{1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 31, 32, 33, 34, 35, 36, 37, 40, 47, 64, 67, 71, 100, 112}
	for range n {
		k := 1 + r.IntN(5)
		s := 1 + r.IntN(5)
		if r.IntN(3) > 0 {
			s = 1 + r.IntN(2)
		}
		p := 0
		if padded {
			p = r.IntN(k/2 + 1)
		}
		d := 1
		if dilated && r.IntN(3) == 0 {
			d = 2 + r.IntN(2)
		}
		ceil := r.IntN(2) == 0
		w := widths[r.IntN(len(widths))]
		if neonOutLen(w, k, s, p, d, ceil) < 1 {
			continue
		}
		g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit, W: neonAxis(w, k, s, p, d, ceil)}
		switch r.IntN(3) {
		case 1:
			kh := 1 + r.IntN(4)
			ph := 0
			if padded {
				ph = r.IntN(kh/2 + 1)
			}
			hin := kh*d + r.IntN(5)
			g.H = neonAxis(hin, kh, 1+r.IntN(2), ph, d, ceil)
		case 2:
			kh, kd := 1+r.IntN(3), 1+r.IntN(3)
			g.H = neonAxis(kh*d+r.IntN(3), kh, 1+r.IntN(2), 0, d, ceil)
			g.D = neonAxis(kd*d+r.IntN(3), kd, 1+r.IntN(2), 0, d, ceil)
		}
		if g.OutPlane() == 0 {
			continue
		}
		cs = append(cs, neonCase{g, r.IntN(4)})
	}
	// the benchmark shapes, small planes
	cs = append(cs,
		neonCase{neonGeom2(2, 112, 112, 3, 2, 1, 1, false), 2},
		neonCase{neonGeom2(2, 24, 224, 2, 2, 0, 1, false), 0},
		neonCase{Geometry{Planes: 3, D: Unit, H: Unit, W: neonAxis(4096, 3, 2, 1, 1, false)}, 2},
	)
	return cs
}

func TestNEONMaxPool(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 600
	if testing.Short() {
		n = 150
	}
	neonHits = 0
	cs := neonCases(r, true, true, n)
	defer func() { neonCoverage(t, 2*len(cs), len(cs)/2) }()
	for _, c := range cs {
		src := make([]float32, c.g.Planes*c.g.InPlane())
		neonFill(r, src, c.kind)
		if r.IntN(4) == 0 {
			neonFill(r, src, 4)
		}
		for _, withIdx := range []bool{false, true} {
			gen, neon, gi, ni := neonRunBoth(t, c.g.Planes*c.g.OutPlane(), func(dst []float32, idx []int64) {
				if !withIdx {
					idx = nil
				}
				MaxPool(dst, idx, src, &c.g)
			})
			for i := range gen {
				if !neonSame(gen[i], neon[i]) || withIdx && (gi[i] != ni[i] || math.Float32bits(gen[i]) != math.Float32bits(neon[i]) && gen[i] == gen[i]) {
					t.Fatalf("%v idx=%v: out[%d] = %v (index %d), generic %v (index %d)", c, withIdx, i, neon[i], ni[i], gen[i], gi[i])
				}
			}
		}
	}
}

func TestNEONAvgPool(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	n := 500
	if testing.Short() {
		n = 120
	}
	neonHits = 0
	cs := neonCases(r, false, true, n)
	defer func() { neonCoverage(t, len(cs), len(cs)/4) }()
	for _, c := range cs {
		c.g.D.Dilation, c.g.H.Dilation, c.g.W.Dilation = 1, 1, 1
		src := make([]float32, c.g.Planes*c.g.InPlane())
		neonFill(r, src, c.kind%3)
		if c.kind == 3 {
			neonFill(r, src, 4)
		}
		override := 0
		if r.IntN(5) == 0 {
			override = 1 + r.IntN(7)
		}
		div := neonDivisor(&c.g, r.IntN(2) == 0, override, r.IntN(4) == 0)
		gen, neon, _, _ := neonRunBoth(t, c.g.Planes*c.g.OutPlane(), func(dst []float32, _ []int64) {
			AvgPool(dst, src, &c.g, &div)
		})
		for i := range gen {
			if !neonSame(gen[i], neon[i]) {
				t.Fatalf("%v div=%+v: out[%d] = %v, generic %v", c, div, i, neon[i], gen[i])
			}
		}
	}
}

func TestNEONLpPool(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 300
	if testing.Short() {
		n = 80
	}
	neonHits = 0
	cs := neonCases(r, false, false, n)
	defer func() { neonCoverage(t, 3*len(cs), len(cs)/4) }()
	for _, c := range cs {
		c.g.D.Dilation, c.g.H.Dilation, c.g.W.Dilation = 1, 1, 1
		src := make([]float32, c.g.Planes*c.g.InPlane())
		neonFill(r, src, c.kind%3)
		for _, p := range []float64{1, 2, 3} {
			pw := Power{P: p}
			gen, neon, _, _ := neonRunBoth(t, c.g.Planes*c.g.OutPlane(), func(dst []float32, _ []int64) {
				LpPool(dst, src, &c.g, &pw)
			})
			for i := range gen {
				if !neonSame(gen[i], neon[i]) {
					t.Fatalf("%v p=%v: out[%d] = %v, generic %v", c, p, i, neon[i], gen[i])
				}
			}
		}
	}
}

func TestNEONGlobalMax(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	neonHits = 0
	defer func() { neonCoverage(t, 10*(4*16+4), 10*(4*16)) }()
	for n := 0; n <= 4*16+3; n++ {
		for kind := range 5 {
			planes := 1 + r.IntN(3)
			src := make([]float32, planes*n)
			neonFill(r, src, kind)
			for _, withIdx := range []bool{false, true} {
				gen, neon, gi, ni := neonRunBoth(t, planes, func(dst []float32, idx []int64) {
					if !withIdx {
						idx = nil
					}
					GlobalMax(dst, idx, src, planes, n)
				})
				for i := range gen {
					if !neonSame(gen[i], neon[i]) || withIdx && gi[i] != ni[i] {
						t.Fatalf("n=%d kind=%d idx=%v: plane %d = %v (index %d), generic %v (index %d)", n, kind, withIdx, i, neon[i], ni[i], gen[i], gi[i])
					}
				}
			}
		}
	}
}

// TestNEONNoAlloc checks that the NEON paths do not allocate.
func TestNEONNoAlloc(t *testing.T) {
	neonWith(t, func() {
		g := neonGeom2(2, 20, 37, 3, 2, 1, 1, false)
		src := make([]float32, g.Planes*g.InPlane())
		dst := make([]float32, g.Planes*g.OutPlane())
		idx := make([]int64, len(dst))
		div := neonDivisor(&g, false, 0, false)
		gl := neonGeom2(2, 20, 37, 2, 2, 0, 1, false)
		pw := Power{P: 2}
		for name, f := range map[string]func(){
			"max":       func() { MaxPool(dst, nil, src, &g) },
			"maxIdx":    func() { MaxPool(dst, idx, src, &g) },
			"avg":       func() { AvgPool(dst, src, &g, &div) },
			"lp":        func() { LpPool(dst[:g.Planes*gl.OutPlane()], src, &gl, &pw) },
			"global":    func() { GlobalMax(dst[:2], nil, src, 2, g.InPlane()) },
			"globalIdx": func() { GlobalMax(dst[:2], idx[:2], src, 2, g.InPlane()) },
			"mean":      func() { GlobalMean(dst[:2], src, 2, g.InPlane()) },
		} {
			if n := testing.AllocsPerRun(20, f); n != 0 {
				t.Errorf("%s: %v allocations per call", name, n)
			}
		}
	})
}

// TestNEONGlobalMean checks the NEON cascade sum bit for bit against the
// generic one, on sizes around every cascade boundary.
func TestNEONGlobalMean(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	neonHits = 0
	var sizes []int
	for n := 0; n <= 4*32+9; n++ {
		sizes = append(sizes, n)
	}
	for _, rows := range []int{15, 16, 17, 31, 32, 33, 255, 256, 257, 4095, 4096, 4097} {
		for _, extra := range []int{0, 7, 8, 31} {
			sizes = append(sizes, rows*32+extra)
		}
	}
	if !testing.Short() {
		sizes = append(sizes, 65535*32+9, 65536*32, 65537*32+31)
	}
	for _, n := range sizes {
		planes := 1 + r.IntN(2)
		src := make([]float32, planes*n)
		neonFill(r, src, r.IntN(3))
		if r.IntN(3) == 0 {
			for i := range src {
				src[i] = float32(r.NormFloat64() * 1e4)
			}
		}
		gen, neon, _, _ := neonRunBoth(t, planes, func(dst []float32, _ []int64) {
			GlobalMean(dst, src, planes, n)
		})
		for i := range gen {
			if !neonSame(gen[i], neon[i]) {
				t.Fatalf("n=%d plane %d: mean %v, generic %v", n, i, neon[i], gen[i])
			}
		}
	}
	neonCoverage(t, len(sizes), len(sizes)-8)
}
