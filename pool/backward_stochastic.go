package pool

// Backward writes into gradInput, of the plan's input shape, the gradient
// with respect to the input given gradOutput, of its output shape.
//
// In training mode each output's gradient goes to the element it chose:
// indices are the forward's (Run's), checked to lie in [-1, input plane
// size) before anything is written, and the gradients are added at them in
// output order, from zero; src is nil.
//
// In inference mode (indices nil) it needs src, the forward's input, checked
// as Run checks it. Each output y = sum(a^2)/sum(a) adds g*(2*a_j - y)/sum(a),
// its derivative with respect to a_j times its gradient g, to every element j
// of its window, in output order from zero (a_j = max(x_j, 0) with
// ClampNegative, whose derivative is taken as 0 where x_j <= 0); a window
// whose sum is 0 adds nothing. Windows whose sums would overflow or become
// subnormal are scaled by a power of two, as in Run.
//
// gradInput must not overlap the others; on error nothing is written. Unlike
// Run it runs on the calling goroutine (Threads does not apply; BackwardOn
// shares the work), without allocating.
func (p *StochasticPlan[T]) Backward(gradInput, gradOutput []T, indices []int64, src []T) error {
	return p.BackwardOn(nil, gradInput, gradOutput, indices, src)
}

// BackwardOn is Backward on the workers w: the same gradient, bit for bit,
// each plane computed by one goroutine.
func (p *StochasticPlan[T]) BackwardOn(w *Workers, gradInput, gradOutput []T, indices []int64, src []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := checkGradients(p.op, p.in, p.out, p.inLen, p.outLen, gradInput, gradOutput); err != nil {
		return err
	}
	if err := checkBackIndices(p.op, p.out, p.outLen, p.training, indices); err != nil {
		return err
	}
	if p.training {
		if src != nil {
			return errorf(p.op, "src", "is not an input of the backward in training mode (the indices are): pass nil")
		}
		if p.first != nil {
			return indexError(p.op, p.in, p.first.backward(w, gradInput, gradOutput, indices, p.first.outPlane, nil, p.back.RunOn))
		}
		return indexError(p.op, p.in, p.back.RunOn(w, gradInput, gradOutput, indices, nil))
	}
	switch {
	case src == nil && p.inLen > 0:
		return errorf(p.op, "src", "is required in inference mode: the gradient of sum(a^2)/sum(a) needs the forward's input")
	case len(src) != p.inLen:
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	if err := p.checkInput(src); err != nil {
		return err
	}
	if p.first != nil {
		return p.first.backward(w, gradInput, gradOutput, nil, 0, src, p.expectationGradient)
	}
	return p.expectationGradient(w, gradInput, gradOutput, nil, src)
}

// expectationGradient computes the channels-first inference gradient (see
// Backward) on the workers w.
func (p *StochasticPlan[T]) expectationGradient(w *Workers, gradInput, gradOutput []T, _ []int64, src []T) error {
	planes := p.g.Planes
	units := w.Units(planes, (2*p.inLen+p.outLen)*size[T]())
	per := (planes + units - 1) / units
	parallelRun(w, p.backTasks, (planes+per-1)/max(per, 1), stochasticBackRun[T]{gradInput, gradOutput, src, per})
	return nil
}

// stochasticBackRun is the arguments of an inference backward and the
// planes a unit covers.
type stochasticBackRun[T Float] struct {
	gin, gout, src []T
	per            int
}

func (p *StochasticPlan[T]) backUnit(a *stochasticBackRun[T], u int) {
	p.expectationBackward(a.gin, a.gout, a.src, u*a.per, min((u+1)*a.per, p.g.Planes))
}

// expectationBackward computes the inference gradient of the planes [lo, hi).
func (p *StochasticPlan[T]) expectationBackward(gin, gout, src []T, lo, hi int) {
	g := &p.g
	inPlane, outPlane := g.InPlane(), g.OutPlane()
	win := stochasticWindow[T]{plane: g.H.In * g.W.In, row: g.W.In}
	for pl := lo; pl < hi; pl++ {
		in := gin[pl*inPlane : (pl+1)*inPlane]
		clear(in)
		win.in = src[pl*inPlane : (pl+1)*inPlane]
		o := pl * outPlane
		for od := range g.D.Out {
			win.d0, win.d1, _ = g.D.Span(od)
			for oh := range g.H.Out {
				win.h0, win.h1, _ = g.H.Span(oh)
				for ow := range g.W.Out {
					win.w0, win.w1, _ = g.W.Span(ow)
					p.addExpectationGrad(in, &win, gout[o])
					o++
				}
			}
		}
	}
}

// addExpectationGrad adds to the plane's gradient in the contribution of one
// window of output gradient gy.
func (p *StochasticPlan[T]) addExpectationGrad(in []T, w *stochasticWindow[T], gy T) {
	s, q := w.sums(1)
	if s == 0 {
		return
	}
	scale := T(1)
	if !isNormal(s) || !isNormal(q) {
		// The derivative is invariant under scaling the window: compute it
		// on the window scaled by a power of two (see expectation).
		scale, _ = w.scale()
		s, q = w.sums(scale)
	}
	y := q / s
	for d := w.d0; d < w.d1; d++ {
		for h := w.h0; h < w.h1; h++ {
			base := d*w.plane + h*w.row
			for i := base + w.w0; i < base+w.w1; i++ {
				v := w.in[i]
				if v < 0 || (p.clamp && v == 0) {
					continue // ClampNegative: the ReLU's derivative is 0 there
				}
				a := v * scale
				in[i] += T(gy * ((T(a+a) - y) / s)) // conversions: no fused multiply-add
			}
		}
	}
}
