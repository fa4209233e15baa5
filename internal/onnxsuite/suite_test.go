package onnxsuite

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/onnx"
	"github.com/stretchr/testify/require"
)

const suiteDir = "../../testdata/onnx"

// TestSuite checks every case of the repository's copy of the suite on
// every ISA this machine has, on the caller and on workers.
func TestSuite(t *testing.T) {
	files, err := LoadDir(suiteDir)
	require.NoError(t, err)
	w, err := onnx.NewWorkers(3)
	require.NoError(t, err)
	defer w.Close()
	w.SetMinShare(0)
	prev := simdpool.Current()
	defer func() { require.NoError(t, simdpool.Use(prev)) }()
	for _, isa := range simdpool.Available() {
		require.NoError(t, simdpool.Use(isa))
		n := 0
		for _, f := range files {
			for _, c := range f.Cases {
				n++
				require.NoError(t, Check(c, nil), "%s %s", isa, c.Name)
				require.NoError(t, Check(c, w), "%s %s on workers", isa, c.Name)
			}
		}
		require.Equal(t, 56, n, "the suite's cases")
	}
}

// TestCheckFails checks that Check fails a case whose expected output is
// changed by an ulp, for exact and for tolerant comparisons, and one with an
// unknown attribute.
func TestCheckFails(t *testing.T) {
	files, err := LoadDir(suiteDir)
	require.NoError(t, err)
	byName := map[string]*Case{}
	for _, f := range files {
		for _, c := range f.Cases {
			byName[c.Name] = c
		}
	}
	for name, delta := range map[string]float64{"test_maxpool_2d_pads": 1e-6, "test_averagepool_2d_pads": 1e-2, "test_lppool_2d_pads": 1e-2} {
		c := *byName[name]
		out := *c.Outputs[0]
		out.Floats = append([]float64(nil), out.Floats...)
		out.Floats[7] += delta * (1 + out.Floats[7])
		c.Outputs = []*Tensor{&out}
		require.ErrorContains(t, Check(&c, nil), "y[7]", name)
	}
	c := *byName["test_maxpool_2d_strides"]
	c.Attributes = map[string]json.RawMessage{"kernel_shape": json.RawMessage(`[5, 5]`), "count_include_pad": json.RawMessage(`1`)}
	require.ErrorContains(t, Check(&c, nil), `takes no attribute "count_include_pad"`)
	c = *byName["test_maxunpool_export_with_output_shape"]
	require.NoError(t, Check(&c, nil))
}

// TestLoadCompressedAndChecksum loads a one-case suite whose case file and
// external tensor are gzip-compressed and checks it, then corrupts the
// tensor, whose sha256 no longer matches.
func TestLoadCompressedAndChecksum(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "cases"), 0o755))
	gz := func(path string, data []byte) {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, err := zw.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(filepath.Join(dir, path+".gz"), b.Bytes(), 0o644))
	}
	blob := []byte{0, 0, 128, 63, 0, 0, 0, 64} // float32 1, 2
	sum := sha256.Sum256(blob)
	gz("cases/GlobalMaxPool.json", []byte(`{"format": "onnx-pooling-cases/1", "op": "GlobalMaxPool", "tolerance": {"rtol": 0.001, "atol": 1e-7},
		"cases": [{"name": "t", "op": "GlobalMaxPool", "attributes": {},
		"inputs": [{"name": "x", "dtype": "float32", "shape": [1, 1, 2],
			"external": {"path": "x.bin", "offset": 0, "nbytes": 8, "byte_order": "little"}, "sha256": "`+hex.EncodeToString(sum[:])+`"}],
		"outputs": [{"name": "y", "dtype": "float32", "shape": [1, 1, 1], "data": [2.0]}]}]}`))
	gz("x.bin", blob)
	files, err := LoadDir(dir)
	require.NoError(t, err)
	require.Len(t, files, 1)
	require.NoError(t, Check(files[0].Cases[0], nil))

	blob[7] = 65 // 8 instead of 2
	gz("x.bin", blob)
	files, err = LoadDir(dir)
	require.NoError(t, err)
	require.ErrorContains(t, Check(files[0].Cases[0], nil), "sha256")
}

// TestCheckDtypes: an operator on a dtype it does not take fails.
func TestCheckDtypes(t *testing.T) {
	c := &Case{Name: "avg-uint8", Op: "AveragePool", Attributes: map[string]json.RawMessage{"kernel_shape": json.RawMessage(`[2]`)},
		Inputs:  []*Tensor{{Name: "x", Dtype: "uint8", Shape: []int{1, 1, 2}, Ints: []int64{1, 2}}},
		Outputs: []*Tensor{{Name: "y", Dtype: "uint8", Shape: []int{1, 1, 1}, Ints: []int64{1}}}}
	require.ErrorContains(t, Check(c, nil), "AveragePool on input x of dtype uint8")
	c.Op, c.Inputs[0].Dtype = "MaxPool", "int16"
	require.ErrorContains(t, Check(c, nil), "dtype int16")
}
