//go:build !386 && !arm && !mips && !mipsle

package pool

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
)

// The sizes here need 64-bit ints.

// TestPooledSizeOverflow checks PyTorch's output size formula near the int
// range: the sizes, or 0 for none (reported as "too small"), and the
// overflows it reports.
func TestPooledSizeOverflow(t *testing.T) {
	for _, c := range []struct {
		a    simdpool.Axis
		ceil bool
		want int
		ok   bool
	}{
		{simdpool.Axis{In: 3, Kernel: 1, Stride: math.MaxInt, Dilation: 1}, false, 1, true},
		{simdpool.Axis{In: 3, Kernel: 1, Stride: math.MaxInt, Dilation: 1}, true, 0, false}, // 3 + MaxInt-1
		{simdpool.Axis{In: 3, Kernel: 1, Stride: 1 << 62, Dilation: 1}, true, 1, true},
		{simdpool.Axis{In: 3, Kernel: 2, Stride: 1, Dilation: 1 << 40}, false, 0, true},
		{simdpool.Axis{In: 3, Kernel: 1 << 40, Stride: 1, Dilation: 1 << 40}, false, 0, true}, // d(k-1) overflows
		{simdpool.Axis{In: 3, Kernel: math.MaxInt, Stride: 1, Pad: math.MaxInt / 2, Dilation: 1}, false, 0, false},
		{simdpool.Axis{In: 1, Kernel: 1 << 62, Stride: 1, Pad: 1 << 61, Dilation: 1}, false, 2, true},
		{simdpool.Axis{In: 1, Kernel: 1 << 62, Stride: 1 << 61, Pad: 1 << 61, Dilation: 1}, true, 2, true}, // two windows 2^61 apart
		{simdpool.Axis{In: 1, Kernel: 1 << 62, Stride: 1 << 62, Pad: 1 << 61, Dilation: 1}, true, 0, false},
	} {
		out, ok := pooledSize(c.a, c.ceil)
		require.Equal(t, c.ok, ok, "%+v ceil %v", c.a, c.ceil)
		if ok {
			require.Equal(t, c.want, max(out, 0), "%+v ceil %v", c.a, c.ceil)
		}
	}
}
