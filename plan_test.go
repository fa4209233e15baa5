package simdpool

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLiveTaps checks that the taps liveTaps keeps read, for every output,
// exactly the columns inside the row that all of the axis's taps read, in
// the same order.
func TestLiveTaps(t *testing.T) {
	inside := func(a *Axis, k, p int) [][]int {
		cols := make([][]int, a.Out)
		for j := range cols {
			for tap := range k {
				if c := j*a.Stride - p + tap*a.Dilation; c >= 0 && c < a.In {
					cols[j] = append(cols[j], c)
				}
			}
		}
		return cols
	}
	r := rand.New(rand.NewPCG(8, 8))
	for range 20000 {
		a := Axis{In: 1 + r.IntN(20), Kernel: 1 + r.IntN(40), Stride: 1 + r.IntN(6), Dilation: 1 + r.IntN(5)}
		a.Pad = r.IntN(a.Kernel*a.Dilation/2 + 1)
		if r.IntN(3) == 0 { // ONNX's pads may exceed half the window
			a.Pad = r.IntN(a.Kernel*a.Dilation + 3*a.Stride + 1)
		}
		a.Out = 1 + r.IntN(8)
		k, p := a.liveTaps()
		require.GreaterOrEqual(t, p, 0, "%+v", a)
		require.GreaterOrEqual(t, k, 1, "%+v", a)
		require.LessOrEqual(t, k, a.Kernel, "%+v", a)
		require.Equal(t, inside(&a, a.Kernel, a.Pad), inside(&a, k, p), "%+v: k %d p %d", a, k, p)
	}
	// A kernel of 2^24 taps over one column keeps one tap.
	a := Axis{In: 1, Out: 1, Kernel: 1 << 24, Stride: 1 << 24, Dilation: 1}
	k, p := a.liveTaps()
	require.Equal(t, [2]int{1, 0}, [2]int{k, p})
}
