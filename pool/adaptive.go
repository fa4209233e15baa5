package pool

import (
	"math"
	"slices"

	"github.com/simdpool/simdpool"
)

// None is an OutputSize entry of 2d and 3d adaptive pooling that keeps the
// input's size along that dimension, as PyTorch's None does: OutputSize
// []int{None, 7} pools (N, C, H, W) into (N, C, H, 7). Like PyTorch, 1d
// adaptive pooling rejects it, and so does a single broadcast value (PyTorch's
// int form cannot be None).
const None = math.MinInt

// AdaptiveMaxPoolOptions are the arguments of
// torch.nn.functional.adaptive_max_pool1d/2d/3d.
//
// Along a spatial dimension of input size L and output size O, output i pools
// the window [floor(i*L/O), ceil((i+1)*L/O)), so neighbouring windows may
// overlap. Each window follows max pooling's rules: it is scanned row-major,
// NaN wins with the index of the last NaN, and ties keep the first element.
// An output size of 0 gives an empty output. As in PyTorch, a batched input
// must have channels; an empty batch, and an unbatched input without
// channels, give an empty output.
type AdaptiveMaxPoolOptions struct {
	// OutputSize is required: one value for every spatial dimension or one per
	// dimension (1d: exactly one), each >= 0 or, in 2d and 3d, None.
	OutputSize []int
	// ReturnIndices makes the one-call functions also return the indices;
	// plans always can (Plan.RunWithIndices).
	ReturnIndices bool
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// AdaptiveAvgPoolOptions are the arguments of
// torch.nn.functional.adaptive_avg_pool1d/2d/3d.
//
// The windows are those of AdaptiveMaxPoolOptions. Each output is PyTorch's
// float sum of its window from +0 in row-major order, divided by the window's
// depth, then its height, then its width. When every output size is 1 it is
// PyTorch's mean instead: ATen's cascade sum, divided once by the plane size.
// An output size of 0 gives an empty output. As in PyTorch,
// adaptive_avg_pool1d/2d accept inputs without channels, and
// adaptive_avg_pool3d accepts them only unbatched or with every output size 1.
// Where a spatial size is 0, PyTorch returns NaN (the mean of nothing) for
// output size 1 and fails otherwise; simdpool always fails.
type AdaptiveAvgPoolOptions struct {
	// OutputSize is required: one value for every spatial dimension or one per
	// dimension (1d: exactly one), each >= 0 or, in 2d and 3d, None.
	OutputSize []int
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast.
	Layout Layout
}

// NewAdaptiveMaxPool1d plans adaptive_max_pool1d for inputs of shape (N, C, L) or (C, L).
func NewAdaptiveMaxPool1d[T Float](inputShape []int, o AdaptiveMaxPoolOptions) (*Plan[T], error) {
	return newAdaptiveMaxPool[T]("adaptive_max_pool1d", 1, inputShape, o)
}

// NewAdaptiveMaxPool2d plans adaptive_max_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewAdaptiveMaxPool2d[T Float](inputShape []int, o AdaptiveMaxPoolOptions) (*Plan[T], error) {
	return newAdaptiveMaxPool[T]("adaptive_max_pool2d", 2, inputShape, o)
}

// NewAdaptiveMaxPool3d plans adaptive_max_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewAdaptiveMaxPool3d[T Float](inputShape []int, o AdaptiveMaxPoolOptions) (*Plan[T], error) {
	return newAdaptiveMaxPool[T]("adaptive_max_pool3d", 3, inputShape, o)
}

// AdaptiveMaxPool1d is torch.nn.functional.adaptive_max_pool1d; the indices
// are nil unless o.ReturnIndices is set.
func AdaptiveMaxPool1d[T Float](x Tensor[T], o AdaptiveMaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("adaptive_max_pool1d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewAdaptiveMaxPool1d[T](x.Shape, o) })
}

// AdaptiveMaxPool2d is torch.nn.functional.adaptive_max_pool2d; the indices
// are nil unless o.ReturnIndices is set.
func AdaptiveMaxPool2d[T Float](x Tensor[T], o AdaptiveMaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("adaptive_max_pool2d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewAdaptiveMaxPool2d[T](x.Shape, o) })
}

// AdaptiveMaxPool3d is torch.nn.functional.adaptive_max_pool3d; the indices
// are nil unless o.ReturnIndices is set.
func AdaptiveMaxPool3d[T Float](x Tensor[T], o AdaptiveMaxPoolOptions) (Tensor[T], []int64, error) {
	return apply("adaptive_max_pool3d", x, o.ReturnIndices, func() (*Plan[T], error) { return NewAdaptiveMaxPool3d[T](x.Shape, o) })
}

// NewAdaptiveAvgPool1d plans adaptive_avg_pool1d for inputs of shape (N, C, L) or (C, L).
func NewAdaptiveAvgPool1d[T Float](inputShape []int, o AdaptiveAvgPoolOptions) (*Plan[T], error) {
	return newAdaptiveAvgPool[T]("adaptive_avg_pool1d", 1, inputShape, o)
}

// NewAdaptiveAvgPool2d plans adaptive_avg_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewAdaptiveAvgPool2d[T Float](inputShape []int, o AdaptiveAvgPoolOptions) (*Plan[T], error) {
	return newAdaptiveAvgPool[T]("adaptive_avg_pool2d", 2, inputShape, o)
}

// NewAdaptiveAvgPool3d plans adaptive_avg_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewAdaptiveAvgPool3d[T Float](inputShape []int, o AdaptiveAvgPoolOptions) (*Plan[T], error) {
	return newAdaptiveAvgPool[T]("adaptive_avg_pool3d", 3, inputShape, o)
}

// AdaptiveAvgPool1d is torch.nn.functional.adaptive_avg_pool1d.
func AdaptiveAvgPool1d[T Float](x Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("adaptive_avg_pool1d", x, false, func() (*Plan[T], error) { return NewAdaptiveAvgPool1d[T](x.Shape, o) })
	return out, err
}

// AdaptiveAvgPool2d is torch.nn.functional.adaptive_avg_pool2d.
func AdaptiveAvgPool2d[T Float](x Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("adaptive_avg_pool2d", x, false, func() (*Plan[T], error) { return NewAdaptiveAvgPool2d[T](x.Shape, o) })
	return out, err
}

// AdaptiveAvgPool3d is torch.nn.functional.adaptive_avg_pool3d.
func AdaptiveAvgPool3d[T Float](x Tensor[T], o AdaptiveAvgPoolOptions) (Tensor[T], error) {
	out, _, err := apply("adaptive_avg_pool3d", x, false, func() (*Plan[T], error) { return NewAdaptiveAvgPool3d[T](x.Shape, o) })
	return out, err
}

func newAdaptiveMaxPool[T Float](op string, dims int, shape []int, o AdaptiveMaxPoolOptions) (*Plan[T], error) {
	in, out, err := parseAdaptive(op, dims, shape, o.OutputSize, o.Layout)
	if err != nil {
		return nil, err
	}
	// PyTorch checks every dimension but the first: a batched input's
	// channels, not an unbatched one's.
	if in.lead == 2 && in.channels() == 0 {
		return nil, errorf(op, "input", "must have a non-zero channel count, got shape %v", shape)
	}
	p, err := newPlan[T](&in, out, true, kernel[T]{})
	if err != nil {
		return nil, err
	}
	a := adaptiveLayout(&in, out, p.outLen)
	switch a.path {
	case adaptiveEmpty:
		p.kernel, p.back = nothing[T](), zeroBackward[T]()
		return p, nil
	case adaptiveGlobal:
		newMax := simdpool.NewGlobalMax[T]
		if a.g.Channels > 0 {
			newMax = func(planes, n int, withIdx bool) (*simdpool.Program[T], error) {
				return simdpool.NewGlobalMaxChannelsLast[T](planes, a.g.Channels, n, withIdx)
			}
		}
		val, err := newMax(in.planes, a.g.InPlane(), false)
		if err != nil {
			return nil, internalError(op, err)
		}
		withIdx, err := newMax(in.planes, a.g.InPlane(), true)
		if err != nil {
			return nil, internalError(op, err)
		}
		p.kernel = programs(val, withIdx)
	case adaptiveRegular:
		if p.kernel, err = newMaxKernel[T](op, a.g); err != nil {
			return nil, err
		}
	default:
		g := newAdaptiveGeometry(&a.g)
		p.kernel = goKernel("adaptive max (pure Go)", g.planes, (p.inLen+p.outLen)*size[T](), func(dst []T, idx []int64, src []T, lo, hi int) { adaptiveMax(dst, idx, src, &g, lo, hi) })
		p.kernel = inLayout(&in, a.g.OutPlane(), p.kernel)
	}
	var b *simdpool.Backward[T]
	if a.path == adaptiveRegular {
		b, err = simdpool.NewMaxBackward[T](firstLayout(a.g))
	} else {
		b, err = simdpool.NewScatterBackward[T](in.planes, a.g.InPlane(), a.g.OutPlane())
	}
	if p.back, err = rootBackward(op, b, err); err != nil {
		return nil, err
	}
	return p, nil
}

func newAdaptiveAvgPool[T Float](op string, dims int, shape []int, o AdaptiveAvgPoolOptions) (*Plan[T], error) {
	in, out, err := parseAdaptive(op, dims, shape, o.OutputSize, o.Layout)
	if err != nil {
		return nil, err
	}
	// adaptive_avg_pool3d checks the channels, adaptive_avg_pool2d (and 1d,
	// which is 2d) does not, and the mean that replaces both for output 1
	// checks nothing.
	if dims == 3 && in.lead == 2 && in.channels() == 0 && !allOnes(out) {
		return nil, errorf(op, "input", "must have a non-zero channel count, got shape %v", shape)
	}
	p, err := newPlan[T](&in, out, false, kernel[T]{})
	if err != nil {
		return nil, err
	}
	switch a := adaptiveLayout(&in, out, p.outLen); a.path {
	case adaptiveEmpty:
		p.kernel, p.back = nothing[T](), zeroBackward[T]()
	case adaptiveGlobal:
		prog, err := simdpool.NewGlobalMean[T](in.planes, a.g.InPlane())
		if a.g.Channels > 0 {
			prog, err = simdpool.NewGlobalMeanChannelsLast[T](in.planes, a.g.Channels, a.g.InPlane())
		}
		if err != nil {
			return nil, internalError(op, err)
		}
		p.kernel = programs(prog, nil)
		b, err := simdpool.NewGlobalMeanBackward[T](in.planes, a.g.InPlane())
		if p.back, err = rootBackward(op, b, err); err != nil {
			return nil, err
		}
	case adaptiveRegular:
		g := a.g
		div := simdpool.Divisor{Successive: true, D: windowKernels(&g.D), H: windowKernels(&g.H), W: windowKernels(&g.W)}
		prog, err := simdpool.NewAvg[T](g, div)
		if err != nil {
			return nil, internalError(op, err)
		}
		p.kernel = programs(prog, nil)
		b, err := simdpool.NewAvgBackward[T](firstLayout(g), div)
		if p.back, err = rootBackward(op, b, err); err != nil {
			return nil, err
		}
	default:
		g := newAdaptiveGeometry(&a.g)
		bytes := (p.inLen + p.outLen) * size[T]()
		p.kernel = goKernel("adaptive average (pure Go)", g.planes, bytes, func(dst []T, _ []int64, src []T, lo, hi int) { adaptiveAvg(dst, src, &g, lo, hi) })
		p.kernel = inLayout(&in, a.g.OutPlane(), p.kernel)
		p.back = goBackward(goKernel("adaptive average backward (pure Go)", g.planes, bytes, func(gin []T, _ []int64, gout []T, lo, hi int) { adaptiveAvgBackward(gin, gout, &g, lo, hi) }))
	}
	return p, nil
}

// parseAdaptive validates the input shape and the output size of an adaptive
// pooling, returning the output's spatial sizes with None replaced by the
// input's. The channel count may be 0 (each operator checks it as PyTorch does).
func parseAdaptive(op string, dims int, shape, outputSize []int, l Layout) (input, []int, error) {
	in, err := parseInput(op, shape, dims, true, l)
	if err != nil {
		return in, nil, err
	}
	if outputSize == nil {
		return in, nil, errorf(op, "output_size", "is required")
	}
	v := outputSize
	switch {
	case dims == 1 && slices.Contains(v, None):
		return in, nil, errorf(op, "output_size", "must be an int, not None, in 1d adaptive pooling")
	case len(v) == 1 && v[0] == None:
		return in, nil, errorf(op, "output_size", "can be None only given per dimension, got a single None")
	case len(v) == dims:
		v = slices.Clone(v)
		for i, s := range v {
			if s == None {
				v[i] = in.spatial[i]
			}
		}
	}
	out, err := sizes(op, "output_size", v, dims, 0, maxElems)
	if err != nil {
		return in, nil, err
	}
	for i, s := range out {
		if s < 0 {
			return in, nil, errorf(op, "output_size", "must be non-negative, got %v", out)
		}
		// The window bounds are computed from o*L with o < out, in int64.
		if int64(s) > math.MaxInt64/int64(in.spatial[i]+1) {
			return in, nil, errorf(op, "output_size", "%v is too large for input size %v: output_size*(input size+1) must fit an int64", out, in.spatial)
		}
	}
	if err := in.checkOutput("output_size", out); err != nil {
		return in, nil, err
	}
	return in, out, nil
}

// The ways to run an adaptive pooling.
const (
	adaptiveEmpty     = iota // no output: nothing to do
	adaptiveGlobal           // every output size 1: one reduction per plane
	adaptiveRegular          // windows of one size at a fixed stride along every axis: a root kernel
	adaptiveIrregular        // overlapping or uneven windows: adaptiveMax / adaptiveAvg
)

// adaptiveRoute is how an adaptive pooling runs: its path and the geometry
// of the planes, with, on the regular path, each axis' kernel and stride.
type adaptiveRoute struct {
	path int
	g    simdpool.Geometry
}

// adaptiveLayout picks the path for an input and output spatial sizes, the
// output having outLen elements.
func adaptiveLayout(in *input, out []int, outLen int) adaptiveRoute {
	axes := make([]simdpool.Axis, len(out))
	regular := outLen > 0 // an empty output needs no windows
	for i, o := range out {
		axes[i] = simdpool.Axis{In: in.spatial[i], Out: o, Kernel: 1, Stride: 1, Dilation: 1}
		if regular {
			axes[i].Kernel, axes[i].Stride, regular = regularWindows(in.spatial[i], o)
			regular = regular && axes[i].Kernel <= math.MaxInt32 // the avg kernels' divisors are int32
		}
	}
	a := adaptiveRoute{path: adaptiveIrregular, g: in.geometry(axes)}
	switch {
	case outLen == 0:
		a.path = adaptiveEmpty
	case allOnes(out):
		a.path = adaptiveGlobal
	case regular:
		a.path = adaptiveRegular
	}
	return a
}

// regularWindows reports whether the adaptive windows of in inputs pooled
// into out outputs are those of a plain pooling: all of k inputs, one every s
// inputs. They are when out divides in (k = s = in/out), and in other cases
// such as 13 -> 6 (k = 3, s = 2).
func regularWindows(in, out int) (k, s int, ok bool) {
	w := func(o int) (lo, hi int) { // PyTorch's window of output o, in int64
		l, n := int64(in), int64(out)
		return int(int64(o) * l / n), int((int64(o+1)*l + n - 1) / n)
	}
	lo, hi := w(0)
	k, s = hi-lo, hi-lo
	if out > 1 {
		s, _ = w(1)
	}
	if s < 1 {
		return 1, 1, false
	}
	for o := range out {
		if lo, hi := w(o); lo != o*s || hi-lo != k {
			return 1, 1, false
		}
	}
	return k, s, true
}

// allOnes reports whether every output size is 1 (PyTorch's mean case).
func allOnes(v []int) bool {
	for _, s := range v {
		if s != 1 {
			return false
		}
	}
	return true
}

// windowKernels lists a's kernel size once per output: the divisors of a
// regular adaptive average along a.
func windowKernels(a *simdpool.Axis) []int32 {
	k := make([]int32, a.Out)
	for i := range k {
		k[i] = int32(a.Kernel)
	}
	return k
}

// adaptiveAxis holds the windows of an adaptive pooling along one axis:
// output o covers the inputs [lo[o], hi[o]) of in.
type adaptiveAxis struct {
	in     int
	lo, hi []int
}

// adaptiveGeometry is the adaptive counterpart of simdpool.Geometry: planes
// contiguous planes of d.in*h.in*w.in inputs, each pooled into
// len(d.lo)*len(h.lo)*len(w.lo) outputs, row-major.
type adaptiveGeometry struct {
	planes  int
	d, h, w adaptiveAxis
}

// newAdaptiveGeometry computes the windows of each axis of g (In and Out only).
func newAdaptiveGeometry(g *simdpool.Geometry) adaptiveGeometry {
	return adaptiveGeometry{planes: g.Planes, d: newAdaptiveAxis(g.D.In, g.D.Out), h: newAdaptiveAxis(g.H.In, g.H.Out), w: newAdaptiveAxis(g.W.In, g.W.Out)}
}

// newAdaptiveAxis computes PyTorch's adaptive windows, floor(o*in/out) to
// ceil((o+1)*in/out), in int64 (parseAdaptive has checked that out*(in+1)
// fits).
func newAdaptiveAxis(in, out int) adaptiveAxis {
	a := adaptiveAxis{in: in, lo: make([]int, out), hi: make([]int, out)}
	l, n := int64(in), int64(out)
	for o := range int64(out) {
		a.lo[o] = int(o * l / n)
		a.hi[o] = int(((o+1)*l + n - 1) / n)
	}
	return a
}

// adaptiveMax is adaptive max pooling over any windows, of the planes
// [lo, hi), with the rules of the root package's max kernels: each window is
// scanned row-major from -inf, and a value replaces the maximum when it is
// greater or NaN. idx may be nil.
func adaptiveMax[T Float](dst []T, idx []int64, src []T, g *adaptiveGeometry, lo, hi int) {
	plane, row := g.h.in*g.w.in, g.w.in
	inPlane := g.d.in * plane
	o := lo * len(g.d.lo) * len(g.h.lo) * len(g.w.lo)
	for p := lo; p < hi; p++ {
		in := src[p*inPlane : (p+1)*inPlane]
		for od, d0 := range g.d.lo {
			d1 := g.d.hi[od]
			for oh, h0 := range g.h.lo {
				h1 := g.h.hi[oh]
				for ow, w0 := range g.w.lo {
					w1 := g.w.hi[ow]
					best, at := T(math.Inf(-1)), -1
					for d := d0; d < d1; d++ {
						for h := h0; h < h1; h++ {
							r := d*plane + h*row
							for i := r + w0; i < r+w1; i++ {
								if v := in[i]; at < 0 || v > best || v != v {
									best, at = v, i
								}
							}
						}
					}
					dst[o] = best
					if idx != nil {
						idx[o] = int64(at)
					}
					o++
				}
			}
		}
	}
}

// adaptiveAvg is adaptive average pooling over any windows, of the planes
// [lo, hi), as PyTorch computes it: a float sum of the window from +0 in
// row-major order, divided by the window's depth, then its height, then its
// width (1d and 2d divide by 1 for the missing dimensions, which changes
// nothing).
func adaptiveAvg[T Float](dst, src []T, g *adaptiveGeometry, lo, hi int) {
	plane, row := g.h.in*g.w.in, g.w.in
	inPlane := g.d.in * plane
	o := lo * len(g.d.lo) * len(g.h.lo) * len(g.w.lo)
	for p := lo; p < hi; p++ {
		in := src[p*inPlane : (p+1)*inPlane]
		for od, d0 := range g.d.lo {
			d1 := g.d.hi[od]
			for oh, h0 := range g.h.lo {
				h1 := g.h.hi[oh]
				for ow, w0 := range g.w.lo {
					w1 := g.w.hi[ow]
					var sum T
					for d := d0; d < d1; d++ {
						for h := h0; h < h1; h++ {
							r := in[d*plane+h*row:]
							for _, v := range r[w0:w1] {
								sum += v
							}
						}
					}
					dst[o] = sum / T(d1-d0) / T(h1-h0) / T(w1-w0)
					o++
				}
			}
		}
	}
}
