//go:build linux

package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGlobalMeanGuardPages runs the global mean on inputs that end right
// before (or start right after) a PROT_NONE page, into outputs that end right
// before one: sizes of every path (scalar, groups of 8 planes, cascade), plane
// counts around whole groups, and inputs whose planes are 32-byte aligned with
// an empty tail (n%8 = 0), where the vector after a plane's last one is the
// next plane's or past the input.
func TestGlobalMeanGuardPages(t *testing.T) {
	var sizes []int
	for n := 1; n <= 72; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 96, 127, 128, 129, 196, 255, 256, 480, 511, 512, 513, 1000, 1024, 4096+5)
	withISA(t, func(t *testing.T, isa ISA) {
		r := rand.New(rand.NewPCG(41, 42))
		for _, n := range sizes {
			for _, planes := range []int{1, 7, 8, 9, 16, 17} {
				for _, atEnd := range []bool{true, false} {
					in := guardedF32(t, planes*n, atEnd)
					meanData(r, in, n+planes)
					want := make([]float32, planes)
					globalMeanGeneric(want, in, planes, n)
					out := guardedF32(t, planes, true)
					GlobalMean(out, in, planes, n)
					compare(t, out, want, fmt.Sprintf("%s guarded mean of %d planes of %d (input at the end: %v)", isa, planes, n, atEnd))
				}
			}
		}
	})
}
