package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var testdataGolden = filepath.Join("..", "..", "testdata", "golden")

func runV(args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = verify(args, &o, &e)
	return code, o.String(), e.String()
}

var summaryLine = regexp.MustCompile(`^(\d+) passed, (\d+) failed$`)

// TestVerifyTestdata runs verify over the repository's golden copies. Whether
// every case passes is pool's TestGolden's business; here the output must be
// consistent: one FAIL line per failed case, the counts adding up to the 1840
// cases, and the exit status following them.
func TestVerifyTestdata(t *testing.T) {
	for _, layout := range []string{"nchw", "nhwc"} {
		t.Run(layout, func(t *testing.T) { verifyTestdata(t, "-layout", layout) })
	}
}

func verifyTestdata(t *testing.T, args ...string) {
	code, out, errOut := runV(append([]string{"-golden", testdataGolden}, args...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	m := summaryLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q is not \"N passed, M failed\"; stderr: %s", lines[len(lines)-1], errOut)
	}
	var passed, failed int
	fmt.Sscan(m[1]+" "+m[2], &passed, &failed)
	if passed+failed != 1840 {
		t.Errorf("%d + %d cases, want 1840", passed, failed)
	}
	if len(lines)-1 != failed {
		t.Errorf("%d lines before the summary, want one per failed case (%d)", len(lines)-1, failed)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "FAIL ") {
			t.Errorf("unexpected line %q", l)
		}
	}
	if want := min(failed, 1); code != want {
		t.Errorf("exit status %d with %d failures, want %d", code, failed, want)
	}
}

// readCases returns the first n cases of a gzipped golden file, numbers kept
// as written.
func readCases(t *testing.T, name string, n int) []map[string]any {
	t.Helper()
	f, err := os.Open(filepath.Join(testdataGolden, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	var file struct{ Cases []map[string]any }
	if err := dec.Decode(&file); err != nil {
		t.Fatal(err)
	}
	return file.Cases[:n]
}

func writeGolden(t *testing.T, path string, gz bool, cases []map[string]any) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"torch_version": "test", "seed": 0, "cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyTampered points verify at a directory with one wrong forward
// output and one error case made valid.
func TestVerifyTampered(t *testing.T) {
	dir := t.TempDir()
	fwd := readCases(t, "max_pool.json.gz", 5)
	fwd[2]["output"].([]any)[0] = json.Number("12345.5")
	writeGolden(t, filepath.Join(dir, "max.json"), false, fwd)
	errs := readCases(t, "errors.json.gz", 2) // max_pool1d padding > kernel/2
	errs[1]["args"].(map[string]any)["padding"] = []any{0}
	writeGolden(t, filepath.Join(dir, "errors.json.gz"), true, errs)

	code, out, errOut := runV("-golden", dir)
	if code != 1 {
		t.Errorf("exit status %d, want 1; stderr: %s", code, errOut)
	}
	want := []string{
		"FAIL " + errs[1]["name"].(string) + ": no error",
		"FAIL " + fwd[2]["name"].(string) + ": output: 1 of ",
		"5 passed, 2 failed",
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s\nwant %d lines", out, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want it to start with %q", i, lines[i], w)
		}
	}

	// -v adds the ISA line and a line per file; the summary stays last.
	code, out, _ = runV("-v", "-golden", dir)
	if lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n"); code != 1 || len(lines) != 6 ||
		!strings.HasPrefix(lines[0], "ISA ") || lines[2] != "errors.json.gz: 1 passed, 1 failed" || lines[4] != "max.json: 4 passed, 1 failed" || lines[5] != "5 passed, 2 failed" {
		t.Errorf("-v: status %d, output:\n%s", code, out)
	}

	// All good: exit status 0.
	fwd[2]["output"] = readCases(t, "max_pool.json.gz", 5)[2]["output"]
	writeGolden(t, filepath.Join(dir, "max.json"), false, fwd)
	os.Remove(filepath.Join(dir, "errors.json.gz"))
	if code, out, _ := runV("-golden", dir); code != 0 || out != "5 passed, 0 failed\n" {
		t.Errorf("status %d, output %q, want 0 and \"5 passed, 0 failed\"", code, out)
	}
}

// TestVerifyNoCases points verify at golden files that hold no case: there
// is nothing to verify, which must not pass as success.
func TestVerifyNoCases(t *testing.T) {
	dir := t.TempDir()
	writeGolden(t, filepath.Join(dir, "empty.json"), false, []map[string]any{})
	writeGolden(t, filepath.Join(dir, "also_empty.json.gz"), true, []map[string]any{})
	code, out, errOut := runV("-golden", dir)
	if code != 2 || out != "" || !strings.Contains(errOut, "no case in the golden files of "+dir) {
		t.Errorf("status %d, stdout %q, stderr %q; want 2 and \"no case in the golden files\"", code, out, errOut)
	}
}

func TestVerifyUsage(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{}, 2, "-golden DIR is required"},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-golden"}, 2, "flag needs an argument"},
		{[]string{"-golden", testdataGolden, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"-golden", filepath.Join(t.TempDir(), "missing")}, 2, "no such file or directory"},
		{[]string{"-golden", t.TempDir()}, 2, "no *.json or *.json.gz files"},
		{[]string{"-golden", testdataGolden, "-layout", "nwhc"}, 2, `-layout must be nchw or nhwc, got "nwhc"`},
		{[]string{"-h"}, 0, "Usage: simdpool verify -golden DIR"},
	} {
		code, out, errOut := runV(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) || out != "" {
			t.Errorf("verify %q: status %d, stdout %q, stderr %q; want %d and %q", tc.args, code, out, errOut, tc.code, tc.stderr)
		}
	}
}

func TestDispatch(t *testing.T) {
	var o, e bytes.Buffer
	stdout, stderr = &o, &e
	t.Cleanup(func() { stdout, stderr = os.Stdout, os.Stderr })
	for _, tc := range []struct {
		args []string
		code int
		out  io.Writer
		want string
	}{
		{nil, 2, &e, "Usage: simdpool <command>"},
		{[]string{"help"}, 0, &o, "  verify "},
		{[]string{"nosuch"}, 2, &e, `unknown command "nosuch"`},
		{[]string{"verify"}, 2, &e, "-golden DIR is required"},
	} {
		o.Reset()
		e.Reset()
		if code := run(tc.args); code != tc.code || !strings.Contains(tc.out.(*bytes.Buffer).String(), tc.want) {
			t.Errorf("simdpool %q: status %d, stdout %q, stderr %q; want %d and %q", tc.args, code, o.String(), e.String(), tc.code, tc.want)
		}
	}
}

var testdataONNX = filepath.Join("..", "..", "testdata", "onnx")

// TestVerifyONNX runs verify -onnx over the repository's copy of the ONNX
// suite (every case passes), then over a copy with one expected value
// changed, which must fail that case alone.
func TestVerifyONNX(t *testing.T) {
	if code, out, errOut := runV("-onnx", testdataONNX, "-threads", "2"); code != 0 || out != "56 passed, 0 failed\n" {
		t.Fatalf("exit %d, output %q, stderr %q", code, out, errOut)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o755); err != nil {
		t.Fatal(err)
	}
	data := `{"format": "onnx-pooling-cases/1", "op": "GlobalMaxPool", "tolerance": {"rtol": 0.001, "atol": 1e-7}, "cases": [
		{"name": "ok", "op": "GlobalMaxPool", "attributes": {}, "inputs": [{"name": "x", "dtype": "float32", "shape": [1, 2, 2], "data": [1, 5, 3, 2]}],
		 "outputs": [{"name": "y", "dtype": "float32", "shape": [1, 2, 1], "data": [5, 3]}]},
		{"name": "wrong", "op": "GlobalMaxPool", "attributes": {}, "inputs": [{"name": "x", "dtype": "float32", "shape": [1, 2, 2], "data": [1, 5, 3, 2]}],
		 "outputs": [{"name": "y", "dtype": "float32", "shape": [1, 2, 1], "data": [5, 2]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "cases", "GlobalMaxPool.json"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runV("-onnx", dir)
	if want := "FAIL wrong: y[1] = 3, want 2 exactly\n1 passed, 1 failed\n"; code != 1 || out != want {
		t.Errorf("exit %d, output %q, want 1 and %q", code, out, want)
	}
	if code, _, errOut := runV("-onnx", dir, "-golden", testdataGolden); code != 2 || !strings.Contains(errOut, "-golden DIR is required (or, instead, -onnx DIR)") {
		t.Errorf("both flags: exit %d, stderr %q", code, errOut)
	}
}
