package golden

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simdpool/simdpool/pool"
)

func TestFloats(t *testing.T) {
	c, err := Decode([]byte(`{"cases": [{"name": "a", "op": "max_pool1d", "args": {"kernel_size": [1]},
		"input_shape": [1, 1, 7], "input": [1.5, -0.0, "NaN", "Infinity", "-Infinity", 1.0e-45, 3.4028235e38],
		"output_shape": [1, 1, 7], "output": [1.5, -0.0, "NaN", "Infinity", "-Infinity", 1.0e-45, 3.4028235e38]}]}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	cs := c.Cases[0]
	if cs.Invalid != nil {
		t.Fatal(cs.Invalid)
	}
	want := []uint32{0x3fc00000, 0x80000000, 0, 0x7f800000, 0xff800000, 1, 0x7f7fffff}
	for i, v := range cs.Input {
		if i == 2 {
			if v == v {
				t.Errorf("input[2] = %v, want NaN", v)
			}
			continue
		}
		if math.Float32bits(v) != want[i] {
			t.Errorf("input[%d] = %#08x, want %#08x", i, math.Float32bits(v), want[i])
		}
	}
	if err := Check(cs, nil); err != nil {
		t.Errorf("Check: %v", err)
	}
	for _, bad := range []string{`["nan"]`, `["1.5"]`, `[1e39]`, `[true]`, `{}`} {
		var f Floats
		if err := f.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("%s decoded to %v, want an error", bad, f)
		}
	}
}

func TestSizes(t *testing.T) {
	var s Sizes
	if err := s.UnmarshalJSON([]byte(`[null, 3]`)); err != nil || len(s) != 2 || s[0] != None || s[1] != 3 {
		t.Errorf("[null, 3] = %v, %v", s, err)
	}
	s = Sizes{1}
	if err := s.UnmarshalJSON([]byte(`null`)); err != nil || s != nil {
		t.Errorf("null = %v, %v", s, err)
	}
	if got := outputSize(Sizes{None, 2}); len(got) != 2 || got[1] != 2 {
		t.Errorf("outputSize = %v", got)
	}
}

// A small file: passes, a tampered output, an error case that succeeds, an
// unknown op, an undecodable case and an inconsistent one.
const mixed = `{"torch_version": "t", "seed": 1, "cases": [
{"name": "ok", "op": "max_pool1d", "args": {"kernel_size": [2], "stride": null, "padding": [0], "dilation": [1], "ceil_mode": false, "return_indices": true}, "input_shape": [1, 4], "input": [1, 3, "NaN", 2], "output_shape": [1, 2], "output": [3, "NaN"], "indices": [1, 2], "grad_output": [1, 2], "grad_input": [0, 1, 2, 0]},
{"name": "tampered", "op": "max_pool1d", "args": {"kernel_size": [2], "stride": null, "padding": [0], "dilation": [1], "ceil_mode": false, "return_indices": true}, "input_shape": [1, 4], "input": [1, 3, "NaN", 2], "output_shape": [1, 2], "output": [3, "NaN"], "indices": [1, 3]},
{"name": "err_ok", "op": "max_pool1d", "args": {"kernel_size": [0]}, "input_shape": [1, 4], "error": "RuntimeError", "message": "m"},
{"name": "err_bad", "op": "max_pool1d", "args": {"kernel_size": [2]}, "input_shape": [1, 4], "error": "RuntimeError", "message": "m"},
{"name": "unknown", "op": "min_pool1d", "args": {}, "input_shape": [1, 1], "input": [1], "output_shape": [1, 1], "output": [1]},
{"name": "undecodable", "op": "max_pool1d", "args": {"kernel_size": [2]}, "input_shape": [1, 2], "input": ["x", 1], "output_shape": [1, 1], "output": [1]},
{"name": "inconsistent", "op": "max_pool1d", "args": {"kernel_size": [2]}, "input_shape": [1, 3], "input": [1, 1], "output_shape": [1, 1], "output": [1]}
]}`

func TestCheckMixed(t *testing.T) {
	f, err := Decode([]byte(mixed), "mixed.json")
	if err != nil {
		t.Fatal(err)
	}
	s := CheckAll(f.Cases, nil)
	if s.String() != "2 passed, 5 failed" {
		t.Errorf("summary %q, want 2 passed, 5 failed", s)
	}
	why := map[string]string{
		"tampered":     "indices: 1 of 2 differ",
		"err_bad":      "no error",
		"unknown":      `unknown op "min_pool1d"`,
		"undecodable":  "cannot decode",
		"inconsistent": "input has 2 values",
	}
	for _, fl := range s.Failures {
		if w := why[fl.Case.Name]; w == "" || !strings.Contains(fl.Err.Error(), w) {
			t.Errorf("%s: %v, want %q", fl.Case.Name, fl.Err, w)
		}
		if fl.Case.File != "mixed.json" {
			t.Errorf("%s: file %q", fl.Case.Name, fl.Case.File)
		}
	}
}

func TestCheckPanics(t *testing.T) {
	runners["max_pool9d"] = func(*Case, tensor, pool.Layout, *pool.Workers) (tensor, []int64, error) { panic("boom") }
	defer delete(runners, "max_pool9d")
	c := &Case{Name: "p", Op: "max_pool9d", InputShape: []int{1}, Input: Floats{1}, OutputShape: []int{1}, Output: Floats{1}}
	if err := Check(c, nil); err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Errorf("Check = %v, want the panic", err)
	}
}

func TestRules(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	negz := float32(math.Copysign(0, -1))
	next := func(v float32, n int) float32 {
		for ; n > 0; n-- {
			v = math.Nextafter32(v, inf)
		}
		return v
	}
	for _, tc := range []struct {
		f         family
		got, want float32
		equal     bool
	}{
		{famMax, 1, 1, true},
		{famMax, nan, nan, true},
		{famMax, negz, 0, false},
		{famMax, next(1, 1), 1, false},
		{famMax, inf, inf, true},
		{famMax, -inf, inf, false},
		{famAvg, negz, 0, false},
		{famAvg, next(1, 1), 1, false},
		{famAvg, nan, nan, true},
		{famAvg, nan, inf, false},
		{famLp, next(1, 2), 1, true},
		{famLp, next(1, 3), 1, false},
		{famLp, next(100, 3), 100, false},
		{famLp, math.MaxFloat32, inf, false},
		{famLp, nan, nan, true},
		{famLp, nan, inf, false},
		{famLp, negz, 0, true},
	} {
		if got := equalFunc(tc.f)(tc.got, tc.want); got != tc.equal {
			t.Errorf("family %d: %v vs %v = %v, want %v", tc.f, tc.got, tc.want, got, tc.equal)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDir(dir); err == nil {
		t.Error("empty directory: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(mixed), 0o644); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(strings.Replace(mixed, `"name": "`, `"name": "z`, -1)))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "b.json.gz"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("not json"), 0o644)
	files, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "a.json" || files[1].Name != "b.json.gz" || len(Cases(files)) != 14 {
		t.Fatalf("loaded %d files", len(files))
	}
	if s := CheckAll(Cases(files), nil); s.Passed != 4 || s.Failed != 10 {
		t.Errorf("summary %v", s)
	}
	os.WriteFile(filepath.Join(dir, "a.json.gz"), b.Bytes(), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("a.json and a.json.gz: %v", err)
	}
	os.Remove(filepath.Join(dir, "a.json.gz"))
	os.WriteFile(filepath.Join(dir, "c.json"), []byte(`{"cases": 3}`), 0o644)
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("bad file: %v", err)
	}
}
