package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
)

func TestInfo(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, runInfo(nil, &out, &errb), errb.String())
	s := out.String()
	for _, want := range []string{"cpu:", "features:", "available:", "in use:", "build:", runtime.Version(), runtime.GOARCH} {
		assert.Contains(t, s, want)
	}
	assert.Contains(t, s, "in use:     "+string(simdpool.Current()))
	if purego {
		assert.Contains(t, s, "purego")
	}
}

func TestInfoBadUsage(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, runInfo([]string{"-x"}, &out, &errb))
	assert.Contains(t, errb.String(), "flag provided but not defined")
	errb.Reset()
	assert.Equal(t, 2, runInfo([]string{"extra"}, &out, &errb))
	assert.Contains(t, errb.String(), "takes flags only")
	errb.Reset()
	assert.Equal(t, 2, runInfo([]string{"-kernel", "3"}, &out, &errb))
	assert.Contains(t, errb.String(), "give -op and -shape")
	errb.Reset()
	assert.Equal(t, 2, runInfo([]string{"-op", "max_pool2d", "-shape", "1x1x2x2", "-kernel", "5"}, &out, &errb))
	assert.Contains(t, errb.String(), "too small")
}

// TestInfoKernels checks that info -op names the kernels of the ISA in use
// (or the generic ones) for both element types.
func TestInfoKernels(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"-op", "max_pool2d", "-shape", "1,64,112,112", "-kernel", "3", "-stride", "2", "-padding", "1"}
	require.Equal(t, 0, runInfo(args, &out, &errb), errb.String())
	s := out.String()
	assert.Contains(t, s, "plan:       max_pool2d 1x64x112x112 k3 s2 p1 -> 1x64x56x56")
	isa := strings.ToUpper(string(simdpool.Current()))
	if simdpool.Current() == simdpool.Generic {
		isa = "Go"
	}
	assert.Regexp(t, "float32: maxWinS[0-9KDP]*F32"+isa, s)
	assert.Regexp(t, "float64: maxWinS[0-9KDP]*F64"+isa, s)
}

func TestCommandsRegistered(t *testing.T) {
	assert.Contains(t, commands, "bench")
	assert.Contains(t, commands, "info")
}

// TestInfoBadISA runs info in a child process (SIMDPOOL_ISA is read at
// start-up) with an ISA that does not exist: the report names the error and
// the exit status is 1.
func TestInfoBadISA(t *testing.T) {
	if os.Getenv("SIMDPOOL_INFO_CHILD") == "1" {
		os.Exit(runInfo(nil, os.Stdout, os.Stderr))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInfoBadISA$")
	cmd.Env = append(os.Environ(), "SIMDPOOL_INFO_CHILD=1", "SIMDPOOL_ISA=bogus")
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.ENOEXEC) {
		t.Skip("the test binary cannot run itself here (an emulated GOARCH):", err)
	}
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "want exit status 1, got %v:\n%s", err, out)
	assert.Equal(t, 1, ee.ExitCode(), "%s", out)
	assert.Contains(t, string(out), `error: simdpool: SIMDPOOL_ISA: ISA "bogus" is not available here`)
	assert.Contains(t, string(out), "go:         ", "the whole report is printed")
}
