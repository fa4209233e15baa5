//go:build linux && !purego

package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The NEON kernels must not read or write outside their slices: here every
// input and output lies right after, or right before, a PROT_NONE page, so
// that an access past either end faults. NEON has no masked loads or
// stores, so this is what checks the edge chunks' staging and copies.

// pageGuarded returns n elements of type E in a mapping between two
// PROT_NONE pages, against the upper one (atEnd) or the lower one.
func pageGuarded[E any](t *testing.T, n int, atEnd bool) []E {
	t.Helper()
	var e E
	es := int(unsafe.Sizeof(e))
	page := unix.Getpagesize()
	data := max(page, (n*es+page-1)/page*page)
	mem, err := unix.Mmap(-1, 0, data+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, unix.Munmap(mem)) })
	require.NoError(t, unix.Mprotect(mem[:page], unix.PROT_NONE))
	require.NoError(t, unix.Mprotect(mem[page+data:], unix.PROT_NONE))
	off := page
	if atEnd {
		off = page + data - n*es
	}
	return unsafe.Slice((*E)(unsafe.Pointer(&mem[off])), n)
}

// runGuarded runs c with its input against one guard page and its outputs
// against the other, both ways round, and compares with its oracle.
func runGuarded[T Float](t *testing.T, r *rand.Rand, c opCase[T]) {
	t.Helper()
	n := c.prog.OutputLen()
	for _, srcAtEnd := range []bool{true, false} {
		src := pageGuarded[T](t, c.prog.InputLen(), srcAtEnd)
		fill(r, src, r.IntN(2) == 0)
		want, wantIdx := make([]T, n), make([]int64, n)
		var wi, idx []int64
		if c.prog.HasIndices() {
			wi, idx = wantIdx, pageGuarded[int64](t, n, !srcAtEnd)
		}
		c.oracle(want, wi, src)
		dst := pageGuarded[T](t, n, !srcAtEnd)
		require.NoError(t, c.prog.Run(dst, idx, src), c.name)
		for i := range want {
			require.Equal(t, bitsOf(want[i]), bitsOf(dst[i]), "%s [%d]: got %v, want %v (kernels %v)", c.name, i, dst[i], want[i], c.prog.Kernels())
			if idx != nil {
				require.Equal(t, wantIdx[i], idx[i], "%s [%d]: index", c.name, i)
			}
		}
	}
}

func testGuardPagesNEON[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	L := 64 / size[T]()
	for i := range 240 {
		g := randGeometry(r, i)
		if i%3 == 0 { // rows of about one or two chunks, where every chunk is an edge
			w, ok := axisOf(1+r.IntN(3*L*2), 1+r.IntN(3), 1+r.IntN(2), r.IntN(2), 1, r.IntN(2) == 0)
			if ok {
				g.W = w
			}
		}
		c := newCase[T](t, r, ops[i%len(ops)], g)
		runGuarded(t, r, c)
	}
	for _, n := range []int{1, 3, 4, 7, 8, 31, 33, 49, 100} {
		planes := 1 + r.IntN(4)
		mean, err := NewGlobalMean[T](planes, n)
		require.NoError(t, err)
		runGuarded(t, r, opCase[T]{name: fmt.Sprintf("mean %d x %d", planes, n), prog: mean,
			oracle: func(dst []T, _ []int64, src []T) { globalMeanGeneric(dst, src, planes, n) }})
		for _, withIdx := range []bool{false, true} {
			mx, err := NewGlobalMax[T](planes, n, withIdx)
			require.NoError(t, err)
			runGuarded(t, r, opCase[T]{name: fmt.Sprintf("max %d x %d", planes, n), prog: mx,
				oracle: func(dst []T, idx []int64, src []T) { globalMaxGeneric(dst, idx, src, planes, n) }})
		}
	}
}

func TestGuardPagesNEON(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	require.NoError(t, Use(NEON))
	eachType(t, testGuardPagesNEON[float32], testGuardPagesNEON[float64])
}
