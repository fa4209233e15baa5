package pow

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// exactFma32 is a*b + c rounded once to float32, from math/big (IEEE
// arithmetic in float64 when an input is infinite or NaN).
func exactFma32(a, b, c float32) float32 {
	if inf := float32(math.Inf(1)); abs32(a) >= inf || abs32(b) >= inf || abs32(c) >= inf || a != a || b != b || c != c {
		return float32(float64(a)*float64(b) + float64(c))
	}
	p := new(big.Float).SetPrec(400).Mul(big.NewFloat(float64(a)), big.NewFloat(float64(b)))
	f, _ := p.Add(p, big.NewFloat(float64(c))).Float32()
	return f
}

// TestFma32 checks the float32 FMA emulation against math/big, including
// sums whose double rounding lands on a float32 rounding boundary, in the
// normal and in the subnormal range, where rounding the double sum again
// would be wrong.
func TestFma32(t *testing.T) {
	m := func(v float64) float32 { return float32(v) }
	cases := [][3]float32{
		// (1+2^-12)^2 = 1 + 2^-11 + 2^-24, a float32 midpoint; ±2^-60 decides.
		{m(1 + 0x1p-12), m(1 + 0x1p-12), m(0x1p-60)},
		{m(1 + 0x1p-12), m(1 + 0x1p-12), m(-0x1p-60)},
		// (2^47-2)*2^-197 = 2^-150 - 2^-196: plus (2^20+1)*2^-149, the double
		// sum is a subnormal float32 midpoint, the exact sum just below it.
		{m((0x1p23 + 1) * 0x1p-98), m((0x1p24 - 2) * 0x1p-99), m((0x1p20 + 1) * 0x1p-149)},
		{m(-(0x1p23 + 1) * 0x1p-98), m((0x1p24 - 2) * 0x1p-99), m(-(0x1p20 + 1) * 0x1p-149)},
		{m(3), m(math.Inf(1)), m(1)},
		{m(0), m(math.Inf(1)), m(1)},
		{m(math.MaxFloat32), m(2), m(-math.MaxFloat32)},
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 20000 {
		v := func() float32 {
			return float32(math.Ldexp(2*r.Float64()-1, r.IntN(300)-150))
		}
		cases = append(cases, [3]float32{v(), v(), v()})
	}
	for _, c := range cases {
		got, want := fma32(c[0], c[1], c[2]), exactFma32(c[0], c[1], c[2])
		if want != want {
			require.True(t, got != got, "fma32(%x, %x, %x) = %x, want NaN", c[0], c[1], c[2], got)
			continue
		}
		require.Equal(t, math.Float32bits(want), math.Float32bits(got), "fma32(%x, %x, %x) = %x, want %x", c[0], c[1], c[2], got, want)
	}
}

// TestMulErr checks the float32 product error against math/big: exact, and
// rounded to float32 where the product is tiny.
func TestMulErr(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for range 20000 {
		a := float32(math.Ldexp(2*r.Float64()-1, r.IntN(200)-150))
		b := float32(math.Ldexp(2*r.Float64()-1, r.IntN(60)-30))
		s := a * b
		want := float64(exactFma32(a, b, -s))
		require.Equal(t, math.Float64bits(want), math.Float64bits(mulErr(a, b, s)), "mulErr(%x, %x, %x)", a, b, s)
	}
}
