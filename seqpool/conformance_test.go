package seqpool_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/seqpool"
)

// torchFile is testdata/torch_cases.json.gz, written by testdata/record.py.
type torchFile struct {
	About  string       `json:"about"`
	Torch  string       `json:"torch"`
	Inputs []torchInput `json:"inputs"`
	Cases  []torchCase  `json:"cases"`
}

type torchInput struct {
	Name      string            `json:"name"`
	Dtype     string            `json:"dtype"`
	MaskDtype string            `json:"mask_dtype"`
	Shape     []int             `json:"shape"`
	Values    string            `json:"values"`
	MaskKind  string            `json:"mask_kind"`
	X         []json.RawMessage `json:"x"`
	Mask      []json.RawMessage `json:"mask"`
}

type torchCase struct {
	Input     string            `json:"input"`
	Op        string            `json:"op"`
	Padding   string            `json:"padding"`
	Normalize bool              `json:"normalize"`
	Out       []json.RawMessage `json:"out"`
}

func loadTorchCases(t *testing.T) torchFile {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "torch_cases.json.gz"))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	var tf torchFile
	require.NoError(t, json.NewDecoder(zr).Decode(&tf))
	return tf
}

// TestTorchConformance runs every case recorded from PyTorch 1.13 on every
// ISA this machine has and requires the same bits (any NaN equals any NaN)
// for every operation, dtype and mask type.
func TestTorchConformance(t *testing.T) {
	tf := loadTorchCases(t)
	require.True(t, strings.HasPrefix(tf.Torch, "1.13"), tf.Torch)
	require.GreaterOrEqual(t, len(tf.Cases), 200)
	inputs := map[string]torchInput{}
	for _, in := range tf.Inputs {
		inputs[in.Name] = in
	}
	seqpool.ForEachISA(t, func(t *testing.T, isa simdpool.ISA) { checkTorchCases(t, isa, tf, inputs) })
}

func checkTorchCases(t *testing.T, isa simdpool.ISA, tf torchFile, inputs map[string]torchInput) {
	failed := 0
	for i, c := range tf.Cases {
		in, ok := inputs[c.Input]
		require.True(t, ok, "case %d names unknown input %q", i, c.Input)
		var err error
		switch in.Dtype + "/" + in.MaskDtype {
		case "float32/int64":
			err = checkCase[float32, int64](in, c)
		case "float32/int32":
			err = checkCase[float32, int32](in, c)
		case "float32/bool":
			err = checkCase[float32, bool](in, c)
		case "float32/float32":
			err = checkCase[float32, float32](in, c)
		case "float64/int64":
			err = checkCase[float64, int64](in, c)
		case "float64/int32":
			err = checkCase[float64, int32](in, c)
		case "float64/bool":
			err = checkCase[float64, bool](in, c)
		case "float64/float32":
			err = checkCase[float64, float32](in, c)
		default:
			t.Fatalf("case %d: unknown dtypes %s", i, in.Dtype+"/"+in.MaskDtype)
		}
		if err != nil {
			failed++
			t.Errorf("case %d (%s %s %v %s/%s %s mask, padding %s, normalize %v): %v",
				i, c.Op, in.Name, in.Shape, in.Dtype, in.MaskDtype, in.MaskKind, c.Padding, c.Normalize, err)
		}
	}
	t.Logf("%s: %d torch cases, %d failed", isa, len(tf.Cases), failed)
}

func checkCase[T seqpool.Float, M seqpool.Mask](in torchInput, c torchCase) error {
	op, err := seqpool.ParseOp(c.Op)
	if err != nil {
		return err
	}
	o := seqpool.Options{Normalize: c.Normalize}
	if c.Padding == "left" {
		o.Padding = seqpool.PadLeft
	}
	x, err := parseFloats[T](in.X)
	if err != nil {
		return err
	}
	mask, err := parseMask[M](in.Mask)
	if err != nil {
		return err
	}
	want, err := parseFloats[T](c.Out)
	if err != nil {
		return err
	}
	got, err := seqpool.Pool(op, seqpool.Tensor[T]{Shape: in.Shape, Data: x},
		seqpool.Tensor[M]{Shape: in.Shape[:len(in.Shape)-1], Data: mask}, o)
	if err != nil {
		return err
	}
	if len(got.Data) != len(want) {
		return fmt.Errorf("got %d values, want %d", len(got.Data), len(want))
	}
	bad, first := 0, -1
	for i := range want {
		if !sameBits(got.Data[i], want[i]) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d values differ; first at %d: got %v, want %v (%d ULP)",
			bad, len(want), first, got.Data[first], want[first], ulps(got.Data[first], want[first]))
	}
	return nil
}

// sameBits reports whether a and b have the same bits, or are both NaN.
func sameBits[T seqpool.Float](a, b T) bool {
	if a != a && b != b {
		return true
	}
	return float64Bits(a) == float64Bits(b)
}

func float64Bits[T seqpool.Float](v T) uint64 {
	switch v := any(v).(type) {
	case float32:
		return uint64(math.Float32bits(v))
	case float64:
		return math.Float64bits(v)
	}
	panic("unreachable")
}

// ulps is the distance between a and b in units in the last place of T.
func ulps[T seqpool.Float](a, b T) int64 {
	key := func(v T) int64 {
		switch v := any(v).(type) {
		case float32:
			u := int64(math.Float32bits(v))
			if u&(1<<31) != 0 {
				u = (1 << 31) - u
			}
			return u
		case float64:
			u := int64(math.Float64bits(v))
			if u < 0 {
				u = math.MinInt64 - u
			}
			return u
		}
		panic("unreachable")
	}
	d := key(a) - key(b)
	if d < 0 {
		d = -d
	}
	return d
}

func parseFloats[T seqpool.Float](raw []json.RawMessage) ([]T, error) {
	var zero T
	bits := 64
	if _, ok := any(zero).(float32); ok {
		bits = 32
	}
	out := make([]T, len(raw))
	for i, r := range raw {
		s := strings.Trim(string(r), `"`)
		v, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
		out[i] = T(v)
	}
	return out, nil
}

func parseMask[M seqpool.Mask](raw []json.RawMessage) ([]M, error) {
	out := make([]M, len(raw))
	for i, r := range raw {
		s := string(r)
		var v any
		var err error
		switch p := any(&out[i]).(type) {
		case *bool:
			*p, err = strconv.ParseBool(s)
		case *int64:
			*p, err = strconv.ParseInt(s, 10, 64)
		case *int32:
			var n int64
			n, err = strconv.ParseInt(s, 10, 32)
			*p = int32(n)
		case *float32:
			var f float64
			f, err = strconv.ParseFloat(s, 32)
			*p = float32(f)
		default:
			v = p
		}
		if err != nil || v != nil {
			return nil, fmt.Errorf("mask value %d (%s): %v", i, s, err)
		}
	}
	return out, nil
}
