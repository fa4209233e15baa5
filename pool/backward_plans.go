package pool

// The backward of fractional max pooling and of max unpooling.

// Backward writes into gradInput, of the plan's input shape, the gradient
// with respect to the input given gradOutput, of its output shape: zero, then
// each output's gradient added at the index the forward returned, in output
// order, as PyTorch's backward does. Every index is checked to lie in
// [-1, input plane size) before anything is written (-1 contributes
// nothing). gradInput must not overlap the others; on error nothing is
// written. It does not allocate.
func (p *FractionalPlan[T]) Backward(gradInput, gradOutput []T, indices []int64) error {
	return p.BackwardOn(nil, gradInput, gradOutput, indices)
}

// BackwardOn is Backward on the workers w: the same gradient, bit for bit.
func (p *FractionalPlan[T]) BackwardOn(w *Workers, gradInput, gradOutput []T, indices []int64) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := checkGradients(p.op, p.in, p.out, p.inLen, p.outLen, gradInput, gradOutput); err != nil {
		return err
	}
	if err := checkBackIndices(p.op, p.out, p.outLen, true, indices); err != nil {
		return err
	}
	if p.first != nil {
		return indexError(p.op, p.in, p.first.backward(w, gradInput, gradOutput, indices, p.first.outPlane, nil, p.back.RunOn))
	}
	return indexError(p.op, p.in, p.back.RunOn(w, gradInput, gradOutput, indices, nil))
}

// Backward writes into gradInput, of the plan's input shape (that of the
// pooled values and of indices), the gradient with respect to the input given
// gradOutput, of its output shape: each input's gradient is the output
// gradient at its index, in its plane (PyTorch's gather). The indices are
// checked as Run checks them before anything is written; on error nothing is
// written. It does not allocate.
func (p *UnpoolPlan[T]) Backward(gradInput, gradOutput []T, indices []int64) error {
	return p.BackwardOn(nil, gradInput, gradOutput, indices)
}

// BackwardOn is Backward on the workers w: the same gradient, bit for bit.
func (p *UnpoolPlan[T]) BackwardOn(w *Workers, gradInput, gradOutput []T, indices []int64) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := checkGradients(p.op, p.in, p.out, p.inLen, p.outLen, gradInput, gradOutput); err != nil {
		return err
	}
	if len(indices) != p.inLen {
		return errorf(p.op, "indices", "must have one element per input element, %d for input shape %v, got %d", p.inLen, p.in, len(indices))
	}
	if err := p.checkIndices(indices); err != nil {
		return err
	}
	if p.first != nil {
		return p.first.backward(w, gradInput, gradOutput, indices, p.inPlane, nil, p.gather)
	}
	return p.gather(w, gradInput, gradOutput, indices, nil)
}

// gather computes the channels-first gradient (see Backward) on the workers w.
func (p *UnpoolPlan[T]) gather(w *Workers, gradInput, gradOutput []T, indices []int64, _ []T) error {
	units := w.Units(p.planes, (p.inLen+p.outLen)*size[T]())
	per := (p.planes + units - 1) / units
	parallelRun(w, p.backTasks, (p.planes+per-1)/max(per, 1), unpoolRun[T]{gradInput, gradOutput, indices, per})
	return nil
}

// backUnit gathers the gradient planes of unit u (a.dst: the gradient with
// respect to the input, a.src: with respect to the output).
func (p *UnpoolPlan[T]) backUnit(a *unpoolRun[T], u int) {
	for pl := u * a.per; pl < min((u+1)*a.per, p.planes); pl++ {
		gin, idx := a.dst[pl*p.inPlane:(pl+1)*p.inPlane], a.idx[pl*p.inPlane:(pl+1)*p.inPlane]
		gout := a.src[pl*p.outPlane : (pl+1)*p.outPlane]
		for i, at := range idx {
			gin[i] = gout[at]
		}
	}
}
