package seqpool

import "fmt"

// Error reports an invalid argument: the operation, the argument, and the
// rule it breaks.
type Error struct {
	Op   string // e.g. "masked_mean"
	Arg  string // e.g. "input", "mask", "dst", "padding"
	Rule string // e.g. "must have 16 elements for mask shape [2 8], got 15"
}

func (e *Error) Error() string { return "seqpool: " + e.Op + ": " + e.Arg + " " + e.Rule }

func errorf(op Op, arg, format string, a ...any) error {
	return &Error{Op: op.String(), Arg: arg, Rule: fmt.Sprintf(format, a...)}
}
