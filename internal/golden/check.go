package golden

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/simdpool/simdpool/pool"
)

// MaxULP is the tolerance of LP pooling (the golden README's); every other
// operator is compared bit for bit, on every ISA.
const MaxULP = 2

// runner computes a case through the pool API (float32), its tensors in
// layout l. The indices are nil unless the operator returns them.
type runner func(c *Case, x pool.Tensor[float32], l pool.Layout, w *pool.Workers) (pool.Tensor[float32], []int64, error)

// runners maps a torch.nn.functional name to its runner; the ops*.go files
// fill it.
var runners = map[string]runner{}

// Ops lists the operators Check knows, sorted.
func Ops() []string {
	ops := make([]string, 0, len(runners))
	for op := range runners {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// family is how an operator's values are compared.
type family int

const (
	famUnknown family = iota
	famMax            // max_pool, adaptive_max_pool, fractional_max_pool, max_unpool
	famAvg            // avg_pool, adaptive_avg_pool
	famLp             // lp_pool
)

func familyOf(op string) family {
	for _, p := range []string{"max_pool", "adaptive_max_pool", "fractional_max_pool", "max_unpool"} {
		if strings.HasPrefix(op, p) {
			return famMax
		}
	}
	for _, p := range []string{"avg_pool", "adaptive_avg_pool"} {
		if strings.HasPrefix(op, p) {
			return famAvg
		}
	}
	if strings.HasPrefix(op, "lp_pool") {
		return famLp
	}
	return famUnknown
}

// Check runs c on the kernels in use, on the workers w (nil: the caller's
// goroutine), in the layout it is recorded in, and compares the result with
// the case: max-type values and indices bit for bit (NaN equals NaN, the
// sign of zero counts), avg and adaptive avg bit for bit, LP within MaxULP
// with the same NaN/±Inf class. It returns nil when the case passes, and
// otherwise an error saying why (a one-line message). It never panics: a
// panic in the pool package is reported as the case's failure.
func Check(c *Case, w *pool.Workers) error {
	l, _ := c.recorded()
	return CheckIn(c, l, w)
}

// CheckIn is Check with the case's tensors in layout l: a case recorded in
// the other layout is permuted (see Case.In) and run with Layout l.
func CheckIn(c *Case, l pool.Layout, w *pool.Workers) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if c.Invalid != nil {
		return fmt.Errorf("invalid case: %w", c.Invalid)
	}
	c = c.In(l)
	run, ok := runners[c.Op]
	if !ok || familyOf(c.Op) == famUnknown {
		return fmt.Errorf("unknown op %q", c.Op)
	}
	x := pool.Tensor[float32]{Shape: slices.Clone(c.InputShape)}
	if c.IsError() {
		if n, ok := numel(c.InputShape); ok && n > 0 {
			x.Data = make([]float32, n)
		}
	} else {
		x.Data = slices.Clone(c.Input)
	}
	out, idx, err := run(c, x, l, w)
	if c.IsError() {
		if err == nil {
			return fmt.Errorf("no error (output shape %v), want torch's %s: %s", out.Shape, c.Error, c.Message)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("unexpected error: %v", err)
	}
	if !slices.Equal(out.Shape, c.OutputShape) {
		return fmt.Errorf("output shape %v, want %v", out.Shape, c.OutputShape)
	}
	if len(out.Data) != len(c.Output) {
		return fmt.Errorf("output has %d values, want %d", len(out.Data), len(c.Output))
	}
	if d := diff("input", x.Data, c.Input, bitEqual); d != "" {
		return fmt.Errorf("the input was modified: %s", d)
	}
	want := c.Output
	if c.OutputContiguous != nil {
		// simdpool gives the contiguous input's result in both layouts, and
		// must come within the README's sum tolerance of PyTorch's
		// channels-last one.
		if d := diff("output (PyTorch's channels_last result)", out.Data, c.Output, withinTol); d != "" {
			return fmt.Errorf("%s", d)
		}
		want = c.OutputContiguous
	}
	if d := diff("output", out.Data, want, equalFunc(familyOf(c.Op))); d != "" {
		return fmt.Errorf("%s", d)
	}
	if c.Indices != nil {
		if len(idx) != len(c.Indices) {
			return fmt.Errorf("%d indices, want %d", len(idx), len(c.Indices))
		}
		n, first := 0, -1
		for i := range idx {
			if idx[i] != c.Indices[i] {
				if n++; first < 0 {
					first = i
				}
			}
		}
		if n > 0 {
			return fmt.Errorf("indices: %d of %d differ, first [%d]: got %d, want %d", n, len(idx), first, idx[first], c.Indices[first])
		}
	}
	return nil
}

// equalFunc is the element comparison for a family: bit for bit, but for LP
// (within MaxULP, the same NaN/±Inf class).
func equalFunc(f family) func(got, want float32) bool {
	if f == famLp {
		return func(g, w float32) bool { return sameClass(g, w) && (!finite(w) || ulps(g, w) <= MaxULP) }
	}
	return bitEqual
}

// The golden README's tolerance of a sum summed in another order, which
// simdpool's results keep from PyTorch's channels_last ones where PyTorch
// sums a channels_last input differently (Case.OutputContiguous).
const (
	ATol = 1e-6
	RTol = 1e-6
)

// withinTol: the same NaN/±Inf class, and finite values within ATol +
// RTol*|want| (or MaxULP) of each other.
func withinTol(g, w float32) bool {
	return sameClass(g, w) && (!finite(w) || ulps(g, w) <= MaxULP ||
		math.Abs(float64(g)-float64(w)) <= ATol+RTol*math.Abs(float64(w)))
}

// bitEqual: the same bits, or both NaN.
func bitEqual(g, w float32) bool {
	return math.Float32bits(g) == math.Float32bits(w) || (g != g && w != w)
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// sameClass: both NaN, the same infinity, or both finite.
func sameClass(g, w float32) bool {
	if finite(g) || finite(w) {
		return finite(g) && finite(w)
	}
	return bitEqual(g, w)
}

// ulps is the distance between two finite float32 values in units in the last
// place (+0 and -0 are 0 apart).
func ulps(g, w float32) int64 {
	d := ordered(g) - ordered(w)
	if d < 0 {
		d = -d
	}
	return d
}

func ordered(v float32) int64 {
	b := int32(math.Float32bits(v))
	if b < 0 {
		b = math.MinInt32 - b
	}
	return int64(b)
}

// diff compares got with want element by element and describes the
// mismatches ("" when there are none).
func diff(what string, got, want []float32, eq func(g, w float32) bool) string {
	n, first := 0, -1
	for i := range want {
		if !eq(got[i], want[i]) {
			if n++; first < 0 {
				first = i
			}
		}
	}
	if n == 0 {
		return ""
	}
	g, w := got[first], want[first]
	s := fmt.Sprintf("%s: %d of %d values differ, first [%d]: got %s, want %s", what, n, len(want), first, fmtFloat(g), fmtFloat(w))
	if finite(g) && finite(w) {
		s += fmt.Sprintf(" (%d ULP)", ulps(g, w))
	}
	return s
}

// fmtFloat prints v with its bits, so that -0 and NaN payloads show.
func fmtFloat(v float32) string {
	return fmt.Sprintf("%s (0x%08x)", strconv.FormatFloat(float64(v), 'g', -1, 32), math.Float32bits(v))
}
