package pow

import "math"

// Glibc is x**y as glibc 2.36's pow computes it on x86-64 CPUs with FMA and
// AVX2 (the __pow_fma variant its ifunc picks there). glibc documents an error
// below 0.54 ULP: it is not correctly rounded, and Glibc reproduces its
// roundings, right and wrong, bit for bit.
//
// The algorithm is glibc's (sysdeps/ieee754/dbl-64/e_pow.c, by Szabolcs
// Nagy): log(x) in double-double from a 128-entry table and a polynomial,
// multiplied by y, then exp from a 128-entry table of 2^(k/128) and a
// polynomial. Every multiply-add that the FMA build fuses (some written
// fma(), others contracted by GCC; read from the binary) is a math.FMA here,
// and every other product is rounded on its own (float64(a*b) stops Go from
// fusing it on arm64, ppc64le, s390x and riscv64).
func Glibc(x, y float64) float64 {
	var signBias uint64
	ix, iy := math.Float64bits(x), math.Float64bits(y)
	topx, topy := ix>>52, iy>>52
	if topx-1 >= 0x7ff-1 || (topy&0x7ff)-0x3be >= 0x43e-0x3be {
		// x is 0, subnormal, negative, infinite or NaN, or |y| < 2^-65,
		// |y| >= 2^63 or y is NaN.
		if zeroInfNaN(iy) {
			switch {
			case 2*iy == 0:
				if isSignaling(ix) {
					return x + y
				}
				return 1
			case ix == one:
				if isSignaling(iy) {
					return x + y
				}
				return 1
			case 2*ix > 2*inf || 2*iy > 2*inf:
				return x + y
			case 2*ix == 2*one:
				return 1
			case (2*ix < 2*one) == (iy>>63 == 0):
				return 0 // |x| < 1 and y = +Inf, or |x| > 1 and y = -Inf
			}
			return y * y
		}
		if zeroInfNaN(ix) {
			x2 := x * x
			if ix>>63 != 0 && checkInt(iy) == 1 {
				x2 = -x2
			}
			if iy>>63 != 0 {
				return 1 / x2
			}
			return x2
		}
		// x and y are finite and non-zero.
		if ix>>63 != 0 {
			switch checkInt(iy) {
			case 0:
				return math.NaN()
			case 1:
				signBias = expSignBias
			}
			ix &^= 1 << 63
			topx &= 0x7ff
		}
		if (topy&0x7ff)-0x3be >= 0x43e-0x3be {
			if ix == one {
				return 1
			}
			if topy&0x7ff < 0x3be { // |y| < 2^-65: x^y = 1 + y*log(x)
				if ix > one {
					return 1 + y
				}
				return 1 - y
			}
			if (ix > one) == (topy < 0x800) {
				return math.Inf(1)
			}
			return 0
		}
		if topx == 0 { // subnormal x: normalize, the exponent goes negative
			ix = math.Float64bits(x*0x1p52)&^(1<<63) - 52<<52
		}
	}
	hi, lo := glibcLog(ix)
	ehi := float64(y * hi)
	elo := math.FMA(y, lo, math.FMA(y, hi, -ehi))
	return glibcExp(ehi, elo, signBias)
}

const (
	one = 0x3ff0000000000000 // bits of 1.0
	inf = 0x7ff0000000000000 // bits of +Inf

	// x = 2^k z with z in [logOff, 2*logOff) as bits (0x1.69555p-1 to
	// 0x1.69555p0), split into 128 subintervals by the top 7 mantissa bits.
	logOff = 0x3fe6955500000000
	ln2Hi  = 0x1.62e42fefa3800p-1 // k*ln2Hi + logc is exact
	ln2Lo  = 0x1.ef35793c76730p-45

	// 2^(k/128) = scale*(1 + tail): the sign of the result travels in the
	// exponent of scale.
	expSignBias = 0x800 << 7
	invLn2N     = 0x1.71547652b82fep7 // 128/ln2
	negLn2HiN   = -0x1.62e42fefa0000p-8
	negLn2LoN   = -0x1.cf79abc9e3b3ap-47
	expShift    = 0x1.8p52
)

// logPoly are glibc's coefficients of log1p(r) - r, scaled as its evaluation
// needs (poly[0] = -1/2): facts of the algorithm, not derivable from a rule.
var logPoly = [7]float64{
	-0x1p-1, -0x1.555555555556p-1, 0x1.0000000000006p-1, 0x1.999999959554ep-1,
	-0x1.555555529a47ap-1, -0x1.2495b9b4845e9p0, 0x1.0002b8b263fc3p0,
}

// expPoly are glibc's coefficients C2..C5 of exp(r) - 1 - r.
var expPoly = [4]float64{0x1.ffffffffffdbdp-2, 0x1.555555555543cp-3, 0x1.55555cf172b91p-5, 0x1.1111167a4d017p-7}

// glibcLogEntry is one subinterval of the log table: 1/c for c near its
// center, and log(c) = logc + logctail (glibc_tables.go).
type glibcLogEntry struct{ invc, logc, logctail float64 }

// glibcLog returns log(x) = hi + lo with about 15 bits beyond double for the
// bits ix of x (a subnormal x normalized, its exponent negative).
func glibcLog(ix uint64) (hi, lo float64) {
	tmp := ix - logOff
	e := &glibcLogTable[(tmp>>(52-7))%128]
	k := int64(tmp) >> 52
	z := math.Float64frombits(ix - tmp&(0xfff<<52))
	kd := float64(k)

	// log(x) = k*ln2 + log(c) + log1p(z/c - 1); r = z/c - 1 is exact.
	r := math.FMA(z, e.invc, -1)
	t1 := math.FMA(kd, ln2Hi, e.logc)
	t2 := t1 + r
	lo1 := math.FMA(kd, ln2Lo, e.logctail)
	lo2 := t1 - t2 + r

	ar := float64(logPoly[0] * r)
	ar2 := float64(r * ar)
	ar3 := float64(r * ar2)
	h := t2 + ar2
	lo3 := math.FMA(ar, r, -ar2)
	lo4 := t2 - h + ar2
	p := math.FMA(ar2, math.FMA(ar2, math.FMA(r, logPoly[6], logPoly[5]), math.FMA(r, logPoly[4], logPoly[3])), math.FMA(r, logPoly[2], logPoly[1]))
	l := math.FMA(ar3, p, lo1+lo2+lo3+lo4)
	hi = h + l
	return hi, h - hi + l
}

// glibcExp returns ±exp(x + xtail) (sign from signBias), |xtail| < 2^-8/128.
func glibcExp(x, xtail float64, signBias uint64) float64 {
	abstop := uint32(math.Float64bits(x)>>52) & 0x7ff
	if abstop-0x3c9 >= 0x408-0x3c9 { // |x| < 2^-54 or |x| >= 512
		if abstop-0x3c9 >= 0x80000000 { // tiny: 1 + x keeps the rounding
			if signBias != 0 {
				return -(1 + x)
			}
			return 1 + x
		}
		if abstop >= 0x409 { // |x| >= 1024
			if math.Float64bits(x)>>63 != 0 {
				return signed(0, signBias)
			}
			return signed(math.Inf(1), signBias)
		}
		abstop = 0 // may overflow or underflow: the scaled path below
	}
	// x = k*ln2/128 + r, |r| <= ln2/256; exp(x) = 2^(k/128) * exp(r).
	kd := math.FMA(invLn2N, x, expShift)
	ki := math.Float64bits(kd)
	kd -= expShift
	r := math.FMA(kd, negLn2LoN, math.FMA(kd, negLn2HiN, x)) + xtail
	idx := 2 * (ki % 128)
	top := (ki + signBias) << (52 - 7)
	tail := math.Float64frombits(glibcExpTable[idx])
	sbits := glibcExpTable[idx+1] + top
	r2 := float64(r * r)
	tmp := math.FMA(math.FMA(r, expPoly[1], expPoly[0]), r2, tail+r)
	tmp = math.FMA(math.FMA(r, expPoly[3], expPoly[2]), float64(r2*r2), tmp)
	if abstop == 0 {
		return glibcExpScaled(tmp, sbits, ki)
	}
	scale := math.Float64frombits(sbits)
	return math.FMA(scale, tmp, scale)
}

// glibcExpScaled is scale*(1 + tmp) where the exponent of scale (bits sbits)
// may have overflowed (k > 0) or underflowed (k < 0): it is computed in range
// and scaled, rounding once in the subnormal range.
func glibcExpScaled(tmp float64, sbits, ki uint64) float64 {
	if ki&0x80000000 == 0 {
		scale := math.Float64frombits(sbits - 1009<<52)
		return 0x1p1009 * math.FMA(scale, tmp, scale)
	}
	sbits += 1022 << 52 // signed: the sign of the result is its sign
	scale := math.Float64frombits(sbits)
	st := float64(scale * tmp)
	y := scale + st
	if math.Abs(y) < 1 {
		// Round y to the subnormal precision before scaling it down, so
		// that it is rounded once.
		one := 1.0
		if y < 0 {
			one = -1
		}
		lo := scale - y + st
		hi := one + y
		lo = one - hi + y + lo
		y = hi + lo - one
		if y == 0 {
			y = math.Float64frombits(sbits & (1 << 63))
		}
	}
	return 0x1p-1022 * y
}

// checkInt classifies the bits of a finite non-zero y: 0 not an integer, 1 an
// odd integer, 2 an even integer.
func checkInt(iy uint64) int {
	e := int(iy >> 52 & 0x7ff)
	switch {
	case e < 0x3ff:
		return 0
	case e > 0x3ff+52:
		return 2
	case iy&(1<<(0x3ff+52-e)-1) != 0:
		return 0
	case iy&(1<<(0x3ff+52-e)) != 0:
		return 1
	}
	return 2
}

// zeroInfNaN reports whether i is the bits of ±0, ±Inf or NaN.
func zeroInfNaN(i uint64) bool { return 2*i-1 >= 2*inf-1 }

// isSignaling reports whether i is the bits of a signaling NaN.
func isSignaling(i uint64) bool { return 2*(i^0x0008000000000000) > 2*0x7ff8000000000000 }

// signed is v with the sign that signBias carries.
func signed(v float64, signBias uint64) float64 {
	if signBias != 0 {
		return -v
	}
	return v
}
