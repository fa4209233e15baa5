package simdpool

import "unsafe"

// NewGlobalMax prepares the maximum of each of planes planes of n elements,
// with its index in the plane when withIdx is set (global max pooling).
func NewGlobalMax[T Float](planes, n int, withIdx bool) (*Program[T], error) {
	op := opGlobalMax
	if withIdx {
		op = opGlobalMaxIdx
	}
	return newGlobal(planes, n, op, kMax, func(dst []T, idx []int64, src []T, g Geometry, _ int) {
		globalMaxGeneric(dst, idx, src, g.Planes, g.InPlane())
	})
}

// NewGlobalMean prepares the mean of each of planes planes of n elements,
// summed as PyTorch's mean sums (global average pooling).
func NewGlobalMean[T Float](planes, n int) (*Program[T], error) {
	return newGlobal(planes, n, opGlobalMean, kMean, func(dst []T, _ []int64, src []T, g Geometry, _ int) {
		globalMeanGeneric(dst, src, g.Planes, g.InPlane())
	})
}

// newGlobal prepares a global op, generic its generic kernel.
func newGlobal[T Float](planes, n int, op progOp, kop kernelOp, generic genericFunc[T]) (*Program[T], error) {
	g := Geometry{Planes: planes, D: Unit, H: Unit, W: Axis{In: n, Out: 1, Kernel: n, Stride: n, Dilation: 1}}
	if err := g.check(); err != nil {
		return nil, err
	}
	pr := &Program[T]{op: op, g: g, isa: Current(), inLen: planes * n, outLen: planes, generic: generic}
	pr.global = find(kindGlobal, kop, pr.isa, elemOf[T](), 0, 0, 0, 0)
	pr.batch = max(1, globalBatch/max(n, 1))
	return pr, nil
}

// globalBatch bounds the elements of one global kernel call (1 MiB of
// float32), so that a call stays short: assembly is not preemptible.
const globalBatch = 1 << 18

// runGlobal runs a global reduction over the planes [p0, p1) (one kernel
// call: at most globalBatch elements, unless a plane is larger).
func (p *Program[T]) runGlobal(dst []T, idx []int64, src []T, p0, p1 int) {
	n := p.g.InPlane()
	d, s := dst[p0:p1], src[p0*n:p1*n]
	var x []int64
	if idx != nil {
		x = idx[p0:p1]
	}
	if p.global == noKernel {
		g := p.g
		g.Planes = p1 - p0
		p.generic(d, x, s, g, p0)
		return
	}
	callGlobal(p.global, unsafe.Pointer(&d[0]), unsafe.Pointer(&s[0]), p1-p0, n)
	if p.op == opGlobalMean {
		return
	}
	// A max kernel's maximum is the generic one's up to the sign of a zero and
	// the payload of a NaN; those, and the indices, come from a second scan.
	for pl := p0; pl < p1; pl++ {
		if m := dst[pl]; idx != nil || m == 0 || m != m {
			in := src[pl*n : (pl+1)*n]
			i := argMax(in, m)
			dst[pl] = in[i]
			if idx != nil {
				idx[pl] = int64(i)
			}
		}
	}
}

// argMax returns where the generic scan finds the maximum m of in: the last
// NaN when m is NaN, else the first element equal to m (so the first of the
// zeros when m is a zero of either sign).
func argMax[T Elem](in []T, m T) int {
	if m != m {
		for i := len(in) - 1; i >= 0; i-- {
			if v := in[i]; v != v {
				return i
			}
		}
	}
	for i, v := range in {
		if v == m {
			return i
		}
	}
	return 0
}
