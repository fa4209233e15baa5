package onnx

import "fmt"

// Error reports an invalid argument: the operator (ONNX's name), the
// attribute, input or output, under its ONNX name, and the rule it breaks.
type Error struct {
	Op   string // e.g. "MaxPool"
	Arg  string // e.g. "pads", "auto_pad", "X", "Y"
	Rule string // e.g. "must not be given with auto_pad SAME_UPPER"
}

func (e *Error) Error() string { return "onnx: " + e.Op + ": " + e.Arg + " " + e.Rule }

func errorf(op, arg, format string, a ...any) error {
	return &Error{Op: op, Arg: arg, Rule: fmt.Sprintf(format, a...)}
}

// internalError reports a geometry the root package refused after this
// package validated it (a bug, never expected).
func internalError(op string, err error) error {
	return errorf(op, "X", "cannot be planned by the kernels: %v", err)
}
