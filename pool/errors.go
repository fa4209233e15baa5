package pool

import "fmt"

// Error reports an invalid argument: the operator (PyTorch's name), the
// argument, and the rule it breaks.
type Error struct {
	Op   string // e.g. "max_pool2d"
	Arg  string // e.g. "padding", "input", "dst"
	Rule string // e.g. "must be at most half of kernel_size (got padding=2, kernel_size=3)"
}

func (e *Error) Error() string { return "pool: " + e.Op + ": " + e.Arg + " " + e.Rule }

func errorf(op, arg, format string, a ...any) error {
	return &Error{Op: op, Arg: arg, Rule: fmt.Sprintf(format, a...)}
}

// internalError reports a geometry the root package refused after this
// package validated it (a bug, never expected).
func internalError(op string, err error) error {
	return errorf(op, "input", "cannot be planned by the kernels: %v", err)
}
