//go:build !purego

package simdpool

import (
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// neonGuarded returns two views of n float32s inside an mmap'd region between two
// PROT_NONE pages: one that starts right after the first neonGuard page and one
// that ends right before the second, so that any read outside them faults.
func neonGuarded(t *testing.T, n int) (head, tail []float32) {
	t.Helper()
	pg := os.Getpagesize()
	size := (n*4 + pg - 1) / pg * pg
	if size == 0 {
		size = pg
	}
	mem, err := syscall.Mmap(-1, 0, size+2*pg, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:pg], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mprotect(mem[pg+size:], syscall.PROT_NONE); err != nil {
		t.Fatal(err)
	}
	f := unsafe.Slice((*float32)(unsafe.Pointer(&mem[pg])), size/4)
	return f[:n:n], f[size/4-n:]
}

// TestNEONGuardPages runs every NEON kernel on inputs that touch a
// PROT_NONE page on either side: an over- or under-read crashes the test.
func TestNEONGuardPages(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 120
	if testing.Short() {
		n = 40
	}
	neonWith(t, func() {
		for _, c := range neonCases(r, true, true, n) {
			g := c.g
			ins := g.Planes * g.InPlane()
			head, tail := neonGuarded(t, ins)
			neonFill(r, head, c.kind)
			copy(tail, head)
			out := make([]float32, g.Planes*g.OutPlane())
			idx := make([]int64, len(out))
			ga := g
			ga.D.Dilation, ga.H.Dilation, ga.W.Dilation = 1, 1, 1
			div := neonDivisor(&ga, true, 0, false)
			gl := ga
			gl.D.Pad, gl.H.Pad, gl.W.Pad = 0, 0, 0
			gl.D.Out = neonOutLen(gl.D.In, gl.D.Kernel, gl.D.Stride, 0, 1, false)
			gl.H.Out = neonOutLen(gl.H.In, gl.H.Kernel, gl.H.Stride, 0, 1, false)
			gl.W.Out = neonOutLen(gl.W.In, gl.W.Kernel, gl.W.Stride, 0, 1, false)
			lout := make([]float32, g.Planes*gl.OutPlane())
			for _, src := range [][]float32{head, tail} {
				MaxPool(out, nil, src, &g)
				MaxPool(out, idx, src, &g)
				AvgPool(out[:g.Planes*ga.OutPlane()], src, &ga, &div)
				LpPool(lout, src, &gl, &Power{P: 2})
				LpPool(lout, src, &gl, &Power{P: 1})
				GlobalMax(out[:g.Planes], nil, src, g.Planes, g.InPlane())
				GlobalMax(out[:g.Planes], idx[:g.Planes], src, g.Planes, g.InPlane())
			}
		}
	})
}
