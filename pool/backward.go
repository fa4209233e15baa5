package pool

import (
	"errors"
	"slices"

	"github.com/simdpool/simdpool"
)

// backKernel is how a plan computes its gradient: run, on slices whose
// lengths the plan has checked, on the workers w (nil: the caller's
// goroutine); the names of the root package's kernels it calls; and whether
// it needs the forward's input.
type backKernel[T Float] struct {
	run      func(w *Workers, gin, gout []T, idx []int64, src []T) error
	names    []string
	needsSrc bool
}

// rootBackward is the backKernel of a root package Backward (err: its
// constructor's).
func rootBackward[T Float](op string, b *simdpool.Backward[T], err error) (backKernel[T], error) {
	if err != nil {
		return backKernel[T]{}, internalError(op, err)
	}
	return backKernel[T]{run: b.RunOn, names: b.Kernels(), needsSrc: b.NeedsInput()}, nil
}

// goBackward is the backKernel of a pure-Go gradient made with goKernel,
// whose dst is the gradient with respect to the input and src the one with
// respect to the output.
func goBackward[T Float](k kernel[T]) backKernel[T] {
	return backKernel[T]{names: k.names, run: func(w *Workers, gin, gout []T, idx []int64, _ []T) error {
		return k.run(w, gin, idx, gout)
	}}
}

// zeroBackward is the gradient of an operator without outputs: zero.
func zeroBackward[T Float]() backKernel[T] {
	return backKernel[T]{run: func(_ *Workers, gin, _ []T, _ []int64, _ []T) error {
		clear(gin)
		return nil
	}}
}

// Backward writes into gradInput, of the plan's input shape, the gradient of
// a loss with respect to the operator's input, given gradOutput, its
// gradient with respect to the output (of the output shape): PyTorch's
// autograd gradient, bit for bit for float32 (LP pooling: as closely as its
// powers allow; see the package documentation). A max-type operator
// (HasIndices) needs the indices of the forward run (RunWithIndices), every
// one of which is checked to lie in [-1, input plane size) before anything is
// written; -1, a window without elements inside the input, contributes
// nothing. LP pooling (BackwardNeedsInput) needs src, the forward's input.
// The other arguments are nil. gradInput must not overlap the others. On
// error nothing is written. Like Run, Backward does not allocate and is safe
// for concurrent use.
func (p *Plan[T]) Backward(gradInput, gradOutput []T, indices []int64, src []T) error {
	return p.BackwardOn(nil, gradInput, gradOutput, indices, src)
}

// BackwardOn is Backward on the workers w: the same gradient, bit for bit,
// computed on up to w.Size() goroutines (see Workers).
func (p *Plan[T]) BackwardOn(w *Workers, gradInput, gradOutput []T, indices []int64, src []T) error {
	if err := checkWorkers(p.op, w); err != nil {
		return err
	}
	if err := p.checkBackward(gradInput, gradOutput, indices, src); err != nil {
		return err
	}
	if p.first != nil {
		return indexError(p.op, p.in, p.first.backward(w, gradInput, gradOutput, indices, p.first.outPlane, src, p.back.run))
	}
	return indexError(p.op, p.in, p.back.run(w, gradInput, gradOutput, indices, src))
}

// BackwardNeedsInput reports whether Backward needs the forward's input
// (LP pooling).
func (p *Plan[T]) BackwardNeedsInput() bool { return p.back.needsSrc }

// BackwardKernels names the kernels of the root package Backward runs, as
// Kernels does for Run.
func (p *Plan[T]) BackwardKernels() []string { return slices.Clone(p.back.names) }

func (p *Plan[T]) checkBackward(gradInput, gradOutput []T, indices []int64, src []T) error {
	if err := checkGradients(p.op, p.in, p.out, p.inLen, p.outLen, gradInput, gradOutput); err != nil {
		return err
	}
	if err := checkBackIndices(p.op, p.out, p.outLen, p.hasIndices, indices); err != nil {
		return err
	}
	switch {
	case p.back.needsSrc && src == nil && p.inLen > 0:
		return errorf(p.op, "src", "is required: the backward of %s needs the forward's input", p.op)
	case !p.back.needsSrc && src != nil:
		return errorf(p.op, "src", "is not an input of the backward of %s: pass nil", p.op)
	case p.back.needsSrc && len(src) != p.inLen:
		return errorf(p.op, "src", "must have %d elements for input shape %v, got %d", p.inLen, p.in, len(src))
	}
	return nil
}

// checkGradients checks the lengths of a backward's gradients.
func checkGradients[T Float](op string, in, out []int, inLen, outLen int, gradInput, gradOutput []T) error {
	if len(gradInput) != inLen {
		return errorf(op, "grad_input", "must have %d elements for input shape %v, got %d", inLen, in, len(gradInput))
	}
	if len(gradOutput) != outLen {
		return errorf(op, "grad_output", "must have %d elements for output shape %v, got %d", outLen, out, len(gradOutput))
	}
	return nil
}

// checkBackIndices checks that a backward gets indices (of outLen elements;
// nil when there are none) exactly when it needs them.
func checkBackIndices(op string, out []int, outLen int, need bool, indices []int64) error {
	switch {
	case need && indices == nil && outLen > 0:
		return errorf(op, "indices", "are required: the backward of %s sends each gradient to the index the forward returned", op)
	case !need && indices != nil:
		return errorf(op, "indices", "are not an input of the backward of %s: pass nil", op)
	case need && len(indices) != outLen:
		return errorf(op, "indices", "must have %d elements for output shape %v, got %d", outLen, out, len(indices))
	}
	return nil
}

// indexError turns the root package's report of an index outside an input
// plane into an Error naming the indices (other errors pass).
func indexError(op string, in []int, err error) error {
	if err == nil {
		return nil // before errors.As, whose target would escape: no allocation
	}
	var ie *simdpool.IndexError
	if errors.As(err, &ie) {
		return errorf(op, "indices", "must lie in [-1, %d) (flat in an input plane of input shape %v; -1: none), got %d at position %d",
			ie.Limit, in, ie.Index, ie.Pos)
	}
	return err
}

// applyBackward runs p's backward into a new gradient of its input shape:
// the one-call form of every operator's backward.
func applyBackward[T Float](p *Plan[T], err error, gradOutput Tensor[T], indices []int64, src []T) (Tensor[T], error) {
	if err != nil {
		return Tensor[T]{}, err
	}
	return newGradient(p.op, p.in, p.out, gradOutput, func(gin []T) error { return p.Backward(gin, gradOutput.Data, indices, src) })
}

// newGradient checks that gradOutput has the output shape out, allocates a
// gradient of the input shape in and runs backward into it.
func newGradient[T Float](op string, in, out []int, gradOutput Tensor[T], backward func(gin []T) error) (Tensor[T], error) {
	if !slices.Equal(gradOutput.Shape, out) {
		return Tensor[T]{}, errorf(op, "grad_output", "must have the output shape %v, got shape %v", out, gradOutput.Shape)
	}
	gin := NewTensor[T](in...)
	if err := backward(gin.Data); err != nil {
		return Tensor[T]{}, err
	}
	return gin, nil
}
