//go:build linux

package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The kernels must not read or write outside their slices: every input here
// starts right after, or ends right before, a PROT_NONE page, and every output
// ends right before one, so that an access past either end faults.

// guarded maps n elements of size esz between two PROT_NONE pages, placed
// against the upper guard page (atEnd) or against the lower one.
func guarded(t *testing.T, n, esz int, atEnd bool) unsafe.Pointer {
	t.Helper()
	page := unix.Getpagesize()
	data := (n*esz + page - 1) / page * page
	if data == 0 {
		data = page
	}
	mem, err := unix.Mmap(-1, 0, data+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	require.NoError(t, err)
	t.Cleanup(func() { unix.Munmap(mem) })
	require.NoError(t, unix.Mprotect(mem[:page], unix.PROT_NONE))
	require.NoError(t, unix.Mprotect(mem[page+data:], unix.PROT_NONE))
	off := page
	if atEnd {
		off = page + data - n*esz
	}
	return unsafe.Pointer(&mem[off])
}

func guardedF32(t *testing.T, n int, atEnd bool) []float32 {
	return unsafe.Slice((*float32)(guarded(t, n, 4, atEnd)), n)
}

func guardedI64(t *testing.T, n int) []int64 {
	return unsafe.Slice((*int64)(guarded(t, n, 8, true)), n)
}

func TestGuardPages(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(13, 14))
		for i := 0; i < 120; i++ {
			g := Geometry{Planes: 1 + r.IntN(2), D: Unit, H: Unit}
			switch i % 3 {
			case 0:
				g.W = randAxis(r, 1, 140, 3)
			case 1:
				g.H, g.W = randAxis(r, 1, 12, 3), randAxis(r, 1, 70, 3)
			default:
				g.D, g.H, g.W = randAxis(r, 1, 5, 3), randAxis(r, 1, 6, 3), randAxis(r, 1, 40, 3)
			}
			if i%4 == 0 { // a separable max geometry
				s, k := 1+r.IntN(2), 2+r.IntN(2)
				g.W, _ = axis(1+r.IntN(100), k, s, r.IntN(2), 1, r.IntN(2) == 0)
			}
			nIn, nOut := g.Planes*g.InPlane(), g.Planes*g.OutPlane()
			want := make([]float32, nOut)
			wantIdx := make([]int64, nOut)
			for _, atEnd := range []bool{true, false} {
				in := guardedF32(t, nIn, atEnd)
				fill(r, in, true)
				out := guardedF32(t, nOut, true)
				idx := guardedI64(t, nOut)

				maxPoolGeneric(want, wantIdx, in, &g)
				MaxPool(out, nil, in, &g)
				compare(t, out, want, "guarded max")
				MaxPool(out, idx, in, &g)
				compare(t, out, want, "guarded max with index")
				compareIdx(t, idx, wantIdx, "guarded max")

				a := g
				a.D, a.H, a.W = noDilation(r, a.D, true), noDilation(r, a.H, true), noDilation(r, a.W, true)
				if a.Planes*a.InPlane() == nIn {
					ao := guardedF32(t, a.Planes*a.OutPlane(), true)
					div := divisorFor(r, &a)
					aw := make([]float32, len(ao))
					avgPoolGeneric(aw, in, &a, div)
					AvgPool(ao, in, &a, div)
					compare(t, ao, aw, "guarded avg")
				}
				l := g
				l.D, l.H, l.W = noDilation(r, l.D, false), noDilation(r, l.H, false), noDilation(r, l.W, false)
				if l.Planes*l.InPlane() == nIn {
					lo := guardedF32(t, l.Planes*l.OutPlane(), true)
					pw := &Power{P: float64(1 + r.IntN(2)), SrcExactFrom: math.MaxInt, DstExactFrom: math.MaxInt}
					lw := make([]float32, len(lo))
					lpPoolGeneric(lw, in, &l, pw)
					LpPool(lo, in, &l, pw)
					compare(t, lo, lw, "guarded lp")
				}

				planes := g.Planes
				n := nIn / planes
				gw, gi := make([]float32, planes), make([]int64, planes)
				go_, gidx := guardedF32(t, planes, true), guardedI64(t, planes)
				globalMaxGeneric(gw, gi, in, planes, n)
				GlobalMax(go_, gidx, in, planes, n)
				compare(t, go_, gw, "guarded global max")
				compareIdx(t, gidx, gi, "guarded global max")
				globalMeanGeneric(gw, in, planes, n)
				GlobalMean(go_, in, planes, n)
				compare(t, go_, gw, "guarded global mean")
			}
		}
	})
}

// TestGuardPagesAvgNarrow runs the column-major and pair avg kernels on small
// planes whose input ends right before (or starts right after) a PROT_NONE
// page: whole-vector loads must stay off the input's last plane.
func TestGuardPagesAvgNarrow(t *testing.T) {
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(19, 20))
		for _, c := range [][2]int{{1, 2}, {1, 3}, {2, 2}, {2, 3}} {
			s, k := c[0], c[1]
			for in := 2; in <= 36; in++ {
				w, ok := axis(in, k, s, 0, 1, false)
				if !ok {
					continue
				}
				h, ok := axis(1+r.IntN(8), k, s, r.IntN(k/2+1), 1, false)
				if !ok {
					continue
				}
				g := Geometry{Planes: 1 + r.IntN(6), D: Unit, H: h, W: w}
				for _, atEnd := range []bool{true, false} {
					src := guardedF32(t, g.Planes*g.InPlane(), atEnd)
					fill(r, src, false)
					div := divisorFor(r, &g)
					want := make([]float32, g.Planes*g.OutPlane())
					avgPoolGeneric(want, src, &g, div)
					out := guardedF32(t, len(want), true)
					AvgPool(out, src, &g, div)
					compare(t, out, want, fmt.Sprintf("%s guarded narrow avg %+v", isa, g))
				}
			}
		}
	})
}
