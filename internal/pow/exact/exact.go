// Package exact evaluates log, exp and pow with math/big to any precision. It
// is the reference that internal/pow's tables are built from and that its
// tests and oracle generator measure rounding against; it is slow and not
// meant for production paths.
package exact

import (
	"math"
	"math/big"
	"sync"
)

// guard is the number of extra bits every evaluation carries.
const guard = 64

// Log returns log(x) for x > 0 with a relative error below 2^-prec.
func Log(x *big.Float, prec uint) *big.Float {
	if x.Sign() <= 0 {
		panic("exact.Log: x must be positive")
	}
	wp := prec + guard
	m := new(big.Float).SetPrec(wp)
	e := x.MantExp(m) // x = m * 2^e, m in [0.5, 1)
	if m.Cmp(big.NewFloat(math.Sqrt2/2)) < 0 {
		m.SetMantExp(m, 1)
		e--
	}
	// log(m) = 2*atanh((m-1)/(m+1)), |(m-1)/(m+1)| < 0.172.
	one := new(big.Float).SetPrec(wp).SetInt64(1)
	t := new(big.Float).SetPrec(wp).Sub(m, one)
	t.Quo(t, new(big.Float).SetPrec(wp).Add(m, one))
	r := atanh2(t, wp)
	r.Add(r, new(big.Float).SetPrec(wp).Mul(ln2(wp), new(big.Float).SetPrec(wp).SetInt64(int64(e))))
	return r.SetPrec(prec)
}

// Exp returns exp(x) with a relative error below 2^-prec, for |x| < 2^30.
func Exp(x *big.Float, prec uint) *big.Float {
	const halvings = 24
	wp := prec + guard + halvings
	l2 := ln2(wp)
	// x = k*ln2 + r with |r| <= ln2/2, then exp(r) = exp(r/2^h)^(2^h).
	q := new(big.Float).SetPrec(wp).Quo(x, l2)
	kf, _ := q.Float64()
	k := math.Round(kf)
	r := new(big.Float).SetPrec(wp).Mul(l2, new(big.Float).SetPrec(wp).SetFloat64(k))
	r.Sub(x, r)
	r.SetMantExp(r, -halvings)
	// Taylor series of exp(r) - 1, |r| < 2^-24.
	sum := new(big.Float).SetPrec(wp)
	term := new(big.Float).SetPrec(wp).SetInt64(1)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -int(wp))
	for n := int64(1); ; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(n))
		sum.Add(sum, term)
		if new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	// (1+s)^2 - 1 = s*(s+2) keeps the small value accurate while squaring.
	two := new(big.Float).SetInt64(2)
	for range halvings {
		t := new(big.Float).SetPrec(wp).Add(sum, two)
		sum.Mul(sum, t)
	}
	sum.Add(sum, new(big.Float).SetInt64(1))
	sum.SetMantExp(sum, int(k))
	return sum.SetPrec(prec)
}

// Pow returns |x|^y for finite non-zero x and finite y, with a relative error
// below 2^-prec (the result may lie beyond float64's range).
func Pow(x, y float64, prec uint) *big.Float {
	wp := prec + guard
	l := Log(new(big.Float).SetPrec(wp).SetFloat64(math.Abs(x)), wp+12)
	l.Mul(l, new(big.Float).SetPrec(wp+12).SetFloat64(y))
	return Exp(l, prec)
}

// atanh2 returns 2*atanh(t) = 2*(t + t^3/3 + t^5/5 + ...) for |t| <= 1/3.
func atanh2(t *big.Float, wp uint) *big.Float {
	t2 := new(big.Float).SetPrec(wp).Mul(t, t)
	sum := new(big.Float).SetPrec(wp).Set(t)
	pow := new(big.Float).SetPrec(wp).Set(t)
	eps := new(big.Float).SetMantExp(big.NewFloat(1), -int(wp))
	for n := int64(3); ; n += 2 {
		pow.Mul(pow, t2)
		term := new(big.Float).SetPrec(wp).Quo(pow, new(big.Float).SetInt64(n))
		sum.Add(sum, term)
		if term.Sign() == 0 || new(big.Float).Abs(term).Cmp(eps) < 0 {
			break
		}
	}
	return sum.SetMantExp(sum, 1)
}

var ln2Cache struct {
	sync.Mutex
	prec uint
	v    *big.Float
}

// ln2 returns log(2) to wp bits: 2*atanh(1/3).
func ln2(wp uint) *big.Float {
	ln2Cache.Lock()
	defer ln2Cache.Unlock()
	if ln2Cache.prec < wp {
		third := new(big.Float).SetPrec(wp+guard).Quo(big.NewFloat(1), big.NewFloat(3))
		ln2Cache.v, ln2Cache.prec = atanh2(third, wp+guard), wp
	}
	return new(big.Float).SetPrec(wp).Set(ln2Cache.v)
}
