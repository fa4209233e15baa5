package simdpool

import "unsafe"

// This file holds the generic backward kernels: the gradients of the pooling
// operators with respect to their input, in plain Go on every GOARCH, and the
// oracle every backward kernel is tested against. Like the forward ones they
// follow PyTorch 1.13's CPU loops operation for operation: each plane of the
// gradient starts at +0 and receives the contributions of the outputs in
// row-major output order, so that float32 gradients match PyTorch bit for bit
// (LP pooling: as closely as its powers allow, see lpBackwardGeneric).

// scatterGeneric is the backward of every max-type pooling (PyTorch's
// max_pool, adaptive_max_pool and fractional_max_pool backward loops): each
// gradient plane of inPlane elements is zeroed, then every output of its
// plane, in order, adds its gradient at its index (flat in the plane); an
// index of -1 (a window with no element inside the input) adds nothing.
// Indices must lie in [-1, inPlane) (Backward checks them).
func scatterGeneric[T Float](gin, gout []T, idx []int64, planes, inPlane, outPlane int) {
	for p := range planes {
		scatterPlane(gin[p*inPlane:(p+1)*inPlane], gout[p*outPlane:(p+1)*outPlane], idx[p*outPlane:(p+1)*outPlane])
	}
}

// scatterPlane is scatterGeneric on one plane: the fast scalar path of
// overlapping windows, whose order it keeps. The indices were checked, so
// the writes go without bounds checks.
func scatterPlane[T Float](gin, gout []T, idx []int64) {
	clear(gin)
	gout = gout[:len(idx)]
	base, es := unsafe.Pointer(unsafe.SliceData(gin)), uintptr(size[T]())
	for o, at := range idx {
		if at >= 0 {
			*(*T)(unsafe.Add(base, uintptr(at)*es)) += gout[o]
		}
	}
}

// avgBackwardGeneric is PyTorch's average pooling backward: each gradient
// plane is zeroed, then every output, in order, divides its gradient once by
// its divisor (or, for adaptive pooling, successively by each axis' factor),
// as the forward divides its sum, and adds the quotient to every element of
// its window clipped to the input.
func avgBackwardGeneric[T Float](gin, gout []T, g *Geometry, div *Divisor) {
	inPlane, plane, row := g.InPlane(), g.H.In*g.W.In, g.W.In
	o := 0
	for p := range g.Planes {
		in := gin[p*inPlane : (p+1)*inPlane]
		clear(in)
		for od := range g.D.Out {
			d0, d1, _ := g.D.Span(od)
			for oh := range g.H.Out {
				h0, h1, _ := g.H.Span(oh)
				for ow := range g.W.Out {
					w0, w1, _ := g.W.Span(ow)
					q := avgQuotient(gout[o], div, od, oh, ow)
					for d := d0; d < d1; d++ {
						for h := h0; h < h1; h++ {
							r := in[d*plane+h*row:]
							for w := w0; w < w1; w++ {
								r[w] += q
							}
						}
					}
					o++
				}
			}
		}
	}
}

// avgQuotient divides the gradient x of output (od, oh, ow) as the forward
// divides that output's sum (without the forward's final +0).
func avgQuotient[T Float](x T, div *Divisor, od, oh, ow int) T {
	switch {
	case div.Successive:
		return x / T(div.D[od]) / T(div.H[oh]) / T(div.W[ow])
	case div.Override != 0:
		return x / T(div.Override)
	}
	return x / T(int64(div.D[od])*int64(div.H[oh])*int64(div.W[ow]))
}

// meanBackwardGeneric is the backward of PyTorch's mean over each of planes
// planes of n elements (global average pooling): every element gets its
// plane's gradient divided by n, one rounding.
func meanBackwardGeneric[T Float](gin, gout []T, planes, n int) {
	for p := range planes {
		q := gout[p] / T(n)
		in := gin[p*n : (p+1)*n]
		for i := range in {
			in[i] = q
		}
	}
}

// lpBackwardGeneric is the gradient of lp_pool as PyTorch's autograd computes
// it through y = (sign(a)*relu(|a|) * K)^(1/p), a = avg_pool(x^p) (no padding,
// windows clipped to the input, K the kernel volume), in the order of its
// backward functions, each rounded to T:
//
//	pow:      gy * (T(1/p) * (sign(a)*relu(|a|)*K)^(1/p - 1))
//	mul:      * T(K)
//	sign*relu: * sign(a) (torch.sign: 0 for a NaN), 0 where relu(|a|) <= 0
//	           (so a window whose a is 0 gets gradient 0)
//	abs:      * sign(a)
//	avg_pool: / the window's element count, added to each element, in output order
//	pow:      each element's sum * (T(p) * x^(p-1))
//
// with the powers computed as torchPow computes PyTorch's (the forward's
// rule: its exact shortcuts, SLEEF on whole blocks, glibc on a tensor's
// tail). src is the forward's input.
func lpBackwardGeneric[T Float](gin, gout, src []T, g *Geometry, pw *Power) {
	inPlane, plane, row := g.InPlane(), g.H.In*g.W.In, g.W.In
	volume := T(g.D.Kernel * g.H.Kernel * g.W.Kernel)
	invP, outExp, inExp := 1/pw.P, 1/pw.P-1, pw.P-1
	o := 0
	for p := range g.Planes {
		base := p * inPlane
		in := gin[base : base+inPlane]
		clear(in)
		for od := range g.D.Out {
			d0, d1, dn := g.D.Span(od)
			for oh := range g.H.Out {
				h0, h1, hn := g.H.Span(oh)
				for ow := range g.W.Out {
					w0, w1, wn := g.W.Span(ow)
					count := T(dn * hn * wn)
					var sum T
					for d := d0; d < d1; d++ {
						for h := h0; h < h1; h++ {
							for w := w0; w < w1; w++ {
								i := base + d*plane + h*row + w
								sum += torchPow(src[i], pw.P, i >= pw.SrcTailFrom)
							}
						}
					}
					a := sum / count
					if a == 0 { // the relu mask; also hides pow's infinite derivative at 0
						o++
						continue
					}
					sg := torchSign(a)
					y := gout[o] * (T(invP) * torchPow(signRelu(a)*volume, outExp, o >= pw.DstTailFrom))
					q := y * volume * sg * sg / count
					for d := d0; d < d1; d++ {
						for h := h0; h < h1; h++ {
							r := in[d*plane+h*row:]
							for w := w0; w < w1; w++ {
								r[w] += q
							}
						}
					}
					o++
				}
			}
		}
		for i := range in {
			in[i] *= T(pw.P) * torchPow(src[base+i], inExp, base+i >= pw.SrcTailFrom)
		}
	}
}

// torchSign is torch.sign: -1, +1, or 0 for zeros and NaN.
func torchSign[T Float](x T) T {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
