package exact

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLogExpAgainstKnownValues(t *testing.T) {
	// log(2) and e to 40 digits, and exp(log(x)) == x.
	ln2, _ := new(big.Float).SetPrec(200).SetString("0.6931471805599453094172321214581765680755")
	e, _ := new(big.Float).SetPrec(200).SetString("2.718281828459045235360287471352662497757")
	tol := new(big.Float).SetMantExp(big.NewFloat(1), -125)
	near := func(got, want *big.Float) bool {
		d := new(big.Float).Sub(got, want)
		d.Quo(d, want)
		return d.Abs(d).Cmp(tol) < 0
	}
	require.True(t, near(Log(big.NewFloat(2), 200), ln2))
	require.True(t, near(Exp(big.NewFloat(1), 200), e))
	for _, x := range []float64{1e-300, 0.3, 1, 1.5, 7, 1e300, 5e-324} {
		bx := new(big.Float).SetPrec(200).SetFloat64(x)
		require.True(t, near(Exp(Log(bx, 220), 200), bx), "exp(log(%g))", x)
	}
	got, _ := Pow(2, 0.5, 100).Float64()
	require.Equal(t, math.Sqrt2, got)
	got, _ = Pow(-3, 4, 100).Float64()
	require.Equal(t, 81.0, got)
}
