package golden

import (
	"fmt"
	"math"
	"slices"

	"github.com/simdpool/simdpool/pool"
)

// Tolerances of LP pooling's gradient, from the golden README: its powers
// are not PyTorch's bit for bit, and odd powers near a zero sum are
// ill-conditioned.
const (
	GradATol = 1e-5
	GradRTol = 1e-4
)

// gradRunner computes the gradient of a case with respect to its input, for
// the gradient gout of its output, through the pool API (float32), on the
// workers w: for the operators whose plans are not pool.Plans (those use
// planners).
type gradRunner func(c *Case, x tensor, gout []float32, l pool.Layout, w *pool.Workers) ([]float32, error)

// gradRunners maps a torch.nn.functional name to its gradRunner.
var gradRunners = map[string]gradRunner{}

// CheckGrad runs the backward of c on the kernels in use, on the workers w
// (nil: the caller's goroutine), in the layout it is recorded in, for the
// case's grad_output, and compares the
// gradient with its grad_input: max-type and average pooling exactly (==,
// NaN equal to NaN: the sign of a zero gradient does not count, as the golden
// README recommends), LP pooling within |got-want| <= GradATol +
// GradRTol*|want| with NaN and ±Inf identical. A case without gradients (an
// error case, or one PyTorch cannot differentiate) passes. It never panics.
func CheckGrad(c *Case, w *pool.Workers) error {
	l, _ := c.recorded()
	return CheckGradIn(c, l, w)
}

// CheckGradIn is CheckGrad with the case's tensors in layout l (see CheckIn).
func CheckGradIn(c *Case, l pool.Layout, w *pool.Workers) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("backward panic: %v", r)
		}
	}()
	if c.Invalid != nil {
		return fmt.Errorf("invalid case: %w", c.Invalid)
	}
	if c.IsError() || c.GradInput == nil {
		return nil
	}
	c = c.In(l)
	x := tensor{Shape: slices.Clone(c.InputShape), Data: slices.Clone(c.Input)}
	gout := slices.Clone(c.GradOutput)
	var gin []float32
	if plan, ok := planners[c.Op]; ok {
		gin, err = planGrad(plan, c, x, gout, l, w)
	} else if run, ok := gradRunners[c.Op]; ok {
		gin, err = run(c, x, gout, l, w)
	} else {
		return fmt.Errorf("no backward for op %q", c.Op)
	}
	if err != nil {
		return fmt.Errorf("backward: unexpected error: %v", err)
	}
	if d := diff("grad_output", gout, c.GradOutput, bitEqual); d != "" {
		return fmt.Errorf("backward: the gradient of the output was modified: %s", d)
	}
	if len(gin) != len(c.GradInput) {
		return fmt.Errorf("grad_input has %d values, want %d", len(gin), len(c.GradInput))
	}
	if d := diff("grad_input", gin, c.GradInput, gradEqual(familyOf(c.Op))); d != "" {
		return fmt.Errorf("%s", d)
	}
	return nil
}

// CheckWithGrad is CheckIn, then, when the forward passes, CheckGradIn, in
// layout l.
func CheckWithGrad(c *Case, l pool.Layout, w *pool.Workers) error {
	if err := CheckIn(c, l, w); err != nil {
		return err
	}
	return CheckGradIn(c, l, w)
}

// CheckAllWithGrad checks every case in layout l, forward and backward
// (CheckWithGrad).
func CheckAllWithGrad(cases []*Case, l pool.Layout, w *pool.Workers) Summary {
	var s Summary
	for _, c := range cases {
		s.Add(c, CheckWithGrad(c, l, w))
	}
	return s
}

// planGrad plans a case, runs its forward for the indices when the operator
// has them, and then its Backward.
func planGrad(plan planner, c *Case, x tensor, gout []float32, l pool.Layout, w *pool.Workers) ([]float32, error) {
	p, err := plan(c, x.Shape, l)
	if err != nil {
		return nil, err
	}
	var idx []int64
	if p.HasIndices() {
		out, err := newOutput(p.OutputShape(), x, p.InputShape())
		if err != nil {
			return nil, err
		}
		idx = make([]int64, len(out.Data))
		if err := p.RunWithIndicesOn(w, out.Data, idx, x.Data); err != nil {
			return nil, err
		}
	}
	var src []float32
	if p.BackwardNeedsInput() {
		src = x.Data
	}
	gin := make([]float32, len(x.Data))
	return gin, p.BackwardOn(w, gin, gout, idx, src)
}

// gradEqual is the gradient comparison of a family.
func gradEqual(f family) func(got, want float32) bool {
	if f == famLp {
		return func(g, w float32) bool {
			return sameClass(g, w) && (!finite(w) || math.Abs(float64(g)-float64(w)) <= GradATol+GradRTol*math.Abs(float64(w)))
		}
	}
	return func(g, w float32) bool { return g == w || (g != g && w != w) }
}
