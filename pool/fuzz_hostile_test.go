package pool_test

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/simdpool/simdpool/pool"
)

// hostileArgs decodes fuzz bytes into the arguments of a hostile caller:
// sizes from -1 to 6 mostly, and otherwise huge ones (2^k-1, 2^k and 2^k+1
// for k up to 62, the int32 and int limits) or very negative ones.
type hostileArgs struct{ b []byte }

func (a *hostileArgs) next() int {
	if len(a.b) == 0 {
		return 0
	}
	v := int(a.b[0])
	a.b = a.b[1:]
	return v
}

// size returns a size argument or a tensor dimension.
func (a *hostileArgs) size() int {
	switch v := a.next(); {
	case v < 208:
		return v%8 - 1
	case v < 240:
		return 1<<(20+a.next()%43) + a.next()%3 - 1
	case v < 248:
		return math.MaxInt32 + a.next()%3 - 1
	case v < 252:
		return math.MaxInt - a.next()%2
	default:
		return -1 << (a.next() % 64)
	}
}

// sizes returns a size argument of one value, dims values or, now and then,
// none, nil or a wrong count.
func (a *hostileArgs) sizes(dims int) []int {
	var n int
	switch v := a.next() % 16; {
	case v == 0:
		return nil
	case v < 6:
		n = 1
	case v < 14:
		n = dims
	default:
		n = (dims + 1 + v%2) % 5
	}
	out := make([]int, n)
	for i := range out {
		out[i] = a.size()
	}
	return out
}

// maxData bounds the Data a fuzzed tensor holds.
const maxData = 1 << 12

// tensor returns a tensor of rank dims+1 or dims+2 (now and then another)
// whose Data matches the Shape when the shape is a small valid one, and
// otherwise holds a few elements.
func (a *hostileArgs) tensor(dims int) pool.Tensor[float32] {
	rank := dims + 1 + a.next()%2
	if a.next()%16 == 0 {
		rank = a.next() % 6
	}
	shape := make([]int, rank)
	for i := range shape {
		if shape[i] = a.size(); shape[i] >= 0 && shape[i] < 7 && a.next()%4 != 0 {
			shape[i] = 1 + shape[i]%4 // valid sizes, often
		}
	}
	n, ok := claimed(shape)
	if !ok || n > maxData || a.next()%8 == 0 {
		n = a.next() % 32
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = []float32{0, 1, 2.5, 3, -1, float32(math.NaN())}[a.next()%6]
	}
	return pool.Tensor[float32]{Shape: shape, Data: data}
}

// claimed is the element count a shape claims, and false for a negative
// size or a product beyond the int range.
func claimed(shape []int) (int, bool) {
	if slices.Contains(shape, 0) && !slices.ContainsFunc(shape, func(s int) bool { return s < 0 }) {
		return 0, true
	}
	n := 1
	for _, s := range shape {
		if s < 0 || s > 0 && n > math.MaxInt/s {
			return 0, false
		}
		n *= s
	}
	return n, true
}

// withinLimits reports whether shape is a tensor shape the package accepts:
// sizes in [0, maxElems], at most maxElems elements.
func withinLimits(shape []int) bool {
	n, ok := claimed(shape)
	return ok && n <= maxElems && !slices.ContainsFunc(shape, func(s int) bool { return s > maxElems })
}

// outputBudget is the largest output a fuzzed call may make: a call whose
// valid input would imply more (adaptive pooling, unpooling: the output is
// not bounded by the input) gets a mismatched Data instead, and must fail
// fast.
const outputBudget = 1 << 22

// afford gives x a mismatched Data when x is valid and the output of spatial
// sizes out (None: the input's) would exceed outputBudget while within the
// limits, so that the call would legitimately allocate it.
func afford(x *pool.Tensor[float32], dims int, out []int) {
	n, _ := claimed(x.Shape)
	if !withinLimits(x.Shape) || n != len(x.Data) || len(x.Shape) < dims+1 || len(out) != dims {
		return
	}
	total := 1.0
	for _, s := range x.Shape[:len(x.Shape)-dims] {
		total *= float64(s)
	}
	for i, s := range out {
		if s == pool.None {
			s = x.Shape[len(x.Shape)-dims+i]
		}
		total *= float64(s)
	}
	if total > outputBudget && total <= maxElems {
		x.Data = make([]float32, (n+1)%2)
	}
}

// unpoolOut is the output size max unpooling's arguments give (spatial, or
// nil when they are broken), for afford.
func unpoolOut(x pool.Tensor[float32], dims int, o pool.MaxUnpoolOptions) []int {
	if o.OutputSize != nil {
		return o.OutputSize[max(0, len(o.OutputSize)-dims):]
	}
	if len(x.Shape) < dims || len(o.KernelSize) == 0 {
		return nil
	}
	pick := func(v []int, i, def int) int {
		switch len(v) {
		case 0:
			return def
		case 1:
			return v[0]
		}
		return v[min(i, len(v)-1)]
	}
	out := make([]int, dims)
	for i := range out {
		k := pick(o.KernelSize, i, 1)
		s, p, l := pick(o.Stride, i, k), pick(o.Padding, i, 0), x.Shape[len(x.Shape)-dims+i]
		f := float64(l-1)*float64(s) + float64(k) - 2*float64(p)
		out[i] = int(min(max(f, -1), 2*maxElems))
	}
	return out
}

// hostileFamily is one operator family: its dimensions, the arguments its
// errors may name, and how to call its one-call form from fuzz bytes.
type hostileFamily struct {
	name string
	dims []int
	args []string
	call func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error)
}

var hostileFamilies = []hostileFamily{
	{"max_pool", []int{1, 2, 3}, []string{"kernel_size", "stride", "padding", "dilation"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.MaxPoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims), Dilation: a.sizes(dims), CeilMode: a.next()%2 == 0, ReturnIndices: a.next()%2 == 0}
			return [...]func(pool.Tensor[float32], pool.MaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.MaxPool1d[float32], pool.MaxPool2d[float32], pool.MaxPool3d[float32]}[dims-1](x, o)
		}},
	{"avg_pool", []int{1, 2, 3}, []string{"kernel_size", "stride", "padding", "divisor_override"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.AvgPoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims), CeilMode: a.next()%2 == 0, CountIncludePad: pool.Bool(a.next()%2 == 0)}
			if a.next()%2 == 0 {
				o.DivisorOverride = pool.Int(a.size())
			}
			out, err := [...]func(pool.Tensor[float32], pool.AvgPoolOptions) (pool.Tensor[float32], error){pool.AvgPool1d[float32], pool.AvgPool2d[float32], pool.AvgPool3d[float32]}[dims-1](x, o)
			return out, nil, err
		}},
	{"lp_pool", []int{1, 2, 3}, []string{"kernel_size", "stride", "norm_type"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			kernel := a.sizes(dims)
			o := pool.LpPoolOptions{NormType: []float64{2, 1, 3, 0.5, 0, math.NaN()}[a.next()%6], KernelSize: kernel, Stride: a.sizes(dims), CeilMode: a.next()%2 == 0}
			out, err := [...]func(pool.Tensor[float32], pool.LpPoolOptions) (pool.Tensor[float32], error){pool.LpPool1d[float32], pool.LpPool2d[float32], pool.LpPool3d[float32]}[dims-1](x, o)
			return out, nil, err
		}},
	{"adaptive_max_pool", []int{1, 2, 3}, []string{"output_size"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.AdaptiveMaxPoolOptions{OutputSize: adaptiveSizes(a, dims), ReturnIndices: a.next()%2 == 0}
			afford(&x, dims, broadcast(o.OutputSize, dims))
			return [...]func(pool.Tensor[float32], pool.AdaptiveMaxPoolOptions) (pool.Tensor[float32], []int64, error){pool.AdaptiveMaxPool1d[float32], pool.AdaptiveMaxPool2d[float32], pool.AdaptiveMaxPool3d[float32]}[dims-1](x, o)
		}},
	{"adaptive_avg_pool", []int{1, 2, 3}, []string{"output_size"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.AdaptiveAvgPoolOptions{OutputSize: adaptiveSizes(a, dims)}
			afford(&x, dims, broadcast(o.OutputSize, dims))
			out, err := [...]func(pool.Tensor[float32], pool.AdaptiveAvgPoolOptions) (pool.Tensor[float32], error){pool.AdaptiveAvgPool1d[float32], pool.AdaptiveAvgPool2d[float32], pool.AdaptiveAvgPool3d[float32]}[dims-1](x, o)
			return out, nil, err
		}},
	{"fractional_max_pool", []int{2, 3}, []string{"kernel_size", "output_size", "output_ratio", "samples"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.FractionalMaxPoolOptions{KernelSize: a.sizes(dims), ReturnIndices: a.next()%2 == 0, Seed: uint64(a.next())}
			if a.next()%4 == 0 {
				o.OutputRatio = []float64{[]float64{0.5, 0.25, 0.9, 1, -1, 1e300, math.NaN()}[a.next()%7]}
			} else {
				o.OutputSize = a.sizes(dims)
			}
			var samples []float32
			if a.next()%4 == 0 {
				samples = make([]float32, a.next()%40)
			}
			return [...]func(pool.Tensor[float32], pool.FractionalMaxPoolOptions, []float32) (pool.Tensor[float32], []int64, error){nil, pool.FractionalMaxPool2d[float32], pool.FractionalMaxPool3d[float32]}[dims-1](x, o, samples)
		}},
	{"max_unpool", []int{1, 2, 3}, []string{"kernel_size", "stride", "padding", "output_size", "indices"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.MaxUnpoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims)}
			if a.next()%4 == 0 {
				o.OutputSize = a.sizes(dims + a.next()%3)
			}
			indices := make([]int64, len(x.Data)+a.next()%8/7)
			for i := range indices {
				indices[i] = int64(a.next()%6 - 1)
			}
			afford(&x, dims, unpoolOut(x, dims, o))
			out, err := [...]func(pool.Tensor[float32], []int64, pool.MaxUnpoolOptions) (pool.Tensor[float32], error){pool.MaxUnpool1d[float32], pool.MaxUnpool2d[float32], pool.MaxUnpool3d[float32]}[dims-1](x, indices, o)
			return out, nil, err
		}},
	{"global_max_pool", []int{1, 2, 3}, nil,
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			out, err := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalMaxPool1d[float32], pool.GlobalMaxPool2d[float32], pool.GlobalMaxPool3d[float32]}[dims-1](x)
			return out, nil, err
		}},
	{"global_avg_pool", []int{1, 2, 3}, nil,
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			out, err := [...]func(pool.Tensor[float32], ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalAvgPool1d[float32], pool.GlobalAvgPool2d[float32], pool.GlobalAvgPool3d[float32]}[dims-1](x)
			return out, nil, err
		}},
	{"global_lp_pool", []int{1, 2, 3}, []string{"p"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			p := []float64{2, 1, 0, math.NaN(), 3}[a.next()%5]
			out, err := [...]func(pool.Tensor[float32], float64, ...pool.Layout) (pool.Tensor[float32], error){pool.GlobalLpPool1d[float32], pool.GlobalLpPool2d[float32], pool.GlobalLpPool3d[float32]}[dims-1](x, p)
			return out, nil, err
		}},
	{"stochastic_pool", []int{1, 2, 3}, []string{"kernel_size", "stride", "padding", "negative", "threads"},
		func(a *hostileArgs, dims int, x pool.Tensor[float32]) (pool.Tensor[float32], []int64, error) {
			o := pool.StochasticPoolOptions{KernelSize: a.sizes(dims), Stride: a.sizes(dims), Padding: a.sizes(dims), CeilMode: a.next()%2 == 0,
				Training: a.next()%2 == 0, Negative: pool.NegativeRule(a.next() % 3), Threads: a.next()%4 - 1}
			return [...]func(pool.Tensor[float32], pool.StochasticPoolOptions, uint64) (pool.Tensor[float32], []int64, error){pool.StochasticPool1d[float32], pool.StochasticPool2d[float32], pool.StochasticPool3d[float32]}[dims-1](x, o, 7)
		}},
}

// adaptiveSizes returns an output size argument, with None now and then.
func adaptiveSizes(a *hostileArgs, dims int) []int {
	v := a.sizes(dims)
	for i := range v {
		if a.next()%8 == 0 {
			v[i] = pool.None
		}
	}
	return v
}

// broadcast expands a size argument of one value to dims values.
func broadcast(v []int, dims int) []int {
	if len(v) == 1 {
		return slices.Repeat(v, dims)
	}
	return v
}

// FuzzOneCallHostile drives the one-call form of every operator with sizes
// up to 2^62 and beyond, negative sizes, wrong ranks and argument counts, and
// Data that does not match the Shape. No call may panic; every error must be
// a *pool.Error of the operator called, naming an argument of its caller
// (x, PyTorch's input, an option, indices or samples); a tensor whose Data
// does not match its valid Shape must fail with x; and a call may allocate
// little more than its output (and indices), whatever its Shape claims.
func FuzzOneCallHostile(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2, 3, 9, 1, 4, 3, 2, 1, 0, 5})
	f.Add([]byte{3, 2, 0, 1, 2, 3, 3, 6, 1, 7, 230, 10, 1, 2})
	f.Add([]byte{6, 1, 0, 3, 2, 2, 2, 1, 0, 1, 2, 3, 4, 250, 0, 0, 0, 0})
	f.Add([]byte{1, 1, 1, 220, 30, 2, 1, 3, 3, 3, 4, 5, 6})
	f.Add([]byte{8, 2, 0, 1, 2, 4, 4, 1, 1, 2, 2, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		a := &hostileArgs{b: b}
		fam := hostileFamilies[a.next()%len(hostileFamilies)]
		dims := fam.dims[a.next()%len(fam.dims)]
		x := a.tensor(dims)
		var out pool.Tensor[float32]
		var idx []int64
		var err error
		allocated := heapAllocated(func() { out, idx, err = fam.call(a, dims, x) })
		op := fmt.Sprintf("%s%dd", fam.name, dims)
		if budget := 1<<20 + 8*(4*(len(x.Data)+len(out.Data))+8*len(idx)); allocated > uint64(budget) {
			t.Fatalf("%s on shape %v (%d elements): allocated %d bytes, more than %d (output %v, err %v)", op, x.Shape, len(x.Data), allocated, budget, out.Shape, err)
		}
		n, _ := claimed(x.Shape)
		mismatched := withinLimits(x.Shape) && n != len(x.Data)
		if err == nil {
			if mismatched {
				t.Fatalf("%s: no error for %d elements of Data in shape %v", op, len(x.Data), x.Shape)
			}
			if m, ok := claimed(out.Shape); !ok || m != len(out.Data) || idx != nil && len(idx) != m {
				t.Fatalf("%s: output shape %v, %d values, %d indices", op, out.Shape, len(out.Data), len(idx))
			}
			return
		}
		var pe *pool.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%s: error %v (%T) is not a *pool.Error", op, err, err)
		}
		if pe.Op != op {
			t.Fatalf("error %v names operator %q, want %q", err, pe.Op, op)
		}
		if mismatched && pe.Arg != "x" {
			t.Fatalf("%s: %d elements of Data in shape %v: error %v, want one naming x", op, len(x.Data), x.Shape, err)
		}
		if !slices.Contains(fam.args, pe.Arg) && pe.Arg != "x" && pe.Arg != "input" {
			t.Fatalf("%s: error %v names %q, not an argument of the call", op, err, pe.Arg)
		}
	})
}
