package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/internal/layout"
	"github.com/stretchr/testify/require"
)

// The channels-last Programs against the channels-first generic code: every
// case pools images laid out channels-last and must give, bit for bit, the
// channels-first oracle's values and indices on the transposed input,
// transposed back.

// clChannels are the channel counts the tests draw from: around the vector
// widths of every ISA (4, 8 and 16 float32 lanes, 2, 4 and 8 float64 ones),
// around the narrow chunks' pixel counts, and S5's 2048.
var clChannels = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 23, 31, 32, 33, 47, 64, 65}

// clCase builds operator op ("max", "maxIdx", "avg", "lp") over g (Planes
// images) laid out channels-last with c channels, and its oracle.
func clCase[T Float](t *testing.T, r *rand.Rand, op string, g Geometry, c int) opCase[T] {
	t.Helper()
	images := g.Planes
	g.Planes, g.Channels = images*c, 0
	var first func(dst []T, idx []int64, src []T)
	var prog *Program[T]
	var err error
	gl := g
	gl.Channels = c
	name := fmt.Sprintf("%s %T channels-last c=%d %+v", op, T(0), c, g)
	switch op {
	case "max", "maxIdx":
		prog, err = NewMax[T](gl, op == "maxIdx")
		first = func(dst []T, idx []int64, src []T) { maxPoolGeneric(dst, idx, src, &g) }
	case "avg":
		g.D.Dilation, g.H.Dilation, g.W.Dilation = 1, 1, 1
		gl = g
		gl.Channels = c
		div := divisorFor(r, &g)
		name += fmt.Sprintf(" %+v", div)
		prog, err = NewAvg[T](gl, *div)
		first = func(dst []T, _ []int64, src []T) { avgPoolGeneric(dst, src, &g, div) }
	case "lp":
		g = lpGeometry(g)
		gl = g
		gl.Channels = c
		p := []float64{1, 2, 2, 3, 0.5}[r.IntN(5)]
		name += fmt.Sprintf(" p=%v", p)
		pw := NewPower[T](p, g.Planes*g.InPlane(), g.Planes*g.OutPlane())
		prog, err = NewLp[T](gl, pw)
		first = func(dst []T, _ []int64, src []T) { lpPoolGeneric(dst, src, &g, &pw) }
	}
	require.NoError(t, err, name)
	inP, outP := g.InPlane(), g.OutPlane()
	return opCase[T]{name: name, prog: prog, oracle: func(dst []T, idx []int64, src []T) {
		s := make([]T, len(src))
		layout.ToFirst(s, src, images, c, inP)
		d := make([]T, len(dst))
		var x []int64
		if idx != nil {
			x = make([]int64, len(idx))
		}
		first(d, x, s)
		layout.ToLast(dst, d, images, c, outP)
		if idx != nil {
			layout.ToLast(idx, x, images, c, outP)
		}
	}}
}

func testChannelsLastRandom[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := range 400 {
		g := randGeometry(r, i)
		c := clChannels[r.IntN(len(clChannels))]
		clCase[T](t, r, ops[r.IntN(4)], g, c).check(t, r, r.IntN(2) == 0)
	}
}

func TestChannelsLastRandom(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testChannelsLastRandom[float32], testChannelsLastRandom[float64])
	})
}

// chanKernelReached checks channels-last Programs that should pick the
// channels-last kernel ki (the ISA in use is ki's), narrow and wide, and
// reports whether one did.
func chanKernelReached(t *testing.T, r *rand.Rand, ki *kernelInfo) bool {
	if ki.size == 4 {
		return chanReached[float32](t, r, ki)
	}
	return chanReached[float64](t, r, ki)
}

func chanReached[T Float](t *testing.T, r *rand.Rand, ki *kernelInfo) bool {
	reached := false
	h, _ := axisOf(9, 3, 2, 1, 1, false)
	w, _ := axisOf(11, 3, 1, 1, 1, false)
	for _, c := range []int{2, 3, ki.lanes + 1, 3 * ki.lanes} {
		var cs opCase[T]
		switch ki.op {
		case kMean:
			cs = meanCLCase[T](t, 2, c, 1+r.IntN(300))
		default:
			op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx", kSum: "avg", kSumSq: "lp"}[ki.op]
			g := Geometry{Planes: 2, D: Unit, H: h, W: w}
			cs = clCase[T](t, r, op, g, c)
			for try := 0; op == "lp" && try < 20 && !contains(cs.prog.Kernels(), ki.name); try++ {
				cs = clCase[T](t, r, op, g, c) // LP draws its power: p = 2 runs sumSq
			}
		}
		reached = reached || contains(cs.prog.Kernels(), ki.name)
		cs.check(t, r, true)
	}
	return reached
}

// meanCLCase is the global mean of images images of n pixels of c channels.
func meanCLCase[T Float](t *testing.T, images, c, n int) opCase[T] {
	prog, err := NewGlobalMeanChannelsLast[T](images*c, c, n)
	require.NoError(t, err)
	return opCase[T]{name: fmt.Sprintf("mean %T channels-last %d x %d x %d", T(0), images, n, c), prog: prog,
		oracle: func(dst []T, _ []int64, src []T) {
			s := make([]T, len(src))
			layout.ToFirst(s, src, images, c, n)
			d := make([]T, len(dst))
			globalMeanGeneric(d, s, images*c, n)
			layout.ToLast(dst, d, images, c, 1)
		}}
}
