package onnx

import "github.com/simdpool/simdpool"

// Workers is a set of goroutines that plans run on (RunOn), owned by the
// caller and shared by every plan and goroutine of a server; results are
// those of Run bit for bit, whatever the set's size. See simdpool.Workers
// (it is the same type as package pool's Workers).
type Workers = simdpool.Workers

// NewWorkers starts a set of n workers (n >= 1; the caller of a run is one
// of them). Close it when done.
func NewWorkers(n int) (*Workers, error) {
	if n < 1 {
		return nil, errorf("NewWorkers", "n", "must be at least 1, got %d", n)
	}
	return simdpool.NewWorkers(n)
}

// checkWorkers refuses a closed worker set (nil is the caller alone).
func checkWorkers(op string, w *Workers) error {
	if w != nil && w.Closed() {
		return errorf(op, "workers", "are closed")
	}
	return nil
}
