package seqpool

import "math"

// l2Normalize divides v by max(||v||, eps) in place, as
// torch.nn.functional.normalize(v, p=2, dim=1, eps=1e-12) computes it:
// denom = v.norm(2, 1, keepdim=True).clamp_min(eps); v / denom, with eps
// rounded to T and a NaN norm kept by the clamp.
func l2Normalize[T Float](v []T) {
	var n T
	switch vv := any(v).(type) {
	case []float32:
		n = T(norm32(vv))
	case []float64:
		n = T(norm64(vv))
	}
	if eps := T(1e-12); n < eps {
		n = eps
	}
	for i := range v {
		v[i] /= n
	}
}

// norm32 is PyTorch 1.13's 2-norm of a contiguous float32 row (the AVX2
// build's norm_kernel_tensor_iterator_impl, as GCC compiled it). Eight lanes
// accumulate x*x over the whole 8-element blocks with fused multiply-adds
// (GCC contracts acc += x*x); the lanes are added in order; of the len%8 tail
// elements, the first four, when there are four, are squared and added
// without fusion (GCC's vectorised in-order tail) and the rest with fused
// multiply-adds; then the square root.
func norm32(v []float32) float32 {
	var acc [8]float32
	d := 0
	for ; d+8 <= len(v); d += 8 {
		for k, x := range (*[8]float32)(v[d:]) {
			acc[k] = fma32(x, x, acc[k])
		}
	}
	s := acc[0]
	for _, a := range acc[1:] {
		s += a
	}
	if len(v)-d >= 4 {
		for _, x := range v[d : d+4] {
			s += float32(x * x)
		}
		d += 4
	}
	for _, x := range v[d:] {
		s = fma32(x, x, s)
	}
	return float32(math.Sqrt(float64(s))) // correctly rounded: the float64 root has enough bits
}

// norm64 is PyTorch 1.13's 2-norm of a float64 row: the generic reduction, a
// chain of fused multiply-adds from +0, then the square root.
func norm64(v []float64) float64 {
	var s float64
	for _, x := range v {
		s = math.FMA(x, x, s)
	}
	return math.Sqrt(s)
}

// fma32 returns a*b+c rounded once to float32. The product is exact in
// float64, so s = p + c is the sum rounded once to float64; rounding that to
// float32 is then correct unless it lands exactly halfway between two
// float32s while the float64 sum was inexact, in which case the sign of the
// float64 rounding error decides.
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	s := p + float64(c)
	r := float32(s)
	if math.IsInf(s, 0) || math.IsNaN(s) || float64(r) == s {
		return r
	}
	// The other float32 neighbour of s, and the error of s (TwoSum).
	o := math.Nextafter32(r, float32(math.Copysign(math.Inf(1), s-float64(r))))
	if (float64(r)+float64(o))/2 != s {
		return r // not a tie: float32(s) is the correct rounding
	}
	bb := s - p
	switch e := (p - (s - bb)) + (float64(c) - bb); {
	case e == 0:
		return r // a true tie, already rounded to even
	case (e > 0) == (float64(o) > s):
		return o // the exact sum lies on o's side of the tie
	}
	return r
}
