package golden

import (
	"fmt"
	"strings"

	"github.com/simdpool/simdpool/internal/layout"
	"github.com/simdpool/simdpool/pool"
)

// The layouts of a case. PyTorch records every case on a contiguous input
// unless the case says "layout": "channels_last"; either can be checked in
// the other layout, its tensors permuted: the input, the outputs, the
// indices, an unpooling's input indices and the gradients move their
// channels last (or first), the index values (flat inside a plane) and fractional pooling's
// samples ((N, C, dims) in both layouts) stay.

// recorded is the layout the case's tensors are recorded in.
func (c *Case) recorded() (pool.Layout, error) {
	switch c.Layout {
	case "", "channels_first":
		return pool.ChannelsFirst, nil
	case "channels_last":
		return pool.ChannelsLast, nil
	}
	return 0, fmt.Errorf(`unknown layout %q (want "channels_first" or "channels_last")`, c.Layout)
}

// dims is the number of spatial dimensions of the case's operator (its
// name's suffix, e.g. max_pool2d: 2), 0 when the name has none.
func (c *Case) dims() int {
	for d := 1; d <= 3; d++ {
		if strings.HasSuffix(c.Op, fmt.Sprintf("%dd", d)) {
			return d
		}
	}
	return 0
}

// In returns the case with its tensors in layout l: c itself when it is
// recorded in l, else a copy with the input, the outputs, the indices and
// the unpooling indices permuted and their shapes with them. A shape of a
// rank the operator cannot take (error cases) is left as it is.
func (c *Case) In(l pool.Layout) *Case {
	from, err := c.recorded()
	dims := c.dims()
	if err != nil || from == l || dims == 0 {
		return c
	}
	v := *c
	shapeOf := layout.Shape
	if l == pool.ChannelsFirst {
		shapeOf = layout.FirstShape
	}
	// split reads a shape of the first layout's form.
	split := func(shape []int) (images, ch, n int, ok bool) {
		if lead := len(shape) - dims; lead != 1 && lead != 2 {
			return 0, 0, 0, false
		}
		first := shape
		if from == pool.ChannelsLast {
			first = layout.FirstShape(shape, dims)
		}
		images, ch, n = layout.Split(first, dims)
		return images, ch, n, true
	}
	move := func(shape []int, tensors ...any) []int {
		images, ch, n, ok := split(shape)
		if !ok {
			return shape
		}
		for _, t := range tensors {
			switch x := t.(type) {
			case *Floats:
				*x = permuted(*x, l, images, ch, n)
			case *[]int64:
				*x = permuted(*x, l, images, ch, n)
			}
		}
		return shapeOf(shape, dims)
	}
	v.Layout = map[pool.Layout]string{pool.ChannelsFirst: "channels_first", pool.ChannelsLast: "channels_last"}[l]
	v.InputShape = move(c.InputShape, &v.Input, &v.GradInput, &v.Args.UnpoolIndices)
	if c.OutputShape != nil {
		v.OutputShape = move(c.OutputShape, &v.Output, &v.OutputContiguous, &v.Indices, &v.GradOutput)
	}
	return &v
}

// permuted returns a copy of x, images of ch channels of n elements, in
// layout l (from the other one); nil, or a tensor of another size, as it is.
func permuted[S ~[]E, E any](x S, l pool.Layout, images, ch, n int) S {
	if x == nil || len(x) != images*ch*n {
		return x
	}
	y := make(S, len(x))
	if l == pool.ChannelsLast {
		layout.ToLast(y, x, images, ch, n)
	} else {
		layout.ToFirst(y, x, images, ch, n)
	}
	return y
}
