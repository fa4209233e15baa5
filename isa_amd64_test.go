//go:build !purego

package simdpool

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCPUInfoISAs cross-checks the feature detection against the kernel's own
// view of the CPU (/proc/cpuinfo): an ISA whose flags are all there must be
// available, so that a broken detection cannot silently fall back to the
// generic kernels.
func TestCPUInfoISAs(t *testing.T) {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skip("no /proc/cpuinfo")
	}
	var flags map[string]bool
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "flags" {
			flags = map[string]bool{}
			for _, f := range strings.Fields(v) {
				flags[f] = true
			}
			break
		}
	}
	if flags == nil {
		t.Skip("no flags in /proc/cpuinfo")
	}
	has := func(fs ...string) bool {
		for _, f := range fs {
			if !flags[f] {
				return false
			}
		}
		return true
	}
	if has("avx2", "bmi1", "bmi2") {
		require.Contains(t, Available(), AVX2)
	}
	if has("avx2", "bmi1", "bmi2", "avx512f", "avx512dq") {
		require.Contains(t, Available(), AVX512)
	}
}
