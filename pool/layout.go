package pool

import (
	"strconv"
	"sync"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/layout"
)

// Layout is where a tensor keeps its channels: every operator takes one, in
// its options' Layout field (global pooling: an optional last argument), and
// reads its input, and writes its output and indices, in that layout.
//
// ChannelsLast is TensorFlow's NWC / NHWC / NDHWC and the memory order of a
// PyTorch tensor in torch.channels_last or torch.channels_last_3d: give the
// shape in memory order, (N, H, W, C) for a PyTorch tensor of shape (N, C, H,
// W), whose x.permute(0, 2, 3, 1) is then contiguous. The results are those of
// the channels-first operator on the same tensor, bit for bit, laid out
// channels-last; indices are the same numbers (flat inside each (n, c) plane,
// h*W+w), at the output's channels-last positions.
type Layout int

const (
	// ChannelsFirst (the zero value) is PyTorch's contiguous format: inputs
	// (N, C, spatial...) or unbatched (C, spatial...).
	ChannelsFirst Layout = iota
	// ChannelsLast puts the channels last: inputs (N, spatial..., C) or
	// unbatched (spatial..., C), outputs likewise.
	ChannelsLast
)

// String returns the layout's name.
func (l Layout) String() string {
	switch l {
	case ChannelsFirst:
		return "ChannelsFirst"
	case ChannelsLast:
		return "ChannelsLast"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// checkLayout fails, naming the argument layout, on a value that is no
// Layout.
func checkLayout(op string, l Layout) error {
	if l != ChannelsFirst && l != ChannelsLast {
		return errorf(op, "layout", "must be ChannelsFirst or ChannelsLast, got %v", l)
	}
	return nil
}

// globalLayout is the layout of a global pooling: the optional last
// argument, at most one.
func globalLayout(op string, l []Layout) (Layout, error) {
	switch len(l) {
	case 0:
		return ChannelsFirst, nil
	case 1:
		return l[0], checkLayout(op, l[0])
	}
	return 0, errorf(op, "layout", "takes at most one value, got %d", len(l))
}

// shapeForm spells the shape an input of dims spatial dimensions has in
// layout l, for error messages: "(N, C, H, W) or (C, H, W)".
func shapeForm(dims int, l Layout) string {
	sp := []string{"L"}
	switch dims {
	case 2:
		sp = []string{"H", "W"}
	case 3:
		sp = []string{"D", "H", "W"}
	}
	join := func(v []string) string {
		s := "("
		for i, x := range v {
			if i > 0 {
				s += ", "
			}
			s += x
		}
		return s + ")"
	}
	if l == ChannelsLast {
		return join(append(append([]string{"N"}, sp...), "C")) + " or " + join(append(sp, "C"))
	}
	return join(append([]string{"N", "C"}, sp...)) + " or " + join(append([]string{"C"}, sp...))
}

// channelsFirst runs the pure-Go operators, and every backward, on
// channels-last tensors: it copies the input (and the indices an unpooling
// reads; a backward's gradient, indices and input) to channels-first
// buffers, runs the operator there and copies its outputs back. The buffers
// are the plan's, kept between runs.
type channelsFirst[T Float] struct {
	images, c         int
	inPlane, outPlane int
	bufs              sync.Pool // *firstBufs[T]
}

// firstBufs are the channels-first copies of one run (grad: a backward's
// gradient of the output).
type firstBufs[T Float] struct {
	src, dst, grad []T
	idx, inIdx     []int64
}

// newChannelsFirst prepares the copies of an operator over in (channels-last)
// with outPlane outputs per plane.
func newChannelsFirst[T Float](in *input, outPlane int) *channelsFirst[T] {
	inPlane, _ := product(in.spatial)
	f := &channelsFirst[T]{images: in.images(), c: in.channels(), inPlane: inPlane, outPlane: outPlane}
	f.bufs.New = func() any { return &firstBufs[T]{} }
	return f
}

// run calls op on channels-first copies of src and inIdx (nil unless the
// operator reads indices) and copies its output, and the indices when idx is
// not nil, back into dst and idx.
func (f *channelsFirst[T]) run(dst []T, idx []int64, src []T, inIdx []int64, op func(dst []T, idx []int64, src []T, inIdx []int64)) {
	b := f.bufs.Get().(*firstBufs[T])
	b.src, b.dst = grow(b.src, len(src)), grow(b.dst, len(dst))
	layout.ToFirst(b.src, src, f.images, f.c, f.inPlane)
	var x, in []int64
	if idx != nil {
		b.idx = grow(b.idx, len(idx))
		x = b.idx
	}
	if inIdx != nil {
		b.inIdx = grow(b.inIdx, len(inIdx))
		in = b.inIdx
		layout.ToFirst(in, inIdx, f.images, f.c, f.inPlane)
	}
	op(b.dst, x, b.src, in)
	layout.ToLast(dst, b.dst, f.images, f.c, f.outPlane)
	if idx != nil {
		layout.ToLast(idx, x, f.images, f.c, f.outPlane)
	}
	f.bufs.Put(b)
}

// backFunc computes a channels-first gradient (see backKernel).
type backFunc[T Float] func(w *Workers, gin, gout []T, idx []int64, src []T) error

// backward computes the gradient of a channels-last operator with run, its
// channels-first backward, on channels-first copies of gout, of idx (nil:
// none; idxPlane elements per plane: the output's, or an unpooling's input's)
// and of src (nil: none), into a channels-first buffer that it copies into
// gin only when run succeeds: on error gin is left as it was.
func (f *channelsFirst[T]) backward(w *Workers, gin, gout []T, idx []int64, idxPlane int, src []T, run backFunc[T]) error {
	b := f.bufs.Get().(*firstBufs[T])
	defer f.bufs.Put(b)
	b.grad, b.dst = grow(b.grad, len(gout)), grow(b.dst, len(gin))
	layout.ToFirst(b.grad, gout, f.images, f.c, f.outPlane)
	var s []T
	var xi []int64
	if idx != nil {
		b.idx = grow(b.idx, len(idx))
		xi = b.idx
		layout.ToFirst(xi, idx, f.images, f.c, idxPlane)
	}
	if src != nil {
		b.src = grow(b.src, len(src))
		s = b.src
		layout.ToFirst(s, src, f.images, f.c, f.inPlane)
	}
	if err := run(w, b.dst, b.grad, xi, s); err != nil {
		return err
	}
	layout.ToLast(gin, b.dst, f.images, f.c, f.inPlane)
	return nil
}

// grow returns s resized to n elements, reallocated only when too short.
func grow[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// inLayout returns k, a kernel of channels-first tensors, for tensors in
// in's layout: k itself, or k on channels-first copies.
func inLayout[T Float](in *input, outPlane int, k kernel[T]) kernel[T] {
	if in.layout != ChannelsLast {
		return k
	}
	f := newChannelsFirst[T](in, outPlane)
	run := k.run
	k.run = func(w *Workers, dst []T, idx []int64, src []T) error {
		var err error
		f.run(dst, idx, src, nil, func(dst []T, idx []int64, src []T, _ []int64) { err = run(w, dst, idx, src) })
		return err
	}
	return k
}

// firstLayout is g channels-first: the geometry of the root package's
// Backwards, which package pool runs on channels-first copies of a
// channels-last operator's tensors (channelsFirst.backward).
func firstLayout(g simdpool.Geometry) simdpool.Geometry {
	g.Channels = 0
	return g
}
