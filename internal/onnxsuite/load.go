// Package onnxsuite reads a directory of ONNX pooling test vectors in the
// format of ../shared/onnx (see its README: "onnx-pooling-cases/1") and
// checks package onnx against them.
//
// A suite directory holds cases/<Op>.json, one file per operator, whose
// large tensors lie in other files of the directory at a byte offset (the
// ONNX node tests' .pb files, or raw .bin files). Any of these files may be
// stored gzip-compressed under its name plus ".gz", as this repository's
// testdata/onnx copy is.
//
// Check runs a case through package onnx and compares each output with the
// expected one: MaxPool, GlobalMaxPool, MaxUnpool and Indices bit for bit,
// AveragePool and the LP operators within the tolerance the file names
// (ONNX's own, rtol 1e-3 and atol 1e-7), NaN and infinities identical. A case
// that cannot be decoded or names an unknown operator, attribute or dtype
// fails; it never panics.
package onnxsuite

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Format is the format name the suite's files carry.
const Format = "onnx-pooling-cases/1"

// File is one decoded cases/<Op>.json file.
type File struct {
	Name      string // base name, e.g. "MaxPool.json"
	Op        string
	Tolerance Tolerance
	Cases     []*Case
}

// Tolerance is numpy's allclose rule, |got - want| <= Atol + Rtol*|want|,
// for the outputs that are not compared bit for bit.
type Tolerance struct {
	Rtol float64 `json:"rtol"`
	Atol float64 `json:"atol"`
}

// Case is one test: a node's attributes, inputs and expected outputs.
type Case struct {
	Name       string                     `json:"name"`
	Op         string                     `json:"op"`
	Opset      int                        `json:"opset"`
	Source     string                     `json:"source"`
	Attributes map[string]json.RawMessage `json:"attributes"`
	Inputs     []*Tensor                  `json:"inputs"`
	Outputs    []*Tensor                  `json:"outputs"`

	File      string    `json:"-"` // the base name of its file
	Tolerance Tolerance `json:"-"` // its file's
	// Invalid is set when the case could not be decoded; Check then fails
	// with it.
	Invalid error `json:"-"`
}

// Tensor is an input or expected output: its values as float64 (floats,
// exact for float32) or int64 (integers), by dtype.
type Tensor struct {
	Name     string          `json:"name"`
	Dtype    string          `json:"dtype"`
	Shape    []int           `json:"shape"`
	Data     json.RawMessage `json:"data"`
	External *External       `json:"external"`
	Sha256   string          `json:"sha256"`

	Floats []float64 `json:"-"`
	Ints   []int64   `json:"-"`
}

// External locates a tensor's data in another file of the suite.
type External struct {
	Path      string `json:"path"`
	Offset    int64  `json:"offset"`
	Nbytes    int64  `json:"nbytes"`
	ByteOrder string `json:"byte_order"`
}

// dtypes are the element types a tensor may have: their size, and whether
// they are floats.
var dtypes = map[string]struct {
	size  int
	float bool
}{
	"float32": {4, true}, "float64": {8, true},
	"int8": {1, false}, "uint8": {1, false}, "int64": {8, false},
}

// LoadDir decodes every cases/*.json (or .json.gz) file of the suite
// directory dir, in name order, with the tensors they refer to. It fails when
// dir holds no such file or a file is not a suite file at all; a single
// undecodable case is not an error here (see Case.Invalid).
func LoadDir(dir string) ([]*File, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "cases"))
	if err != nil {
		return nil, fmt.Errorf("onnxsuite: %w", err)
	}
	var names []string
	seen := map[string]bool{}
	for _, e := range entries {
		base := strings.TrimSuffix(e.Name(), ".gz")
		if e.IsDir() || !strings.HasSuffix(base, ".json") {
			continue
		}
		if seen[base] {
			return nil, fmt.Errorf("onnxsuite: %s holds both %s and %s.gz", dir, base, base)
		}
		seen[base] = true
		names = append(names, base)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("onnxsuite: no cases/*.json or cases/*.json.gz files in %s", dir)
	}
	sort.Strings(names)
	files := make([]*File, 0, len(names))
	for _, n := range names {
		data, err := readFile(dir, filepath.Join("cases", n))
		if err != nil {
			return nil, err
		}
		f, err := decode(data, n, dir)
		if err != nil {
			return nil, fmt.Errorf("onnxsuite: %s: %w", n, err)
		}
		files = append(files, f)
	}
	return files, nil
}

// readFile reads the file at path (relative to dir), or, when there is
// none, its gzip-compressed copy path.gz.
func readFile(dir, path string) ([]byte, error) {
	full := filepath.Join(dir, filepath.FromSlash(path))
	data, err := os.ReadFile(full)
	if !errors.Is(err, os.ErrNotExist) {
		return data, err
	}
	zdata, zerr := os.ReadFile(full + ".gz")
	if zerr != nil {
		return nil, err // the missing uncompressed file
	}
	zr, err := gzip.NewReader(bytes.NewReader(zdata))
	if err != nil {
		return nil, fmt.Errorf("onnxsuite: %s.gz: %w", full, err)
	}
	if data, err = io.ReadAll(zr); err != nil {
		return nil, fmt.Errorf("onnxsuite: %s.gz: %w", full, err)
	}
	return data, nil
}

// decode decodes the JSON text of a suite file named name; its external
// data is read from dir. Each case is decoded on its own.
func decode(data []byte, name, dir string) (*File, error) {
	var raw struct {
		Format    string            `json:"format"`
		Op        string            `json:"op"`
		Tolerance *Tolerance        `json:"tolerance"`
		Cases     []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Format != Format {
		return nil, fmt.Errorf("format %q, want %q", raw.Format, Format)
	}
	if raw.Tolerance == nil {
		return nil, errors.New(`no "tolerance"`)
	}
	f := &File{Name: name, Op: raw.Op, Tolerance: *raw.Tolerance, Cases: make([]*Case, len(raw.Cases))}
	blobs := map[string][]byte{}
	for i, rc := range raw.Cases {
		c := &Case{}
		if err := json.Unmarshal(rc, c); err != nil {
			var id struct{ Name, Op string }
			_ = json.Unmarshal(rc, &id)
			c = &Case{Name: id.Name, Op: id.Op, Invalid: fmt.Errorf("cannot decode case: %w", err)}
		} else {
			for _, t := range append(append([]*Tensor(nil), c.Inputs...), c.Outputs...) {
				if err := t.load(dir, blobs); err != nil {
					c.Invalid = fmt.Errorf("tensor %s: %w", t.Name, err)
					break
				}
			}
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("%s#%d", name, i)
		}
		c.File, c.Tolerance = name, f.Tolerance
		f.Cases[i] = c
	}
	return f, nil
}

// load decodes t's values, inline or from its external file (read once per
// path into blobs), and checks their count against the shape.
func (t *Tensor) load(dir string, blobs map[string][]byte) error {
	dt, ok := dtypes[t.Dtype]
	if !ok {
		return fmt.Errorf("unknown dtype %q", t.Dtype)
	}
	n := 1
	for _, s := range t.Shape {
		if s < 0 {
			return fmt.Errorf("negative size in shape %v", t.Shape)
		}
		n *= s
	}
	switch {
	case t.External != nil:
		if err := t.loadExternal(dir, blobs, dt.size, dt.float); err != nil {
			return err
		}
	case dt.float:
		var vs []any
		if err := json.Unmarshal(t.Data, &vs); err != nil {
			return err
		}
		t.Floats = make([]float64, len(vs))
		for i, v := range vs {
			f, err := jsonFloat(v)
			if err != nil {
				return fmt.Errorf("value %d: %w", i, err)
			}
			t.Floats[i] = f
		}
	default:
		if err := json.Unmarshal(t.Data, &t.Ints); err != nil {
			return err
		}
	}
	if got := len(t.Floats) + len(t.Ints); got != n {
		return fmt.Errorf("%d values for shape %v", got, t.Shape)
	}
	return nil
}

// jsonFloat is a JSON float value: a number, or "NaN", "Infinity" or
// "-Infinity".
func jsonFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("not a float: %v", v)
}

// loadExternal reads t's little-endian data from its external file and
// checks its sha256.
func (t *Tensor) loadExternal(dir string, blobs map[string][]byte, size int, float bool) error {
	e := t.External
	if e.ByteOrder != "little" {
		return fmt.Errorf("byte order %q", e.ByteOrder)
	}
	blob, ok := blobs[e.Path]
	if !ok {
		var err error
		if blob, err = readFile(dir, e.Path); err != nil {
			return err
		}
		blobs[e.Path] = blob
	}
	if e.Offset < 0 || e.Nbytes < 0 || e.Offset+e.Nbytes > int64(len(blob)) || e.Nbytes%int64(size) != 0 {
		return fmt.Errorf("bytes [%d, +%d) of %s (%d bytes)", e.Offset, e.Nbytes, e.Path, len(blob))
	}
	b := blob[e.Offset : e.Offset+e.Nbytes]
	if t.Sha256 != "" {
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != t.Sha256 {
			return fmt.Errorf("sha256 of %s bytes [%d, +%d) is not %s", e.Path, e.Offset, e.Nbytes, t.Sha256)
		}
	}
	n := len(b) / size
	le := binary.LittleEndian
	if float {
		t.Floats = make([]float64, n)
		for i := range n {
			if size == 4 {
				t.Floats[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
			} else {
				t.Floats[i] = math.Float64frombits(le.Uint64(b[8*i:]))
			}
		}
		return nil
	}
	t.Ints = make([]int64, n)
	for i := range n {
		switch {
		case size == 8:
			t.Ints[i] = int64(le.Uint64(b[8*i:]))
		case t.Dtype == "int8":
			t.Ints[i] = int64(int8(b[i]))
		default:
			t.Ints[i] = int64(b[i])
		}
	}
	return nil
}
