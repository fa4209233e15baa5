//go:build !purego

package simdpool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The NEON global kernels against the generic ones: the mean bit for bit
// (the kernel sums in the order of ATen's cascade, as cascadeSum does), the
// maximum and its index exactly (the Program rescans zeros and NaNs), on
// plane sizes that take each path of the cascade: under 8 floats, one row
// of 32 and leftover vectors, whole groups of 16 rows, levels 2 and 3.
func TestGlobalKernelsNEON(t *testing.T) {
	prev := Current()
	defer func() { require.NoError(t, Use(prev)) }()
	require.NoError(t, Use(NEON))
	r := rand.New(rand.NewPCG(21, 22))
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 39, 40, 49, 63, 64, 100, 169, 255, 256, 511, 512, 513, 1000, 4095, 8191, 8192, 8200, 40000, 131072 + 37}
	for _, n := range sizes {
		planes := 1 + r.IntN(3)
		if n < 64 {
			planes = 1 + r.IntN(20)
		}
		src := make([]float32, planes*n)
		for _, special := range []bool{false, true} {
			fill(r, src, special)
			want, got := make([]float32, planes), make([]float32, planes)

			mean, err := NewGlobalMean[float32](planes, n)
			require.NoError(t, err)
			require.Equal(t, []string{"meanGlobalF32NEON"}, mean.Kernels())
			globalMeanGeneric(want, src, planes, n)
			require.NoError(t, mean.Run(got, nil, src))
			for p := range want {
				require.Equal(t, bitsOf(want[p]), bitsOf(got[p]), "mean of %d planes of %d, plane %d: got %v, want %v", planes, n, p, got[p], want[p])
			}

			for _, withIdx := range []bool{false, true} {
				mx, err := NewGlobalMax[float32](planes, n, withIdx)
				require.NoError(t, err)
				require.Equal(t, []string{"maxGlobalF32NEON"}, mx.Kernels())
				var wantIdx, gotIdx []int64
				if withIdx {
					wantIdx, gotIdx = make([]int64, planes), make([]int64, planes)
				}
				globalMaxGeneric(want, wantIdx, src, planes, n)
				require.NoError(t, mx.Run(got, gotIdx, src))
				for p := range want {
					require.Equal(t, bitsOf(want[p]), bitsOf(got[p]), "max of %d planes of %d, plane %d", planes, n, p)
				}
				require.Equal(t, wantIdx, gotIdx, "indices of the max of %d planes of %d", planes, n)
			}
		}
	}
	if testing.Short() {
		return
	}
	// Over 2^19 rows of 32 the cascade's step grows to 2^5 rows.
	n := 1<<24 + 1000
	src := make([]float32, n)
	fill(r, src, false)
	mean, err := NewGlobalMean[float32](1, n)
	require.NoError(t, err)
	want, got := make([]float32, 1), make([]float32, 1)
	globalMeanGeneric(want, src, 1, n)
	require.NoError(t, mean.Run(got, nil, src))
	require.Equal(t, bitsOf(want[0]), bitsOf(got[0]), "mean of %d: got %v, want %v", n, got[0], want[0])
}
