package main

import (
	"bytes"
	"runtime"
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
