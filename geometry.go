package simdpool

import (
	"math"
	"unsafe"
)

// Float is the element type of the kernels: float32 (with SIMD kernels) or float64.
type Float interface{ ~float32 | ~float64 }

// Elem is the element type of a Program: a Float, or for max pooling (NewMax,
// without the global ops) a byte, int8 or uint8.
type Elem interface{ Float | ~int8 | ~uint8 }

// Axis is the pooling geometry along one spatial dimension: the window of
// output o starts at o*Stride - Pad and has Kernel taps, Dilation apart; the
// taps outside [0, In) are padding.
type Axis struct {
	In, Out int // input and output lengths
	Kernel  int
	Stride  int
	Pad     int // the padding before the input (where the first window starts)
	// PadEnd is the padding after the input: the extent [-Pad, In+PadEnd)
	// whose taps Count counts with padded set (ONNX's count_include_pad and
	// LP pooling). PyTorch pads both ends by Pad; ONNX's pads and auto_pad
	// may make the ends differ. The windows themselves, their taps and
	// outputs, never depend on it.
	PadEnd   int
	Dilation int
}

// Unit is the geometry of an absent spatial dimension: 1d pooling leaves D and H
// as Unit, 2d pooling leaves D.
var Unit = Axis{In: 1, Out: 1, Kernel: 1, Stride: 1, Dilation: 1}

// Geometry describes Planes (n, c) planes of D.In*H.In*W.In inputs, each
// pooled into D.Out*H.Out*W.Out outputs, row-major (d, h, w). With Channels 0
// (channels-first) the planes lie one after another. With Channels > 0
// (channels-last) the planes are the Channels channels of Planes/Channels
// images, each image a (D.In, H.In, W.In, Channels) array with the channels
// fastest, pooled into (D.Out, H.Out, W.Out, Channels): plane n*Channels + c
// is channel c of image n, and indices are flat in the plane as for
// channels-first.
type Geometry struct {
	Planes   int
	D, H, W  Axis
	Channels int
}

// NewGeometry lays one to three spatial axes out as a Geometry of planes
// planes: the last axis is W, the one before H, the first of three D; the
// axes absent are Unit.
func NewGeometry(planes int, axes []Axis) Geometry {
	g := Geometry{Planes: planes, D: Unit, H: Unit, W: Unit}
	dst := []*Axis{&g.D, &g.H, &g.W}[3-min(len(axes), 3):]
	for i, a := range axes[:len(dst)] {
		*dst[i] = a
	}
	return g
}

// InPlane is the number of inputs in one plane.
func (g *Geometry) InPlane() int { return g.D.In * g.H.In * g.W.In }

// OutPlane is the number of outputs in one plane.
func (g *Geometry) OutPlane() int { return g.D.Out * g.H.Out * g.W.Out }

// Divisor says what an average divides each window sum by.
type Divisor struct {
	// Override, when not 0, divides every sum by it (PyTorch's divisor_override).
	Override int
	// D, H and W hold one factor per output position along each axis; the
	// divisor of output (d, h, w) is D[d]*H[h]*W[w].
	D, H, W []int32
	// Successive divides by the three factors one after another (adaptive
	// average pooling: sum/kd/kh/kw) instead of once by their product (avg_pool).
	Successive bool
}

// Power describes LP pooling: out = (avg(x^P) * kernel volume)^(1/P), with
// avg over the window's taps inside the padded extent, the padding counting
// as zeros (see Axis.Count; without padding the window clipped to the input:
// PyTorch's lp_pool).
type Power struct {
	P float64
	// Abs raises |x| rather than x to the power P (ONNX's LpPool).
	Abs bool
	// PyTorch 1.13 (CPU capability AVX2, one thread) raises a tensor to a
	// general power in whole blocks of two AVX2 vectors (16 float32 or 8
	// float64 elements) with SLEEF's pow, and the last numel%block elements
	// with glibc's pow (see torchPow). SrcTailFrom and DstTailFrom are the
	// offsets, in src and dst, where that tail starts. (With more threads,
	// PyTorch splits tensors of more than 32768 elements into chunks, each
	// with its own tail; simdpool follows the single-threaded split.)
	SrcTailFrom, DstTailFrom int
}

// NewPower is the Power of exponent p for a src of srcLen and a dst of dstLen
// elements of T.
func NewPower[T Float](p float64, srcLen, dstLen int) Power {
	block := 8
	if isFloat32[T]() {
		block = 16
	}
	return Power{P: p, SrcTailFrom: srcLen - srcLen%block, DstTailFrom: dstLen - dstLen%block}
}

// isFloat32 reports whether T is float32 (or a type based on it).
func isFloat32[T Float]() bool {
	var x T
	return unsafe.Sizeof(x) == 4
}

// Count returns how many taps of the window of output o lie inside the
// input or, with padded, inside the padded extent [-Pad, In+PadEnd).
func (a *Axis) Count(o int, padded bool) int {
	start, k0, k1 := a.taps(o)
	if !padded {
		return max(k1-k0, 0)
	}
	// start >= -Pad: the taps from the first up to the end of the extent.
	end := a.In + a.PadEnd
	if start >= end {
		return 0
	}
	return min(a.Kernel, (end-start+a.Dilation-1)/a.Dilation)
}

// lowest is the padding of max pooling: -inf for floats, the least value of
// the integer types.
func lowest[T Elem]() T {
	var zero T
	if unsafe.Sizeof(zero) != 1 {
		return T(math.Inf(-1))
	}
	if one := zero + 1; zero-one > zero { // unsigned
		return zero
	}
	least := math.MinInt8
	return T(least)
}

// elemKey identifies an element type in the kernel table: its size in
// bytes, and for the bytes whether they are unsigned.
type elemKey struct {
	size     int
	unsigned bool
}

// elemOf is T's elemKey.
func elemOf[T Elem]() elemKey {
	var zero T
	one := zero + 1
	return elemKey{size: int(unsafe.Sizeof(zero)), unsigned: unsafe.Sizeof(zero) == 1 && zero-one > zero}
}
