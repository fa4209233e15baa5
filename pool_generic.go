package simdpool

import (
	"math"

	"github.com/simdpool/simdpool/internal/pow"
)

// This file holds the generic kernels: plain Go, every GOARCH, and the oracle
// the SIMD kernels are tested against. They follow PyTorch 1.13's CPU loops
// operation for operation, so that float32 results match PyTorch bit for bit.

// taps returns where the window of output o starts along a, and the range
// [k0, k1) of kernel taps that fall inside the input (empty when k1 <= k0).
func (a *Axis) taps(o int) (start, k0, k1 int) {
	start = o*a.Stride - a.Pad
	if start < 0 {
		k0 = (-start + a.Dilation - 1) / a.Dilation
	}
	k1 = a.Kernel
	if end := start + (a.Kernel-1)*a.Dilation; end >= a.In {
		k1 = 0
		if a.In > start {
			k1 = (a.In - start + a.Dilation - 1) / a.Dilation
		}
	}
	return start, k0, k1
}

// Span returns the average-pooling window of output o along a (dilation 1):
// the clipped range [lo, hi) and PyTorch's pool size, which counts padding
// but not the part of a ceil-mode window beyond the right padding.
func (a *Axis) Span(o int) (lo, hi, size int) {
	lo = o*a.Stride - a.Pad
	hi = min(lo+a.Kernel, a.In+a.Pad)
	size = hi - lo
	return max(lo, 0), min(hi, a.In), size
}

// maxPoolGeneric is PyTorch's max pooling loop: the window is scanned row-major
// over its taps inside the input, starting from -inf, and a value replaces the
// maximum when it is greater or NaN. So NaN propagates with the index of the last
// NaN, ties keep the first, and a window of -inf reports its first tap. A window
// with no tap inside the input (dilation or ONNX's pads can make one) gives
// -inf (integers: their least value) and index -1. idx may be nil.
func maxPoolGeneric[T Elem](dst []T, idx []int64, src []T, g *Geometry) {
	inPlane, outPlane := g.InPlane(), g.OutPlane()
	for p := range g.Planes {
		var x []int64
		if idx != nil {
			x = idx[p*outPlane : (p+1)*outPlane]
		}
		maxRows(dst[p*outPlane:(p+1)*outPlane], x, src[p*inPlane:(p+1)*inPlane], g, 0, g.D.Out*g.H.Out)
	}
}

// maxRows is maxPoolGeneric on one plane, for its output rows [r0, r1) (row
// od*H.Out + oh) only; dst and idx (nil or not) hold the plane's outputs.
func maxRows[T Elem](dst []T, idx []int64, in []T, g *Geometry, r0, r1 int) {
	for r := r0; r < r1; r++ {
		od, oh := r/g.H.Out, r%g.H.Out
		ds, dk0, dk1 := g.D.taps(od)
		hs, hk0, hk1 := g.H.taps(oh)
		o := r * g.W.Out
		for ow := range g.W.Out {
			ws, wk0, wk1 := g.W.taps(ow)
			best, at := windowMax(in, g, ds, dk0, dk1, hs, hk0, hk1, ws, wk0, wk1)
			dst[o+ow] = best
			if idx != nil {
				idx[o+ow] = int64(at)
			}
		}
	}
}

// windowMax scans the window of plane in that starts at (ds, hs, ws), over the
// taps [dk0, dk1) x [hk0, hk1) x [wk0, wk1) inside the input, with PyTorch's
// rule, and returns the maximum and its index in the plane (-inf, or the
// least integer, and -1 when no tap is inside the input).
func windowMax[T Elem](in []T, g *Geometry, ds, dk0, dk1, hs, hk0, hk1, ws, wk0, wk1 int) (best T, at int) {
	plane, row := g.H.In*g.W.In, g.W.In
	best, at = lowest[T](), -1
	for kd := dk0; kd < dk1; kd++ {
		d := (ds + kd*g.D.Dilation) * plane
		for kh := hk0; kh < hk1; kh++ {
			h := d + (hs+kh*g.H.Dilation)*row
			for kw := wk0; kw < wk1; kw++ {
				i := h + ws + kw*g.W.Dilation
				if v := in[i]; at < 0 || v > best || v != v {
					best, at = v, i
				}
			}
		}
	}
	return best, at
}

// avgPoolGeneric is PyTorch's average pooling loop: a float sum of the
// window's taps inside the input, row-major from +0, divided once by the
// divisor (or, for adaptive pooling, successively by each axis' factor);
// avg_pool then adds the quotient to +0, so that a -0 quotient gives +0.
// PyTorch's windows have no dilation; with one (ONNX's AveragePool) the taps
// are Dilation apart.
func avgPoolGeneric[T Float](dst, src []T, g *Geometry, div *Divisor) {
	inPlane := g.InPlane()
	o := 0
	for p := range g.Planes {
		in := src[p*inPlane : (p+1)*inPlane]
		for od := range g.D.Out {
			for oh := range g.H.Out {
				for ow := range g.W.Out {
					var sum T
					w := windowOf(g, od, oh, ow)
					for d := w.d0; d < w.d1; d += w.dd {
						for h := d + w.h0; h < d+w.h1; h += w.dh {
							for i := h + w.w0; i < h+w.w1; i += w.dw {
								sum += in[i]
							}
						}
					}
					switch {
					case div.Successive: // adaptive pooling keeps a -0 quotient
						dst[o] = sum / T(div.D[od]) / T(div.H[oh]) / T(div.W[ow])
					case div.Override != 0: // avg_pool adds the quotient to +0
						dst[o] = 0 + sum/T(div.Override)
					default:
						dst[o] = 0 + sum/T(int64(div.D[od])*int64(div.H[oh])*int64(div.W[ow]))
					}
					o++
				}
			}
		}
	}
}

// window is the taps of one window inside the input, as offsets in its
// plane: depth offsets [d0, d1) step dd, then from each, row offsets
// [h0, h1) step dh, then column offsets [w0, w1) step dw (row-major).
type window struct{ d0, d1, dd, h0, h1, dh, w0, w1, dw int }

// windowOf is the window of output (od, oh, ow).
func windowOf(g *Geometry, od, oh, ow int) window {
	plane, row := g.H.In*g.W.In, g.W.In
	span := func(a *Axis, o, unit int) (lo, hi, step int) {
		start, k0, k1 := a.taps(o)
		k1 = max(k0, k1)
		return (start + k0*a.Dilation) * unit, (start + k1*a.Dilation) * unit, a.Dilation * unit
	}
	var w window
	w.d0, w.d1, w.dd = span(&g.D, od, plane)
	w.h0, w.h1, w.dh = span(&g.H, oh, row)
	w.w0, w.w1, w.dw = span(&g.W, ow, 1)
	return w
}

// lpPoolGeneric is PyTorch's lp_pool: avg_pool(x^p) counting the padding (of
// zeros; PyTorch has none, so its windows are clipped to the input), then
// sign(a)*relu(|a|), times the kernel volume, to the power 1/p. With pw.Abs
// the powers are of |x| (ONNX's LpPool, which also has padding and
// dilation).
func lpPoolGeneric[T Float](dst, src []T, g *Geometry, pw *Power) {
	inPlane := g.InPlane()
	volume := T(g.D.Kernel * g.H.Kernel * g.W.Kernel)
	o := 0
	for p := range g.Planes {
		base := p * inPlane
		for od := range g.D.Out {
			dn := g.D.Count(od, true)
			for oh := range g.H.Out {
				hn := g.H.Count(oh, true)
				for ow := range g.W.Out {
					var sum T
					w := windowOf(g, od, oh, ow)
					for d := w.d0; d < w.d1; d += w.dd {
						for h := d + w.h0; h < d+w.h1; h += w.dh {
							for i := base + h + w.w0; i < base+h+w.w1; i += w.dw {
								x := src[i]
								if pw.Abs {
									x = T(math.Abs(float64(x)))
								}
								sum += torchPow(x, pw.P, i >= pw.SrcTailFrom)
							}
						}
					}
					a := signRelu(sum/T(dn*hn*g.W.Count(ow, true))) * volume
					dst[o] = torchPow(a, 1/pw.P, o >= pw.DstTailFrom)
					o++
				}
			}
		}
	}
}

// signRelu is sign(a)*relu(|a|): a itself, except that a zero becomes +0.
func signRelu[T Float](a T) T {
	if a == 0 {
		return 0
	}
	return a
}

// torchPow is x^e as PyTorch 1.13 computes x.pow(e) for a tensor and a scalar
// exponent on an x86-64 CPU with AVX2 and FMA, bit for bit: exact shortcuts
// for a few exponents; otherwise SLEEF's pow on whole vector blocks (for
// float32 with the exponent rounded to float32: Vectorized<float>::pow) and,
// on a tensor's tail, glibc's pow (for float32, std::pow(float, double): the
// double result rounded to float32).
func torchPow[T Float](x T, e float64, tail bool) T {
	switch e {
	case 0:
		return 1
	case 1:
		return x
	case 2:
		return T(x * x) // the conversions keep a caller's sum from fusing into an FMA
	case 3:
		return T(T(x*x) * x)
	case 0.5:
		return T(math.Sqrt(float64(x)))
	case -0.5:
		return 1 / T(math.Sqrt(float64(x)))
	case -1:
		return 1 / x
	case -2:
		return 1 / T(x*x)
	}
	switch {
	case tail:
		return T(pow.Glibc(float64(x), e))
	case isFloat32[T]():
		return T(pow.Sleef32(float32(x), float32(e)))
	}
	return T(pow.Sleef64(float64(x), e))
}

// globalMaxGeneric is max pooling with one window covering each plane of n
// elements. idx may be nil.
func globalMaxGeneric[T Elem](dst []T, idx []int64, src []T, planes, n int) {
	for p := range planes {
		in := src[p*n : (p+1)*n]
		best, at := lowest[T](), -1
		for i, v := range in {
			if at < 0 || v > best || v != v {
				best, at = v, i
			}
		}
		dst[p] = best
		if idx != nil {
			idx[p] = int64(at)
		}
	}
}
