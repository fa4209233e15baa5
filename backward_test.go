package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The backward harness: every Backward, on every ISA this machine has, is
// compared with the generic backward kernels (backward_generic.go) bit for
// bit, for float32 and float64, with the gradient at a misaligned start
// between guard words; the generic kernels themselves are checked against
// the forward (a linear map's adjoint) in float64.

// A backCase is one backward on one geometry: its Backward, the inputs of a
// run and the generic kernel it must agree with.
type backCase[T Float] struct {
	name   string
	back   *Backward[T]
	gout   []T
	idx    []int64
	src    []T
	oracle func(gin []T)
}

// backOps are the backward kinds the tests draw from.
var backOps = []string{"max", "avg", "lp", "scatter", "mean"}

// newBackCase builds a backward of kind op over g with random inputs: max
// takes the indices of the forward on random data, with a few replaced by -1
// or by another element of the plane (then the expand kernels leave the
// plane to the generic scatter) when odd is set.
func newBackCase[T Float](t *testing.T, r *rand.Rand, op string, g Geometry, odd bool) backCase[T] {
	t.Helper()
	c := backCase[T]{name: fmt.Sprintf("%s backward %T %+v", op, T(0), g)}
	var err error
	gg := g
	switch op {
	case "max", "scatter":
		if op == "max" {
			c.back, err = NewMaxBackward[T](g)
		} else {
			c.back, err = NewScatterBackward[T](g.Planes, g.InPlane(), g.OutPlane())
		}
		require.NoError(t, err, c.name)
		x := make([]T, g.Planes*g.InPlane())
		fill(r, x, true)
		out := make([]T, g.Planes*g.OutPlane())
		c.idx = make([]int64, len(out))
		maxPoolGeneric(out, c.idx, x, &g)
		if odd && len(c.idx) > 0 {
			for range 1 + r.IntN(3) {
				c.idx[r.IntN(len(c.idx))] = int64(r.IntN(g.InPlane()+1)) - 1
			}
		}
		c.oracle = func(gin []T) { scatterGeneric(gin, c.gout, c.idx, gg.Planes, gg.InPlane(), gg.OutPlane()) }
	case "avg":
		gg.D.Dilation, gg.H.Dilation, gg.W.Dilation = 1, 1, 1
		div := divisorFor(r, &gg)
		c.name += fmt.Sprintf(" %+v", div)
		c.back, err = NewAvgBackward[T](gg, *div)
		c.oracle = func(gin []T) { avgBackwardGeneric(gin, c.gout, &gg, div) }
	case "lp":
		for _, a := range []*Axis{&gg.D, &gg.H, &gg.W} {
			a.Pad, a.Dilation, a.Kernel = 0, 1, min(a.Kernel, a.In)
			a.Out = (a.In-a.Kernel)/a.Stride + 1
		}
		p := []float64{1, 2, 3, 1.5, 0.5, 6}[r.IntN(6)]
		pw := NewPower[T](p, gg.Planes*gg.InPlane(), gg.Planes*gg.OutPlane())
		c.name = fmt.Sprintf("lp backward %T %+v p=%v", T(0), gg, p)
		c.back, err = NewLpBackward[T](gg, pw)
		c.src = make([]T, gg.Planes*gg.InPlane())
		fill(r, c.src, odd)
		c.oracle = func(gin []T) { lpBackwardGeneric(gin, c.gout, c.src, &gg, &pw) }
	case "mean":
		n := g.InPlane()
		c.back, err = NewGlobalMeanBackward[T](g.Planes, n)
		c.oracle = func(gin []T) { meanBackwardGeneric(gin, c.gout, gg.Planes, n) }
	}
	require.NoError(t, err, c.name)
	c.gout = make([]T, c.back.OutputLen())
	fill(r, c.gout, odd)
	return c
}

// check runs c and compares the gradient with its oracle's.
func (c backCase[T]) check(t *testing.T, r *rand.Rand) {
	t.Helper()
	n := c.back.InputLen()
	want := make([]T, n)
	c.oracle(want)
	guard := T(-1.2345e-30)
	gin, ok := guarded(r, n, guard)
	for i := range gin {
		gin[i] = T(math.NaN()) // every element must be written
	}
	require.NoError(t, c.back.Run(gin, c.gout, c.idx, c.src), c.name)
	require.True(t, ok(), "%s: a guard word of gin changed", c.name)
	for i := range want {
		if bitsOf(gin[i]) != bitsOf(want[i]) {
			require.Failf(t, "gradient differs", "%s [%d]: got %v, want %v (kernels %v)", c.name, i, gin[i], want[i], c.back.Kernels())
		}
	}
}

func testBackwardRandom[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for i := range 500 {
		g := randGeometry(r, i)
		newBackCase[T](t, r, backOps[r.IntN(len(backOps))], g, r.IntN(3) == 0).check(t, r)
	}
}

func TestBackwardRandom(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testBackwardRandom[float32], testBackwardRandom[float64])
	})
}

// nonOverlappingAxis draws an axis whose windows do not overlap (stride >=
// kernel), the kind the expand kernels take, around the lane counts.
func nonOverlappingAxis(r *rand.Rand, lo, hi int) Axis {
	for {
		k := 1 + r.IntN(3)
		s := k + r.IntN(2)
		if a, ok := axisOf(lo+r.IntN(hi-lo+1), k, s, r.IntN(k/2+1), 1, r.IntN(2) == 0); ok {
			return a
		}
	}
}

func testBackwardSweep[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for in := 1; in <= 4*16+3; in++ {
		for k := 1; k <= 4; k++ {
			for s := 1; s <= 4; s++ {
				for _, ceil := range []bool{false, true} {
					a, ok := axisOf(in, k, s, (in+s)%(k/2+1), 1, ceil)
					if !ok {
						continue
					}
					h, _ := axisOf(5+in%4, k, s, 0, 1, ceil)
					g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: h, W: a}
					if h.Out < 1 {
						g.H = Unit
					}
					for _, op := range []string{"max", "avg"} {
						newBackCase[T](t, r, op, g, in%5 == 0).check(t, r)
					}
				}
			}
		}
	}
	for i := range 200 {
		g := Geometry{Planes: 1 + r.IntN(4), D: Unit, H: Unit, W: nonOverlappingAxis(r, 1, 140)}
		if i%2 == 1 {
			g.H = nonOverlappingAxis(r, 1, 9)
		}
		if i%4 == 3 {
			g.D = nonOverlappingAxis(r, 1, 5)
		}
		newBackCase[T](t, r, []string{"max", "avg"}[i%2], g, i%3 == 0).check(t, r)
	}
}

// TestBackwardSweep runs max and average backward over every input length
// up to 4*16+3 with kernels 1..4, strides 1..4 and both ceil modes, then
// random windows without overlap in 1d, 2d and 3d.
func TestBackwardSweep(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testBackwardSweep[float32], testBackwardSweep[float64])
	})
}

// expandOp reports whether op is the op of an expand kernel.
func expandOp(op kernelOp) bool { return op == kMaxBwd || op == kAvgBwd }

// TestBackwardKernelsReached builds, for every backward kernel of the table
// this machine runs, geometries that select it, and checks them.
func TestBackwardKernelsReached(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	r := rand.New(rand.NewPCG(35, 36))
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		ki := info(id)
		if (ki.isa != Generic && !supported(ki.isa)) || !(expandOp(ki.op) || ki.op == kMeanBwd) {
			continue
		}
		require.NoError(t, Use(ki.isa))
		s, k, p := ki.s, ki.k, ki.p
		if s == 0 { // a kernel of any stride and taps: taps no asm kernel has
			s, k = 3, 2
		}
		reached := false
		for _, in := range []int{1, 7, ki.lanes*s + 3, 4*ki.lanes*s + 1} {
			w, ok := axisOf(in+k-1, k, s, p, 1, in%2 == 0)
			h, _ := axisOf(5, k, s, 0, 1, false)
			if !ok {
				continue
			}
			g := Geometry{Planes: 3, D: Unit, H: h, W: w}
			for _, odd := range []bool{false, true} {
				op := map[kernelOp]string{kMaxBwd: "max", kAvgBwd: "avg", kMeanBwd: "mean"}[ki.op]
				if ki.size == 4 {
					c := newBackCase[float32](t, r, op, g, odd)
					reached = reached || contains(c.back.Kernels(), ki.name)
					c.check(t, r)
				} else {
					c := newBackCase[float64](t, r, op, g, odd)
					reached = reached || contains(c.back.Kernels(), ki.name)
					c.check(t, r)
				}
			}
		}
		require.True(t, reached, "backward kernel %s is never selected", ki.name)
	}
}

// TestBackwardErrors checks the lengths and the indices: a wrong one is an
// error and leaves the gradient untouched.
func TestBackwardErrors(t *testing.T) {
	g := Geometry{Planes: 2, D: Unit, H: Unit, W: Axis{In: 8, Out: 4, Kernel: 2, Stride: 2, Dilation: 1}}
	b, err := NewMaxBackward[float32](g)
	require.NoError(t, err)
	gin, gout, idx := make([]float32, 16), make([]float32, 8), make([]int64, 8)
	for i := range gin {
		gin[i] = 7
	}
	untouched := func() {
		for _, v := range gin {
			require.Equal(t, float32(7), v)
		}
	}
	require.ErrorIs(t, b.Run(gin[:15], gout, idx, nil), ErrLength)
	require.ErrorIs(t, b.Run(gin, gout[:7], idx, nil), ErrLength)
	require.ErrorIs(t, b.Run(gin, gout, nil, nil), ErrLength)
	require.ErrorIs(t, b.Run(gin, gout, idx, gin), ErrLength)
	for _, bad := range []int64{8, -2, math.MaxInt64, math.MinInt64} {
		idx[5] = bad
		err := b.Run(gin, gout, idx, nil)
		var ie *IndexError
		require.ErrorAs(t, err, &ie)
		require.Equal(t, IndexError{Pos: 5, Index: bad, Limit: 8}, *ie)
	}
	untouched()
	idx[5] = -1
	require.NoError(t, b.Run(gin, gout, idx, nil))

	a, err := NewAvgBackward[float32](g, Divisor{Override: 2})
	require.NoError(t, err)
	require.ErrorIs(t, a.Run(gin, gout, idx, nil), ErrLength)
	lp, err := NewLpBackward[float32](g, NewPower[float32](2, 16, 8))
	require.NoError(t, err)
	require.ErrorIs(t, lp.Run(gin, gout, nil, nil), ErrLength)
	require.ErrorIs(t, lp.Run(gin, gout, nil, gin[:15]), ErrLength)
	g.W.Pad = 1
	_, err = NewLpBackward[float32](g, NewPower[float32](2, 16, 8))
	require.Error(t, err)
}

// TestBackwardRunOn runs random backwards on 1, 2, 3 and 7 workers and
// requires Run's gradient, bit for bit.
func TestBackwardRunOn(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		w, err := NewWorkers(n)
		require.NoError(t, err)
		defer w.Close()
		w.SetMinShare(0)
		r := rand.New(rand.NewPCG(37, uint64(n)))
		for i := range 100 {
			g := randGeometry(r, i)
			g.Planes = 1 + r.IntN(12)
			c := newBackCase[float32](t, r, backOps[i%len(backOps)], g, i%4 == 0)
			want, got := make([]float32, c.back.InputLen()), make([]float32, c.back.InputLen())
			require.NoError(t, c.back.Run(want, c.gout, c.idx, c.src))
			require.NoError(t, c.back.RunOn(w, got, c.gout, c.idx, c.src))
			for k := range want {
				require.Equal(t, bitsOf(want[k]), bitsOf(got[k]), "%s on %d workers [%d]", c.name, n, k)
			}
		}
	}
}

// TestBackwardAdjoint checks the generic average and max backward against
// the forward: both are linear in their input (max for fixed indices), and
// the backward is the adjoint, sum(forward(x)*g) = sum(x*backward(g)), up to
// rounding (float64).
func TestBackwardAdjoint(t *testing.T) {
	r := rand.New(rand.NewPCG(38, 39))
	for i := range 300 {
		g := randGeometry(r, i)
		g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
		for _, a := range []*Axis{&g.D, &g.H, &g.W} {
			*a, _ = axisOf(a.In, a.Kernel, a.Stride, a.Pad, 1, false)
		}
		if g.OutPlane() == 0 {
			continue
		}
		n, m := g.Planes*g.InPlane(), g.Planes*g.OutPlane()
		x, gy := make([]float64, n), make([]float64, m)
		fill(r, x, false)
		fill(r, gy, false)
		dot := func(a, b []float64) (s float64) {
			for k := range a {
				s += a[k] * b[k]
			}
			return s
		}
		div := divisorFor(r, &g)
		y, gx := make([]float64, m), make([]float64, n)
		avgPoolGeneric(y, x, &g, div)
		avgBackwardGeneric(gx, gy, &g, div)
		require.InEpsilon(t, dot(y, gy)+1, dot(x, gx)+1, 1e-9, "avg %+v %+v", g, div)

		idx := make([]int64, m)
		maxPoolGeneric(y, idx, x, &g)
		scatterGeneric(gx, gy, idx, g.Planes, g.InPlane(), g.OutPlane())
		require.InEpsilon(t, dot(y, gy)+1, dot(x, gx)+1, 1e-9, "max %+v", g)
	}
}

// TestLpBackwardDerivative checks the generic LP backward against central
// differences of the generic forward, on positive inputs (float64).
func TestLpBackwardDerivative(t *testing.T) {
	r := rand.New(rand.NewPCG(40, 41))
	for i := range 60 {
		g := Geometry{Planes: 2, D: Unit, H: Unit, W: Axis{In: 5 + r.IntN(9), Kernel: 1 + r.IntN(3), Stride: 1 + r.IntN(3), Dilation: 1}}
		if i%2 == 1 {
			g.H = Axis{In: 2 + r.IntN(4), Kernel: 1 + r.IntN(2), Stride: 1 + r.IntN(2), Dilation: 1}
		}
		ceil := i%3 == 0
		for _, a := range []*Axis{&g.H, &g.W} {
			if a.In > 1 {
				*a, _ = axisOf(a.In, min(a.Kernel, a.In), a.Stride, 0, 1, ceil)
			}
		}
		p := []float64{1, 2, 3, 1.5, 2.5}[i%5]
		n, m := g.Planes*g.InPlane(), g.Planes*g.OutPlane()
		pw := NewPower[float64](p, n, m)
		x, gy := make([]float64, n), make([]float64, m)
		for k := range x {
			x[k] = 0.5 + r.Float64()
		}
		fill(r, gy, false)
		gx := make([]float64, n)
		lpBackwardGeneric(gx, gy, x, &g, &pw)
		y := make([]float64, m)
		loss := func() (s float64) {
			lpPoolGeneric(y, x, &g, &pw)
			for k := range y {
				s += y[k] * gy[k]
			}
			return s
		}
		for k := range x {
			const h = 1e-6
			x0 := x[k]
			x[k] = x0 + h
			up := loss()
			x[k] = x0 - h
			down := loss()
			x[k] = x0
			require.InDelta(t, (up-down)/(2*h), gx[k], 1e-5*(1+math.Abs(gx[k])), "%+v p=%v [%d]", g, p, k)
		}
	}
}

func testMeanBackwardSizes[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(42, 43))
	for _, n := range []int{1, 2, 3, 5, 7, 8, 15, 16, 17, 49, 63, 64, 65, 100, 4097} {
		for _, planes := range []int{1, 7, 15, 16, 17, 33, 50} {
			g := Geometry{Planes: planes, D: Unit, H: Unit, W: Axis{In: n, Out: 1, Kernel: n, Stride: n, Dilation: 1}}
			newBackCase[T](t, r, "mean", g, n%2 == 0).check(t, r)
		}
	}
}

// TestMeanBackwardSizes runs the global mean's backward over plane sizes and
// counts around the vector widths and the fill kernels' paths.
func TestMeanBackwardSizes(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testMeanBackwardSizes[float32], testMeanBackwardSizes[float64])
	})
}

func testBackwardOverlapping[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(44, 45))
	for in := 1; in <= 4*16+3; in++ {
		for _, ceil := range []bool{false, true} {
			w, ok := axisOf(in, 3, 2, 1, 1, ceil)
			if !ok {
				continue
			}
			hs := []Axis{Unit}
			if h, ok := axisOf(1+in%9, 3, 2, 1, 1, ceil); ok {
				hs = append(hs, h)
			}
			for _, h := range hs {
				g := Geometry{Planes: 1 + r.IntN(3), D: Unit, H: h, W: w}
				newBackCase[T](t, r, "max", g, in%4 == 0).check(t, r)
			}
		}
	}
}

// TestBackwardOverlapping runs max backward over overlapping 3-tap stride-2
// windows with padding 1 (ResNet's stem: the scalar scatter in order) in 1d
// and 2d, every row length up to 4*16+3, both ceil modes, with indices
// outside their windows now and then.
func TestBackwardOverlapping(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testBackwardOverlapping[float32], testBackwardOverlapping[float64])
	})
}
