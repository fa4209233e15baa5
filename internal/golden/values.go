package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Floats is a float32 list written as JSON numbers or the strings "NaN",
// "Infinity" and "-Infinity". Every number must be a float32 (parsed with
// strconv.ParseFloat(s, 32)); one beyond float32's range is an error.
type Floats []float32

// UnmarshalJSON implements json.Unmarshaler.
func (f *Floats) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*f = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(Floats, len(raw))
	for i, r := range raw {
		v, err := parseFloat32(r)
		if err != nil {
			return fmt.Errorf("value %d: %w", i, err)
		}
		out[i] = v
	}
	*f = out
	return nil
}

func parseFloat32(r json.RawMessage) (float32, error) {
	if len(r) > 0 && r[0] == '"' {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return float32(math.NaN()), nil
		case "Infinity":
			return float32(math.Inf(1)), nil
		case "-Infinity":
			return float32(math.Inf(-1)), nil
		}
		return 0, fmt.Errorf("string %q is not a float (want a number, \"NaN\", \"Infinity\" or \"-Infinity\")", s)
	}
	v, err := strconv.ParseFloat(string(r), 32)
	if err != nil {
		return 0, fmt.Errorf("%s is not a float32: %w", r, err)
	}
	return float32(v), nil
}

// None is PyTorch's None in an output_size list: keep that input size. It
// has the value of pool.None.
const None = math.MinInt

// Sizes is a list of sizes whose entries may be null (None). A null list
// decodes to nil.
type Sizes []int

// UnmarshalJSON implements json.Unmarshaler.
func (s *Sizes) UnmarshalJSON(data []byte) error {
	var raw []*int
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		*s = nil
		return nil
	}
	out := make(Sizes, len(raw))
	for i, p := range raw {
		if p == nil {
			out[i] = None
		} else {
			out[i] = *p
		}
	}
	*s = out
	return nil
}
