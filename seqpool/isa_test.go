package seqpool

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
)

// forEachISA runs f once per ISA this machine has, with the root package's
// kernels switched to it (simdpool.Use), so that the plans f makes pick that
// ISA's kernels, as the root package's harness (program_test.go) does.
func forEachISA(t *testing.T, f func(t *testing.T, isa simdpool.ISA)) {
	t.Helper()
	prev := simdpool.Current()
	defer func() { require.NoError(t, simdpool.Use(prev)) }()
	for _, isa := range simdpool.Available() {
		t.Run(string(isa), func(t *testing.T) {
			require.NoError(t, simdpool.Use(isa))
			f(t, isa)
		})
	}
}

// ForEachISA is forEachISA for the package's external tests.
var ForEachISA = forEachISA

// forEachKernelSet runs f once per ISA this machine has with that ISA's
// token-rows kernels for T (none, the Go loops, for generic).
func forEachKernelSet[T Float](t *testing.T, f func(t *testing.T, k kernelSet)) {
	t.Helper()
	for _, isa := range simdpool.Available() {
		t.Run(string(isa), func(t *testing.T) { f(t, pickKernels[T](isa)) })
	}
}

// TestPlansRunTheISAsKernels fails when a plan made under an ISA with
// token-rows kernels (simdISAs: AVX2 and AVX-512 on amd64, NEON on arm64)
// does not pick them, so that a silent fallback to the Go loops cannot pass
// for them.
func TestPlansRunTheISAsKernels(t *testing.T) {
	check := func(t *testing.T, isa simdpool.ISA, names []string, bits string) {
		for _, n := range names {
			if simdISAs[isa] {
				suffix := map[simdpool.ISA]string{simdpool.AVX2: "AVX2", simdpool.AVX512: "AVX512", simdpool.NEON: "NEON"}[isa]
				assert.True(t, strings.HasSuffix(n, bits+suffix), "%s plan runs %q", isa, n)
			} else {
				assert.Empty(t, n, "%s has no token-rows kernels", isa)
			}
		}
	}
	forEachISA(t, func(t *testing.T, isa simdpool.ISA) {
		p32, err := NewPlan[float32, int64](Mean, []int{2, 3, 40}, Options{})
		require.NoError(t, err)
		check(t, isa, p32.p.kernels.names(), "F32")
		p64, err := NewPlan[float64, bool](Max, []int{3, 40}, Options{})
		require.NoError(t, err)
		check(t, isa, p64.p.kernels.names(), "F64")
	})
}
