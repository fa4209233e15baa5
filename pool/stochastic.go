package pool

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/simdpool/simdpool"
)

// StochasticPoolOptions are the arguments of stochastic pooling (Zeiler and
// Fergus 2013, as Caffe implements it; PyTorch has no such operator). The
// window geometry is max pooling's: each size takes one value for every
// spatial dimension or one per dimension, with the same rules and output
// sizes. There is no dilation.
type StochasticPoolOptions struct {
	KernelSize []int // required
	Stride     []int // nil: KernelSize
	// Padding (nil: 0, at most half the kernel) shifts the windows as max
	// pooling's does; padding contributes nothing and is never chosen.
	Padding  []int
	CeilMode bool
	// Training picks one element of each window at random, with probability
	// a_i/sum(a), and can report its index. Otherwise (inference) each output
	// is sum(a_i^2)/sum(a_i), the expectation of the training output.
	Training bool
	// Negative says what negative inputs mean; the zero value makes them an
	// error.
	Negative NegativeRule
	// Threads is the number of goroutines Run uses (at most one per output;
	// negative is an error): 0 or 1 runs on the caller's goroutine without
	// allocating. The result for a seed is the same whatever Threads is.
	Threads int
	// Layout is the layout of the input and of the output (and indices):
	// ChannelsFirst (the default) or ChannelsLast. A seed gives the same
	// results in both, laid out differently.
	Layout Layout
}

// NegativeRule says what stochastic pooling does with negative inputs, which
// have no meaning as probabilities. NaN and +Inf are an error under every rule.
type NegativeRule int

const (
	// ErrorOnNegative (the default) rejects an input holding a negative
	// value (-0 is not negative), NaN or +Inf anywhere, naming the first such
	// position; nothing is written.
	ErrorOnNegative NegativeRule = iota
	// ClampNegative treats negative values, -Inf included, as 0, as a ReLU
	// before the pool would: they are never chosen in training and add
	// nothing in inference. NaN and +Inf are still an error.
	ClampNegative
)

// String returns the rule's name.
func (r NegativeRule) String() string {
	switch r {
	case ErrorOnNegative:
		return "ErrorOnNegative"
	case ClampNegative:
		return "ClampNegative"
	}
	return "NegativeRule(" + strconv.Itoa(int(r)) + ")"
}

// StochasticPlan is a validated stochastic pooling for one input shape. Like
// Plan it is immutable and safe for concurrent use by many goroutines.
type StochasticPlan[T Float] struct {
	op        string
	in, out   []int
	inLen     int
	outLen    int
	g         simdpool.Geometry
	training  bool
	clamp     bool
	threads   int
	tasks     *sync.Pool            // RunOn's tasks (taskPool)
	back      *simdpool.Backward[T] // training: the gradient, a scatter (backward_stochastic.go)
	backTasks *sync.Pool            // inference: Backward's tasks
	first     *channelsFirst[T]     // channels-last: the channels-first copies runs and backwards work on (else nil)
}

// NewStochasticPool1d plans stochastic_pool1d for inputs of shape (N, C, L) or (C, L).
func NewStochasticPool1d[T Float](inputShape []int, o StochasticPoolOptions) (*StochasticPlan[T], error) {
	return newStochasticPool[T]("stochastic_pool1d", 1, inputShape, o)
}

// NewStochasticPool2d plans stochastic_pool2d for inputs of shape (N, C, H, W) or (C, H, W).
func NewStochasticPool2d[T Float](inputShape []int, o StochasticPoolOptions) (*StochasticPlan[T], error) {
	return newStochasticPool[T]("stochastic_pool2d", 2, inputShape, o)
}

// NewStochasticPool3d plans stochastic_pool3d for inputs of shape (N, C, D, H, W) or (C, D, H, W).
func NewStochasticPool3d[T Float](inputShape []int, o StochasticPoolOptions) (*StochasticPlan[T], error) {
	return newStochasticPool[T]("stochastic_pool3d", 3, inputShape, o)
}

// StochasticPool1d is stochastic pooling over (N, C, L) or (C, L), drawing
// from seed in training mode. The indices are nil in inference mode.
func StochasticPool1d[T Float](x Tensor[T], o StochasticPoolOptions, seed uint64) (Tensor[T], []int64, error) {
	return applyStochastic("stochastic_pool1d", x, seed, func() (*StochasticPlan[T], error) { return NewStochasticPool1d[T](x.Shape, o) })
}

// StochasticPool2d is stochastic pooling over (N, C, H, W) or (C, H, W),
// drawing from seed in training mode. The indices are nil in inference mode.
func StochasticPool2d[T Float](x Tensor[T], o StochasticPoolOptions, seed uint64) (Tensor[T], []int64, error) {
	return applyStochastic("stochastic_pool2d", x, seed, func() (*StochasticPlan[T], error) { return NewStochasticPool2d[T](x.Shape, o) })
}

// StochasticPool3d is stochastic pooling over (N, C, D, H, W) or (C, D, H, W),
// drawing from seed in training mode. The indices are nil in inference mode.
func StochasticPool3d[T Float](x Tensor[T], o StochasticPoolOptions, seed uint64) (Tensor[T], []int64, error) {
	return applyStochastic("stochastic_pool3d", x, seed, func() (*StochasticPlan[T], error) { return NewStochasticPool3d[T](x.Shape, o) })
}

func newStochasticPool[T Float](op string, dims int, shape []int, o StochasticPoolOptions) (*StochasticPlan[T], error) {
	if err := isaError(op); err != nil {
		return nil, err
	}
	in, err := parseInput(op, shape, dims, false, o.Layout)
	if err != nil {
		return nil, err
	}
	w, err := parseWindow(op, dims, int32Arg, o.KernelSize, o.Stride, o.Padding, o.CeilMode)
	if err != nil {
		return nil, err
	}
	if o.Negative != ErrorOnNegative && o.Negative != ClampNegative {
		return nil, errorf(op, "negative", "must be ErrorOnNegative or ClampNegative, got %v", o.Negative)
	}
	if o.Threads < 0 {
		return nil, errorf(op, "threads", "must be non-negative, got %d", o.Threads)
	}
	axes, err := w.axes(&in)
	if err != nil {
		return nil, err
	}
	out := in.outShape(spatialOut(axes))
	outLen, _ := product(out) // checked by axes
	p := &StochasticPlan[T]{
		op: op, in: in.shape, out: out, inLen: in.numel, outLen: outLen,
		g:        geometry(in.planes, axes),
		training: o.Training, clamp: o.Negative == ClampNegative,
		threads: max(o.Threads, 1),
	}
	p.tasks, p.backTasks = taskPool(p.unit), taskPool(p.backUnit)
	if p.training {
		if p.back, err = simdpool.NewScatterBackward[T](p.g.Planes, p.g.InPlane(), p.g.OutPlane()); err != nil {
			return nil, internalError(op, err)
		}
	}
	if in.layout == ChannelsLast {
		p.first = newChannelsFirst[T](&in, p.g.OutPlane())
	}
	return p, nil
}

// Op is the name of the operator, e.g. "stochastic_pool2d".
func (p *StochasticPlan[T]) Op() string { return p.op }

// InputShape is the input shape the plan was made for.
func (p *StochasticPlan[T]) InputShape() []int { return slices.Clone(p.in) }

// OutputShape is the shape of the output (and of the indices).
func (p *StochasticPlan[T]) OutputShape() []int { return slices.Clone(p.out) }

// Training reports whether the plan samples (training) or takes the
// expectation (inference).
func (p *StochasticPlan[T]) Training() bool { return p.training }

// Run pools src, of the plan's input shape, into dst, of its output shape.
// dst must not overlap src. On error nothing is written.
//
// In training mode each window draws one uniform u in [0, 1) from seed and
// its flat output index (a counter-based generator, so the result depends on
// the seed only), then picks the first element, in row-major window order,
// whose running sum exceeds u*sum(a); an element of probability 0 is never
// picked. dst gets the chosen value and, when indices is not nil, indices
// gets its flat index inside its (n, c) plane, as max pooling's indices. A
// window whose sum is 0 gives 0 and the index of its first element inside
// the input.
//
// In inference mode each output is sum(a_i^2)/sum(a_i) (0 for a window whose
// sum is 0), seed is not used and indices must be nil.
func (p *StochasticPlan[T]) Run(dst []T, indices []int64, src []T, seed uint64) error {
	return p.RunOn(nil, dst, indices, src, seed)
}

// RunOn is Run on the workers w (nil: Threads goroutines of its own): the
// same outputs, bit for bit, computed on up to w.Size() goroutines.
func (p *StochasticPlan[T]) RunOn(w *Workers, dst []T, indices []int64, src []T, seed uint64) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if len(src) != p.inLen {
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	if len(dst) != p.outLen {
		return errorf(p.op, "dst", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(dst))
	}
	if indices != nil {
		if !p.training {
			return errorf(p.op, "indices", "must be nil in inference mode (Training is false)")
		}
		if len(indices) != p.outLen {
			return errorf(p.op, "indices", "must have %d elements for output shape %v, got %d", p.outLen, p.out, len(indices))
		}
	}
	if err := p.checkInput(src); err != nil {
		return err
	}
	if p.first != nil {
		p.first.run(dst, indices, src, nil, func(dst []T, indices []int64, src []T, _ []int64) { p.runFirst(w, dst, indices, src, seed) })
		return nil
	}
	p.runFirst(w, dst, indices, src, seed)
	return nil
}

// runFirst is RunOn on channels-first tensors, once they are checked.
func (p *StochasticPlan[T]) runFirst(w *Workers, dst []T, indices []int64, src []T, seed uint64) {
	if w != nil {
		units := w.Units(p.g.Planes, (p.inLen+p.outLen)*size[T]())
		per := (p.g.Planes + units - 1) / units * p.g.OutPlane() // outputs of whole planes
		parallelRun(w, p.tasks, (p.outLen+per-1)/max(per, 1), stochasticRun[T]{dst, indices, src, seed, per})
		return
	}
	n := min(p.threads, p.outLen)
	if n <= 1 {
		p.run(dst, indices, src, seed, 0, p.outLen)
		return
	}
	var wg sync.WaitGroup
	per, extra := p.outLen/n, p.outLen%n
	lo := 0
	for i := range n {
		hi := lo + per
		if i < extra {
			hi++
		}
		from := lo
		wg.Go(func() { p.run(dst, indices, src, seed, from, hi) })
		lo = hi
	}
	wg.Wait()
}

// stochasticRun is the arguments of a RunOn: its slices and seed, and the
// outputs a unit covers.
type stochasticRun[T Float] struct {
	dst  []T
	idx  []int64
	src  []T
	seed uint64
	per  int
}

func (p *StochasticPlan[T]) unit(a *stochasticRun[T], u int) {
	p.run(a.dst, a.idx, a.src, a.seed, u*a.per, min((u+1)*a.per, p.outLen))
}

// checkInput applies the NegativeRule: it reports the first value that is
// NaN, +Inf or, with ErrorOnNegative, negative.
func (p *StochasticPlan[T]) checkInput(src []T) error {
	big := maxFinite[T]()
	for i, v := range src {
		if v != v || v > big || (!p.clamp && v < 0) {
			rule := "must be non-negative and finite (ErrorOnNegative; see StochasticPoolOptions.Negative)"
			if p.clamp {
				rule = "must not be NaN or +Inf (ClampNegative)"
			}
			return errorf(p.op, "input", "%s, got %v at position %v", rule, v, unflatten(i, p.in))
		}
	}
	return nil
}

// run pools the outputs [lo, hi) (flat indices over all planes).
func (p *StochasticPlan[T]) run(dst []T, idx []int64, src []T, seed uint64, lo, hi int) {
	g := &p.g
	inPlane, outPlane := g.InPlane(), g.OutPlane()
	plane, row := g.H.In*g.W.In, g.W.In
	pl, r := lo/outPlane, lo%outPlane
	od, oh, ow := r/(g.H.Out*g.W.Out), r/g.W.Out%g.H.Out, r%g.W.Out
	var win stochasticWindow[T]
	for o := lo; o < hi; o++ {
		win.in = src[pl*inPlane : (pl+1)*inPlane]
		win.d0, win.d1, _ = g.D.Span(od)
		win.h0, win.h1, _ = g.H.Span(oh)
		win.w0, win.w1, _ = g.W.Span(ow)
		win.plane, win.row = plane, row
		if p.training {
			v, at := win.sample(uniform[T](seed, uint64(o)))
			dst[o] = v
			if idx != nil {
				idx[o] = int64(at)
			}
		} else {
			dst[o] = win.expectation()
		}
		if ow++; ow == g.W.Out {
			ow = 0
			if oh++; oh == g.H.Out {
				oh = 0
				if od++; od == g.D.Out {
					od = 0
					pl++
				}
			}
		}
	}
}

// stochasticWindow is one window of one plane, clipped to the input: the
// elements in[(d*plane + h*row + w)] for d in [d0, d1), h in [h0, h1),
// w in [w0, w1). Its probabilities are a_i = max(in[i], 0) (the input was
// checked: with ErrorOnNegative nothing is negative).
type stochasticWindow[T Float] struct {
	in                     []T
	d0, d1, h0, h1, w0, w1 int
	plane, row             int
}

// sums returns sum(a*scale) and sum(T(a*scale*a*scale)) in row-major order.
func (w *stochasticWindow[T]) sums(scale T) (s, q T) {
	for d := w.d0; d < w.d1; d++ {
		for h := w.h0; h < w.h1; h++ {
			r := w.in[d*w.plane+h*w.row:]
			for _, v := range r[w.w0:w.w1] {
				if v > 0 {
					v *= scale
					s += v
					q += T(v * v) // no fused multiply-add: the same bits on every GOARCH
				}
			}
		}
	}
	return s, q
}

// sample picks an element of the window for the uniform u in [0, 1) and
// returns its value and its index in the plane.
func (w *stochasticWindow[T]) sample(u T) (T, int) {
	s, _ := w.sums(1)
	if s == 0 {
		return 0, w.d0*w.plane + w.h0*w.row + w.w0
	}
	scale := T(1)
	if !isNormal(s) {
		// Rescale by a power of two so that the running sums neither
		// overflow nor lose bits as subnormals.
		scale, _ = w.scale()
		s, _ = w.sums(scale)
	}
	t := u * s
	var c T
	last := -1
	for d := w.d0; d < w.d1; d++ {
		for h := w.h0; h < w.h1; h++ {
			base := d*w.plane + h*w.row
			for i := base + w.w0; i < base+w.w1; i++ {
				if v := w.in[i]; v > 0 {
					if c += v * scale; c > t {
						return v, i
					}
					last = i
				}
			}
		}
	}
	// Not reached: the running sum ends at exactly s (the same additions in
	// the same order) and u*s < s for u < 1 and a normal s. Should t round up
	// to s all the same, the last positive element is the answer.
	return w.in[last], last
}

// expectation is sum(a^2)/sum(a), 0 for a window whose sum is 0.
func (w *stochasticWindow[T]) expectation() T {
	s, q := w.sums(1)
	if s == 0 {
		return 0
	}
	if isNormal(s) && isNormal(q) {
		return q / s
	}
	// Overflow or underflow: compute on the window scaled by a power of two
	// (exact), then scale back. The exact result lies between the window's
	// smallest positive value and its largest, m; rounding can carry q/s a
	// little past m*scale, and so past the largest finite T when m is near
	// it: the clamp to m keeps the output finite.
	scale, m := w.scale()
	s, q = w.sums(scale)
	return T(min(float64(q/s)/float64(scale), float64(m)))
}

// scale returns the window's largest value m = f*2^e (f in [0.5, 1)) and
// the power of two 2^-e that brings it into [0.5, 1), or, when m is
// subnormal, the largest power of two T holds below its maximum (m*scale is
// then at least 2^-52, so its square is normal).
func (w *stochasticWindow[T]) scale() (scale, m T) {
	for d := w.d0; d < w.d1; d++ {
		for h := w.h0; h < w.h1; h++ {
			r := w.in[d*w.plane+h*w.row:]
			for _, v := range r[w.w0:w.w1] {
				m = max(m, v)
			}
		}
	}
	_, e := math.Frexp(float64(m))
	limit := 1022
	if unsafe.Sizeof(m) == 4 {
		limit = 126
	}
	return T(math.Ldexp(1, min(-e, limit))), m
}

// isNormal reports whether the positive value v is finite and not subnormal
// in T.
func isNormal[T Float](v T) bool {
	if unsafe.Sizeof(v) == 4 {
		return float64(v) >= 0x1p-126 && float64(v) <= math.MaxFloat32
	}
	return float64(v) >= 0x1p-1022 && float64(v) <= math.MaxFloat64
}

// maxFinite is the largest finite T.
func maxFinite[T Float]() T {
	var v T
	if unsafe.Sizeof(v) == 4 {
		f := float32(math.MaxFloat32)
		return T(f)
	}
	f := math.MaxFloat64
	return T(f)
}

// unflatten turns a flat index into a position in shape.
func unflatten(i int, shape []int) []int {
	pos := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			pos[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return pos
}

// applyStochastic is the one-call form of op (see apply): it allocates the
// output and, in training mode, the indices.
func applyStochastic[T Float](op string, x Tensor[T], seed uint64, plan func() (*StochasticPlan[T], error)) (Tensor[T], []int64, error) {
	p, err := planFor(op, x, plan)
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	out, err := makeTensor[T](p.op, "output", p.out)
	if err != nil {
		return Tensor[T]{}, nil, err
	}
	var idx []int64
	if p.training {
		idx = make([]int64, p.outLen)
	}
	if err := p.Run(out.Data, idx, x.Data, seed); err != nil {
		return Tensor[T]{}, nil, err
	}
	return out, idx, nil
}
