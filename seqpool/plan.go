package seqpool

import (
	"math"
	"slices"

	"github.com/simdpool/simdpool"
)

// Float is the element type of the token states: float32 or float64.
type Float = simdpool.Float

// Mask is the element type of an attention mask: int64 (PyTorch's and most
// tokenizers'), int32, bool or float32. A token takes part when its mask value
// is non-zero; the mean-type operations also weight it by the value.
type Mask interface {
	int64 | int32 | bool | float32
}

// Plan is a validated sequence pooling for one input shape. A Plan is
// immutable and safe for concurrent use by many goroutines; Run pools any
// number of inputs of that shape into caller-provided outputs without
// allocating.
type Plan[T Float, M Mask] struct {
	p plan[T]
}

// plan is a Plan without its mask type.
type plan[T Float] struct {
	op      Op
	opts    Options
	shape   []int // (B, T, H) or (T, H), as given
	b, t, h int

	// The sum of the products x*w over the tokens: columns [0, cascadeCols)
	// in ATen's cascade order, by sumTokens; the others in tailOrder.
	cascadeCols int
	tailOrder   order
	// The token count (the sum of w over the tokens): countLo for the columns
	// [0, countSplit), countHi for the others.
	countSplit       int
	countLo, countHi order

	// The token-rows kernels, picked for the ISA in use when the plan was made.
	kernels kernelSet
}

// NewPlan plans op for token states of shape (B, T, H), or (T, H) unbatched,
// with an attention mask of shape (B, T), or (T). B, T and H must be positive.
func NewPlan[T Float, M Mask](op Op, inputShape []int, o Options) (*Plan[T, M], error) {
	if err := simdpool.ISAError(); err != nil {
		return nil, err
	}
	if _, ok := opNames[op]; !ok {
		return nil, &Error{Op: op.String(), Arg: "op", Rule: "is not a sequence pooling (known: masked_mean, masked_max, cls, last_token, sqrt_mean, weighted_mean)"}
	}
	if o.Padding != PadRight && o.Padding != PadLeft {
		return nil, errorf(op, "padding", "must be PadRight or PadLeft, got %v", o.Padding)
	}
	p := plan[T]{op: op, opts: o, shape: slices.Clone(inputShape), b: 1}
	switch len(inputShape) {
	case 3:
		p.b, p.t, p.h = inputShape[0], inputShape[1], inputShape[2]
		if p.b <= 0 {
			return nil, errorf(op, "input", "batch size B must be greater than zero, got shape %v", inputShape)
		}
	case 2:
		p.t, p.h = inputShape[0], inputShape[1]
	default:
		return nil, errorf(op, "input", "must have shape (B, T, H) or (T, H), got %d dimensions %v", len(inputShape), inputShape)
	}
	if p.t <= 0 {
		return nil, errorf(op, "input", "token count T must be greater than zero, got shape %v", inputShape)
	}
	if p.h <= 0 {
		return nil, errorf(op, "input", "hidden size H must be greater than zero, got shape %v", inputShape)
	}
	if p.b > math.MaxInt/p.t || p.b*p.t > math.MaxInt/p.h {
		return nil, errorf(op, "input", "has more elements than an int holds, shape %v", inputShape)
	}
	p.planSums(isFloatMask[M]())
	p.kernels = pickKernels[T](simdpool.Current())
	return &Plan[T, M]{p: p}, nil
}

// Op is the operation the plan runs.
func (p *Plan[T, M]) Op() Op { return p.p.op }

// Options are the options the plan was made with.
func (p *Plan[T, M]) Options() Options { return p.p.opts }

// InputShape is the shape of the token states, (B, T, H) or (T, H).
func (p *Plan[T, M]) InputShape() []int { return slices.Clone(p.p.shape) }

// MaskShape is the shape of the attention mask, (B, T) or (T).
func (p *Plan[T, M]) MaskShape() []int { return slices.Clone(p.p.shape[:len(p.p.shape)-1]) }

// OutputShape is the shape of the pooled vectors, (B, H) or (H).
func (p *Plan[T, M]) OutputShape() []int {
	return append(slices.Clone(p.p.shape[:len(p.p.shape)-2]), p.p.h)
}

// Run pools the token states x (row-major, of the plan's input shape) under
// mask (row-major, of its mask shape) into dst (of its output shape). dst must
// not overlap x. A float32 mask must be finite. On error nothing is written.
func (p *Plan[T, M]) Run(dst, x []T, mask []M) error {
	q := &p.p
	if len(x) != q.b*q.t*q.h {
		return errorf(q.op, "x", "must have %d elements for input shape %v, got %d", q.b*q.t*q.h, q.shape, len(x))
	}
	if len(mask) != q.b*q.t {
		return errorf(q.op, "mask", "must have %d elements for mask shape %v, got %d", q.b*q.t, p.MaskShape(), len(mask))
	}
	if len(dst) != q.b*q.h {
		return errorf(q.op, "dst", "must have %d elements for output shape %v, got %d", q.b*q.h, p.OutputShape(), len(dst))
	}
	switch m := any(mask).(type) {
	case []int64:
		run(q, dst, x, m)
	case []int32:
		run(q, dst, x, m)
	case []bool:
		run(q, dst, x, boolBytes(m))
	case []float32:
		if i := firstNonFinite(m); i >= 0 {
			return errorf(q.op, "mask", "must be finite, got %v at position %d", m[i], i)
		}
		run(q, dst, x, m)
	}
	return nil
}
