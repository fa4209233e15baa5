package simdpool

import (
	"math/bits"
	"unsafe"
)

// PyTorch 1.13 computes mean(x) on the CPU as sum(x) followed by one division by
// the element count, and its float sum is ATen's cascade sum (SumKernel.cpp).
// The generic kernel reproduces the order of additions of the AVX2 build bit for
// bit, because that order decides the last bits of the result (a sequential sum
// is off by up to ~40 ULP, a 16-lane AVX-512 order by up to ~95 ULP).
//
// For a plane of n contiguous elements and vectors of L lanes (AVX2: 8 float32
// or 4 float64; L = 1 when n < 8 for float32, n < 4 for float64, where ATen
// takes its scalar path, which has the same structure):
//
//  1. The plane is read as rows of meanILP vectors, i.e. rows of W = meanILP*L
//     consecutive elements; there are n / W whole rows. They are added, element
//     by element, into W accumulators through a cascade of meanLevels levels:
//     every 2^p rows the level-0 accumulators are added into level 1 and reset;
//     every 2^(2p) rows level 1 goes on into level 2, and so on, level 3 never
//     being reset. p = max(4, ceilLog2(rows)/4), so p = 4 up to 2^19 rows
//     (16M float32 elements).
//     Rows after the last whole 2^p group go straight into level 0. Then
//     level 0 += level 1, += level 2, += level 3.
//  2. The remaining whole vectors (at most meanILP-1 of them) are added into
//     the first vector accumulator, then accumulators 1..meanILP-1 are added
//     into the first one, lane by lane.
//  3. A scalar starts at +0; the elements after the last whole vector are added
//     to it in order, and then the L lanes of the first accumulator, in order.
//  4. ATen adds that scalar into a zero-filled output, a no-op here because the
//     scalar cannot be -0 (it starts at +0, and round-to-nearest never turns
//     +0 + y into -0).
//  5. mean = sum / T(n), one rounding (n converted to T first, as torch
//     converts the integer divisor to the tensor's dtype). n = 0 gives
//     0/0 = NaN, torch's mean of an empty tensor.
//
// float32 is checked bit for bit against PyTorch's outputs; float64 follows the
// same code with 4-lane vectors (ATen's Vectorized<double>), untested against
// torch.
//
// Only additions and one division occur, so no platform can fuse anything into
// an FMA and the result is the same on every architecture.
const (
	meanILP      = 4 // independent vector accumulators (ATen's ilp_factor)
	meanLevels   = 4 // cascade levels (ATen's num_levels)
	meanMinPower = 4 // smallest log2 of the cascade step (ATen: groups of >= 16 rows)
	meanMaxLanes = 8 // AVX2 float32 lanes, the widest case
	meanMaxWidth = meanILP * meanMaxLanes
	meanF32Lanes = 8 // Vectorized<float> on AVX2
	meanF64Lanes = 4 // Vectorized<double> on AVX2
)

// globalMeanGeneric writes the mean of each of planes contiguous planes of n
// elements, summed in the order of PyTorch 1.13's AVX2 cascade sum.
func globalMeanGeneric[T Float](dst, src []T, planes, n int) {
	for p := range planes {
		dst[p] = cascadeSum(src[p*n:p*n+n]) / T(n)
	}
}

// cascadeSum returns ATen's AVX2 cascade sum of x (see the comment above).
func cascadeSum[T Float](x []T) T {
	var zero T
	lanes := meanF32Lanes
	if unsafe.Sizeof(zero) == 8 {
		lanes = meanF64Lanes
	}
	n := len(x)
	if n < lanes {
		lanes = 1 // ATen's scalar row sum: same cascade over single elements
	}
	width := meanILP * lanes
	rows := n / width

	var acc [meanLevels][meanMaxWidth]T
	a0 := acc[0][:width]

	power := max(meanMinPower, atenCeilLog2(rows)/meanLevels)
	step := 1 << power
	mask := step - 1
	i := 0 // rows consumed
	for i+step <= rows {
		addRows(a0, x[i*width:(i+step)*width])
		i += step
		for lv := 1; lv < meanLevels; lv++ {
			lo, hi := acc[lv-1][:width], acc[lv][:width]
			for j := range hi {
				hi[j] += lo[j]
				lo[j] = 0
			}
			if i&(mask<<(lv*power)) != 0 {
				break
			}
		}
	}
	addRows(a0, x[i*width:rows*width])
	for lv := 1; lv < meanLevels; lv++ {
		for j, v := range acc[lv][:width] {
			a0[j] += v
		}
	}

	// Whole vectors left over after the last row go into vector accumulator 0,
	// then accumulators 1..meanILP-1 are folded into it.
	vecs := n / lanes
	for v := rows * meanILP; v < vecs; v++ {
		for l, e := range x[v*lanes : v*lanes+lanes] {
			a0[l] += e
		}
	}
	for k := 1; k < meanILP; k++ {
		for l := range lanes {
			a0[l] += a0[k*lanes+l]
		}
	}

	// Horizontal step: the scalar tail first, then the lanes in order.
	var sum T
	for _, e := range x[vecs*lanes:] {
		sum += e
	}
	for _, e := range a0[:lanes] {
		sum += e
	}
	return sum
}

// addRows adds x, read as rows of len(acc) elements, element-wise into acc,
// row after row. len(x) is a multiple of len(acc).
func addRows[T Float](acc, x []T) {
	w := len(acc)
	for ; len(x) >= w; x = x[w:] {
		row := x[:w]
		for j, v := range row {
			acc[j] += v
		}
	}
}

// atenCeilLog2 is ATen's utils::CeilLog2: ceil(log2(x)) for x > 2, else 1.
func atenCeilLog2(x int) int {
	if x <= 2 {
		return 1
	}
	return bits.Len64(uint64(x - 1))
}
