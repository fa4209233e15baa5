package main

import (
	"bytes"
	"runtime"
	"strings"
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
