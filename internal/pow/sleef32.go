package pow

import "math"

// Sleef32 is x**y as SLEEF 3.5.1's Sleef_powf8_u10 computes each lane on
// x86-64 CPUs with AVX2 and FMA (the avx2 variant, which PyTorch 1.13's
// Vectorized<float>::pow calls): error below 1 ULP, reproduced bit for bit.
//
// SLEEF's algorithm (src/libm/sleefsimdsp.c, xpowf) is Sleef64's in
// float-float arithmetic with shorter polynomials. Its FMAs are single
// precision (fma32); every other product is rounded on its own.
func Sleef32(x, y float32) float32 {
	ay := abs32(y)
	yIsInt := trunc32(y) == y || ay > 1<<24
	yIsOdd := yIsInt && ay < 1<<24 && int32(y)&1 == 1

	result := sleefExp32(dfMulF(sleefLog32(abs32(x)), y))
	if result != result {
		result = float32(math.Inf(1))
	}
	switch {
	case x > 0:
	case !yIsInt:
		result = float32(math.NaN())
	case yIsOdd:
		result = -result
	}
	inf := float32(math.Inf(1))
	if ay == inf {
		efx := abs32(x) - 1
		if y < 0 {
			efx = -efx
		}
		switch {
		case efx < 0:
			result = 0
		case efx == 0:
			result = 1
		default:
			result = inf
		}
	}
	if abs32(x) == inf || x == 0 {
		var sign float32 = 1
		if yIsOdd && math.Signbit(float64(x)) {
			sign = -1
		}
		ey := y
		if x == 0 {
			ey = -y
		}
		result = sign * inf
		if ey < 0 {
			result = sign * 0
		}
	}
	if x != x || y != y {
		result = float32(math.NaN())
	}
	if y == 0 || x == 1 {
		result = 1
	}
	return result
}

// df is an unevaluated sum hi + lo of two floats.
type df struct{ hi, lo float32 }

// sleefLog32 is SLEEF's logkf: log(d) as a float-float, d >= 0.
func sleefLog32(d float32) df {
	small := d < 0x1p-126
	if small {
		d *= 0x1p64
	}
	e := int32(math.Float32bits(float32(d*float32(1.0/0.75)))>>23&0xff) - 0x7f
	m := math.Float32frombits(math.Float32bits(d) + uint32(-e)<<23)
	if small {
		e -= 64
	}

	x := dfDiv(dfAdd2(-1, m), dfAdd2(1, m))
	x2 := dfSqu(x)
	t := fma32(fma32(0.240320354700088500976562, x2.hi, 0.285112679004669189453125), x2.hi, 0.400007992982864379882812)

	s := dfMulF(df{0.69314718246459960938, -1.904654323148236017e-09}, float32(e))
	s = dfAddDF(s, df{x.hi * 2, x.lo * 2})
	return dfAddDF(s, dfMulDF(dfMulDF(x2, x), dfAdd2DF(dfMulF(x2, t), df{0.66666662693023681640625, 3.69183861259614332084311e-09})))
}

// sleefExp32 is SLEEF's expkf: exp(d.hi + d.lo), 0 below exp(-104).
func sleefExp32(d df) float32 {
	const (
		rLn2 float32 = 1.442695040888963407359924681001892137426645954152985934135449406931
		l2U  float32 = 0.693145751953125
		l2L  float32 = 1.428606765330187045e-06
	)
	q := cvtToInt32(float64(roundToEven32(float32(d.hi+d.lo) * rLn2)))
	qf := float32(q)

	s := dfAdd2F(d, float32(qf*-l2U))
	s = dfAdd2F(s, float32(qf*-l2L))
	s = dfNormalize(s)

	u := fma32(0.00136324646882712841033936, s.hi, 0.00836596917361021041870117)
	u = fma32(u, s.hi, 0.0416710823774337768554688)
	u = fma32(u, s.hi, 0.166665524244308471679688)
	u = fma32(u, s.hi, 0.499999850988388061523438)

	t := dfAddF(1, dfAddDF(s, dfMulF(dfSqu(s), u)))
	r := ldexp32(t.hi+t.lo, q)
	if d.hi < -104 {
		return 0
	}
	return r
}

// ldexp32 is SLEEF's vldexp_vf_vf_vi2: x * 2^q in five steps that saturate.
func ldexp32(x float32, q int32) float32 {
	m := q >> 31
	m = (((m + q) >> 6) - m) << 4
	q -= m << 2
	m = min(max(m+0x7f, 0), 0xff)
	u := math.Float32frombits(uint32(m) << 23)
	x = float32(float32(float32(x*u)*u)*u) * u
	return x * math.Float32frombits(uint32(q+0x7f)<<23)
}

// fma32 is a*b + c rounded once to float32.
func fma32(a, b, c float32) float32 { return fma32d(a, b, float64(c)) }

// fma32d is a*b + c rounded once to float32, for c a float32 value held in a
// float64. a*b is exact in float64, so their double sum s is the exact sum
// rounded once, and rounding s to float32 gives the fused result unless s is
// a float32 rounding boundary or lies below float32's normal range (where the
// boundaries are coarser): then fma32Exact decides.
func fma32d(a, b float32, c float64) float32 {
	p := float64(a) * float64(b) // exact: fused or not, p + c rounds once
	s := p + c
	if u := math.Float64bits(s); u&(1<<29-1) == 1<<28 || u&^(1<<63) < 0x3810000000000000 {
		return fma32Exact(p, c, s)
	}
	return float32(s)
}

// fma32Exact is p + c rounded once to float32, given their double sum s:
// its error is exact (two-sum), and rounding s to odd (when inexact, the
// neighbour toward the exact sum if s is even) before rounding it to float32
// makes the double rounding harmless (53 >= 24 + 2 bits).
func fma32Exact(p, c, s float64) float32 {
	v := s - p
	if e := p - (s - v) + (c - v); e != 0 && e == e && math.Float64bits(s)&1 == 0 {
		if (e < 0) == (s < 0) {
			return float32(math.Float64frombits(math.Float64bits(s) + 1))
		}
		return float32(math.Float64frombits(math.Float64bits(s) - 1))
	}
	return float32(s)
}

// mulErr is a*b - s for s = float32(a*b), SLEEF's vfmapn(a, b, s), held in
// a float64: the error of a float32 product is exact in float64 and is a
// float32 unless the product is tiny (|s| < 2^-101), where it is rounded.
func mulErr(a, b, s float32) float64 {
	e := float64(a)*float64(b) - float64(s)
	if math.Abs(float64(s)) < 0x1p-101 {
		e = float64(float32(e))
	}
	return e
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }

func trunc32(v float32) float32 { return float32(math.Trunc(float64(v))) }

// roundToEven32 rounds to the nearest integer, ties to even (exact in float64).
func roundToEven32(v float32) float32 { return float32(math.RoundToEven(float64(v))) }

// The float-float operations of SLEEF's df.h (FMA variants).

func dfNormalize(t df) df {
	s := t.hi + t.lo
	return df{s, t.hi - s + t.lo}
}

func dfAdd2(x, y float32) df {
	s := x + y
	v := s - x
	return df{s, (x - (s - v)) + (y - v)}
}

func dfAddF(x float32, y df) df {
	s := x + y.hi
	return df{s, x - s + y.hi + y.lo}
}

func dfAdd2F(x df, y float32) df {
	s := x.hi + y
	v := s - x.hi
	return df{s, (x.hi - (s - v)) + (y - v) + x.lo}
}

func dfAddDF(x, y df) df {
	s := x.hi + y.hi
	return df{s, x.hi - s + y.hi + x.lo + y.lo}
}

func dfAdd2DF(x, y df) df {
	s := x.hi + y.hi
	v := s - x.hi
	t := (x.hi - (s - v)) + (y.hi - v)
	return df{s, t + (x.lo + y.lo)}
}

func dfMulF(x df, y float32) df {
	s := float32(x.hi * y)
	return df{s, fma32d(x.lo, y, mulErr(x.hi, y, s))}
}

func dfMulDF(x, y df) df {
	s := float32(x.hi * y.hi)
	return df{s, fma32(x.hi, y.lo, fma32d(x.lo, y.hi, mulErr(x.hi, y.hi, s)))}
}

func dfSqu(x df) df {
	s := float32(x.hi * x.hi)
	return df{s, fma32d(x.hi+x.hi, x.lo, mulErr(x.hi, x.hi, s))}
}

func dfDiv(n, d df) df {
	t := 1 / d.hi
	s := float32(n.hi * t)
	u := mulErr(t, n.hi, s)
	// 1 - d.hi*t is exact in float64 (Sterbenz: d.hi*t is within 2^-23 of 1).
	v := fma32(-d.lo, t, float32(1-float64(d.hi)*float64(t)))
	return df{s, fma32(s, v, fma32d(n.lo, t, u))}
}
