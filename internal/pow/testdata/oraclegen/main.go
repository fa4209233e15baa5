// Command oraclegen records the table that internal/pow's tests compare its
// pow functions with: glibc's pow and SLEEF 3.5.1's Sleef_powd4_u10 and
// Sleef_powf8_u10, called through cgo on this machine as PyTorch 1.13 calls
// them (x86-64 with AVX2 and FMA; Debian 12's libm 2.36 and libsleef3). It
// lives under testdata so that go build/test/vet ./... skip it; it needs cgo,
// gcc and libsleef.so.3 (Debian's libsleef3, which python3-torch brings).
//
//	go run ./internal/pow/testdata/oraclegen -out internal/pow/testdata/oracle.bin.gz
//	go run ./internal/pow/testdata/oraclegen -check 1000000   # live comparison, writes nothing
//
// The cases: special values, subnormal inputs, results near overflow and
// underflow, inputs near 1, inputs whose exact x**y lies within 2^-12 ULP of a
// rounding boundary (found with x87 powl, confirmed with math/big), exact
// midpoints, and random inputs. Format (gzip): per record a kind byte ('g'
// glibc, 'd' Sleef_powd4_u10, 'f' Sleef_powf8_u10), a category byte, then x,
// y and x**y, little-endian, 8 bytes each ('f': 4).
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math"
	"math/big"
	"math/rand/v2"
	"os"

	"github.com/simdpool/simdpool/internal/pow"
	"github.com/simdpool/simdpool/internal/pow/exact"
)

// Categories, as the tests name them.
const (
	catSpecial   = 's'
	catSubnormal = 'n'
	catBoundary  = 'b' // results near overflow or underflow thresholds
	catNearOne   = '1'
	catHard      = 'h' // exact result within 2^-12 ULP of a rounding boundary
	catMidpoint  = 'm' // exact result on a rounding boundary
	catRandom    = 'r'
)

type pair struct {
	cat  byte
	x, y float64
}

// exponents are those the tests care about: LP's p and 1/p for common p, and
// a few more.
var exponents = []float64{0.75, 1.5, 3, 4, 7, 1 / 0.75, 1 / 1.5, 1.0 / 3, 0.25, 1.0 / 7,
	1.7, 1 / 1.7, 2.5, 0.4, 0.5, 2, 5, 6, 8, 10, 0.1, 33.3,
	-0.5, -0.75, -1.5, -3, -4, -7, -1.3, -2.5, -1 / 1.5}

func main() {
	out := flag.String("out", "", "write the oracle table here")
	check := flag.Int("check", 0, "compare this many random inputs per function live with glibc and SLEEF, write nothing")
	flag.Parse()
	if !hasAVX2FMA() {
		log.Fatal("oraclegen: this CPU lacks AVX2 or FMA; glibc and SLEEF would pick other variants than PyTorch's")
	}
	switch {
	case *check > 0:
		runCheck(*check)
	case *out != "":
		write(*out)
	default:
		flag.Usage()
		os.Exit(2)
	}
}

func write(path string) {
	r := rand.New(rand.NewPCG(12, 2026))
	g := append(specials(), subnormals(r, 300)...)
	g = append(g, boundaries(exponents[:13], 6)...)
	g = append(g, nearOne(r, 300)...)
	hard := nearBoundaries(r, 2500)
	g = append(g, hard...)
	g = append(g, midpoints()...)
	g = append(g, randoms(r, 2700)...)
	d := append(specials(), subnormals(r, 300)...)
	d = append(d, boundaries(exponents[:13], 6)...)
	d = append(d, nearOne(r, 300)...)
	d = append(d, randoms(r, 2000)...)
	f := floatCases(r, 3000)

	gr := glibcPow(xs(g), ys(g))
	dr := sleefPowD(pad4(xs(d)), pad4(ys(d)))
	fx, fy := xs32(f), ys32(f)
	fr := sleefPowF(pad8(fx), pad8(fy))

	file, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(file, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	put := func(kind, cat byte, vals ...uint64) {
		w.WriteByte(kind)
		w.WriteByte(cat)
		for _, v := range vals {
			if kind == 'f' {
				binary.Write(w, binary.LittleEndian, uint32(v))
			} else {
				binary.Write(w, binary.LittleEndian, v)
			}
		}
	}
	misrounded := 0
	for i, c := range g {
		put('g', c.cat, math.Float64bits(c.x), math.Float64bits(c.y), math.Float64bits(gr[i]))
		if c.cat == catHard && gr[i] != correctlyRounded(c.x, c.y) {
			misrounded++
		}
	}
	for i, c := range d {
		put('d', c.cat, math.Float64bits(c.x), math.Float64bits(c.y), math.Float64bits(dr[i]))
	}
	for i, c := range f {
		put('f', c.cat, uint64(math.Float32bits(fx[i])), uint64(math.Float32bits(fy[i])), uint64(math.Float32bits(fr[i])))
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := file.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d glibc (%d near a boundary, %d of them misrounded by glibc), %d Sleef_powd4_u10, %d Sleef_powf8_u10\n",
		path, len(g), len(hard), misrounded, len(d), len(f))
}

// runCheck compares n random inputs per function, from every generator,
// between the Go functions and the C libraries.
func runCheck(n int) {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	cases := append(specials(), subnormals(r, n/8)...)
	cases = append(cases, boundaries(exponents, 12)...)
	cases = append(cases, nearOne(r, n/8)...)
	cases = append(cases, randoms(r, n)...)
	x, y := pad4(xs(cases)), pad4(ys(cases))
	report("glibc pow", x, y, glibcPow(x, y), pow.Glibc)
	report("Sleef_powd4_u10", x, y, sleefPowD(x, y), pow.Sleef64)
	f := floatCases(r, n)
	fx, fy := pad8(xs32(f)), pad8(ys32(f))
	fr := sleefPowF(fx, fy)
	bad := 0
	for i := range fx {
		if got := pow.Sleef32(fx[i], fy[i]); !same(float64(got), float64(fr[i])) {
			if bad++; bad <= 10 {
				fmt.Printf("  Sleef_powf8_u10(%x, %x) = %x, Go %x\n", fx[i], fy[i], fr[i], got)
			}
		}
	}
	fmt.Printf("Sleef_powf8_u10: %d inputs, %d differ\n", len(fx), bad)
}

func report(name string, x, y, want []float64, f func(x, y float64) float64) {
	bad := 0
	for i := range x {
		if got := f(x[i], y[i]); !same(got, want[i]) {
			if bad++; bad <= 10 {
				fmt.Printf("  %s(%x, %x) = %x, Go %x\n", name, x[i], y[i], want[i], got)
			}
		}
	}
	fmt.Printf("%s: %d inputs, %d differ\n", name, len(x), bad)
}

func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b) }

// specials pairs special values of x and y with each other.
func specials() []pair {
	inf, nan := math.Inf(1), math.NaN()
	sx := []float64{0, math.Copysign(0, -1), 1, -1, 2, -2, 0.5, -0.5, inf, -inf, nan,
		math.MaxFloat64, -math.MaxFloat64, 0x1p-1022, 0x1p-1074, -0x1p-1074, 0x1.8p-1040,
		math.Nextafter(1, 2), math.Nextafter(1, 0), 3, -3, 0.015135504518091956, 1e-200, 1e-310}
	sy := []float64{0, math.Copysign(0, -1), 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, -1.5, 0.75, 4, 7,
		inf, -inf, nan, 0x1p-70, -0x1p-70, 0x1p-65, 0x1p63, -0x1p63, 0x1p53 + 2, 1e300, -1e300,
		0x1p-1074, 1 / 0.75, 1 / 1.5, 0.25}
	var p []pair
	for _, x := range sx {
		for _, y := range sy {
			p = append(p, pair{catSpecial, x, y})
		}
	}
	return p
}

// subnormals draws subnormal x (and some negative ones with integer y).
func subnormals(r *rand.Rand, n int) []pair {
	p := make([]pair, n)
	for i := range p {
		x := math.Float64frombits(r.Uint64N(1<<52-1) + 1)
		y := exponents[r.IntN(len(exponents))]
		if i%5 == 0 {
			x, y = -x, float64(r.IntN(9)-4)
		}
		p[i] = pair{catSubnormal, x, y}
	}
	return p
}

// boundaries steps x, ulp by ulp, across the inputs for which x**y crosses
// the thresholds where the result overflows, stops being normal or rounds to
// zero, for each y.
func boundaries(ys []float64, steps int) []pair {
	pow2 := func(e int) *big.Float { return new(big.Float).SetMantExp(big.NewFloat(1), e) }
	targets := []*big.Float{big.NewFloat(math.MaxFloat64), pow2(1023), pow2(-1022), pow2(-1074), pow2(-1075), pow2(-1000)}
	var p []pair
	for _, y := range ys {
		for _, t := range targets {
			// x0 = t^(1/y), from math/big.
			l := exact.Log(t, 200)
			l.Quo(l, new(big.Float).SetPrec(200).SetFloat64(y))
			x0, _ := exact.Exp(l, 200).Float64()
			if x0 == 0 || math.IsInf(x0, 0) {
				continue
			}
			x := x0
			for range steps {
				x = math.Nextafter(x, 0)
			}
			for range 2*steps + 1 {
				p = append(p, pair{catBoundary, x, y})
				x = math.Nextafter(x, math.Inf(1))
			}
		}
	}
	return p
}

// nearOne draws x a few ULPs or a small power of two away from 1.
func nearOne(r *rand.Rand, n int) []pair {
	p := make([]pair, n)
	for i := range p {
		d := float64(r.IntN(40)+1) * 0x1p-53
		if i%2 == 0 {
			d = math.Ldexp(1, -1-r.IntN(40))
		}
		if r.IntN(2) == 0 {
			d = -d
		}
		p[i] = pair{catNearOne, 1 + d, exponents[r.IntN(len(exponents))]}
	}
	return p
}

// nearBoundaries finds n inputs whose exact x**y lies within 2^-12 ULP of a
// midpoint between two doubles: powl filters, math/big confirms.
func nearBoundaries(r *rand.Rand, n int) []pair {
	var p []pair
	for len(p) < n {
		const batch = 1 << 16
		x, y := make([]float64, batch), make([]float64, batch)
		for i := range x {
			x[i] = randomX(r)
			y[i] = exponents[r.IntN(len(exponents))]
		}
		frac := powlFrac(x, y)
		for i := range x {
			if math.Abs(frac[i]-0.5) > 0x1p-8 || len(p) == n {
				continue
			}
			if d, ok := midpointDistance(x[i], y[i]); ok && d < 0x1p-12 {
				p = append(p, pair{catHard, x[i], y[i]})
			}
		}
	}
	return p
}

// randomX is a positive x, often in [1/16, 16), otherwise anywhere (log-uniform).
func randomX(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return math.Ldexp(1+r.Float64(), r.IntN(8)-4)
	}
	return math.Float64frombits(r.Uint64N(0x7fefffffffffffff) + 1)
}

// midpointDistance is the distance, in ULPs, from |x|**y to the nearest
// midpoint between two doubles (subnormal ULPs below 2^-1022); ok is false
// when the result is out of range.
func midpointDistance(x, y float64) (float64, bool) {
	v := exact.Pow(x, y, 160)
	e := v.MantExp(nil) // v = m * 2^e, m in [0.5, 1)
	if e > 1024 || e < -1080 {
		return 0, false
	}
	ulpExp := max(e-53, -1074)
	t := new(big.Float).SetPrec(300).SetMantExp(v, -ulpExp)
	i, _ := t.Int(nil)
	frac, _ := t.Sub(t, new(big.Float).SetInt(i)).Float64()
	return math.Abs(frac - 0.5), true
}

// correctlyRounded is |x|**y rounded to nearest from math/big (for reporting
// how often glibc misrounds; not for exact midpoints).
func correctlyRounded(x, y float64) float64 {
	v, _ := exact.Pow(x, y, 160).Float64()
	return v
}

// midpoints are inputs whose x**y is exactly a midpoint between two doubles:
// m**k with m odd and m**k of 54 bits, for y = 3, 4, 7, and (m^2)**1.5.
func midpoints() []pair {
	var p []pair
	for _, c := range []struct {
		y    float64
		root float64 // m**y = m**(k) with k = y, or m**3 for y = 1.5
		k    int
	}{{3, 3, 3}, {4, 4, 4}, {7, 7, 7}, {1.5, 3, 3}} {
		lo := int(math.Ceil(math.Pow(2, 53/c.root)))
		count := 0
		for m := lo | 1; count < 12; m += 2 {
			b := new(big.Int).Exp(big.NewInt(int64(m)), big.NewInt(int64(c.k)), nil)
			if b.BitLen() != 54 {
				break
			}
			x := float64(m)
			if c.y == 1.5 {
				x = float64(m) * float64(m)
			}
			p = append(p, pair{catMidpoint, math.Ldexp(x, -int(8*c.root)), c.y})
			count++
		}
	}
	return p
}

// randoms draws x anywhere (log-uniform) with the test exponents, x in (0, 10)
// with y in [-8, 8), and negative x with integer y.
func randoms(r *rand.Rand, n int) []pair {
	p := make([]pair, n)
	for i := range p {
		switch i % 4 {
		case 0, 1:
			p[i] = pair{catRandom, randomX(r), exponents[r.IntN(len(exponents))]}
		case 2:
			p[i] = pair{catRandom, 10 * r.Float64(), 16*r.Float64() - 8}
		default:
			p[i] = pair{catRandom, -randomX(r), float64(r.IntN(15) - 7)}
		}
	}
	return p
}

// floatCases are the float32 pairs: specials, subnormals, thresholds, random.
func floatCases(r *rand.Rand, n int) []pair {
	var p []pair
	for _, c := range specials() {
		p = append(p, pair{c.cat, float64(float32(c.x)), float64(float32(c.y))})
	}
	for _, y := range exponents {
		for _, t := range []float64{math.MaxFloat32, 0x1p-126, 0x1p-149, 0x1p-150} {
			x0 := float32(math.Pow(t, 1/y))
			x := x0
			for range 6 {
				x = math.Nextafter32(x, 0)
			}
			for range 13 {
				p = append(p, pair{catBoundary, float64(x), float64(float32(y))})
				x = math.Nextafter32(x, float32(math.Inf(1)))
			}
		}
	}
	// Tiny and huge y: products of float32 values near or below float32's
	// normal range inside SLEEF's float-float arithmetic.
	for _, y := range []float64{0x1p-149, 1e-40, 0x1p-126, 1e-30, 1e-20, 1e20, 1e30, math.MaxFloat32} {
		for range 24 {
			x := float64(float32(randomX(r)))
			if x == 0 || math.IsInf(x, 0) {
				x = 1 + r.Float64()
			}
			p = append(p, pair{catBoundary, x, y}, pair{catBoundary, x, -y})
		}
	}
	for i := range n {
		y := float64(float32(exponents[r.IntN(len(exponents))]))
		switch i % 4 {
		case 0:
			p = append(p, pair{catSubnormal, float64(math.Float32frombits(r.Uint32N(1<<23-1) + 1)), y})
		case 1:
			p = append(p, pair{catRandom, float64(math.Float32frombits(r.Uint32N(0x7f7fffff) + 1)), y})
		case 2:
			p = append(p, pair{catRandom, float64(float32(10 * r.Float64())), float64(float32(16*r.Float64() - 8))})
		default:
			p = append(p, pair{catNearOne, float64(float32(1 + (r.Float64()-0.5)*0x1p-10)), y})
		}
	}
	return p
}

func xs(p []pair) []float64 {
	v := make([]float64, len(p))
	for i, c := range p {
		v[i] = c.x
	}
	return v
}

func ys(p []pair) []float64 {
	v := make([]float64, len(p))
	for i, c := range p {
		v[i] = c.y
	}
	return v
}

func xs32(p []pair) []float32 {
	v := make([]float32, len(p))
	for i, c := range p {
		v[i] = float32(c.x)
	}
	return v
}

func ys32(p []pair) []float32 {
	v := make([]float32, len(p))
	for i, c := range p {
		v[i] = float32(c.y)
	}
	return v
}

// pad4 and pad8 extend a slice to a whole number of vectors with 1s.
func pad4(v []float64) []float64 {
	for len(v)%4 != 0 {
		v = append(v, 1)
	}
	return v
}

func pad8(v []float32) []float32 {
	for len(v)%8 != 0 {
		v = append(v, 1)
	}
	return v
}
