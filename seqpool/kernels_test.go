package seqpool

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The kernels' contracts, written as plainly as possible: the references a
// SIMD kernel must match bit for bit.

// sumTokensRef is sumTokens column by column through multiRowSum.
func sumTokensRef[T Float, N maskNum](dst, x []T, stride int, mask []N, positional bool) {
	for h := range dst {
		var acc [1]T
		multiRowSum(acc[:], len(mask), func(t, _ int) T {
			return T(x[t*stride+h] * T(tokenWeight(mask[t], t, positional)))
		})
		dst[h] = acc[0]
	}
}

// maxTokensRef is maxTokens value by value.
func maxTokensRef[T Float](dst, x []T) {
	for i, v := range x {
		dst[i%len(dst)] = maxRule(dst[i%len(dst)], v)
	}
}

func sameBits[T Float](a, b T) bool {
	if a != a && b != b {
		return true
	}
	return math.Float64bits(float64(a)) == math.Float64bits(float64(b)) && math.Signbit(float64(a)) == math.Signbit(float64(b))
}

// adversarial fills x with values of widely spread magnitudes (so that every
// order of additions rounds differently), a few of them NaN, infinite or zero
// of either sign when special is set.
func adversarial[T Float](r *rand.Rand, x []T, special bool) {
	for i := range x {
		x[i] = T(r.NormFloat64() * math.Pow(10, float64(r.IntN(12)-3)))
		if special {
			switch r.IntN(40) {
			case 0:
				x[i] = T(math.NaN())
			case 1:
				x[i] = T(math.Inf(1 - 2*r.IntN(2)))
			case 2:
				x[i] = T(math.Copysign(0, float64(1-2*r.IntN(2))))
			}
		}
	}
}

// randomMask returns n mask values: ones (the fast path), holes, or
// fractional and negative weights.
func randomMask(r *rand.Rand, n int, kind int) []float32 {
	m := make([]float32, n)
	for i := range m {
		switch kind {
		case 0:
			m[i] = 1
		case 1:
			m[i] = float32(r.IntN(2))
		default:
			m[i] = float32(r.Float64()*2.5 - 0.5)
		}
	}
	return m
}

var kernelTokenCounts = []int{1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 255, 256, 257, 4095, 4096, 4097}

// kernelColumns are the column counts of the contract tests: around the Go
// loops' 8, the vectors (8 and 16 float32), the strips of eight vectors (64
// and 128) and the column blocks of sumTokens (1024).
var kernelColumns = []int{1, 3, 8, 13, 16, 40, 63, 64, 65, 129, 1024 + 8, 1024 + 137}

func TestSumTokensMatchesContract(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range kernelTokenCounts {
		for _, cols := range kernelColumns {
			if n*cols > 1<<20 {
				continue
			}
			for kind := range 3 {
				stride := cols + r.IntN(3)*8
				x := make([]float32, (n-1)*stride+cols) // exactly what the contract allows
				adversarial(r, x, kind == 2)
				mask := randomMask(r, n, kind)
				for _, positional := range []bool{false, true} {
					want := make([]float32, cols)
					sumTokensRef(want, x, stride, mask, positional)
					forEachKernelSet[float32](t, func(t *testing.T, k kernelSet) {
						got := make([]float32, cols)
						sumTokens(k, got, x, stride, mask, positional)
						for h := range want {
							require.True(t, sameBits(got[h], want[h]), "T=%d cols=%d stride=%d mask kind %d positional %v: column %d: got %v, want %v",
								n, cols, stride, kind, positional, h, got[h], want[h])
						}
					})
				}
			}
		}
	}
}

// TestSumTokensLongSequences reaches groups of 32 tokens (T > 2^19), which
// span two weight chunks.
func TestSumTokensLongSequences(t *testing.T) {
	if testing.Short() {
		t.Skip("4M values")
	}
	r := rand.New(rand.NewPCG(9, 10))
	n := 1<<19 + 37
	require.Equal(t, 32, newSchedule(n).step)
	x := make([]float32, n*8)
	adversarial(r, x, false)
	for _, kind := range []int{0, 2} {
		mask := randomMask(r, n, kind)
		want := make([]float32, 8)
		sumTokensRef(want, x, 8, mask, false)
		forEachKernelSet[float32](t, func(t *testing.T, k kernelSet) {
			got := make([]float32, 8)
			sumTokens(k, got, x, 8, mask, false)
			assert.Equal(t, want, got, "mask kind %d", kind)
		})
	}
}

func TestSumTokensFloat64AndIntMasks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{5, 16, 300} {
		for _, cols := range []int{3, 24, 67} {
			x := make([]float64, n*cols)
			adversarial(r, x, false)
			mask := make([]int32, n)
			for i := range mask {
				mask[i] = int32(r.IntN(3))
			}
			want := make([]float64, cols)
			sumTokensRef(want, x, cols, mask, true)
			forEachKernelSet[float64](t, func(t *testing.T, k kernelSet) {
				got := make([]float64, cols)
				sumTokens(k, got, x, cols, mask, true)
				assert.Equal(t, want, got, "T=%d cols=%d", n, cols)
			})
		}
	}
}

func TestMaxTokensMatchesContract(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	negZero := float32(math.Copysign(0, -1))
	values := []float32{0, negZero, 1, -1, 2, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, h := range []int{1, 3, 7, 8, 9, 16, 17, 37, 64, 127, 128, 129, 300} {
		for rows := range 20 {
			values := values
			if rows >= 10 { // maxima that are zeros: ties decide the sign
				values = []float32{0, negZero, -1}
			}
			x := make([]float32, rows*h)
			for i := range x {
				x[i] = values[r.IntN(len(values))]
			}
			start, want := make([]float32, h), make([]float32, h)
			for i := range start {
				start[i] = values[r.IntN(len(values))]
				want[i] = start[i]
			}
			maxTokensRef(want, x)
			forEachKernelSet[float32](t, func(t *testing.T, k kernelSet) {
				got := append([]float32(nil), start...)
				maxTokens(k.max, got, x)
				for i := range want {
					require.True(t, sameBits(got[i], want[i]), "h=%d rows=%d column %d: got %v, want %v", h, rows, i, got[i], want[i])
				}
			})
		}
	}
}

func TestMaxRuleIsTorchs(t *testing.T) {
	nan, negZero := float32(math.NaN()), float32(math.Copysign(0, -1))
	assert.True(t, math.Signbit(float64(maxRule(negZero, 0))), "ties keep the first: -0 then +0 is -0")
	assert.False(t, math.Signbit(float64(maxRule(0, negZero))))
	assert.True(t, math.IsNaN(float64(maxRule(1, nan))), "NaN wins")
	assert.True(t, math.IsNaN(float64(maxRule(nan, float32(5)))), "and stays")
	assert.Equal(t, float32(3), maxRule[float32](2, 3))
}

// TestScheduleIsATens runs ATen's multi_row_sum loop literally (flush a level,
// then break unless the row count is a multiple of the next level's step) and
// compares how many levels each group end moves up.
func TestScheduleIsATens(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, 255, 256, 257, 4096, 65536, 1 << 20} {
		s := newSchedule(n)
		power := max(4, atenCeilLog2(n)/4)
		require.Equal(t, power, s.power, "n=%d", n)
		mask := 1<<power - 1
		for i := s.step; i <= n; i += s.step {
			want := 0
			for j := 1; j < levels; j++ {
				want = j
				if i&(mask<<(j*power)) != 0 {
					break
				}
			}
			require.Equal(t, want, s.depth(i), "n=%d i=%d", n, i)
		}
	}
	assert.Equal(t, 5, newSchedule(1<<20+1).power, "2^20+1 rows: step 32")
	assert.Equal(t, 1, atenCeilLog2(2))
	assert.Equal(t, 2, atenCeilLog2(3))
	assert.Equal(t, 10, atenCeilLog2(1024))
}

func TestFMA32RoundsOnce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	exact := func(a, b, c float32) float32 {
		x := new(big.Float).SetPrec(200).SetFloat64(float64(a))
		x.Mul(x, new(big.Float).SetFloat64(float64(b)))
		x.Add(x, new(big.Float).SetFloat64(float64(c)))
		f, _ := x.Float32()
		return f
	}
	check := func(a, b, c float32) {
		if got, want := fma32(a, b, c), exact(a, b, c); !sameBits(got, want) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", a, b, c, got, want)
		}
	}
	for range 200000 {
		a := math.Float32frombits(r.Uint32()&^(0xff<<23) | uint32(100+r.IntN(56))<<23)
		b := math.Float32frombits(r.Uint32()&^(0xff<<23) | uint32(100+r.IntN(56))<<23)
		c := float32(float64(a) * float64(b) * (r.Float64()*4 - 2))
		check(a, b, c)
	}
	// Double rounding: a*b = 1 + k*2^-47 (0 < k < 2^17) from two 24-bit
	// mantissas, and c puts a*b+c just beyond the float32 midpoint 2^24+1
	// (or just below 2^24+3), where float64 drops the tail and float32's
	// ties-to-even then picks the wrong neighbour.
	var a, b float32
	for m := uint64(11863283); ; m++ { // about 2^23.5
		if k := (m - (1<<47)%m) % m; k > 0 && k < 1<<17 {
			a, b = float32(m)/(1<<23), float32((1<<47+k)/m)/(1<<24)
			break
		}
	}
	require.NotEqual(t, exact(a, b, 1<<24), float32(float64(a)*float64(b)+(1<<24)), "the case defeats a float64 fma")
	check(a, b, 1<<24)
	check(-a, b, 1<<24+4)
	check(1, 1, float32(math.Nextafter32(1, 2)-1)/2) // a true tie: rounds to even
	assert.Equal(t, float32(math.Inf(1)), fma32(float32(math.Inf(1)), 1, 1))
	assert.True(t, math.IsNaN(float64(fma32(float32(math.Inf(1)), 0, 1))))
	assert.True(t, math.IsNaN(float64(fma32(float32(math.NaN()), 1, 1))))
}

// TestIntegerCountIsEveryOrder checks the shortcut of the token count: for
// integer weights below 2^24 in all, every order of ATen's gives the integer
// sum; fractional weights and larger sums take the orders.
func TestIntegerCountIsEveryOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{1, 7, 8, 100, 3000, 4097} {
		for _, positional := range []bool{false, true} {
			if positional && n > 3000 { // sum of |weight| about 3n^2/2: over 2^24
				continue
			}
			ms := make([]int32, n)
			for i := range ms {
				ms[i] = int32(r.IntN(7) - 3)
			}
			fs := make([]float32, n) // the same weights as a float32 mask
			for i, m := range ms {
				fs[i] = float32(m)
			}
			got, ok := integerCount(ms, positional)
			require.True(t, ok, "T=%d", n)
			gotF, ok := integerCount(fs, positional)
			require.True(t, ok, "T=%d, float32 mask", n)
			require.Equal(t, got, gotF)
			for _, o := range []order{orderCascade, orderRowSum, orderContiguous} {
				want := orderedSum(o, n, maxLanes, func(t int) float32 { return tokenWeight(ms[t], t, positional) })
				require.Equal(t, want, got, "T=%d positional %v order %d", n, positional, o)
			}
		}
	}
	_, ok := integerCount([]float32{1, 0.5, 1}, false)
	assert.False(t, ok, "a fractional weight")
	ones := make([]bool, 6000) // positional weights 1..6000 sum to 18003000 > 2^24
	for i := range ones {
		ones[i] = true
	}
	_, ok = integerCount(boolBytes(ones), true)
	assert.False(t, ok, "a sum of 2^24 or more")
	_, ok = integerCount([]int64{1 << 40}, false)
	assert.False(t, ok, "a weight of 2^24 or more")
	_, ok = integerCount([]float32{3e38}, false)
	assert.False(t, ok, "a float32 weight of 2^24 or more")
}
