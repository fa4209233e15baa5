package onnx_test

import (
	"math"
	"runtime"
	"testing"
	"unsafe"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/onnx"
)

// BenchmarkONNX times ONNX cases beside the float suite (BenchmarkSuite in
// the root package), with every implementation this machine runs, as
// BenchmarkONNX/SameUpperK3S2/impl=avx512, next to impl=memcpy, a copy of
// the same traffic (input plus output bytes, half read, half written). The
// cases are MaxPool 3x3 stride 2 on 1x64x112x112: SameUpperK3S2, float32
// with auto_pad SAME_UPPER (a TF-exported 'SAME' pool: no padding before, 1
// after); PadsK3S2, float32 with symmetric pads 1 (PyTorch's padding, the
// suite's S1); Int8K3S2 and Uint8K3S2, PadsK3S2 on bytes, a quarter of the
// traffic. Compare with benchstat:
//
//	go test -run '^$' -bench ONNX -count 6 ./onnx | tee onnx.txt
//	benchstat -col /impl onnx.txt
func BenchmarkONNX(b *testing.B) {
	shape := []int{1, 64, 112, 112}
	k, s := []int{3, 3}, []int{2, 2}
	same := onnx.MaxPoolAttrs{AutoPad: onnx.SameUpper, KernelShape: k, Strides: s}
	pads := onnx.MaxPoolAttrs{KernelShape: k, Strides: s, Pads: []int{1, 1, 1, 1}}
	b.Run("SameUpperK3S2", func(b *testing.B) { benchMaxPool[float32](b, shape, same) })
	b.Run("PadsK3S2", func(b *testing.B) { benchMaxPool[float32](b, shape, pads) })
	b.Run("Int8K3S2", func(b *testing.B) { benchMaxPool[int8](b, shape, pads) })
	b.Run("Uint8K3S2", func(b *testing.B) { benchMaxPool[uint8](b, shape, pads) })
}

// benchMaxPool times MaxPool (Y only) of a on every ISA, and the copy of
// the same bytes. The buffers are made once, and the garbage of the cases
// before is collected first, so that no case pays for another's.
func benchMaxPool[T onnx.Elem](b *testing.B, shape []int, a onnx.MaxPoolAttrs) {
	p, err := onnx.NewMaxPool[T](shape, a)
	if err != nil {
		b.Fatal(err)
	}
	x, y := input[T](shape), make([]T, numel(p.OutputShape()))
	bytes := int64(len(x)+len(y)) * int64(unsafe.Sizeof(x[0]))
	cp := suite.NewCopy(bytes)
	for _, isa := range simdpool.Available() {
		b.Run("impl="+string(isa), func(b *testing.B) {
			prev := simdpool.Current()
			if err := simdpool.Use(isa); err != nil {
				b.Fatal(err)
			}
			p, err := onnx.NewMaxPool[T](shape, a)
			_ = simdpool.Use(prev)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Run(y, x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=memcpy", func(b *testing.B) {
		runtime.GC()
		b.SetBytes(cp.Bytes())
		b.ReportAllocs()
		for b.Loop() {
			cp.Run()
		}
	})
}

// input is the suite's deterministic data, uniform in [-2, 2) (bytes: the
// low 7 bits of those floats, uniform in [0, 128), which int8 and uint8
// both hold; max pooling's time does not depend on the values).
func input[T onnx.Elem](shape []int) []T {
	f := make([]float32, numel(shape))
	suite.Fill(f, 1)
	x := make([]T, len(f))
	for i, v := range f {
		switch any(x[0]).(type) {
		case float32, float64:
			x[i] = T(v)
		default:
			x[i] = T(int(math.Float32bits(v) & 0x7f))
		}
	}
	return x
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}
