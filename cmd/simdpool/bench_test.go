package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
)

// Small cases and tiny round counts keep these tests fast.
var quickArgs = []string{"-cases", "S5,S6", "-rounds", "2", "-target", "100us"}

func TestBenchJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := runBench(append([]string{"-json"}, quickArgs...), &out, &errb)
	require.Equal(t, 0, code, errb.String())
	assert.Empty(t, errb.String(), "no progress output when stderr is not a terminal")

	fields := []string{"case", "op", "shape", "impl", "pass", "threads", "ns_per_op", "gb_per_s", "speedup_vs_generic", "memcpy_fraction"}
	impls := []string{"memcpy"}
	for _, isa := range simdpool.Available() {
		impls = append(impls, string(isa))
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, fields, keys, sc.Text())
		var r benchRow
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		assert.Contains(t, impls, r.Impl)
		assert.Equal(t, 1, r.Threads)
		assert.Equal(t, "forward", r.Pass)
		assert.Positive(t, r.NsPerOp)
		assert.Positive(t, r.GBPerS)
		assert.Positive(t, r.SpeedupVsGeneric)
		assert.Positive(t, r.MemcpyFraction)
		key := r.Case + "/" + r.Impl
		assert.False(t, seen[key], "duplicate row %s", key)
		seen[key] = true
		switch r.Case {
		case "S5":
			assert.Equal(t, []int{1, 2048, 7, 7}, r.Shape)
			assert.Equal(t, "adaptive_avg_pool2d", r.Op)
		case "S6":
			assert.Equal(t, []int{1, 256, 13, 13}, r.Shape)
		default:
			t.Errorf("unexpected case %q", r.Case)
		}
		if r.Impl == "generic" {
			assert.Equal(t, 1.0, r.SpeedupVsGeneric)
		}
		if r.Impl == "memcpy" {
			assert.Equal(t, 1.0, r.MemcpyFraction)
		}
	}
	assert.Len(t, seen, 2*len(impls), "one row per case and implementation: %v", seen)
}

func TestBenchTableAndCustomCase(t *testing.T) {
	var out, errb bytes.Buffer
	code := runBench([]string{"-op", "lp_pool1d", "-shape", "2x8x64", "-kernel", "3", "-norm", "2", "-rounds", "2", "-target", "50us"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2+len(simdpool.Available())+1, out.String()) // header, column names, impls, memcpy
	assert.Contains(t, lines[1], "of memcpy")
	assert.Contains(t, lines[2], "custom")
	assert.Contains(t, lines[2], "lp_pool1d")
	assert.Contains(t, lines[2], "2x8x64")
	assert.True(t, strings.Contains(lines[len(lines)-1], "memcpy"))
}

func TestBenchSequencePooling(t *testing.T) {
	var out, errb bytes.Buffer
	code := runBench([]string{"-op", "masked_mean", "-shape", "2x16x64", "-json", "-rounds", "2", "-target", "50us"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	var impls []string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r benchRow
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		assert.Equal(t, "masked_mean", r.Op)
		assert.Equal(t, []int{2, 16, 64}, r.Shape)
		assert.Positive(t, r.GBPerS)
		impls = append(impls, r.Impl)
	}
	var want []string
	for _, isa := range simdpool.Available() {
		want = append(want, string(isa))
	}
	assert.Equal(t, append(want, "memcpy"), impls, "every ISA, timed next to memcpy")
}

func TestBenchPlot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "b.svg")
	var out, errb bytes.Buffer
	code := runBench(append([]string{"-plot", file}, quickArgs...), &out, &errb)
	require.Equal(t, 0, code, errb.String())
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var texts []string
	for _, e := range parseSVG(t, data) {
		if e.name == "text" {
			texts = append(texts, e.text)
		}
	}
	assert.Contains(t, texts, "S5")
	assert.Contains(t, texts, "S6")
	for _, isa := range simdpool.Available() {
		assert.Contains(t, texts, string(isa))
	}
}

func TestBenchPlotOnlySVG(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.png", "b.pdf", "b", "b.svg.png"} {
		file := filepath.Join(dir, name)
		var out, errb bytes.Buffer
		code := runBench(append([]string{"-plot", file}, quickArgs...), &out, &errb)
		assert.Equal(t, 2, code, name)
		assert.Contains(t, errb.String(), "-plot "+file+": only SVG is supported, the file name must end in .svg", name)
		assert.Empty(t, out.String(), "refused before the benchmark: %s", name)
		assert.NoFileExists(t, file)
	}
	assert.NoError(t, checkPlotFile("docs/BENCH.SVG"), "the extension in any case")
}

func TestBenchPlotUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "no-such-dir", "b.svg")
	var out, errb bytes.Buffer
	code := runBench(append([]string{"-plot", file}, quickArgs...), &out, &errb)
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "simdpool bench: -plot: open "+file)
}

func TestBenchBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
		{[]string{"-rounds", "x"}, "invalid value"},
		{[]string{"-rounds", "0"}, "-rounds must be"},
		{[]string{"-cases", "S1,S99"}, `unknown case "S99"`},
		{[]string{"-threads", "0"}, "-threads must be between 1 and 1024"},
		{[]string{"-plot", "out.pdf"}, "only SVG is supported"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"-kernel", "3"}, "give -op and -shape"},
		{[]string{"-op", "max_pool2d"}, "-op needs -shape"},
		{[]string{"-op", "sum_pool2d", "-shape", "1x1x4x4"}, "not one of"},
		{[]string{"-op", "max_pool2d", "-shape", "1x1x4x4"}, "kernel_size"},
		{[]string{"-op", "max_pool2d", "-shape", "1xAx4", "-kernel", "2"}, "-shape"},
		{[]string{"-op", "avg_pool2d", "-shape", "1x1x4x4", "-kernel", "2", "-dilation", "2"}, "does not take dilation"},
		{[]string{"-op", "max_pool2d", "-shape", "1x1x4x4", "-kernel", "2", "-cases", "S1"}, "exclude each other"},
		{[]string{"-op", "masked_mean", "-shape", "2x16x64", "-kernel", "2"}, "does not take kernel_size"},
		{[]string{"-op", "last_token", "-shape", "2x0x64"}, "token count T must be greater than zero"},
		{[]string{"-layout", "nwhc"}, `-layout must be nchw or nhwc, got "nwhc"`},
		{[]string{"-layout", "nhwc", "-op", "masked_mean", "-shape", "2x16x64"}, "has no channels-last layout"},
		{[]string{"-cases", "C3"}, `unknown case "C3"`},
	} {
		var out, errb bytes.Buffer
		code := runBench(tc.args, &out, &errb)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, errb.String(), tc.msg, "%v", tc.args)
		assert.Empty(t, out.String(), "%v", tc.args)
	}
}

// TestBenchChannelsLast: -layout nhwc times the cases channels-last, C3
// among them, and says so in every row.
func TestBenchChannelsLast(t *testing.T) {
	var out, errb bytes.Buffer
	code := runBench([]string{"-json", "-layout", "nhwc", "-cases", "S6,C3", "-rounds", "2", "-target", "100us"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	cases := map[string]bool{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var r benchRow
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r), sc.Text())
		assert.Equal(t, "nhwc", r.Layout, sc.Text())
		assert.Positive(t, r.NsPerOp)
		cases[r.Case] = true
		if r.Case == "C3" {
			assert.Equal(t, []int{1, 3, 224, 224}, r.Shape)
		}
	}
	assert.Equal(t, map[string]bool{"S6": true, "C3": true}, cases)
}

func TestBenchList(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, runBench([]string{"-list"}, &out, &errb))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Len(t, lines, 12)
	assert.True(t, slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "S12 ") }))
}
