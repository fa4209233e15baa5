package pool

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/simdpool/simdpool"
)

// FractionalMaxPoolOptions are the arguments of
// torch.nn.functional.fractional_max_pool2d/3d (Graham 2014, pseudo-random
// overlapping intervals). KernelSize and OutputSize take one value for every
// spatial dimension or one per dimension; so does OutputRatio.
type FractionalMaxPoolOptions struct {
	KernelSize []int // required, > 0 (PyTorch does not check it)
	// Exactly one of OutputSize and OutputRatio is set. A ratio r gives the
	// output size int(L*r) along a dimension of input size L, as PyTorch's
	// Python code computes it (in float64, truncated).
	OutputSize  []int
	OutputRatio []float64
	// ReturnIndices makes the one-call functions also return the indices;
	// plans always can.
	ReturnIndices bool
	// Seed drives the samples of the one-call functions when they are given
	// none (see FractionalPlan.RunSeeded).
	Seed uint64
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast. The samples are (N, C,
	// dims) in both.
	Layout Layout
}

// FractionalPlan is a validated fractional max pooling for one input shape.
// Its runs take the window offsets from samples in [0, 1), one per (n, c)
// plane and spatial dimension, like PyTorch's _random_samples: either given
// by the caller (Run) or drawn from a seed (RunSeeded). A FractionalPlan is
// immutable, safe for concurrent use, and runs without allocating.
type FractionalPlan[T Float] struct {
	op                        string
	in, out, samples          []int
	inLen, outLen, samplesLen int
	planes, dims              int
	d, h, w                   fracAxis[T]           // absent dimensions are units
	tasks                     *sync.Pool            // runs' tasks (taskPool)
	back                      *simdpool.Backward[T] // the gradient: the scatter (backward_plans.go)
	first                     *channelsFirst[T]     // channels-last: the channels-first copies runs and backwards work on (else nil)
}

// fracAxis is one spatial dimension of a fractional pooling.
type fracAxis[T Float] struct {
	in, out, kernel int
	alpha           T   // (in-kernel)/(out-1) in T arithmetic, as PyTorch
	sample          int // the component of a plane's samples that drives this axis
}

// start is where window i begins: PyTorch's
// int((i+u)*alpha) - int(u*alpha), and in-kernel for the last window. The
// conversions round every step to T as PyTorch does (no fused multiply-add).
// The clamp to [0, in-kernel] only matters where float32 rounding of huge
// sizes (beyond 2^22) would put a window past the input, which PyTorch's
// assertion rejects; it keeps every read inside the plane.
func (a *fracAxis[T]) start(i int, u T) int {
	if i >= a.out-1 {
		return a.in - a.kernel
	}
	s := int(T(T(T(i)+u)*a.alpha)) - int(T(u*a.alpha))
	return min(max(s, 0), a.in-a.kernel)
}

// NewFractionalMaxPool2d plans fractional_max_pool2d for inputs of shape
// (N, C, H, W) or (C, H, W). Each output size O must satisfy O + k - 1 <= L.
func NewFractionalMaxPool2d[T Float](inputShape []int, o FractionalMaxPoolOptions) (*FractionalPlan[T], error) {
	return newFractional[T]("fractional_max_pool2d", 2, inputShape, o)
}

// NewFractionalMaxPool3d plans fractional_max_pool3d for inputs of shape
// (N, C, D, H, W) or (C, D, H, W). Each output size O must satisfy
// O + k - 1 < L: PyTorch's 3d check is strict where its 2d check is not.
func NewFractionalMaxPool3d[T Float](inputShape []int, o FractionalMaxPoolOptions) (*FractionalPlan[T], error) {
	return newFractional[T]("fractional_max_pool3d", 3, inputShape, o)
}

// FractionalMaxPool2d is torch.nn.functional.fractional_max_pool2d. samples
// (PyTorch's _random_samples, shape FractionalPlan.SamplesShape) may be nil:
// they are then drawn from o.Seed. The indices are nil unless
// o.ReturnIndices is set.
func FractionalMaxPool2d[T Float](x Tensor[T], o FractionalMaxPoolOptions, samples []T) (Tensor[T], []int64, error) {
	return applyFractional("fractional_max_pool2d", x, o, samples, func() (*FractionalPlan[T], error) { return NewFractionalMaxPool2d[T](x.Shape, o) })
}

// FractionalMaxPool3d is torch.nn.functional.fractional_max_pool3d; see
// FractionalMaxPool2d for samples and indices.
func FractionalMaxPool3d[T Float](x Tensor[T], o FractionalMaxPoolOptions, samples []T) (Tensor[T], []int64, error) {
	return applyFractional("fractional_max_pool3d", x, o, samples, func() (*FractionalPlan[T], error) { return NewFractionalMaxPool3d[T](x.Shape, o) })
}

// applyFractional is the one-call form of op (see apply).
func applyFractional[T Float](op string, x Tensor[T], o FractionalMaxPoolOptions, samples []T, plan func() (*FractionalPlan[T], error)) (Tensor[T], []int64, error) {
	p, err := planFor(op, x, plan)
	if err == nil && samples != nil {
		err = p.checkSamples(samples)
	}
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	out, err := makeTensor[T](p.op, "output", p.out)
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	var idx []int64
	if o.ReturnIndices {
		idx = make([]int64, p.outLen)
	}
	if samples == nil {
		err = p.RunSeeded(out.Data, idx, x.Data, o.Seed)
	} else {
		err = p.Run(out.Data, idx, x.Data, samples)
	}
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	return out, idx, nil
}

func newFractional[T Float](op string, dims int, shape []int, o FractionalMaxPoolOptions) (*FractionalPlan[T], error) {
	if o.OutputSize == nil && o.OutputRatio == nil {
		return nil, errorf(op, "output_size", "or output_ratio is required")
	}
	if o.OutputSize != nil && o.OutputRatio != nil {
		return nil, errorf(op, "output_ratio", "must not be given with output_size")
	}
	// PyTorch checks the sizes of every non-batch dimension: the channels of
	// a batched input, but not those of an unbatched one.
	in, err := parseInput(op, shape, dims, len(shape) == dims+1, o.Layout)
	if err != nil {
		return nil, err
	}
	kernel, err := positiveSizes(op, "kernel_size", o.KernelSize, nil, dims, int64Arg)
	if err != nil {
		return nil, err
	}
	for i, k := range kernel {
		if k > in.spatial[i] {
			return nil, errorf(op, "kernel_size", "%v must be at most the input size %v", kernel, in.spatial)
		}
	}
	outArg, what := "output_size", ""
	var out []int
	if o.OutputSize != nil {
		if out, err = sizes(op, outArg, o.OutputSize, dims, 0, int64Arg); err != nil {
			return nil, err
		}
	} else {
		if out, err = ratioSizes(op, o.OutputRatio, in.spatial); err != nil {
			return nil, err
		}
		outArg, what = "output_ratio", fmt.Sprintf(" %v gives", o.OutputRatio)
	}
	rel := "<="
	if dims == 3 {
		rel = "<" // PyTorch's 3d check is strict
	}
	for i, s := range out {
		if s < 0 {
			return nil, errorf(op, outArg, "must give non-negative output sizes:%s output size %v", what, out)
		}
		// s + k - 1 <= L (3d: <), without overflow: k <= L
		if room := in.spatial[i] - kernel[i] + 1; s > room || dims == 3 && s == room {
			return nil, errorf(op, outArg, "is too large:%s output size %v with kernel_size %v and input size %v, where %s needs output_size + kernel_size - 1 %s input size in every dimension",
				what, out, kernel, in.spatial, op, rel)
		}
	}
	if err := isaError(op); err != nil {
		return nil, err
	}
	p := &FractionalPlan[T]{op: op, in: in.shape, out: in.outShape(out), inLen: in.numel, planes: in.planes, dims: dims}
	p.outLen, _ = product(p.out) // output sizes are below the input's
	p.samples = []int{in.images(), in.channels(), dims}
	p.samplesLen = in.planes * dims // N*C <= maxElems
	axes := make([]fracAxis[T], dims)
	for i := range axes {
		a := fracAxis[T]{in: in.spatial[i], out: out[i], kernel: kernel[i]}
		if a.out > 1 {
			a.alpha = T(a.in-a.kernel) / T(a.out-1)
		}
		axes[i] = a
	}
	unit := fracAxis[T]{in: 1, out: 1, kernel: 1}
	if dims == 2 {
		// samples[..., 0] drives W and [..., 1] drives H.
		axes[0].sample, axes[1].sample = 1, 0
		p.d, p.h, p.w = unit, axes[0], axes[1]
	} else {
		// samples[..., 0] drives T (depth), [1] H and [2] W.
		axes[0].sample, axes[1].sample, axes[2].sample = 0, 1, 2
		p.d, p.h, p.w = axes[0], axes[1], axes[2]
	}
	p.tasks = taskPool(p.unit)
	inPlane, _ := product(in.spatial) // below the input's element count
	outPlane, _ := product(out)
	if p.back, err = simdpool.NewScatterBackward[T](p.planes, inPlane, outPlane); err != nil {
		return nil, internalError(op, err)
	}
	if in.layout == ChannelsLast {
		p.first = newChannelsFirst[T](&in, outPlane)
	}
	return p, nil
}

// ratioSizes turns output_ratio into output sizes: int(L * ratio) per
// spatial dimension, in float64 and truncated toward zero, as PyTorch does.
func ratioSizes(op string, ratio []float64, spatial []int) ([]int, error) {
	dims := len(spatial)
	if len(ratio) != 1 && len(ratio) != dims {
		return nil, errorf(op, "output_ratio", "must have 1 or %d values, got %d", dims, len(ratio))
	}
	out := make([]int, dims)
	for i, l := range spatial {
		r := ratio[0]
		if len(ratio) == dims {
			r = ratio[i]
		}
		s := float64(l) * r
		if math.IsNaN(s) || s >= maxElems+1 || s <= -maxElems-1 {
			return nil, errorf(op, "output_ratio", "must give output sizes of at most %d in magnitude, got ratio %v for input size %v", maxElems, ratio, spatial)
		}
		out[i] = int(s)
	}
	return out, nil
}

// Op is the PyTorch name of the operator: "fractional_max_pool2d" or "fractional_max_pool3d".
func (p *FractionalPlan[T]) Op() string { return p.op }

// InputShape is the input shape the plan was made for.
func (p *FractionalPlan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output (and of the indices).
func (p *FractionalPlan[T]) OutputShape() []int { return slices.Clone(p.out) }

// SamplesShape is the shape of the samples Run takes, PyTorch's
// _random_samples: (N, C, dims), or (1, C, dims) for an unbatched input.
func (p *FractionalPlan[T]) SamplesShape() []int { return slices.Clone(p.samples) }

// Run pools src, of the plan's input shape, into dst, of its output shape,
// with the window offsets given by samples (SamplesShape, every value in
// [0, 1)). When indices is not nil it receives, for each output, the flat
// index inside its (n, c) plane of the input element it came from. dst must
// not overlap src. On error nothing is written.
func (p *FractionalPlan[T]) Run(dst []T, indices []int64, src, samples []T) error {
	if err := p.check(dst, indices, src); err != nil {
		return err
	}
	if err := p.checkSamples(samples); err != nil {
		return err
	}
	p.runOn(nil, dst, indices, src, samples, 0)
	return nil
}

// checkSamples checks the samples Run takes: SamplesShape, values in [0, 1).
func (p *FractionalPlan[T]) checkSamples(samples []T) error {
	if len(samples) != p.samplesLen {
		return errorf(p.op, "samples", "must have %d elements for shape %v, got %d", p.samplesLen, p.samples, len(samples))
	}
	for i, u := range samples {
		if !(u >= 0 && u < 1) {
			return errorf(p.op, "samples", "must lie in [0, 1), got %v at position %d", u, i)
		}
	}
	return nil
}

// RunOn is Run on the workers w: the same outputs, bit for bit, computed on
// up to w.Size() goroutines.
func (p *FractionalPlan[T]) RunOn(w *Workers, dst []T, indices []int64, src, samples []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := p.check(dst, indices, src); err != nil {
		return err
	}
	if err := p.checkSamples(samples); err != nil {
		return err
	}
	p.runOn(w, dst, indices, src, samples, 0)
	return nil
}

// RunSeededOn is RunSeeded on the workers w (see RunOn).
func (p *FractionalPlan[T]) RunSeededOn(w *Workers, dst []T, indices []int64, src []T, seed uint64) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := p.check(dst, indices, src); err != nil {
		return err
	}
	p.runOn(w, dst, indices, src, nil, seed)
	return nil
}

// fracRun is the arguments of a run: its slices, samples or seed, and the
// planes a unit covers.
type fracRun[T Float] struct {
	dst, src, samples []T
	idx               []int64
	seed              uint64
	per               int
}

// runOn runs the planes in units on w (nil: the caller alone), on
// channels-first copies for a channels-last plan.
func (p *FractionalPlan[T]) runOn(w *Workers, dst []T, idx []int64, src, samples []T, seed uint64) {
	if p.first != nil {
		p.first.run(dst, idx, src, nil, func(dst []T, idx []int64, src []T, _ []int64) { p.runFirst(w, dst, idx, src, samples, seed) })
		return
	}
	p.runFirst(w, dst, idx, src, samples, seed)
}

// runFirst is runOn on channels-first tensors.
func (p *FractionalPlan[T]) runFirst(w *Workers, dst []T, idx []int64, src, samples []T, seed uint64) {
	units := w.Units(p.planes, (p.inLen+p.outLen)*size[T]())
	per := (p.planes + units - 1) / units
	parallelRun(w, p.tasks, (p.planes+per-1)/max(per, 1), fracRun[T]{dst, src, samples, idx, seed, per})
}

func (p *FractionalPlan[T]) unit(a *fracRun[T], u int) {
	p.run(a.dst, a.idx, a.src, a.samples, a.seed, u*a.per, min((u+1)*a.per, p.planes))
}

// RunSeeded is Run with samples drawn from seed by a counter-based
// generator: sample i (the flat index into SamplesShape) depends on seed and
// i only, so a seed gives the same result whatever the batch is split into
// and however many goroutines run plans. It does not allocate.
func (p *FractionalPlan[T]) RunSeeded(dst []T, indices []int64, src []T, seed uint64) error {
	if err := p.check(dst, indices, src); err != nil {
		return err
	}
	p.runOn(nil, dst, indices, src, nil, seed)
	return nil
}

func (p *FractionalPlan[T]) check(dst []T, indices []int64, src []T) error {
	if len(src) != p.inLen {
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	if len(dst) != p.outLen {
		return errorf(p.op, "dst", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(dst))
	}
	if indices != nil && len(indices) != p.outLen {
		return errorf(p.op, "indices", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(indices))
	}
	return nil
}

// run is PyTorch's fractional max pooling loop. Each window [start,
// start+k) lies inside the input and is scanned row-major from -inf; a value
// replaces the maximum when it is greater or NaN, as in max pooling. samples
// nil means drawing them from seed. It computes the planes [lo, hi).
func (p *FractionalPlan[T]) run(dst []T, idx []int64, src, samples []T, seed uint64, lo, hi int) {
	D, H, W := &p.d, &p.h, &p.w
	inPlane, plane, row := D.in*H.in*W.in, H.in*W.in, W.in
	o := lo * D.out * H.out * W.out
	for pl := lo; pl < hi; pl++ {
		var u [3]T
		for j := range p.dims {
			if k := pl*p.dims + j; samples != nil {
				u[j] = samples[k]
			} else {
				u[j] = uniform[T](seed, uint64(k))
			}
		}
		in := src[pl*inPlane : (pl+1)*inPlane]
		for od := range D.out {
			ds := D.start(od, u[D.sample])
			for oh := range H.out {
				hs := H.start(oh, u[H.sample])
				for ow := range W.out {
					ws := W.start(ow, u[W.sample])
					best, at := T(math.Inf(-1)), -1
					for d := ds; d < ds+D.kernel; d++ {
						for h := hs; h < hs+H.kernel; h++ {
							r := d*plane + h*row
							for i := r + ws; i < r+ws+W.kernel; i++ {
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
