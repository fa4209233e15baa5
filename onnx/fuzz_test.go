package onnx

import (
	"math/rand/v2"
	"testing"
)

// FuzzOperators drives MaxPool, AveragePool and LpPool over random
// attributes (every auto_pad, pads of any size, strides, dilations,
// ceil_mode, 1d to 3d) and data on the ISA in use (set SIMDPOOL_ISA to fuzz
// another), against the reference of ref_test.go, and int8 and uint8 MaxPool
// against float32's:
//
//	go test -run '^$' -fuzz FuzzOperators -fuzztime 60s ./onnx
func FuzzOperators(f *testing.F) {
	for _, s := range [][2]uint64{{1, 2}, {3, 4}, {5, 6}} {
		f.Add(s[0], s[1], uint8(s[0]))
	}
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64, dims uint8) {
		r := rand.New(rand.NewPCG(seed1, seed2))
		w := randWindow(r, 1+int(dims%3))
		if dims&4 == 0 {
			checkAgainstRef[float32](t, r, w)
		} else {
			checkAgainstRef[float64](t, r, w)
		}
		shape := randShape(r, len(w.kernel), w)
		checkBytes[int8](t, r, w, shape)
		checkBytes[uint8](t, r, w, shape)
	})
}
