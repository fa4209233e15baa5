package pow

import "math"

// Sleef64 is x**y as SLEEF 3.5.1's Sleef_powd4_u10 computes each lane on
// x86-64 CPUs with AVX2 and FMA (the avx2 variant, which its dispatcher picks
// there and which PyTorch 1.13's Vectorized<double>::pow calls): error below
// 1 ULP, not correctly rounded, reproduced bit for bit.
//
// SLEEF's algorithm (src/libm/sleefsimddp.c, xpow): log|x| as a double-double
// from a division (m-1)/(m+1) and an odd polynomial, times y, then exp of the
// double-double; the special values are then selected. SLEEF builds with
// -ffp-contract=off, so the only fused operations are the FMAs it writes;
// float64(a*b) stops Go from fusing any other.
func Sleef64(x, y float64) float64 {
	yIsInt := math.Trunc(y) == y
	half := y * 0.5
	yIsOdd := yIsInt && math.Trunc(half) != half

	d := ddMulD(sleefLog(math.Abs(x)), y)
	result := sleefExp(d)
	if d.hi > 709.78271114955742909217217426 {
		result = math.Inf(1)
	}
	switch {
	case x > 0:
	case !yIsInt:
		result = math.NaN()
	case yIsOdd:
		result = -result
	}
	if math.IsInf(y, 0) {
		switch efx := math.Copysign(1, y) * (math.Abs(x) - 1); {
		case efx < 0:
			result = 0
		case efx == 0:
			result = 1
		default:
			result = math.Inf(1)
		}
	}
	if math.IsInf(x, 0) || x == 0 {
		sign := 1.0
		if yIsOdd {
			sign = math.Copysign(1, x)
		}
		ey := y
		if x == 0 {
			ey = -y
		}
		result = sign * math.Inf(1)
		if ey < 0 {
			result = sign * 0
		}
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		result = math.NaN()
	}
	if y == 0 || x == 1 {
		result = 1
	}
	return result
}

// dd is an unevaluated sum hi + lo of two doubles.
type dd struct{ hi, lo float64 }

// sleefLog is SLEEF's logk: log(d) as a double-double, d >= 0.
func sleefLog(d float64) dd {
	small := d < 0x1p-1022
	if small {
		d *= 0x1p64
	}
	e := int32(math.Float64bits(float64(d*(1.0/0.75)))>>52&0x7ff) - 0x3ff
	m := math.Float64frombits(math.Float64bits(d) + uint64(-e)<<52)
	if small {
		e -= 64
	}

	x := ddDiv(ddAdd2(-1, m), ddAdd2(1, m))
	x2 := ddSqu(x)
	x4 := float64(x2.hi * x2.hi)
	x8 := float64(x4 * x4)
	x16 := float64(x8 * x8)
	t := estrin9(x2.hi, x4, x8, x16, &sleefLogPoly)

	s := ddMulD(dd{0.693147180559945286226764, 2.319046813846299558417771e-17}, float64(e))
	s = ddAddDD(s, dd{x.hi * 2, x.lo * 2})
	x = ddMulDD(x2, x)
	s = ddAddDD(s, ddMulDD(x, dd{0.666666666666666629659233, 3.80554962542412056336616e-17}))
	x = ddMulDD(x2, x)
	return ddAddDD(s, ddMulD(x, t))
}

// sleefLogPoly are SLEEF's logk coefficients, highest degree first.
var sleefLogPoly = [9]float64{
	0.116255524079935043668677, 0.103239680901072952701192, 0.117754809412463995466069,
	0.13332981086846273921509, 0.153846227114512262845736, 0.181818180850050775676507,
	0.222222222230083560345903, 0.285714285714249172087875, 0.400000000000000077715612,
}

// sleefExp is SLEEF's expk: exp(d.hi + d.lo), 0 below exp(-1000).
func sleefExp(d dd) float64 {
	const (
		rLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931
		l2U  = .69314718055966295651160180568695068359375
		l2L  = .28235290563031577122588448175013436025525412068e-12
	)
	dq := math.RoundToEven(float64(d.hi+d.lo) * rLn2)
	q := cvtToInt32(dq)

	s := ddAdd2D(d, float64(dq*-l2U))
	s = ddAdd2D(s, float64(dq*-l2L))
	s = ddNormalize(s)

	s2 := float64(s.hi * s.hi)
	s4 := float64(s2 * s2)
	s8 := float64(s4 * s4)
	u := math.FMA(s8, math.FMA(s.hi, sleefExpPoly[0], sleefExpPoly[1]), estrin8(s.hi, s2, s4, sleefExpPoly[2:]))

	t := ddAddDD(ddAddD(1, s), ddMulD(ddSqu(s), u))
	r := ldexp2(t.hi+t.lo, q)
	if d.hi < -1000 {
		return 0
	}
	return r
}

// sleefExpPoly are SLEEF's expk coefficients, highest degree first.
var sleefExpPoly = [10]float64{
	2.51069683420950419527139e-08, 2.76286166770270649116855e-07, 2.75572496725023574143864e-06,
	2.48014973989819794114153e-05, 0.000198412698809069797676111, 0.0013888888939977128960529,
	0.00833333333332371417601081, 0.0416666666665409524128449, 0.166666666666666740681535,
	0.500000000000000999200722,
}

// estrin9 evaluates c[0]*x^8 + ... + c[8] the way SLEEF's POLY9 does.
func estrin9(x, x2, x4, x8 float64, c *[9]float64) float64 {
	return math.FMA(x8, c[0], estrin8(x, x2, x4, c[1:]))
}

// estrin8 evaluates c[0]*x^7 + ... + c[7] as SLEEF's POLY8 (Estrin's scheme).
func estrin8(x, x2, x4 float64, c []float64) float64 {
	hi := math.FMA(x2, math.FMA(x, c[0], c[1]), math.FMA(x, c[2], c[3]))
	lo := math.FMA(x2, math.FMA(x, c[4], c[5]), math.FMA(x, c[6], c[7]))
	return math.FMA(x4, hi, lo)
}

// ldexp2 is SLEEF's vldexp2: d * 2^(q>>1) * 2^(q - q>>1), each factor built
// from its exponent bits.
func ldexp2(d float64, q int32) float64 {
	return float64(d*pow2i(q>>1)) * pow2i(q-q>>1)
}

// pow2i is 2^q built as SLEEF builds it, (q + 0x3ff) << 20 in the upper
// 32 bits.
func pow2i(q int32) float64 {
	return math.Float64frombits(uint64(uint32(q+0x3ff)<<20) << 32)
}

// cvtToInt32 converts an integral double as x86's cvtpd2dq does: out of range
// or NaN gives math.MinInt32.
func cvtToInt32(v float64) int32 {
	if v >= -0x1p31 && v < 0x1p31 {
		return int32(v)
	}
	return math.MinInt32
}

// The double-double operations of SLEEF's dd.h (FMA variants). Products that
// are added are rounded explicitly; Go must not fuse them.

func ddNormalize(t dd) dd {
	s := t.hi + t.lo
	return dd{s, t.hi - s + t.lo}
}

// ddAdd2 is x + y for doubles of any magnitudes (ddadd2_vd2_vd_vd).
func ddAdd2(x, y float64) dd {
	s := x + y
	v := s - x
	return dd{s, (x - (s - v)) + (y - v)}
}

// ddAddD is x + y with |x| >= |y.hi| (ddadd_vd2_vd_vd2).
func ddAddD(x float64, y dd) dd {
	s := x + y.hi
	return dd{s, x - s + y.hi + y.lo}
}

// ddAdd2D is x + y for any magnitudes (ddadd2_vd2_vd2_vd).
func ddAdd2D(x dd, y float64) dd {
	s := x.hi + y
	v := s - x.hi
	w := (x.hi - (s - v)) + (y - v)
	return dd{s, w + x.lo}
}

// ddAddDD is x + y with |x.hi| >= |y.hi| (ddadd_vd2_vd2_vd2).
func ddAddDD(x, y dd) dd {
	s := x.hi + y.hi
	return dd{s, x.hi - s + y.hi + x.lo + y.lo}
}

func ddMulD(x dd, y float64) dd {
	s := float64(x.hi * y)
	return dd{s, math.FMA(x.lo, y, math.FMA(x.hi, y, -s))}
}

func ddMulDD(x, y dd) dd {
	s := float64(x.hi * y.hi)
	return dd{s, math.FMA(x.hi, y.lo, math.FMA(x.lo, y.hi, math.FMA(x.hi, y.hi, -s)))}
}

func ddSqu(x dd) dd {
	s := float64(x.hi * x.hi)
	return dd{s, math.FMA(x.hi+x.hi, x.lo, math.FMA(x.hi, x.hi, -s))}
}

func ddDiv(n, d dd) dd {
	t := 1 / d.hi
	s := float64(n.hi * t)
	u := math.FMA(t, n.hi, -s)
	v := math.FMA(-d.lo, t, math.FMA(-d.hi, t, 1))
	return dd{s, math.FMA(s, v, math.FMA(n.lo, t, u))}
}
