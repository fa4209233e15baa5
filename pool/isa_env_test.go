package pool_test

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/pool"
)

// SIMDPOOL_ISA is read once, at start-up: TestISAEnv runs this test binary
// again with the variable set and checks the constructors there
// (TestISAEnvChild).
func TestISAEnv(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{"", "ok"},
		{"  ", "ok"},
		{"generic", "ok"},
		{"bogus", "error"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestISAEnvChild$", "-test.v")
		cmd.Env = append(os.Environ(), "SIMDPOOL_ISA="+c.value, "POOL_ISA_CHILD_WANT="+c.want)
		out, err := cmd.CombinedOutput()
		if errors.Is(err, syscall.ENOEXEC) {
			t.Skip("the test binary cannot run itself here (an emulated GOARCH):", err)
		}
		require.NoError(t, err, "SIMDPOOL_ISA=%q:\n%s", c.value, out)
		assert.Contains(t, string(out), "--- PASS: TestISAEnvChild", "SIMDPOOL_ISA=%q", c.value)
	}
}

func TestISAEnvChild(t *testing.T) {
	want := os.Getenv("POOL_ISA_CHILD_WANT")
	if want == "" {
		t.Skip("run by TestISAEnv")
	}
	shape := []int{1, 1, 4, 4}
	for name, err := range map[string]error{
		"max_pool2d": func() error {
			_, err := pool.NewMaxPool2d[float32](shape, pool.MaxPoolOptions{KernelSize: []int{2}})
			return err
		}(),
		"adaptive_avg_pool2d": func() error {
			_, err := pool.NewAdaptiveAvgPool2d[float32](shape, pool.AdaptiveAvgPoolOptions{OutputSize: []int{2}})
			return err
		}(),
		"max_unpool2d": func() error {
			_, err := pool.NewMaxUnpool2d[float32](shape, pool.MaxUnpoolOptions{KernelSize: []int{2}})
			return err
		}(),
		"fractional_max_pool2d": func() error {
			_, err := pool.NewFractionalMaxPool2d[float32](shape, pool.FractionalMaxPoolOptions{KernelSize: []int{2}, OutputSize: []int{2}})
			return err
		}(),
		"stochastic_pool2d": func() error {
			_, err := pool.NewStochasticPool2d[float32](shape, pool.StochasticPoolOptions{KernelSize: []int{2}})
			return err
		}(),
		"global_lp_pool2d": func() error { _, err := pool.GlobalLpPool2d(pool.NewTensor[float32](shape...), 2); return err }(),
	} {
		if want == "ok" {
			assert.NoError(t, err, name)
			continue
		}
		requireArg(t, err, name, "SIMDPOOL_ISA")
		assert.Contains(t, err.Error(), `"bogus"`)
	}
}
