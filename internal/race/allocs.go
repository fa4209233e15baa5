package race

import (
	"fmt"
	"testing"
)

// NoAllocs fails t when f allocates, on average over runs calls, naming
// what with msg (a format and its arguments). Under the race detector, whose
// sync.Pool drops items at random, it only calls f.
func NoAllocs(t testing.TB, runs int, f func(), msg ...any) {
	t.Helper()
	allocs := testing.AllocsPerRun(runs, f)
	if Enabled || allocs == 0 {
		return
	}
	what := ""
	if len(msg) > 0 {
		if format, ok := msg[0].(string); ok {
			what = ": " + fmt.Sprintf(format, msg[1:]...)
		}
	}
	t.Errorf("%v allocations per run, want 0%s", allocs, what)
}
