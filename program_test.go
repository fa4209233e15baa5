package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The one test harness of the kernels: every test body runs once per
// implementation this machine has (forEachISA), builds Programs for it and
// compares them with the generic kernels (pool_generic.go, the oracle): every
// value bit for bit (a NaN equals any NaN), every index exactly, for float32
// and float64, with outputs at misaligned starts between guard words (and, in
// guard_test.go, against PROT_NONE pages).

// forEachISA runs f once per available ISA, with the kernels switched to it.
func forEachISA(t *testing.T, f func(t *testing.T, isa ISA)) {
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

// axisOf builds an Axis whose Out follows PyTorch's output-size rule (false:
// no output).
func axisOf(in, k, s, p, d int, ceil bool) (Axis, bool) {
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
	return Axis{In: in, Out: o, Kernel: k, Stride: s, Pad: p, Dilation: d}, o >= 1
}

// randAxis draws an axis: kernel 1..7, stride 1..4 (often 1 or 2), dilation
// 1..maxD, padding 0..k/2, ceil mode or not, input length in [lo, hi].
func randAxis(r *rand.Rand, lo, hi, maxD int) Axis {
	for {
		k, s, d := 1+r.IntN(7), 1+r.IntN(4), 1+r.IntN(maxD)
		if r.IntN(3) > 0 {
			s = 1 + r.IntN(2)
		}
		if a, ok := axisOf(lo+r.IntN(hi-lo+1), k, s, r.IntN(k/2+1), d, r.IntN(2) == 0); ok {
			return a
		}
	}
}

// fill writes random data: normals, or small integers (ties), or normals
// after a ReLU (half of them zeros, of either sign), or zeros of either sign
// and -1s (windows whose maximum and sum are zeros), with NaNs, infinities
// and zeros of both signs when special is set.
func fill[T Float](r *rand.Rand, x []T, special bool) {
	kind := r.IntN(5)
	for i := range x {
		switch kind {
		case 0:
			x[i] = T(r.NormFloat64())
		case 1:
			x[i] = T(r.IntN(5) - 2)
		case 2, 3:
			x[i] = 0
			if kind == 2 {
				x[i] = T(max(r.NormFloat64(), 0))
			} else if r.IntN(4) == 0 {
				x[i] = -1
			}
			if x[i] == 0 && r.IntN(2) == 0 {
				x[i] = T(math.Copysign(0, -1))
			}
		default:
			x[i] = T(r.NormFloat64() * 1e3)
		}
		if special {
			switch r.IntN(40) {
			case 0:
				x[i] = T(math.NaN())
			case 1:
				x[i] = T(math.Inf(1))
			case 2:
				x[i] = T(math.Inf(-1))
			case 3:
				x[i] = T(math.Copysign(0, -1))
			case 4:
				x[i] = 0
			}
		}
	}
	if special && r.IntN(6) == 0 { // runs of -inf: windows of -inf only
		for i := range x {
			if r.IntN(2) == 0 {
				x[i] = T(math.Inf(-1))
			}
		}
	}
}

// bitsOf returns x's bits, with every NaN the same.
func bitsOf[T Float](x T) uint64 {
	if x != x {
		return 1
	}
	if f, ok := any(x).(float32); ok {
		return uint64(math.Float32bits(f))
	}
	return math.Float64bits(float64(x))
}

// guarded returns n elements at a random misaligned start inside a buffer
// whose guardWords elements before and after hold guard; check reports
// whether the guards are intact.
func guarded[E comparable](r *rand.Rand, n int, guard E) (s []E, check func() bool) {
	const guardWords = 17
	off := guardWords + r.IntN(16)
	buf := make([]E, off+n+guardWords)
	for i := range buf {
		buf[i] = guard
	}
	return buf[off : off+n], func() bool {
		for i, v := range buf {
			if (i < off || i >= off+n) && v != guard {
				return false
			}
		}
		return true
	}
}

// An opCase is one operator on one geometry: its Program and the generic
// kernel it must agree with.
type opCase[T Float] struct {
	name   string
	prog   *Program[T]
	oracle func(dst []T, idx []int64, src []T)
}

// newCase builds a random operator of kind op ("max", "maxIdx", "avg", "lp")
// over g.
func newCase[T Float](t *testing.T, r *rand.Rand, op string, g Geometry) opCase[T] {
	t.Helper()
	c := opCase[T]{name: fmt.Sprintf("%s %T %+v", op, T(0), g)}
	var err error
	switch op {
	case "max", "maxIdx":
		c.prog, err = NewMax[T](g, op == "maxIdx")
		c.oracle = func(dst []T, idx []int64, src []T) { maxPoolGeneric(dst, idx, src, &g) }
	case "avg":
		g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
		div := divisorFor(r, &g)
		c.name += fmt.Sprintf(" %+v", div)
		c.prog, err = NewAvg[T](g, *div)
		c.oracle = func(dst []T, _ []int64, src []T) { avgPoolGeneric(dst, src, &g, div) }
	case "lp":
		return lpCase[T](t, g, []float64{1, 2, 2, 3, 0.5}[r.IntN(5)])
	}
	require.NoError(t, err, c.name)
	return c
}

// divisorFor builds the divisor of an avg pooling over g, PyTorch's way, with
// or without the padding, or an override, or adaptive's successive factors.
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
		div.Override = []int{1, 3, 7, -2, 1 << 20}[r.IntN(5)]
		div.D, div.H, div.W = nil, nil, nil
	case 1:
		div.Successive = true
	}
	return div
}

// check runs c on random data and compares it with its oracle.
func (c opCase[T]) check(t *testing.T, r *rand.Rand, special bool) {
	t.Helper()
	src, srcOK := guarded(r, c.prog.InputLen(), T(7))
	fill(r, src, special)
	c.checkOn(t, r, src)
	require.True(t, srcOK(), "%s: a guard word of src changed", c.name)
}

// checkOn runs c on src and compares it with its oracle.
func (c opCase[T]) checkOn(t *testing.T, r *rand.Rand, src []T) {
	t.Helper()
	n := c.prog.OutputLen()
	want, wantIdx := make([]T, n), make([]int64, n)
	var oi []int64
	if c.prog.HasIndices() {
		oi = wantIdx
	}
	c.oracle(want, oi, src)

	guard := T(-1.2345e-30) // no output of these tests
	dst, dstOK := guarded(r, n, guard)
	var idx []int64
	idxOK := func() bool { return true }
	if c.prog.HasIndices() {
		idx, idxOK = guarded(r, n, int64(-7))
	}
	require.NoError(t, c.prog.Run(dst, idx, src), c.name)
	require.True(t, dstOK(), "%s: a guard word of dst changed", c.name)
	require.True(t, idxOK(), "%s: a guard word of idx changed", c.name)
	for i := range want {
		if bitsOf(dst[i]) != bitsOf(want[i]) {
			require.Failf(t, "value differs", "%s [%d]: got %v, want %v (kernels %v)", c.name, i, dst[i], want[i], c.prog.Kernels())
		}
		if idx != nil && idx[i] != wantIdx[i] {
			require.Failf(t, "index differs", "%s [%d]: got index %d, want %d (value %v; kernels %v)", c.name, i, idx[i], wantIdx[i], want[i], c.prog.Kernels())
		}
	}
}

var ops = []string{"max", "maxIdx", "avg", "lp"}

// eachType runs f for float32 and float64.
func eachType(t *testing.T, f32 func(t *testing.T), f64 func(t *testing.T)) {
	t.Run("float32", f32)
	t.Run("float64", f64)
}

func testWindows1D[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for in := 1; in <= 4*16+3; in++ {
		for k := 1; k <= 7; k++ {
			for s := 1; s <= 4; s++ {
				d := 1 + (in+k+s)%3
				a, ok := axisOf(in, k, s, (in+s)%(k/2+1), d, (in+k)%2 == 0)
				if !ok {
					continue
				}
				g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit, W: a}
				newCase[T](t, r, ops[(in+k+s)%4], g).check(t, r, in%3 == 0)
			}
		}
	}
}

func TestWindows1D(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testWindows1D[float32], testWindows1D[float64])
	})
}

// randGeometry draws a 1d, 2d or 3d geometry (by i) of 1..3 planes.
func randGeometry(r *rand.Rand, i int) Geometry {
	g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: Unit}
	switch i % 3 {
	case 0:
		g.W = randAxis(r, 1, 300, 3)
	case 1:
		g.H, g.W = randAxis(r, 1, 24, 3), randAxis(r, 1, 70, 3)
	default:
		g.D, g.H, g.W = randAxis(r, 1, 8, 2), randAxis(r, 1, 10, 3), randAxis(r, 1, 40, 3)
	}
	return g
}

func testWindowsRandom[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 600 {
		g := randGeometry(r, i)
		newCase[T](t, r, ops[r.IntN(4)], g).check(t, r, r.IntN(2) == 0)
	}
}

func TestWindowsRandom(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testWindowsRandom[float32], testWindowsRandom[float64])
	})
}

// TestEveryKernelReached builds, for every kernel of the table that this
// machine can run, a geometry that selects it, and checks that Programs pick
// it and agree with the generic kernels: no kernel can be generated and left
// untested.
func TestEveryKernelReached(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	r := rand.New(rand.NewPCG(5, 6))
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		ki := info(id)
		if ki.isa != Generic && !supported(ki.isa) || ki.size == 1 || expandOp(ki.op) || ki.op == kMeanBwd { // bytes: bytes_test.go; backward kernels: TestBackwardKernelsReached
			continue
		}
		require.NoError(t, Use(ki.isa))
		if ki.kind == kindChannels {
			require.True(t, chanKernelReached(t, r, ki), "kernel %s is never selected", ki.name)
			continue
		}
		reached := false
		for _, g := range kernelGeometries(ki) {
			op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx", kSum: "avg", kSumSq: "lp", kMean: "mean"}[ki.op]
			if ki.kind == kindGlobal {
				continue // below
			}
			var c opCase[float32]
			var c64 opCase[float64]
			if ki.size == 4 {
				c = newCase[float32](t, r, op, g)
				if op == "lp" {
					c = lpCase[float32](t, g, 2)
				}
				reached = reached || contains(c.prog.Kernels(), ki.name)
				c.check(t, r, true)
			} else {
				c64 = newCase[float64](t, r, op, g)
				if op == "lp" {
					c64 = lpCase[float64](t, g, 2)
				}
				reached = reached || contains(c64.prog.Kernels(), ki.name)
				c64.check(t, r, true)
			}
		}
		if ki.kind == kindGlobal { // their tests: global_test.go, mean_kernels_test.go
			reached = globalKernels(t, ki)
		}
		require.True(t, reached, "kernel %s is never selected", ki.name)
	}
}

// TestNaNInEveryColumn puts one NaN, in turn, in every column of rows whose
// lengths end on, just before and just after a chunk boundary, for every max
// kernel of fixed taps: the kernels' NaN detectors check only some loads of
// interior chunks (see winArgs), and no column may escape all of them.
func TestNaNInEveryColumn(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	r := rand.New(rand.NewPCG(9, 10))
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		ki := info(id)
		if ki.kind != kindWindow || ki.k == 0 || (ki.op != kMax && ki.op != kMaxIdx) || !supported(ki.isa) {
			continue
		}
		require.NoError(t, Use(ki.isa))
		eachType(t, func(t *testing.T) { nanInEveryColumn[float32](t, r, ki) }, func(t *testing.T) { nanInEveryColumn[float64](t, r, ki) })
	}
}

func nanInEveryColumn[T Float](t *testing.T, r *rand.Rand, ki *kernelInfo) {
	if size[T]() != ki.size {
		return
	}
	op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx"}[ki.op]
	for m := 1; m <= 3; m++ {
		for _, wo := range []int{m*ki.lanes - 1, m * ki.lanes, m*ki.lanes + 1} {
			in := (wo-1)*ki.s + (ki.k-1)*ki.d + 1 - 2*ki.p // the least input of wo outputs
			for extra := range ki.s {
				a, ok := axisOf(in+extra, ki.k, ki.s, ki.p, ki.d, false)
				if !ok || a.Out != wo {
					continue
				}
				c := newCase[T](t, r, op, Geometry{Planes: 1, D: Unit, H: Unit, W: a})
				require.Contains(t, c.prog.Kernels(), ki.name, c.name)
				for col := range a.In {
					src := make([]T, a.In)
					fill(r, src, false)
					src[col] = T(math.NaN())
					c.checkOn(t, r, src)
				}
			}
		}
	}
}

// globalKernels reports whether a global Program of ki's type and op picks
// ki.
func globalKernels(t *testing.T, ki *kernelInfo) bool {
	if ki.size == 4 {
		return contains(globalNames[float32](t, ki.op), ki.name)
	}
	return contains(globalNames[float64](t, ki.op), ki.name)
}

// globalNames returns the kernels of a global max or mean Program.
func globalNames[T Float](t *testing.T, op kernelOp) []string {
	p, err := NewGlobalMean[T](3, 100)
	if op == kMax {
		p, err = NewGlobalMax[T](3, 100, false)
	}
	require.NoError(t, err)
	return p.Kernels()
}

func contains(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

// kernelGeometries returns 2d geometries whose horizontal taps are the
// kernel's (for a kernel of any taps, taps no other kernel has), with row
// widths around its lanes.
func kernelGeometries(ki *kernelInfo) []Geometry {
	s, k, d, p := ki.s, ki.k, ki.d, ki.p
	if k == 0 {
		k, d, p = 4, 3, 2 // taps no fixed kernel has
		if s == 0 {
			s = 3
		}
	}
	if ki.op == kSum || ki.op == kSumSq {
		d = 1 // avg and LP windows have no dilation
		if ki.k == 0 {
			k, p = 6, 2
		}
	}
	if ki.op == kSumSq {
		p = 0
	}
	var gs []Geometry
	for _, in := range []int{1, 7, ki.lanes*s + 3, 4*ki.lanes*s + 1} {
		w, ok := axisOf(in+(k-1)*d, k, s, p, d, false)
		h, _ := axisOf(5, 3, 2, 1, 1, false)
		if ok {
			gs = append(gs, Geometry{Planes: 2, D: Unit, H: h, W: w})
		}
	}
	return gs
}

// lpCase is an LP pooling with power p over g, its padding and dilation
// dropped (and its kernel clipped to the input), with PyTorch's exact-power
// tails.
func lpCase[T Float](t *testing.T, g Geometry, p float64) opCase[T] {
	g = lpGeometry(g)
	n, m := g.Planes*g.InPlane(), g.Planes*g.OutPlane()
	pw := NewPower[T](p, n, m)
	prog, err := NewLp[T](g, pw)
	require.NoError(t, err)
	return opCase[T]{name: fmt.Sprintf("lp %T %+v p=%v", T(0), g, p), prog: prog,
		oracle: func(dst []T, _ []int64, src []T) { lpPoolGeneric(dst, src, &g, &pw) }}
}

// lpGeometry is g without padding and dilation, its kernels clipped to the
// input, as LP pooling takes it.
func lpGeometry(g Geometry) Geometry {
	for _, a := range []*Axis{&g.D, &g.H, &g.W} {
		a.Pad, a.Dilation, a.Kernel = 0, 1, min(a.Kernel, a.In)
		a.Out = (a.In-a.Kernel)/a.Stride + 1
	}
	return g
}

// TestSuiteKernels checks that under every SIMD ISA the suite's geometries run
// kernels of that ISA, not the generic ones: a silent fallback cannot pass.
func TestSuiteKernels(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		if isa == Generic {
			return
		}
		for _, g := range suiteGeometries() {
			for _, withIdx := range []bool{false, true} {
				p, err := NewMax[float32](g, withIdx)
				require.NoError(t, err)
				for _, n := range p.Kernels() {
					require.True(t, strings.HasSuffix(n, strings.ToUpper(string(isa))), "%+v: kernel %s under %s", g, n, isa)
				}
			}
		}
	})
}

// TestTwoPassBands runs two-pass max pooling where a plane's horizontal
// maxima do not fit the scratch at once and are made in bands (each band's
// classes start at its own first window): wide rows, the suite's 3d shape,
// and random ones.
func TestTwoPassBands(t *testing.T) {
	ax := func(in, k, s, p, d int) Axis {
		a, ok := axisOf(in, k, s, p, d, false)
		require.True(t, ok)
		return a
	}
	forEachISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(11, 12))
		gs := []Geometry{
			{Planes: 1, D: Unit, H: ax(23, 2, 1, 0, 1), W: ax(1234, 2, 1, 0, 1)},
			{Planes: 2, D: ax(16, 3, 2, 1, 1), H: ax(56, 3, 2, 1, 1), W: ax(56, 3, 2, 1, 1)},
			{Planes: 2, D: Unit, H: ax(40, 3, 2, 1, 1), W: ax(3000, 3, 2, 1, 1)},
		}
		for range 12 {
			gs = append(gs, Geometry{Planes: 1 + r.IntN(2), D: Unit,
				H: randAxis(r, 8, 40, 2), W: ax(2000+r.IntN(3000), 2+r.IntN(2), 1+r.IntN(2), r.IntN(2), 1)})
		}
		for _, g := range gs {
			c := newCase[float32](t, r, "max", g)
			c.check(t, r, true)
			c64 := newCase[float64](t, r, "max", g)
			c64.check(t, r, true)
		}
	})
}

// suiteGeometries are the max pooling geometries of the standard suite.
func suiteGeometries() []Geometry {
	ax := func(in, k, s, p, d int) Axis {
		a, _ := axisOf(in, k, s, p, d, false)
		return a
	}
	return []Geometry{
		{Planes: 64, D: Unit, H: ax(112, 3, 2, 1, 1), W: ax(112, 3, 2, 1, 1)},
		{Planes: 64, D: Unit, H: ax(224, 2, 2, 0, 1), W: ax(224, 2, 2, 0, 1)},
		{Planes: 2048, D: Unit, H: Unit, W: ax(4096, 3, 2, 1, 1)},
		{Planes: 64, D: ax(16, 2, 2, 0, 1), H: ax(56, 2, 2, 0, 1), W: ax(56, 2, 2, 0, 1)},
		{Planes: 64, D: ax(16, 3, 2, 1, 1), H: ax(56, 3, 2, 1, 1), W: ax(56, 3, 2, 1, 1)},
		{Planes: 64, D: Unit, H: ax(56, 3, 1, 1, 2), W: ax(56, 3, 1, 1, 2)},
	}
}

// TestExpectedISAs fails when an ISA that SIMDPOOL_EXPECT names (comma
// separated, e.g. "avx2,avx512" or "neon") is not available here or does not
// run the suite's geometries: CI sets it so that a broken detection or a
// silent fallback to the generic kernels cannot pass.
func TestExpectedISAs(t *testing.T) {
	env := os.Getenv("SIMDPOOL_EXPECT")
	if env == "" {
		t.Skip("SIMDPOOL_EXPECT not set")
	}
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	for _, name := range strings.Split(env, ",") {
		isa := ISA(strings.TrimSpace(name))
		require.Contains(t, Available(), isa, "expected ISA %s is not available", isa)
		require.NoError(t, Use(isa))
		for _, g := range suiteGeometries() {
			p, err := NewMax[float32](g, false)
			require.NoError(t, err)
			require.True(t, strings.HasSuffix(p.Kernels()[0], strings.ToUpper(string(isa))), "%s did not run: %v", isa, p.Kernels())
		}
	}
}
