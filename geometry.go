package simdpool

import "unsafe"

// Float is the element type of the kernels: float32 (with SIMD kernels) or float64.
type Float interface{ ~float32 | ~float64 }

// Axis is the pooling geometry along one spatial dimension, in PyTorch's terms.
type Axis struct {
	In, Out  int // input and output lengths
	Kernel   int
	Stride   int
	Pad      int
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
// avg over the window clipped to the input (PyTorch's lp_pool).
type Power struct {
	P float64
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
