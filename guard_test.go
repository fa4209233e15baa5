//go:build linux

package simdpool

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The kernels must not read or write outside their slices: here every input,
// output and index buffer of a Program lies against a PROT_NONE page, before
// it or after it, so that an access past either end faults.

// paged maps n elements of size esz between two PROT_NONE pages, against the
// upper guard page (atEnd) or against the lower one.
func paged(t *testing.T, n, esz int, atEnd bool) unsafe.Pointer {
	t.Helper()
	page := unix.Getpagesize()
	data := max((n*esz+page-1)/page*page, page)
	mem, err := unix.Mmap(-1, 0, data+2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	require.NoError(t, err)
	t.Cleanup(func() { _ = unix.Munmap(mem) })
	require.NoError(t, unix.Mprotect(mem[:page], unix.PROT_NONE))
	require.NoError(t, unix.Mprotect(mem[page+data:], unix.PROT_NONE))
	off := page
	if atEnd {
		off = page + data - n*esz
	}
	return unsafe.Pointer(&mem[off])
}

func pagedSlice[E any](t *testing.T, n int, atEnd bool) []E {
	var e E
	return unsafe.Slice((*E)(paged(t, max(n, 1), int(unsafe.Sizeof(e)), atEnd)), n)
}

// checkPaged runs c with every buffer against a guard page, on both sides,
// and compares it with its oracle.
func checkPaged[T Float](t *testing.T, r *rand.Rand, c opCase[T]) {
	t.Helper()
	n, m := c.prog.InputLen(), c.prog.OutputLen()
	for _, atEnd := range []bool{true, false} {
		src := pagedSlice[T](t, n, atEnd)
		fill(r, src, true)
		want, wantIdx := make([]T, m), make([]int64, m)
		var wi []int64
		if c.prog.HasIndices() {
			wi = wantIdx
		}
		c.oracle(want, wi, src)
		dst := pagedSlice[T](t, m, !atEnd)
		var idx []int64
		if c.prog.HasIndices() {
			idx = pagedSlice[int64](t, m, atEnd)
		}
		require.NoError(t, c.prog.Run(dst, idx, src), c.name)
		for i := range want {
			require.Equal(t, bitsOf(want[i]), bitsOf(dst[i]), "%s [%d]", c.name, i)
			if idx != nil {
				require.Equal(t, wantIdx[i], idx[i], "%s index [%d]", c.name, i)
			}
		}
	}
}

func testGuardPages[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 150 {
		g := randGeometry(r, i)
		checkPaged(t, r, newCase[T](t, r, ops[i%4], g))
	}
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		if ki := info(id); ki.isa == Current() && ki.kind == kindWindow && ki.size == size[T]() && !expandOp(ki.op) { // expand kernels: backward_guard_test.go
			for _, g := range kernelGeometries(ki) {
				op := map[kernelOp]string{kMax: "max", kMaxIdx: "maxIdx", kSum: "avg", kSumSq: "lp"}[ki.op]
				checkPaged(t, r, newCase[T](t, r, op, g))
			}
		}
	}
}

func TestGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testGuardPages[float32], testGuardPages[float64])
	})
}
