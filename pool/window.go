package pool

import (
	"math"

	"github.com/simdpool/simdpool"
)

// window holds the validated arguments of a max, avg, LP or stochastic
// pooling. dilation is nil but for max pooling.
type window struct {
	kernel, stride, pad, dilation []int
	ceil                          bool
	clip                          clip
}

// clip says what in a window's axes cannot change the result, which
// kernelAxis may then clip.
type clip int

const (
	clipSpans  clip = iota // avg and stochastic pooling: the window's span up to the padding counts
	clipTaps               // max pooling: the taps inside the input count
	clipStride             // LP pooling: the kernel volume counts too
)

// parseWindow validates a pooling window without dilation as PyTorch does:
// kernel and stride > 0, 0 <= padding <= kernel/2, each at most limit. A nil
// stride means the kernel size.
func parseWindow(op string, dims, limit int, kernel, stride, pad []int, ceil bool) (window, error) {
	w := window{ceil: ceil}
	var err error
	if w.kernel, err = positiveSizes(op, "kernel_size", kernel, nil, dims, limit); err != nil {
		return w, err
	}
	if w.stride, err = positiveSizes(op, "stride", stride, w.kernel, dims, limit); err != nil {
		return w, err
	}
	if w.pad, err = sizes(op, "padding", pad, dims, 0, limit); err != nil {
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

// parseMaxWindow is parseWindow for max pooling, with its dilation (> 0).
func parseMaxWindow(op string, dims, limit int, o MaxPoolOptions) (window, error) {
	w, err := parseWindow(op, dims, limit, o.KernelSize, o.Stride, o.Padding, o.CeilMode)
	if err != nil {
		return w, err
	}
	w.clip = clipTaps
	w.dilation, err = positiveSizes(op, "dilation", o.Dilation, []int{1}, dims, limit)
	return w, err
}

// axes computes the output size along each spatial dimension with PyTorch's
// rule, fails when one is not positive or the output is too large, and
// returns the axes as the kernels get them (see kernelAxis).
func (w *window) axes(in *input) ([]simdpool.Axis, error) {
	axes := make([]simdpool.Axis, len(in.spatial))
	out := make([]int, len(axes))
	for i, l := range in.spatial {
		a := simdpool.Axis{In: l, Kernel: w.kernel[i], Stride: w.stride[i], Pad: w.pad[i], Dilation: 1}
		if w.dilation != nil {
			a.Dilation = w.dilation[i]
		}
		var ok bool
		if a.Out, ok = pooledSize(a, w.ceil); !ok {
			arg, v := "padding", w.pad
			if _, fits := addInt(2*l, 2*a.Pad); fits {
				arg, v = "stride", w.stride
			}
			return nil, errorf(in.op, arg, "%v is too large for input size %v: the output size arithmetic would overflow an int", v, in.spatial)
		}
		axes[i], out[i] = kernelAxis(a, w.clip), a.Out
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
// the left padding. It reports false when L + 2p (+ s-1), plus L, does not fit
// an int: PyTorch, computing in int64, overflows there, and the kernels, whose
// arithmetic stays within that bound (see kernelAxis), must not.
func pooledSize(a simdpool.Axis, ceil bool) (int, bool) {
	ext, ok := addInt(a.In, 2*a.Pad) // 2p <= k fits
	if ceil && ok {
		ext, ok = addInt(ext, a.Stride-1)
	}
	if _, fits := addInt(ext, a.In); !ok || !fits {
		return 0, false
	}
	reach, fits := mulInt(a.Dilation, a.Kernel-1)
	if !fits {
		reach = math.MaxInt // beyond ext: no output
	}
	o := floorDiv(ext-1-reach, a.Stride) + 1
	if ceil && o > 0 && (o-1)*a.Stride >= a.In+a.Pad {
		o--
	}
	return o, true
}

// kernelAxis returns a, whose output size is positive, as the kernels get it:
// values that cannot change the result are clipped so that the kernels'
// arithmetic stays within 2L + 2p (+ s-1), which pooledSize has checked, and
// their work within the input's size, whatever sizes up to PyTorch's int64
// the caller gave.
//
// A stride beyond L+p leaves one window (non-ceil: (out-1)*s <= L; ceil:
// (out-1)*s < L+p), whose position the stride does not change. The span of
// an avg or stochastic window, which starts at -p or later, ends at L+p
// (PyTorch's pool size counts up to there) for any kernel of L+2p or more.
// For max pooling only the taps inside the input matter: with a dilation
// beyond L+p every window has at most one tap inside the input, its first,
// as with dilation L+p+1; and no window has more than ceil((L+p)/d) taps
// before the input's end, so a longer kernel adds only taps past the end.
func kernelAxis(a simdpool.Axis, c clip) simdpool.Axis {
	a.Stride = min(a.Stride, a.In+a.Pad)
	switch c {
	case clipSpans:
		a.Kernel = min(a.Kernel, a.In+2*a.Pad)
	case clipTaps:
		a.Dilation = min(a.Dilation, a.In+a.Pad+1)
		a.Kernel = min(a.Kernel, (a.In+a.Pad+a.Dilation-1)/a.Dilation)
	}
	return a
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
