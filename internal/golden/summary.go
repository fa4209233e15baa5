package golden

import (
	"fmt"

	"github.com/simdpool/simdpool/pool"
)

// Failure is a failing case and why it failed.
type Failure struct {
	Case *Case
	Err  error
}

func (f Failure) String() string { return fmt.Sprintf("%s: %v", f.Case.Name, f.Err) }

// Summary counts the cases checked; error cases count as cases.
type Summary struct {
	Passed, Failed int
	Failures       []Failure // in the order checked
}

// Add records the outcome of one case.
func (s *Summary) Add(c *Case, err error) {
	if err == nil {
		s.Passed++
		return
	}
	s.Failed++
	s.Failures = append(s.Failures, Failure{Case: c, Err: err})
}

// Merge adds the counts and failures of o to s.
func (s *Summary) Merge(o Summary) {
	s.Passed += o.Passed
	s.Failed += o.Failed
	s.Failures = append(s.Failures, o.Failures...)
}

// String is the summary line "N passed, M failed".
func (s Summary) String() string { return fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed) }

// CheckAll checks every case on the workers w (nil: the caller's goroutine),
// in the layout it is recorded in.
func CheckAll(cases []*Case, w *pool.Workers) Summary {
	var s Summary
	for _, c := range cases {
		s.Add(c, Check(c, w))
	}
	return s
}

// CheckAllIn is CheckAll with every case in layout l (see CheckIn).
func CheckAllIn(cases []*Case, l pool.Layout, w *pool.Workers) Summary {
	var s Summary
	for _, c := range cases {
		s.Add(c, CheckIn(c, l, w))
	}
	return s
}
