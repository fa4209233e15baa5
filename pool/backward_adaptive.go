package pool

// adaptiveAvgBackward is the backward of adaptiveAvg over any windows, of the
// planes [lo, hi), as PyTorch computes it: each gradient plane zeroed, then
// every output, in order, divides its gradient by its window's depth, then
// its height, then its width, and adds the quotient to every element of its
// window.
func adaptiveAvgBackward[T Float](gin, gout []T, g *adaptiveGeometry, lo, hi int) {
	plane, row := g.h.in*g.w.in, g.w.in
	inPlane := g.d.in * plane
	o := lo * len(g.d.lo) * len(g.h.lo) * len(g.w.lo)
	for p := lo; p < hi; p++ {
		in := gin[p*inPlane : (p+1)*inPlane]
		clear(in)
		for od, d0 := range g.d.lo {
			d1 := g.d.hi[od]
			for oh, h0 := range g.h.lo {
				h1 := g.h.hi[oh]
				for ow, w0 := range g.w.lo {
					w1 := g.w.hi[ow]
					q := gout[o] / T(d1-d0) / T(h1-h0) / T(w1-w0)
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
