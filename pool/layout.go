package pool

import (
	"strconv"
	"sync"

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

// channelsFirst runs the pure-Go operators on channels-last tensors: it
// copies the input (and the indices an unpooling reads) to channels-first
// buffers, runs the operator there and copies its outputs back. The buffers
// are the plan's, kept between runs.
type channelsFirst[T Float] struct {
	images, c         int
	inPlane, outPlane int
	bufs              sync.Pool // *firstBufs[T]
}

// firstBufs are the channels-first copies of one run.
type firstBufs[T Float] struct {
	src, dst   []T
	idx, inIdx []int64
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
