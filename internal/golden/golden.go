// Package golden reads the PyTorch reference vectors of ../shared/golden (see
// its README for the format) and checks the pool package against them.
//
// A golden directory holds *.json files (and, in this repository's
// testdata/golden, gzip-compressed *.json.gz copies). Each file is
//
//	{"torch_version": "...", "seed": N, "cases": [CASE, ...]}
//
// and each CASE is either a forward case (input, output, optional indices) or,
// when it has an "error" field, an error case: a configuration PyTorch
// rejects, for which the pool call must return an error. CheckGrad (and
// CheckWithGrad) also checks the gradient fields, grad_output and grad_input:
// the pool backward of grad_output must give grad_input.
//
// Check maps a case to the pool API (float32), runs it and compares the result
// with the rules of the golden README: max-type values and indices bit for
// bit, avg and adaptive avg 0 ULP, LP within 2 ULP; SIMD mode relaxes sums to
// the README's tolerance. A case that cannot be decoded, names an unknown
// operator or panics is a failing case, never a crash.
package golden

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// File is one decoded golden file.
type File struct {
	Name         string // base name, e.g. "max_pool.json.gz"
	TorchVersion string
	Seed         int64
	Cases        []*Case
}

// Case is one golden case. Error cases have Error set and no output.
type Case struct {
	Name string `json:"name"`
	Op   string `json:"op"`
	Args Args   `json:"args"`

	InputShape  []int   `json:"input_shape"`
	Input       Floats  `json:"input"`
	OutputShape []int   `json:"output_shape"`
	Output      Floats  `json:"output"`
	Indices     []int64 `json:"indices"`
	// GradOutput and GradInput are PyTorch's gradients (nil when the case
	// records none): grad_output, of the output's shape, and the autograd
	// gradient with respect to the input it gives.
	GradOutput Floats `json:"grad_output"`
	GradInput  Floats `json:"grad_input"`

	// Layout is the layout the case's tensors are recorded in: "" (or
	// "channels_first") for PyTorch's contiguous format, "channels_last" for
	// a channels_last (3d: channels_last_3d) input, its tensors then in memory
	// order with shapes (N, spatial..., C) (see Case.In).
	Layout string `json:"layout"`
	// OutputContiguous is, for a channels-last case whose channels_last
	// result differs from the contiguous input's (PyTorch sums some
	// channels-last windows in another order), the contiguous input's
	// result, laid out as Output; nil otherwise.
	OutputContiguous Floats `json:"output_contiguous"`

	// Error cases: PyTorch's exception class and the first line of its message.
	Error   string `json:"error"`
	Message string `json:"message"`

	// File is the base name of the file the case came from.
	File string `json:"-"`
	// Index is the position of the case in its file.
	Index int `json:"-"`
	// Invalid is set when the case could not be decoded or is inconsistent;
	// Check then fails with it.
	Invalid error `json:"-"`
}

// IsError reports whether c is an error case (PyTorch raises).
func (c *Case) IsError() bool { return c.Error != "" }

// Args are a case's expanded arguments ("args" in the JSON): one value per
// spatial dimension for every size. Absent and null entries are nil.
type Args struct {
	KernelSize []int `json:"kernel_size"`
	Stride     []int `json:"stride"` // nil: not given (= kernel_size)
	Padding    []int `json:"padding"`
	Dilation   []int `json:"dilation"`
	CeilMode   bool  `json:"ceil_mode"`

	ReturnIndices bool `json:"return_indices"`

	CountIncludePad *bool `json:"count_include_pad"`
	DivisorOverride *int  `json:"divisor_override"`

	NormType *float64 `json:"norm_type"`

	// OutputSize is nil when null or absent; a null entry is None.
	OutputSize  Sizes     `json:"output_size"`
	OutputRatio []float64 `json:"output_ratio"`

	RandomSamples      Floats `json:"_random_samples"`
	RandomSamplesShape []int  `json:"_random_samples_shape"`

	UnpoolIndices []int64 `json:"indices"`
	IndicesShape  []int   `json:"indices_shape"`
}

// LoadDir decodes every *.json and *.json.gz file in dir, in name order.
// It fails when dir cannot be read, holds no such file, holds both x.json and
// x.json.gz, or a file is not a golden file at all; a single undecodable case
// is not an error here (see Case.Invalid).
func LoadDir(dir string) ([]*File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]string{}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !(strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".json.gz")) {
			continue
		}
		base := strings.TrimSuffix(n, ".gz")
		if other, ok := seen[base]; ok {
			return nil, fmt.Errorf("golden: %s holds both %s and %s", dir, other, n)
		}
		seen[base] = n
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("golden: no *.json or *.json.gz files in %s", dir)
	}
	sort.Strings(names)
	files := make([]*File, 0, len(names))
	for _, n := range names {
		f, err := LoadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// LoadFile decodes one golden file, gunzipping it when its name ends in .gz.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("golden: %s: %w", path, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("golden: %s: %w", path, err)
		}
	}
	f, err := Decode(data, name)
	if err != nil {
		return nil, fmt.Errorf("golden: %s: %w", path, err)
	}
	return f, nil
}

// Decode decodes the JSON text of a golden file; name is recorded in the
// cases. Each case is decoded on its own, so that one bad case makes one
// failing case.
func Decode(data []byte, name string) (*File, error) {
	var raw struct {
		TorchVersion string            `json:"torch_version"`
		Seed         int64             `json:"seed"`
		Cases        []json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Cases == nil {
		return nil, errors.New(`no "cases" list`)
	}
	f := &File{Name: name, TorchVersion: raw.TorchVersion, Seed: raw.Seed, Cases: make([]*Case, len(raw.Cases))}
	for i, rc := range raw.Cases {
		c := &Case{}
		if err := json.Unmarshal(rc, c); err != nil {
			// Keep what identifies the case.
			var id struct{ Name, Op string }
			_ = json.Unmarshal(rc, &id)
			c = &Case{Name: id.Name, Op: id.Op, Invalid: fmt.Errorf("cannot decode case: %w", err)}
		} else {
			c.Invalid = c.validate()
		}
		if c.Name == "" {
			c.Name = fmt.Sprintf("%s#%d", name, i)
		}
		c.File, c.Index = name, i
		f.Cases[i] = c
	}
	return f, nil
}

// validate checks that a decoded case is consistent with itself.
func (c *Case) validate() error {
	if c.Op == "" {
		return errors.New(`no "op"`)
	}
	if c.InputShape == nil {
		return errors.New(`no "input_shape"`)
	}
	if c.IsError() {
		return nil
	}
	n, ok := numel(c.InputShape)
	if !ok {
		return fmt.Errorf("invalid input_shape %v", c.InputShape)
	}
	if len(c.Input) != n {
		return fmt.Errorf("input has %d values for input_shape %v", len(c.Input), c.InputShape)
	}
	if c.OutputShape == nil {
		return errors.New(`no "output_shape"`)
	}
	if n, ok = numel(c.OutputShape); !ok || len(c.Output) != n {
		return fmt.Errorf("output has %d values for output_shape %v", len(c.Output), c.OutputShape)
	}
	if c.Indices != nil && len(c.Indices) != n {
		return fmt.Errorf("indices has %d values for output_shape %v", len(c.Indices), c.OutputShape)
	}
	if (c.GradOutput == nil) != (c.GradInput == nil) {
		return errors.New(`"grad_output" without "grad_input", or the reverse`)
	}
	if c.GradOutput != nil && (len(c.GradOutput) != len(c.Output) || len(c.GradInput) != len(c.Input)) {
		return fmt.Errorf("grad_output has %d values for %d outputs, grad_input %d for %d inputs", len(c.GradOutput), len(c.Output), len(c.GradInput), len(c.Input))
	}
	if c.OutputContiguous != nil && len(c.OutputContiguous) != n {
		return fmt.Errorf("output_contiguous has %d values for output_shape %v", len(c.OutputContiguous), c.OutputShape)
	}
	if _, err := c.recorded(); err != nil {
		return err
	}
	if c.Args.ReturnIndices && c.Indices == nil {
		return errors.New(`return_indices is true but there are no "indices"`)
	}
	if s := c.Args.RandomSamplesShape; s != nil {
		if n, ok := numel(s); !ok || n != len(c.Args.RandomSamples) {
			return fmt.Errorf("_random_samples has %d values for _random_samples_shape %v", len(c.Args.RandomSamples), s)
		}
	}
	return nil
}

// numel is the element count of shape, false when a size is negative or the
// count is unreasonably large.
func numel(shape []int) (int, bool) {
	n := 1
	for _, s := range shape {
		if s < 0 || (s > 0 && n > math.MaxInt32/s) {
			return 0, false
		}
		n *= s
	}
	return n, true
}

// Cases lists the cases of files in order.
func Cases(files []*File) []*Case {
	var cs []*Case
	for _, f := range files {
		cs = append(cs, f.Cases...)
	}
	return slices.Clip(cs)
}
