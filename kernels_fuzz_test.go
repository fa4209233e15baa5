package simdpool

import (
	"math/rand/v2"
	"testing"
)

// Fuzz targets, one per kernel family: the fuzzer picks the geometry and the
// data seed, and every available ISA is compared with the generic kernel.
//
//	go test -run '^$' -fuzz FuzzMaxPool -fuzztime 60s .

// fuzzAxis turns fuzzer bytes into an axis with PyTorch's output size, or false.
func fuzzAxis(in, k, s, p, d uint8, ceil bool, maxIn int) (Axis, bool) {
	kk := 1 + int(k)%7
	dd := 1 + int(d)%3
	return axis(1+int(in)%maxIn, kk, 1+int(s)%4, int(p)%(kk/2+1), dd, ceil)
}

// fuzzGeometry builds a 1d, 2d or 3d geometry from the fuzzer's bytes.
func fuzzGeometry(dims uint8, planes uint8, b []byte, dilation bool) (Geometry, bool) {
	if len(b) < 18 {
		return Geometry{}, false
	}
	g := Geometry{Planes: 1 + int(planes)%3, D: Unit, H: Unit}
	ax := func(i, maxIn int) (Axis, bool) {
		d := b[i+4]
		if !dilation {
			d = 0
		}
		return fuzzAxis(b[i], b[i+1], b[i+2], b[i+3], d, b[i+5]&1 == 1, maxIn)
	}
	var ok bool
	if g.W, ok = ax(0, 300); !ok {
		return g, false
	}
	if dims%3 >= 1 {
		if g.H, ok = ax(6, 20); !ok {
			return g, false
		}
		g.W.In = 1 + g.W.In%80
		if g.W, ok = axis(g.W.In, g.W.Kernel, g.W.Stride, g.W.Pad, g.W.Dilation, b[5]&1 == 1); !ok {
			return g, false
		}
	}
	if dims%3 == 2 {
		if g.D, ok = ax(12, 8); !ok {
			return g, false
		}
	}
	return g, true
}

func eachISA(f func(isa ISA)) {
	prev := Current()
	defer Use(prev)
	for _, isa := range Available() {
		if isa != Generic {
			Use(isa)
			f(isa)
		}
	}
}

func FuzzMaxPool(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(0), []byte{112, 2, 1, 1, 0, 0, 112, 2, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0})
	f.Add(uint64(2), uint8(2), uint8(1), []byte{55, 1, 1, 1, 1, 1, 9, 2, 0, 0, 0, 0, 7, 1, 1, 0, 0, 1})
	f.Fuzz(func(t *testing.T, seed uint64, dims, planes uint8, b []byte) {
		g, ok := fuzzGeometry(dims, planes, b, true)
		if !ok {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed>>7))
		eachISA(func(isa ISA) { maxCase(t, r, isa, g, int(seed%16)) })
	})
}

func FuzzAvgPool(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(0), []byte{28, 2, 0, 1, 0, 0, 28, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0})
	f.Add(uint64(3), uint8(2), uint8(2), []byte{13, 2, 1, 0, 0, 1, 13, 2, 1, 0, 0, 0, 5, 1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, seed uint64, dims, planes uint8, b []byte) {
		g, ok := fuzzGeometry(dims, planes, b, false)
		if !ok {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed>>7))
		eachISA(func(isa ISA) { avgCase(t, r, isa, g, int(seed%16)) })
	})
}

func FuzzLpPool(f *testing.F) {
	f.Add(uint64(1), uint8(1), uint8(0), []byte{111, 1, 1, 0, 0, 0, 111, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, seed uint64, dims, planes uint8, b []byte) {
		if len(b) >= 18 {
			b = append([]byte(nil), b...)
			b[3], b[9], b[15] = 0, 0, 0 // no padding
		}
		g, ok := fuzzGeometry(dims, planes, b, false)
		if !ok {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed>>7))
		eachISA(func(isa ISA) { lpCase(t, r, isa, g, int(seed%16)) })
	})
}

func FuzzGlobal(f *testing.F) {
	f.Add(uint64(1), uint8(3), uint16(49))
	f.Add(uint64(2), uint8(1), uint16(1000))
	f.Fuzz(func(t *testing.T, seed uint64, planes uint8, n uint16) {
		if n == 0 {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed>>7))
		eachISA(func(isa ISA) { globalCase(t, r, isa, 1+int(planes)%8, int(n), int(seed%16)) })
	})
}
