package seqpool

import (
	"fmt"
	"strings"
)

// Op is a sequence pooling: how the token states of one sequence become one
// vector. The package documentation gives each formula.
type Op int

// The pooling operations. Their names (String) are the ones the simdpool
// command takes: simdpool bench -op masked_mean.
const (
	Mean         Op = iota + 1 // masked mean (sentence-transformers' mean pooling)
	Max                        // masked max (sentence-transformers' max pooling, -1e9 rule)
	CLS                        // the first token
	LastToken                  // the last token (Options.Padding says which one that is)
	SqrtMean                   // masked sum over sqrt(token count) (sentence-transformers' mean_sqrt_len)
	WeightedMean               // mean weighted by position 1..T (SGPT, sentence-transformers' weightedmean)
)

var opNames = map[Op]string{
	Mean: "masked_mean", Max: "masked_max", CLS: "cls", LastToken: "last_token",
	SqrtMean: "sqrt_mean", WeightedMean: "weighted_mean",
}

// Ops lists every operation, in declaration order.
func Ops() []Op { return []Op{Mean, Max, CLS, LastToken, SqrtMean, WeightedMean} }

func (op Op) String() string {
	if s, ok := opNames[op]; ok {
		return s
	}
	return fmt.Sprintf("Op(%d)", int(op))
}

// ParseOp returns the operation named name (as String spells it).
func ParseOp(name string) (Op, error) {
	for _, op := range Ops() {
		if op.String() == name {
			return op, nil
		}
	}
	names := make([]string, 0, len(opNames))
	for _, op := range Ops() {
		names = append(names, op.String())
	}
	return 0, fmt.Errorf("unknown sequence pooling %q (known: %s)", name, strings.Join(names, ", "))
}

// Padding is the side on which a tokenizer padded the shorter sequences of a
// batch. Only LastToken depends on it.
type Padding int

const (
	// PadRight (the default): real tokens first, padding after. The last
	// token is the last one whose mask is non-zero.
	PadRight Padding = iota
	// PadLeft: padding first, real tokens after, as decoder-style embedding
	// models batch. The last token is the final position, T-1.
	PadLeft
)

func (p Padding) String() string {
	switch p {
	case PadRight:
		return "right"
	case PadLeft:
		return "left"
	}
	return fmt.Sprintf("Padding(%d)", int(p))
}

// Options modify an operation. The zero value is PyTorch's default usage:
// right padding, no normalisation.
type Options struct {
	Padding Padding // which token LastToken takes; ignored by the other operations
	// Normalize L2-normalises every pooled vector as
	// torch.nn.functional.normalize(v, p=2, dim=1) does (eps 1e-12).
	Normalize bool
}
