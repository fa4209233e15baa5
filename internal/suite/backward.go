package suite

import (
	"fmt"
	"slices"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/pool"
)

// BackwardCases names the suite cases whose backward is timed too
// (BenchmarkSuite/S1/pass=backward/impl=..., simdpool bench -pass backward).
var BackwardCases = []string{"S1", "S2", "S3", "S4", "S5", "S8", "S11"}

// HasBackward reports whether the backward of c is timed: a suite case of
// BackwardCases, or a custom case of a pooling operator.
func (c Case) HasBackward() bool {
	if c.isSeq() {
		return false
	}
	if slices.ContainsFunc(Cases(), func(s Case) bool { return s.Name == c.Name }) {
		return slices.Contains(BackwardCases, c.Name)
	}
	return true
}

// Backward is the backward of a case ready to run: its plan, the forward's
// indices (max-type operators) or input (LP pooling), the gradient of the
// output (deterministic uniform [-2, 2), another stream than the input's) and
// of the input, allocated once.
type Backward struct {
	Case    Case
	Plan    *pool.Plan[float32]
	Src     []float32 // LP pooling: the forward's input; else nil
	Indices []int64   // max-type operators: the forward's indices; else nil
	GradOut []float32
	GradIn  []float32
}

// NewBackward plans a case, runs its forward (for the indices) and
// allocates and fills the backward's buffers.
func NewBackward(c Case) (*Backward, error) {
	if !c.HasBackward() {
		return nil, fmt.Errorf("%s: no backward is timed for this case (the backward cases are %v)", c.Name, BackwardCases)
	}
	o, err := New(c)
	if err != nil {
		return nil, err
	}
	b := &Backward{Case: c, Plan: o.Plan, GradOut: make([]float32, len(o.Out)), GradIn: make([]float32, len(o.In))}
	if b.Plan.HasIndices() {
		b.Indices = make([]int64, len(o.Out))
		if err := b.Plan.RunWithIndices(o.Out, b.Indices, o.In); err != nil {
			return nil, err
		}
	}
	if b.Plan.BackwardNeedsInput() {
		b.Src = o.In
	}
	Fill(b.GradOut, o.Case.Seed+1000)
	if err := b.Run(); err != nil { // touch the gradient's pages; check the sizes once
		return nil, err
	}
	return b, nil
}

// For returns a copy of b planned for isa, sharing b's buffers.
func (b *Backward) For(isa simdpool.ISA) (*Backward, error) {
	p, err := planFor(b.Case, isa)
	if err != nil {
		return nil, err
	}
	c := *b
	c.Plan = p
	return &c, nil
}

// Run computes the gradient of the input once. It does not allocate.
func (b *Backward) Run() error { return b.RunOn(nil) }

// RunOn computes the gradient of the input once on the workers w (nil: the
// caller's goroutine).
func (b *Backward) RunOn(w *pool.Workers) error {
	return b.Plan.BackwardOn(w, b.GradIn, b.GradOut, b.Indices, b.Src)
}

// ISAs lists the implementations the backward is timed with: every ISA this
// machine runs.
func (b *Backward) ISAs() []simdpool.ISA { return simdpool.Available() }

// Bytes is the traffic counted for GB/s: the gradient of the output, the
// indices or the forward's input it reads, and the gradient of the input.
func (b *Backward) Bytes() int64 {
	return 4*int64(len(b.GradOut)+len(b.GradIn)+len(b.Src)) + 8*int64(len(b.Indices))
}
