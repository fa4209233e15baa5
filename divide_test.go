package simdpool

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The AVX2 and AVX-512 sum kernels divide a sum a by an integer divisor d
// with its reciprocal r = RN(1/d) and one correction: q0 = RN(a*r),
// e = RN(a - q0*d) (one FMA), q = RN(q0 + e*r) (another), for |a| in
// [2^-60, 2^60) (float32) or [2^-900, 2^900) (float64); other sums divide.
// TestReciprocalQuotient checks, with exact arithmetic, that q is a/d
// correctly rounded for every divisor up to 4096 and numerators spread over
// that range (random significands and the all-ones and just-above-a-power
// ones that stress rounding).

// fmaRN returns RN(x*y + z) in the precision of T, exactly.
func fmaRN[T Float](x, y, z T) T {
	p := new(big.Float).SetPrec(256).Mul(big.NewFloat(float64(x)), big.NewFloat(float64(y)))
	p.Add(p, big.NewFloat(float64(z)))
	if size[T]() == 4 {
		f, _ := p.Float32()
		return T(f)
	}
	f, _ := p.Float64()
	return T(f)
}

func reciprocalQuotient[T Float](a, d T) T {
	r := 1 / d
	q0 := a * r
	e := fmaRN(-q0, d, a)
	return fmaRN(e, r, q0)
}

func testReciprocalQuotient[T Float](t *testing.T, minExp, maxExp int) {
	r := rand.New(rand.NewPCG(31, 32))
	mant := size[T]()*8 - 9 // float32: 23, float64: 52
	if size[T]() == 8 {
		mant = 52
	}
	for d := 1; d <= 4096; d++ {
		for i := range 60 {
			e := minExp + r.IntN(maxExp-minExp)
			var m float64
			switch i % 4 {
			case 0:
				m = 1 + r.Float64()
			case 1:
				m = 2 - math.Ldexp(1, -mant) // all ones
			case 2:
				m = 1 + math.Ldexp(float64(1+r.IntN(8)), -mant) // just above a power of two
			default:
				m = float64(d) * (1 + r.Float64()) / math.Exp2(math.Floor(math.Log2(float64(d)))) // near multiples of d
			}
			a := T(math.Ldexp(m, e))
			if i%2 == 1 {
				a = -a
			}
			want := a / T(d)
			got := reciprocalQuotient(a, T(d))
			require.Equal(t, bitsOf(want), bitsOf(got), "%v / %d", a, d)
		}
	}
}

func TestReciprocalQuotient(t *testing.T) {
	t.Run("float32", func(t *testing.T) { testReciprocalQuotient[float32](t, -60, 59) })
	t.Run("float64", func(t *testing.T) { testReciprocalQuotient[float64](t, -900, 899) })
}
