package simdpool

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkKernels times the float32 kernels directly (no plan, one call per
// operation) on the geometries of the standard suite, once per available ISA,
// next to a Go copy of (in+out)/2 floats (impl=copy): its time divided by a
// kernel's time is the kernel's fraction of memcpy. Compare with benchstat:
//
//	go test -run '^$' -bench 'Kernels/S1/' -count 8 . | tee k.txt && benchstat -col /impl k.txt
func BenchmarkKernels(b *testing.B) {
	for _, c := range kernelCases() {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			in := make([]float32, c.in)
			fill(r, in, false)
			out := make([]float32, c.out)
			bytes := int64(c.in+c.out) * 4
			b.Run("impl=copy", func(b *testing.B) {
				n := (c.in + c.out) / 2
				src, dst := make([]float32, n), make([]float32, n)
				b.SetBytes(bytes)
				b.ReportAllocs()
				for b.Loop() {
					copy(dst, src)
				}
			})
			prev := Current()
			defer Use(prev)
			for _, isa := range Available() {
				b.Run("impl="+string(isa), func(b *testing.B) {
					if err := Use(isa); err != nil {
						b.Fatal(err)
					}
					b.SetBytes(bytes)
					b.ReportAllocs()
					for b.Loop() {
						c.run(out, in)
					}
				})
			}
		})
	}
}

type kernelCase struct {
	name    string
	in, out int
	run     func(out, in []float32)
}

// kernelCases are the suite's cases as kernel calls.
func kernelCases() []kernelCase {
	ax := func(in, k, s, p, d int) Axis {
		a, ok := axis(in, k, s, p, d, false)
		if !ok {
			panic("bad axis")
		}
		return a
	}
	maxCase := func(name string, g Geometry) kernelCase {
		return kernelCase{name, g.Planes * g.InPlane(), g.Planes * g.OutPlane(), func(out, in []float32) {
			MaxPool(out, nil, in, &g)
		}}
	}
	avgCase := func(name string, g Geometry, include, successive bool) kernelCase {
		f := func(a Axis) []int32 {
			v := make([]int32, a.Out)
			for o := range v {
				lo, hi, size := a.Span(o)
				v[o] = int32(hi - lo)
				if include {
					v[o] = int32(size)
				}
			}
			return v
		}
		div := &Divisor{D: f(g.D), H: f(g.H), W: f(g.W), Successive: successive}
		return kernelCase{name, g.Planes * g.InPlane(), g.Planes * g.OutPlane(), func(out, in []float32) {
			AvgPool(out, in, &g, div)
		}}
	}
	g2 := func(planes, h, w int, k, s, p, d int) Geometry {
		return Geometry{Planes: planes, D: Unit, H: ax(h, k, s, p, d), W: ax(w, k, s, p, d)}
	}
	g3 := func(planes, dd, h, w int, k, s, p int) Geometry {
		return Geometry{Planes: planes, D: ax(dd, k, s, p, 1), H: ax(h, k, s, p, 1), W: ax(w, k, s, p, 1)}
	}
	s10 := g2(64, 112, 112, 2, 2, 0, 1)
	pw := &Power{P: 2, SrcTailFrom: math.MaxInt, DstTailFrom: math.MaxInt}
	return []kernelCase{
		maxCase("S1", g2(64, 112, 112, 3, 2, 1, 1)),
		maxCase("S2", g2(64, 224, 224, 2, 2, 0, 1)),
		avgCase("S3", g2(64, 224, 224, 2, 2, 0, 1), true, false),
		avgCase("S4", g2(192, 28, 28, 3, 1, 1, 1), false, false),
		{"S5", 2048 * 49, 2048, func(out, in []float32) { GlobalMean(out, in, 2048, 49) }},
		avgCase("S6", g2(256, 13, 13, 3, 2, 0, 1), false, true),
		maxCase("S7", Geometry{Planes: 8 * 256, D: Unit, H: Unit, W: ax(4096, 3, 2, 1, 1)}),
		maxCase("S8", g3(64, 16, 56, 56, 2, 2, 0)),
		maxCase("S9", g3(64, 16, 56, 56, 3, 2, 1)),
		{"S10", s10.Planes * s10.InPlane(), s10.Planes * s10.OutPlane(), func(out, in []float32) { LpPool(out, in, &s10, pw) }},
		maxCase("S11", g2(32*64, 56, 56, 3, 2, 1, 1)),
		maxCase("S12", g2(64, 56, 56, 3, 1, 1, 2)),
	}
}

func ExampleMaxPool() {
	// A 1x4x4 plane, 2x2 windows, stride 2.
	g := Geometry{Planes: 1, D: Unit, H: Axis{In: 4, Out: 2, Kernel: 2, Stride: 2, Dilation: 1}, W: Axis{In: 4, Out: 2, Kernel: 2, Stride: 2, Dilation: 1}}
	src := []float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 1, 2, 3,
		4, 5, 6, 0,
	}
	dst := make([]float32, 4)
	idx := make([]int64, 4)
	MaxPool(dst, idx, src, &g)
	fmt.Println(dst, idx)
	// Output: [6 8 9 6] [5 7 8 14]
}
