package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"runtime"
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
	for _, want := range []string{"cpu:", "features:", "available:", "in use:", "kernels:", "build:", runtime.Version(), runtime.GOARCH} {
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
	assert.Contains(t, errb.String(), "takes no arguments")
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
