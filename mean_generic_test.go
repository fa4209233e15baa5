package simdpool

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	meanNaN  = float32(math.NaN())
	meanInf  = float32(math.Inf(1))
	meanNInf = float32(math.Inf(-1))
)

// meanOne returns globalMeanGeneric of a single plane.
func meanOne[T Float](x []T) T {
	dst := []T{42}
	globalMeanGeneric(dst, x, 1, len(x))
	return dst[0]
}

// sameBits32 reports bitwise equality, any NaN matching any NaN.
func sameBits32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// Planes taken from ../shared/golden/adaptive_avg_pool.json (PyTorch 1.13.1,
// AVX2, one thread): the input of one (n, c) plane and the float32 bits torch
// returned for its mean. A sequential float32 sum, or the tail added after the
// lanes instead of before, misses some of them by an ULP or more.
var meanGoldenPlanes = []struct {
	name string
	want uint32
	x    []float32
}{
	{"adaptive_avg_pool1d/sweep1d/o(1)/1x17x7/nan plane 1", 0x3e125f12, []float32{-0.84134895, 0.6326236, -0.039649412, 0.35343733, 0.485255, 0.10927179, 0.30099615}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/1x17x7/nan plane 5", 0x7fc00000, []float32{meanNaN, 1.0542055, meanNaN, 0.7828254, 0.17306538, -0.54169285, meanNaN}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/1x17x7/nan plane 8", 0x3d63873e, []float32{0.09429836, -0.2930538, 1.4807065, -0.14655824, 0.9838486, -1.6686469, -0.06175213}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/1x17x7/nan plane 11", 0xbd0e37b2, []float32{0.1522852, 0.673661, -1.2700111, -0.4390397, -0.8875885, 0.8140655, 0.7135799}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/1x17x7/nan plane 15", 0x3d7346c0, []float32{1.0202193, -0.92907196, -0.25560603, -1.1417166, 0.0316962, 1.6250353, 0.06519922}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/2x1x15/normal plane 0", 0x3c1f4763, []float32{-0.5357433, 0.26980785, 0.11805981, -0.55313694, 0.04758064, 0.66934794, -0.21035232, -0.070038825, -0.48243758, 1.6155417, 0.7464827, 0.3367165, -1.3665391, -0.55037344, 0.11090874}},
	{"adaptive_avg_pool1d/sweep1d/o(1)/2x1x15/normal plane 1", 0x3dc21471, []float32{-0.86001307, 1.0745203, 0.9045505, 0.03249297, -0.29014105, -1.1310209, 1.3311206, 0.25580218, -0.6694144, 0.819797, -0.32113445, -0.09559476, -0.42314076, 0.69608366, 0.09757535}},
	{"adaptive_avg_pool1d/sweep1d/o1/3x33/normal plane 0", 0xbd68ee83, []float32{0.058019157, 0.24479002, -0.82095635, 0.5374393, -0.029662665, -0.95956254, -0.69431597, -0.70303524, 0.44663656, 0.64830476, -0.18590827, -0.6424081, 0.2802807, -0.2512084, -2.2009633, -0.9107604, 1.8203651, -0.43147913, -0.64426273, 1.2440227, -2.133795, 0.67923194, -0.32503295, 1.8474331, 0.80139184, -1.3600453, 2.9930434, -0.7337222, 0.27494282, -0.24627079, -0.112658806, 0.2605894, -0.62708974}},
	{"adaptive_avg_pool1d/sweep1d/o1/3x33/normal plane 1", 0x3d0d8ff1, []float32{-0.17565165, -0.3031991, 0.041701943, 0.9529027, 1.090839, -0.47457093, 0.36172196, -0.13543384, 0.45224214, -2.4300573, 0.7560507, 0.68499434, 0.9334358, 0.95904195, 1.1342894, -0.9383117, -1.8347502, 0.1992607, 1.0745687, -0.08903987, -1.0002065, -0.13573503, -0.35956421, -1.489192, 0.72536963, 1.2649709, 0.662186, -0.20637436, -1.1919235, 0.7553186, -0.49828577, 0.6733128, -0.3193949}},
	{"adaptive_avg_pool1d/sweep1d/o1/3x33/normal plane 2", 0xbd7fe3e3, []float32{-0.6327865, -0.35048667, 0.07198243, 0.23860906, 0.1744378, 0.78388727, -0.7759423, 0.42144415, 0.8616007, 0.36451548, 0.18190284, 0.3030131, 0.9328245, 0.44494078, -1.4436812, 0.30705053, -1.5210439, 1.068956, -1.7157509, 2.0431714, -0.6821406, 0.006789055, 0.10423355, -2.0653176, 2.146405, -0.85963315, 0.21899918, -0.6117202, -1.2160808, 0.8670818, -0.047644123, -0.85307485, -0.82815707}},
	{"adaptive_avg_pool1d/sweep1d/o1/2x1x65/normal plane 0", 0xbab9519a, []float32{-0.21999563, -0.87305367, 1.4572345, 0.88280725, -1.0824708, 1.7860343, 1.056961, -0.7833685, -0.37565497, -0.049560916, 1.281608, -0.23942074, -0.5847955, 0.16415727, 0.5475341, 0.5438754, -0.979413, -1.4291406, 0.36408177, -0.8994426, 1.08924, 2.4057546, 1.4123539, -1.0521631, 0.73505455, -0.4824326, -0.86632264, 0.94538915, 0.1818676, -1.0187464, 0.65669036, 1.6401868, -1.3994621, 0.51842993, -0.41768393, 0.49457294, -0.38158107, 0.25937054, -0.7002314, -0.10536573, -0.26738584, 1.1775402, 0.055969987, -2.6817446, -1.2880604, 0.4699185, -1.6277255, -0.17546591, 0.9372463, -0.42748913, -0.22485545, 0.087468155, 0.044696454, -0.4872573, 0.4306866, -0.5574591, -1.1277306, -0.037856065, 0.735245, -0.78455365, -1.1840006, -0.1001988, -0.33459693, 0.42558882, 2.3672206}},
	{"adaptive_avg_pool1d/sweep1d/o1/2x1x65/normal plane 1", 0xbc2f79a3, []float32{0.9735025, 1.9504801, 0.9809405, 0.09901849, -0.3958221, -0.69143677, 0.8246743, -1.2941942, 0.49516568, 0.61950684, 0.12060195, -0.37561867, 0.9313467, -1.5261652, 0.565147, -1.029712, 0.90952766, 0.66416395, -0.84211004, -1.3368039, 1.2917165, 0.22582272, 0.20524295, 0.5165062, -0.050874986, -0.47821808, 1.4032079, -2.2007504, -0.42006162, 0.15339483, 1.1685386, 0.539994, 1.1397868, -2.0414212, -0.34430015, 0.6120005, -1.0006475, -0.013002164, 0.6037741, 2.3823414, -0.39159253, -0.48385024, 1.0830474, 1.7184305, 0.9301991, -1.7378464, -0.0065334346, -1.0078201, -0.8754643, -1.3366513, -2.192515, 0.9356483, 0.19971682, -0.3209192, 0.6043235, 0.11603044, -0.187652, -0.12517826, -2.5273552, 0.27974814, 0.11135131, 0.8460719, 0.16712482, -1.5575303, -0.2722068}},
}

func TestMeanGoldenPlanes(t *testing.T) {
	for _, c := range meanGoldenPlanes {
		got := meanOne(c.x)
		assert.Truef(t, sameBits32(got, math.Float32frombits(c.want)),
			"%s: got %v (%#08x), want %v (%#08x)", c.name, got, math.Float32bits(got), math.Float32frombits(c.want), c.want)
	}
}

// meanSequential is the plain sequential float32 sum from +0 divided by n.
func meanSequential(x []float32) float32 {
	var s float32
	for _, v := range x {
		s += v
	}
	return s / float32(len(x))
}

func TestMeanShortPlanesAreSequential(t *testing.T) {
	// Fewer than 4 elements: ATen's scalar row sum is a running sum from +0.
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 3; n++ {
		for range 200 {
			x := meanRandom(rng, n)
			require.True(t, sameBits32(meanSequential(x), meanOne(x)), "n=%d x=%v", n, x)
		}
	}
}

func TestMeanScalarPathOrder(t *testing.T) {
	// 4 <= n < 8 (float32): four scalar accumulators; elements 4.. go into the
	// first one, which then takes the other three: ((x0+x4)+x1)+x2)+x3.
	// A sequential sum would give 1/5 and 0 here.
	assert.Equal(t, float32(0), meanOne([]float32{1e8, 1, -1e8, 0, 1}))
	assert.Equal(t, float32(1)/6, meanOne([]float32{0, 0, 0, 1, 1e8, -1e8}))
	assert.Equal(t, float32(0), meanSequential([]float32{0, 0, 0, 1, 1e8, -1e8}))
}

func TestMeanTailBeforeLanes(t *testing.T) {
	// n = 9: one vector and one tail element. The tail element is added to +0
	// first, then lanes 0..7: ((x8 + x0) + x1) ... A sequential sum gives 0.
	x := []float32{-1e8, 1, 0, 0, 0, 0, 0, 0, 1e8}
	assert.Equal(t, float32(1)/9, meanOne(x))
	assert.Equal(t, float32(0), meanSequential(x))
}

func TestMeanFloat64UsesFourLanes(t *testing.T) {
	// float64 follows Vectorized<double> on AVX2: 4 lanes, so n = 6 is one
	// vector plus a tail of two, summed first: ((x4+x5)+x0)+x1)+x2)+x3.
	// The float32 scalar-path order ((x0+x4)+x5)+... would give 0.
	assert.Equal(t, 1.0/6, meanOne([]float64{1, 0, 0, 0, 1e17, -1e17}))
	// float32 with the same structure of values: 1e8 absorbs the 1 first.
	assert.Equal(t, float32(0), meanOne([]float32{1, 0, 0, 0, 1e8, -1e8}))
}

func TestMeanPermutationWithinAccumulator(t *testing.T) {
	// With 2 rows of 4 vectors (n = 64 float32), each of the 32 accumulators
	// holds exactly two elements, x[j] and x[j+32], added to +0: swapping
	// them is bitwise neutral. Swapping elements of different lanes is not.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50 {
		x := meanRandom(rng, 64)
		want := meanOne(x)
		for j := range 32 {
			y := slices.Clone(x)
			y[j], y[j+32] = y[j+32], y[j]
			require.True(t, sameBits32(want, meanOne(y)), "swap %d<->%d", j, j+32)
		}
	}
	x := make([]float32, 64)
	x[0], x[1], x[2], x[3] = 1e8, 1, -1e8, 1 // lanes: ((1e8+1)-1e8)+1 = 1
	assert.Equal(t, float32(1)/64, meanOne(x))
	x[0], x[3] = x[3], x[0] // lanes: ((1+1)-1e8)+1e8 = 0
	assert.Equal(t, float32(0), meanOne(x))
}

func TestMeanSpecialValues(t *testing.T) {
	for _, n := range []int{1, 3, 5, 7, 8, 9, 31, 32, 33, 64, 100, 1000} {
		for _, pos := range []int{0, n / 2, n - 1} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i%7) - 3
			}
			x[pos] = meanNaN
			assert.True(t, math.IsNaN(float64(meanOne(x))), "NaN n=%d pos=%d", n, pos)
			x[pos] = meanInf
			assert.Equal(t, meanInf, meanOne(x), "+Inf n=%d pos=%d", n, pos)
			x[pos] = meanNInf
			assert.Equal(t, meanNInf, meanOne(x), "-Inf n=%d pos=%d", n, pos)
			if n > 1 {
				x[(pos+1)%n] = meanInf
				assert.True(t, math.IsNaN(float64(meanOne(x))), "+Inf-Inf n=%d pos=%d", n, pos)
			}
		}
		// All -0: the sum starts at +0, so the mean is +0 as in torch.
		z := make([]float32, n)
		for i := range z {
			z[i] = float32(math.Copysign(0, -1))
		}
		assert.Equal(t, uint32(0), math.Float32bits(meanOne(z)), "-0 plane n=%d", n)
		// Overflow of a partial sum gives +Inf, not a finite float64-style mean.
		big := make([]float32, n)
		for i := range big {
			big[i] = math.MaxFloat32
		}
		if n > 1 {
			assert.Equal(t, meanInf, meanOne(big), "overflow n=%d", n)
		} else {
			assert.Equal(t, float32(math.MaxFloat32), meanOne(big))
		}
	}
}

func TestMeanEmptyPlanes(t *testing.T) {
	// n = 0 is rejected by the planner, but must not panic: torch's mean of
	// an empty tensor is 0/0 = NaN.
	dst := []float32{1, 2, 3}
	require.NotPanics(t, func() { globalMeanGeneric(dst[:2], nil, 2, 0) })
	assert.True(t, math.IsNaN(float64(dst[0])))
	assert.True(t, math.IsNaN(float64(dst[1])))
	assert.Equal(t, float32(3), dst[2], "wrote past planes")
	globalMeanGeneric(dst[:0], []float32{}, 0, 7) // no planes: no writes
	assert.Equal(t, float32(3), dst[2])
}

func TestMeanPlanesIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const planes, n = 5, 77
	src := meanRandom(rng, planes*n)
	dst := make([]float32, planes+1)
	dst[planes] = -7
	globalMeanGeneric(dst[:planes], src, planes, n)
	for p := range planes {
		assert.True(t, sameBits32(meanOne(src[p*n:(p+1)*n]), dst[p]), "plane %d", p)
	}
	assert.Equal(t, float32(-7), dst[planes], "guard word")
}

func TestMeanAtenCeilLog2(t *testing.T) {
	for x, want := range map[int]int{0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 16: 4, 17: 5,
		1 << 19: 19, 1<<19 + 1: 20, 1 << 20: 20} {
		assert.Equal(t, want, atenCeilLog2(x), "CeilLog2(%d)", x)
	}
}

// meanModelSum is an independent model of ATen's cascade_sum for an inner
// contiguous reduction, written in the shape of its loops (vectors of lanes
// elements; row_sum over rows of 4 vectors; multi_row_sum's 4-level cascade;
// then the scalar tail and the horizontal lane sum), to check the flattened
// loops of cascadeSum on sizes where the cascade's upper levels engage.
func meanModelSum[T Float](x []T, lanes int) T {
	n := len(x)
	if n < lanes {
		lanes = 1
	}
	vecAt := func(v int) []T { return x[v*lanes : (v+1)*lanes] }
	vadd := func(dst, src []T) {
		for l := range dst {
			dst[l] += src[l]
		}
	}
	nvec := n / lanes
	nrow := nvec / 4

	ceilLog2 := 1
	for 1<<ceilLog2 < nrow {
		ceilLog2++
	}
	power := max(4, ceilLog2/4)
	var acc [4][4][]T
	for lv := range acc {
		for k := range acc[lv] {
			acc[lv][k] = make([]T, lanes)
		}
	}
	i := 0
	for i+(1<<power) <= nrow {
		for range 1 << power {
			for k := range 4 {
				vadd(acc[0][k], vecAt(4*i+k))
			}
			i++
		}
		for lv := 1; lv < 4; lv++ {
			for k := range 4 {
				vadd(acc[lv][k], acc[lv-1][k])
				clear(acc[lv-1][k])
			}
			if i%(1<<((lv+1)*power)) != 0 {
				break
			}
		}
	}
	for ; i < nrow; i++ {
		for k := range 4 {
			vadd(acc[0][k], vecAt(4*i+k))
		}
	}
	for lv := 1; lv < 4; lv++ {
		for k := range 4 {
			vadd(acc[0][k], acc[lv][k])
		}
	}
	for v := 4 * nrow; v < nvec; v++ {
		vadd(acc[0][0], vecAt(v))
	}
	for k := 1; k < 4; k++ {
		vadd(acc[0][0], acc[0][k])
	}
	var s T
	for _, e := range x[nvec*lanes:] {
		s += e
	}
	for _, e := range acc[0][0] {
		s += e
	}
	return 0 + s
}

func TestMeanMatchesLoopModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var sizes []int
	for n := range 4*32 + 4 {
		sizes = append(sizes, n)
	}
	// Around 16, 256 and 4096 rows of 32 float32: the cascade's level 1, 2
	// and 3 transitions (level 3 only changes bits once it is added to twice,
	// from 8192 rows on).
	for _, rows := range []int{15, 16, 17, 31, 32, 33, 255, 256, 257, 272, 4095, 4096, 4097, 8191, 8192, 8193, 3*4096 + 5} {
		for _, extra := range []int{0, 7, 8, 31} {
			sizes = append(sizes, rows*32+extra)
		}
	}
	if testing.Short() {
		sizes = slices.DeleteFunc(sizes, func(n int) bool { return n > 20000 })
	}
	for _, n := range sizes {
		x := meanRandom(rng, n)
		want := meanModelSum(x, 8) / float32(n)
		require.True(t, sameBits32(want, meanOne(x)), "float32 n=%d", n)
		x64 := make([]float64, n)
		for i, v := range x {
			x64[i] = float64(v) * (1 + 1e-9*float64(i%13))
		}
		want64 := meanModelSum(x64, 4) / float64(n)
		got64 := meanOne(x64)
		require.True(t, want64 == got64 || (want64 != want64 && got64 != got64), "float64 n=%d", n)
	}
}

func TestMeanCascadeDiffersFromSequential(t *testing.T) {
	// Guards against the cascade being short-circuited: on a long plane of
	// values with a wide range the cascade and a sequential sum disagree.
	rng := rand.New(rand.NewPCG(9, 10))
	x := meanRandom(rng, 300*32)
	for i := range x {
		x[i] += 100
	}
	assert.NotEqual(t, meanSequential(x), meanOne(x))
}

// meanRandom returns n float32 values of mixed magnitudes, so that the order
// of additions shows in the last bits.
func meanRandom(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(12)-6)))
	}
	return x
}
