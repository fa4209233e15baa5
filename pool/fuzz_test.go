package pool_test

import (
	"errors"
	"math"
	"testing"

	"github.com/simdpool/simdpool/pool"
)

// fuzzArgs decodes fuzz bytes into small, often invalid, pooling arguments.
type fuzzArgs struct {
	b []byte
}

func (f *fuzzArgs) next() int {
	if len(f.b) == 0 {
		return 0
	}
	v := int(f.b[0])
	f.b = f.b[1:]
	return v
}

// small returns a value in [lo, lo+n).
func (f *fuzzArgs) small(lo, n int) int { return lo + f.next()%n }

func (f *fuzzArgs) sizes(dims int) []int {
	switch f.next() % 4 {
	case 0:
		return nil
	case 1:
		return []int{f.small(-1, 6)}
	default:
		v := make([]int, dims+f.small(-1, 3)/2) // mostly dims values, sometimes one more or fewer
		for i := range v {
			v[i] = f.small(-1, 6)
		}
		return v
	}
}

var fuzzValues = []float32{0, 1, -1, 2.5, -0.5, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)), 3}

// FuzzPlans builds max, avg and LP plans from random shapes and arguments,
// runs the valid ones on random data, and checks that invalid ones fail with a
// *pool.Error, that nothing panics, and that max pooling's values and indices
// agree with each other and between float32 and float64.
func FuzzPlans(f *testing.F) {
	f.Add([]byte{0, 2, 1, 5, 6, 7, 2, 3, 1, 2, 0, 1, 9, 8, 7, 6, 5, 4})
	f.Add([]byte{1, 1, 0, 9, 3, 2, 2, 1, 0, 1, 1, 3})
	f.Add([]byte{2, 3, 1, 4, 4, 4, 3, 2, 2, 1, 1, 0, 2, 2, 2, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		a := &fuzzArgs{b: b}
		family, dims := a.next()%3, a.small(1, 3)
		shape := make([]int, dims+a.small(1, 2))
		for i := range shape {
			shape[i] = a.small(-1, 9)
		}
		kernel, stride, pad, dil := a.sizes(dims), a.sizes(dims), a.sizes(dims), a.sizes(dims)
		ceil, flag := a.next()%2 == 1, a.next()%3
		var p32 *pool.Plan[float32]
		var p64 *pool.Plan[float64]
		var err error
		switch family {
		case 0:
			o := pool.MaxPoolOptions{KernelSize: kernel, Stride: stride, Padding: pad, Dilation: dil, CeilMode: ceil}
			p32, err = newMax[float32](dims, shape, o)
			if err == nil {
				p64, err = newMax[float64](dims, shape, o)
			}
		case 1:
			o := pool.AvgPoolOptions{KernelSize: kernel, Stride: stride, Padding: pad, CeilMode: ceil, CountIncludePad: pool.Bool(flag == 0)}
			if flag == 2 {
				o.DivisorOverride = pool.Int(a.small(-2, 5))
			}
			p32, err = newAvg[float32](dims, shape, o)
		default:
			o := pool.LpPoolOptions{NormType: []float64{0, 1, 2, 3, 1.5, -1}[a.next()%6], KernelSize: kernel, Stride: stride, CeilMode: ceil}
			p32, err = newLp[float32](dims, shape, o)
		}
		if err != nil {
			var pe *pool.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *pool.Error", err)
			}
			return
		}
		n := 1
		for _, s := range shape {
			n *= s
		}
		src := make([]float32, n)
		for i := range src {
			src[i] = fuzzValues[a.next()%len(fuzzValues)]
		}
		out := p32.OutputShape()
		m := 1
		for _, s := range out {
			m *= s
		}
		dst := make([]float32, m)
		if family != 0 {
			if err := p32.Run(dst, src); err != nil {
				t.Fatal(err)
			}
			return
		}
		idx := make([]int64, m)
		if err := p32.RunWithIndices(dst, idx, src); err != nil {
			t.Fatal(err)
		}
		checkMaxIndices(t, shape, dims, src, dst, idx, false)
		src64, dst64, idx64 := make([]float64, n), make([]float64, m), make([]int64, m)
		for i, v := range src {
			src64[i] = float64(v)
		}
		if err := p64.RunWithIndices(dst64, idx64, src64); err != nil {
			t.Fatal(err)
		}
		for i := range idx {
			if idx[i] != idx64[i] {
				t.Fatalf("output %d: float32 index %d, float64 index %d", i, idx[i], idx64[i])
			}
		}
	})
}

// checkMaxIndices checks that every output is the input at its index in its
// plane (bit for bit, or only equal when anyZero allows a zero of either
// sign), or -inf with index -1 for a window with no input.
func checkMaxIndices(t *testing.T, shape []int, dims int, src, dst []float32, idx []int64, anyZero bool) {
	t.Helper()
	plane := 1
	for _, s := range shape[len(shape)-dims:] {
		plane *= s
	}
	if plane == 0 || len(dst) == 0 {
		return
	}
	perPlane := len(dst) / (len(src) / plane)
	for o, i := range idx {
		if i == -1 {
			if !math.IsInf(float64(dst[o]), -1) {
				t.Fatalf("output %d: no index but value %v", o, dst[o])
			}
			continue
		}
		if i < 0 || int(i) >= plane {
			t.Fatalf("output %d: index %d outside the plane of %d", o, i, plane)
		}
		v := src[(o/perPlane)*plane+int(i)]
		same := math.Float32bits(v) == math.Float32bits(dst[o]) || (v != v && dst[o] != dst[o]) || (anyZero && v == 0 && dst[o] == 0)
		if !same {
			t.Fatalf("output %d: value %v, but input at index %d is %v", o, dst[o], i, v)
		}
	}
}

func newMax[T pool.Float](dims int, shape []int, o pool.MaxPoolOptions) (*pool.Plan[T], error) {
	return [...]func([]int, pool.MaxPoolOptions) (*pool.Plan[T], error){pool.NewMaxPool1d[T], pool.NewMaxPool2d[T], pool.NewMaxPool3d[T]}[dims-1](shape, o)
}

func newAvg[T pool.Float](dims int, shape []int, o pool.AvgPoolOptions) (*pool.Plan[T], error) {
	return [...]func([]int, pool.AvgPoolOptions) (*pool.Plan[T], error){pool.NewAvgPool1d[T], pool.NewAvgPool2d[T], pool.NewAvgPool3d[T]}[dims-1](shape, o)
}

func newLp[T pool.Float](dims int, shape []int, o pool.LpPoolOptions) (*pool.Plan[T], error) {
	return [...]func([]int, pool.LpPoolOptions) (*pool.Plan[T], error){pool.NewLpPool1d[T], pool.NewLpPool2d[T], pool.NewLpPool3d[T]}[dims-1](shape, o)
}
