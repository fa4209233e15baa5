package simdpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Global max and mean Programs against the generic kernels, on every ISA,
// over plane sizes around every vector width and plane counts that cross a
// kernel call's batch.
func testGlobal[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	sizes := []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 49, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 1000, 4099}
	for i, n := range sizes {
		planes := 1 + r.IntN(5)
		if i%5 == 0 {
			planes = globalBatch/n + 3
		}
		for _, op := range []string{"max", "maxIdx", "mean"} {
			var p *Program[T]
			var err error
			var oracle func(dst []T, idx []int64, src []T)
			switch op {
			case "mean":
				p, err = NewGlobalMean[T](planes, n)
				oracle = func(dst []T, _ []int64, src []T) { globalMeanGeneric(dst, src, planes, n) }
			default:
				p, err = NewGlobalMax[T](planes, n, op == "maxIdx")
				oracle = func(dst []T, idx []int64, src []T) { globalMaxGeneric(dst, idx, src, planes, n) }
			}
			require.NoError(t, err)
			c := opCase[T]{name: fmt.Sprintf("global %s %T %dx%d", op, T(0), planes, n), prog: p, oracle: oracle}
			c.check(t, r, i%2 == 0)
		}
	}
}

func TestGlobal(t *testing.T) {
	forEachISA(t, func(t *testing.T, isa ISA) {
		eachType(t, testGlobal[float32], testGlobal[float64])
	})
}
