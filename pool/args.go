package pool

import (
	"math"
	"slices"

	"github.com/simdpool/simdpool"
)

// maxArg bounds every size argument, so that the size arithmetic below
// cannot overflow.
const maxArg = math.MaxInt32

// sizes expands a PyTorch size argument (one int, or one per spatial
// dimension) to dims values. A nil v gives def in every dimension.
func sizes(op, arg string, v []int, dims, def int) ([]int, error) {
	out := make([]int, dims)
	switch len(v) {
	case 0:
		if v != nil {
			return nil, errorf(op, arg, "must have 1 or %d values, got none", dims)
		}
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case dims:
		copy(out, v)
	default:
		if dims == 1 {
			return nil, errorf(op, arg, "must have 1 value, got %d", len(v))
		}
		return nil, errorf(op, arg, "must have 1 or %d values, got %d", dims, len(v))
	}
	for _, s := range out {
		if s > maxArg || s < -maxArg {
			return nil, errorf(op, arg, "must be at most %d in magnitude, got %v", maxArg, v)
		}
	}
	return out, nil
}

// positiveSizes expands a size argument whose values must all be > 0. A nil
// v gives def, and is an error when def is nil too (a required argument).
func positiveSizes(op, arg string, v, def []int, dims int) ([]int, error) {
	if v == nil {
		if def == nil {
			return nil, errorf(op, arg, "is required")
		}
		v = def
	}
	out, err := sizes(op, arg, v, dims, 0)
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		if s <= 0 {
			return nil, errorf(op, arg, "must be greater than zero, got %v", v)
		}
	}
	return out, nil
}

// input is a validated (N, C, spatial...) or (C, spatial...) input shape.
type input struct {
	op      string
	shape   []int
	lead    int // 2 for (N, C, ...), 1 for (C, ...)
	planes  int // N*C
	spatial []int
	numel   int
}

// parseInput validates shape for a dims-dimensional pooling: rank dims+1
// (unbatched) or dims+2 (batched), sizes between 0 and maxElems, spatial
// sizes and (unless emptyChannels) the channel count greater than zero, and
// at most maxElems elements in the tensor and in each plane. The batch may
// be empty.
func parseInput(op string, shape []int, dims int, emptyChannels bool) (input, error) {
	in := input{op: op, shape: append([]int(nil), shape...), lead: len(shape) - dims}
	if in.lead != 1 && in.lead != 2 {
		return in, errorf(op, "input", "must have %d (unbatched) or %d (batched) dimensions, got shape %v", dims+1, dims+2, shape)
	}
	in.spatial = in.shape[in.lead:]
	var err error
	if in.numel, err = tensorElements(op, "input", shape); err != nil {
		return in, err
	}
	for _, s := range in.spatial {
		if s == 0 {
			return in, errorf(op, "input", "must have non-zero spatial sizes, got shape %v", shape)
		}
	}
	if shape[in.lead-1] == 0 && !emptyChannels {
		return in, errorf(op, "input", "must have a non-zero channel count, got shape %v", shape)
	}
	if _, ok := elements(in.spatial); !ok {
		return in, errorf(op, "input", "has more than %d elements in a plane, shape %v", maxElems, shape)
	}
	in.planes, _ = product(shape[:in.lead]) // N*C*plane fits, and plane > 0
	return in, nil
}

// outShape is the shape of an output with the given spatial sizes.
func (in *input) outShape(spatial []int) []int {
	return append(append([]int(nil), in.shape[:in.lead]...), spatial...)
}

// checkOutput fails, naming arg, when the output with the given spatial sizes
// would break the size limits of parseInput.
func (in *input) checkOutput(arg string, spatial []int) error {
	out := in.outShape(spatial)
	_, okPlane := elements(spatial)
	if _, err := tensorElements(in.op, arg, out); err != nil || !okPlane {
		return errorf(in.op, arg, "gives an output of shape %v for input shape %v: a tensor may have at most %d elements, in all and in each plane, and in each dimension",
			out, in.shape, maxElems)
	}
	return nil
}

// product multiplies sizes, reporting false on overflow (none when a size
// is 0).
func product(v []int) (int, bool) {
	if slices.Contains(v, 0) {
		return 0, true
	}
	n := 1
	for _, s := range v {
		var ok bool
		if n, ok = mulInt(n, s); !ok {
			return 0, false
		}
	}
	return n, true
}

// window holds the validated arguments of a max, avg or LP pooling.
type window struct {
	kernel, stride, pad, dilation []int
	ceil                          bool
}

// parseWindow validates a pooling window as PyTorch does: kernel, stride and
// dilation > 0, 0 <= padding <= kernel/2. A nil stride means the kernel size.
func parseWindow(op string, dims int, kernel, stride, pad, dilation []int, ceil bool) (window, error) {
	w := window{ceil: ceil}
	var err error
	if w.kernel, err = positiveSizes(op, "kernel_size", kernel, nil, dims); err != nil {
		return w, err
	}
	if w.stride, err = positiveSizes(op, "stride", stride, w.kernel, dims); err != nil {
		return w, err
	}
	if w.dilation, err = positiveSizes(op, "dilation", dilation, []int{1}, dims); err != nil {
		return w, err
	}
	if w.pad, err = sizes(op, "padding", pad, dims, 0); err != nil {
		return w, err
	}
	for i, p := range w.pad {
		if p < 0 {
			return w, errorf(op, "padding", "must be non-negative, got %v", w.pad)
		}
		if p > w.kernel[i]/2 {
			return w, errorf(op, "padding", "must be at most half of kernel_size, got padding=%d and kernel_size=%d", p, w.kernel[i])
		}
	}
	return w, nil
}

// axes computes the output size along each spatial dimension with PyTorch's
// rule, and fails when one is not positive or the output is too large.
func (w *window) axes(in *input) ([]simdpool.Axis, error) {
	axes := make([]simdpool.Axis, len(in.spatial))
	out := make([]int, len(axes))
	for i, l := range in.spatial {
		a := simdpool.Axis{In: l, Kernel: w.kernel[i], Stride: w.stride[i], Pad: w.pad[i], Dilation: w.dilation[i]}
		a.Out = pooledSize(a, w.ceil)
		axes[i], out[i] = a, a.Out
	}
	for _, o := range out {
		if o <= 0 {
			return nil, errorf(in.op, "input", "of spatial size %v is too small for the window: output size would be %v", in.spatial, out)
		}
	}
	if err := in.checkOutput("input", out); err != nil {
		return nil, err
	}
	return axes, nil
}

// pooledSize is PyTorch's output size: floor((L + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1,
// less one in ceil mode when the last window would start beyond the input and
// the left padding.
func pooledSize(a simdpool.Axis, ceil bool) int {
	num := a.In + 2*a.Pad - a.Dilation*(a.Kernel-1) - 1
	if ceil {
		num += a.Stride - 1
	}
	o := floorDiv(num, a.Stride) + 1
	if ceil && (o-1)*a.Stride >= a.In+a.Pad {
		o--
	}
	return o
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// geometry lays one to three axes out as the kernels' (D, H, W) Geometry.
// Without planes it has unit axes: there is nothing to pool, and nothing
// (such as a table of divisors) should be sized by the axes of an empty
// batch, which no data bounds.
func geometry(planes int, axes []simdpool.Axis) simdpool.Geometry {
	g := simdpool.Geometry{Planes: planes, D: simdpool.Unit, H: simdpool.Unit, W: simdpool.Unit}
	if planes == 0 {
		return g
	}
	dst := []*simdpool.Axis{&g.D, &g.H, &g.W}[3-len(axes):]
	for i, a := range axes {
		*dst[i] = a
	}
	return g
}

// spatialOut lists the output sizes of axes.
func spatialOut(axes []simdpool.Axis) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = a.Out
	}
	return out
}
