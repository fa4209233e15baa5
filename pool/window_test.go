package pool

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
)

// randomAxis draws a valid pooling axis whose stride, dilation and kernel
// often exceed what can matter (so that kernelAxis clips them), with small
// enough values that the kernels get them unclipped too.
func randomAxis(r *rand.Rand, c clip) simdpool.Axis {
	for {
		a := simdpool.Axis{In: 1 + r.IntN(40), Kernel: 1 + r.IntN(12), Stride: 1 + r.IntN(60), Dilation: 1}
		if r.IntN(4) == 0 {
			a.Kernel += r.IntN(80)
		}
		if c == clipTaps {
			a.Dilation = 1 + r.IntN(50)
		}
		if c != clipStride {
			a.Pad = r.IntN(a.Kernel/2 + 1)
		}
		if o, ok := pooledSize(a, r.IntN(2) == 0); ok && o > 0 {
			a.Out = o
			return a
		}
	}
}

// TestKernelAxisKeepsResults runs random max, average and LP poolings on
// every ISA with the axes as PyTorch gives them and as kernelAxis clips them:
// the outputs (and indices) must be the same.
func TestKernelAxisKeepsResults(t *testing.T) {
	prev := simdpool.Current()
	t.Cleanup(func() { require.NoError(t, simdpool.Use(prev)) })
	r := rand.New(rand.NewPCG(12, 12))
	values := []float32{0, 1, -1, 2, 2, 3.5, float32(math.NaN()), float32(math.Inf(-1))}
	clipped := [3]int{}
	for _, isa := range simdpool.Available() {
		require.NoError(t, simdpool.Use(isa))
		for range 3000 {
			c := clip(r.IntN(3))
			dims := 1 + r.IntN(2)
			axes := make([]simdpool.Axis, dims)
			kaxes := make([]simdpool.Axis, dims)
			for i := range axes {
				axes[i] = randomAxis(r, c)
				kaxes[i] = kernelAxis(axes[i], c)
				if kaxes[i] != axes[i] {
					clipped[c]++
				}
			}
			planes := 1 + r.IntN(3)
			g, kg := geometry(planes, axes), geometry(planes, kaxes)
			src := make([]float32, planes*g.InPlane())
			for i := range src {
				src[i] = values[r.IntN(len(values))]
				if c == clipStride {
					src[i] = float32(r.IntN(4))
				}
			}
			n := planes * g.OutPlane()
			dst, kdst := make([]float32, n), make([]float32, n)
			run := func(pr, kpr *simdpool.Program[float32], err, kerr error, idx, kidx []int64) {
				require.NoError(t, err)
				require.NoError(t, kerr)
				require.NoError(t, pr.Run(dst, idx, src))
				require.NoError(t, kpr.Run(kdst, kidx, src))
			}
			switch c {
			case clipTaps:
				idx, kidx := make([]int64, n), make([]int64, n)
				pr, err := simdpool.NewMax[float32](g, true)
				kpr, kerr := simdpool.NewMax[float32](kg, true)
				run(pr, kpr, err, kerr, idx, kidx)
				require.Equal(t, idx, kidx, "%s max %+v -> %+v", isa, axes, kaxes)
			case clipSpans:
				div := simdpool.Divisor{D: windowCounts(&g.D, true), H: windowCounts(&g.H, true), W: windowCounts(&g.W, true)}
				kdiv := simdpool.Divisor{D: windowCounts(&kg.D, true), H: windowCounts(&kg.H, true), W: windowCounts(&kg.W, true)}
				require.Equal(t, div, kdiv, "%+v -> %+v", axes, kaxes)
				pr, err := simdpool.NewAvg[float32](g, div)
				kpr, kerr := simdpool.NewAvg[float32](kg, kdiv)
				run(pr, kpr, err, kerr, nil, nil)
			case clipStride:
				pw := simdpool.NewPower[float32](float64(1+r.IntN(3)), len(src), n)
				pr, err := simdpool.NewLp[float32](g, pw)
				kpr, kerr := simdpool.NewLp[float32](kg, pw)
				run(pr, kpr, err, kerr, nil, nil)
			}
			for i := range dst {
				same := math.Float32bits(dst[i]) == math.Float32bits(kdst[i]) || dst[i] != dst[i] && kdst[i] != kdst[i]
				require.True(t, same, "%s output %d: %v, clipped %v (clip %d, %+v -> %+v)", isa, i, dst[i], kdst[i], c, axes, kaxes)
			}
		}
	}
	for c, n := range clipped {
		require.Greater(t, n, 500, "too few axes were clipped (clip %d) to test anything", c)
	}
}
