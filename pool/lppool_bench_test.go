package pool_test

import (
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/pool"
)

// benchLp times lp_pool2d with a general p, where every input element goes
// through PyTorch's pow (SLEEF's on blocks, glibc's on the tail).
func benchLp[T pool.Float](b *testing.B, p float64) {
	shape := []int{1, 16, 64, 64}
	plan, err := pool.NewLpPool2d[T](shape, pool.LpPoolOptions{NormType: p, KernelSize: []int{2}})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	src := make([]T, 16*64*64)
	for i := range src {
		src[i] = T(r.Float64() * 4)
	}
	dst := make([]T, 16*32*32)
	for b.Loop() {
		if err := plan.Run(dst, src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLpGeneralP(b *testing.B) {
	b.Run("float32/p=1.5", func(b *testing.B) { benchLp[float32](b, 1.5) })
	b.Run("float64/p=1.5", func(b *testing.B) { benchLp[float64](b, 1.5) })
}
