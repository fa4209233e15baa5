package pool

import (
	"slices"

	"github.com/simdpool/simdpool"
)

// sizes expands a PyTorch size argument (one int, or one per spatial
// dimension) to dims values, each at most limit in magnitude. A nil v gives
// def in every dimension.
func sizes(op, arg string, v []int, dims, def, limit int) ([]int, error) {
	out := make([]int, dims)
	switch len(v) {
	case 0:
		if v != nil {
			return nil, errorf(op, arg, "must have 1 or %d values, got none", dims)
		}
		for i := range out {
			out[i] = def
		}
	case 1:
		for i := range out {
			out[i] = v[0]
		}
	case dims:
		copy(out, v)
	default:
		if dims == 1 {
			return nil, errorf(op, arg, "must have 1 value, got %d", len(v))
		}
		return nil, errorf(op, arg, "must have 1 or %d values, got %d", dims, len(v))
	}
	for _, s := range out {
		if s > limit || s < -limit {
			return nil, errorf(op, arg, "must be at most %d in magnitude, got %v", limit, v)
		}
	}
	return out, nil
}

// positiveSizes expands a size argument whose values must all be > 0 (and at
// most limit). A nil v gives def, and is an error when def is nil too (a
// required argument).
func positiveSizes(op, arg string, v, def []int, dims, limit int) ([]int, error) {
	if v == nil {
		if def == nil {
			return nil, errorf(op, arg, "is required")
		}
		v = def
	}
	out, err := sizes(op, arg, v, dims, 0, limit)
	if err != nil {
		return nil, err
	}
	for _, s := range out {
		if s <= 0 {
			return nil, errorf(op, arg, "must be greater than zero, got %v", v)
		}
	}
	return out, nil
}

// input is a validated input shape: (N, C, spatial...) or (C, spatial...),
// or in the channels-last layout (N, spatial..., C) or (spatial..., C).
type input struct {
	op      string
	shape   []int
	layout  Layout
	lead    int // 2 for a batched input, 1 for an unbatched one
	planes  int // N*C
	spatial []int
	numel   int
}

// parseInput validates shape for a dims-dimensional pooling in layout l:
// rank dims+1 (unbatched) or dims+2 (batched), sizes between 0 and maxElems,
// spatial sizes and (unless emptyChannels) the channel count greater than
// zero, and at most maxElems elements in the tensor and in each plane. The
// batch may be empty.
func parseInput(op string, shape []int, dims int, emptyChannels bool, l Layout) (input, error) {
	in := input{op: op, shape: append([]int(nil), shape...), layout: l, lead: len(shape) - dims}
	if err := checkLayout(op, l); err != nil {
		return in, err
	}
	form := ""
	if l == ChannelsLast {
		form = " in the channels-last layout " + shapeForm(dims, l)
	}
	if in.lead != 1 && in.lead != 2 {
		return in, errorf(op, "input", "must have %d (unbatched) or %d (batched) dimensions%s, got shape %v", dims+1, dims+2, form, shape)
	}
	first := in.lead // the first spatial dimension
	if l == ChannelsLast {
		first = in.lead - 1
	}
	in.spatial = in.shape[first : first+dims]
	var err error
	if in.numel, err = tensorElements(op, "input", shape); err != nil {
		return in, err
	}
	for _, s := range in.spatial {
		if s == 0 {
			return in, errorf(op, "input", "must have non-zero spatial sizes%s, got shape %v", form, shape)
		}
	}
	if in.channels() == 0 && !emptyChannels {
		return in, errorf(op, "input", "must have a non-zero channel count%s, got shape %v", form, shape)
	}
	if _, ok := elements(in.spatial); !ok {
		return in, errorf(op, "input", "has more than %d elements in a plane, shape %v", maxElems, shape)
	}
	in.planes, _ = product([]int{in.images(), in.channels()}) // N*C*plane fits, and plane > 0
	return in, nil
}

// channels is the input's channel count.
func (in *input) channels() int {
	if in.layout == ChannelsLast {
		return in.shape[len(in.shape)-1]
	}
	return in.shape[in.lead-1]
}

// images is the input's batch size (1 unbatched).
func (in *input) images() int {
	if in.lead == 2 {
		return in.shape[0]
	}
	return 1
}

// outShape is the shape of an output with the given spatial sizes.
func (in *input) outShape(spatial []int) []int {
	out := append([]int(nil), in.shape[:in.lead-1]...)
	if in.layout == ChannelsLast {
		return append(append(out, spatial...), in.channels())
	}
	return append(append(out, in.channels()), spatial...)
}

// geometry lays the input out for the root package's kernels, with one to
// three spatial axes (see geometry), in the input's layout.
func (in *input) geometry(axes []simdpool.Axis) simdpool.Geometry {
	g := geometry(in.planes, axes)
	if in.layout == ChannelsLast && in.planes > 0 {
		g.Channels = in.channels()
	}
	return g
}

// checkOutput fails, naming arg, when the output with the given spatial sizes
// would break the size limits of parseInput.
func (in *input) checkOutput(arg string, spatial []int) error {
	out := in.outShape(spatial)
	_, okPlane := elements(spatial)
	if _, err := tensorElements(in.op, arg, out); err != nil || !okPlane {
		return errorf(in.op, arg, "gives an output of shape %v for input shape %v: a tensor may have at most %d elements, in all and in each plane, and in each dimension",
			out, in.shape, maxElems)
	}
	return nil
}

// product multiplies sizes, reporting false on overflow (none when a size
// is 0).
func product(v []int) (int, bool) {
	if slices.Contains(v, 0) {
		return 0, true
	}
	n := 1
	for _, s := range v {
		var ok bool
		if n, ok = mulInt(n, s); !ok {
			return 0, false
		}
	}
	return n, true
}
