package pool

import (
	"errors"

	"github.com/simdpool/simdpool"
)

// isaError is simdpool.ISAError as an *Error of op: every constructor
// refuses to plan while SIMDPOOL_ISA names an ISA that cannot run here.
func isaError(op string) error {
	err := simdpool.ISAError()
	if err == nil {
		return nil
	}
	// ISAError wraps the reason in its "simdpool: SIMDPOOL_ISA: " prefix.
	why := err
	if inner := errors.Unwrap(err); inner != nil {
		why = inner
	}
	return errorf(op, "SIMDPOOL_ISA", "must be unset, empty or an ISA this build can run here: %v", why)
}
