package seqpool

import (
	"math/bits"
	"unsafe"
)

// PyTorch 1.13 sums a float tensor over one dimension with ATen's cascade_sum
// (aten/src/ATen/native/cpu/SumKernel.cpp), whose order of additions depends
// on the layout of the summed tensor and on the column. This file names those
// orders and computes them for one column of values v(0..n-1); sumTokens
// (sum_kernel.go) is the fast form of orderCascade over many columns at once.
// The doc comment of the package lists which order each sum takes.

// order is one of the orders in which ATen adds n values.
type order int

const (
	// orderCascade is multi_row_sum on one column: values are added in order
	// into level 0; after every group of 2^p rows level 0 is added into
	// level 1 and reset; when the row count is also a multiple of 2^(2p),
	// level 1 goes on into level 2, and at 2^(3p) level 2 into level 3.
	// Rows after the last whole group go into level 0, and the result is
	// ((level0 + level1) + level2) + level3, with p = max(4, ceilLog2(n)/4).
	orderCascade order = iota
	// orderRowSum is row_sum: value i goes to partial sum i mod 4; the
	// partials are orderCascade over the n/4 whole quads (four columns), the
	// n mod 4 last values are then added to partial 0, and the result is
	// ((p0 + p1) + p2) + p3.
	orderRowSum
	// orderContiguous is a sum over a dimension of stride 1
	// (vectorized_inner_sum): with n >= L lanes (8 float32, 4 float64 on
	// AVX2), orderRowSum over the n/L whole vectors, lane by lane; then a
	// scalar starting at +0 adds the values after the last whole vector and
	// then the L lanes in order. With n < L it is orderRowSum.
	orderContiguous
)

const (
	levels   = 4  // ATen's num_levels
	minPower = 4  // smallest log2 of the cascade step
	maxLanes = 8  // float32 lanes of an AVX2 vector
	maxWidth = 32 // widest multiRowSum: four vectors of maxLanes
)

// avx2Lanes is the width of ATen's Vectorized<T> in the AVX2 build, the one
// PyTorch 1.13 dispatches to on x86-64 by default: 8 float32 or 4 float64.
func avx2Lanes[T Float]() int {
	var zero T
	return 32 / int(unsafe.Sizeof(zero))
}

// cascadeColumns is the number of leading columns of a (T, H) row-major
// tensor, H > 1, that ATen sums over T with multi_row_sum (orderCascade):
// whole blocks of four vectors (vectorized_outer_sum) when H >= lanes, whole
// blocks of four columns (scalar_outer_sum) otherwise. The remaining columns
// take orderRowSum.
func cascadeColumns(h, lanes int) int {
	if h >= lanes {
		return h / (4 * lanes) * (4 * lanes)
	}
	return h / 4 * 4
}

// schedule is the level schedule of multi_row_sum over n rows.
type schedule struct {
	power, step int
}

func newSchedule(n int) schedule {
	p := max(minPower, atenCeilLog2(n)/levels)
	return schedule{power: p, step: 1 << p}
}

// depth is how many levels receive the level below when the group that ends
// at row i closes (i is a multiple of step): level 1 always, level 2 too when
// i is a multiple of step^2, level 3 too when i is a multiple of step^3.
func (s schedule) depth(i int) int {
	d := 1
	for d < levels-1 && i&((s.step-1)<<(d*s.power)) == 0 {
		d++
	}
	return d
}

// atenCeilLog2 is ATen's utils::CeilLog2: ceil(log2(x)) for x > 2, else 1.
func atenCeilLog2(x int) int {
	if x <= 2 {
		return 1
	}
	return bits.Len64(uint64(x - 1))
}

// multiRowSum sets acc[c], for every c < len(acc) <= maxWidth, to
// orderCascade of v(r, c) over the rows r < n.
func multiRowSum[T Float](acc []T, n int, v func(r, c int) T) {
	w := len(acc)
	var lv [levels][maxWidth]T
	s := newSchedule(n)
	add := func(r int) {
		for c := range w {
			lv[0][c] += v(r, c)
		}
	}
	i := 0
	for i+s.step <= n {
		for range s.step {
			add(i)
			i++
		}
		for l := 1; l <= s.depth(i); l++ {
			for c := range w {
				lv[l][c] += lv[l-1][c]
				lv[l-1][c] = 0
			}
		}
	}
	for ; i < n; i++ {
		add(i)
	}
	for c := range w {
		acc[c] = ((lv[0][c] + lv[1][c]) + lv[2][c]) + lv[3][c]
	}
}

// rowSum is orderRowSum of v(0..n-1).
func rowSum[T Float](n int, v func(i int) T) T {
	var p [4]T
	q := n / 4
	multiRowSum(p[:], q, func(r, c int) T { return v(4*r + c) })
	for i := 4 * q; i < n; i++ {
		p[0] += v(i)
	}
	return ((p[0] + p[1]) + p[2]) + p[3]
}

// contiguousSum is orderContiguous of v(0..n-1) with vectors of lanes values.
func contiguousSum[T Float](n, lanes int, v func(i int) T) T {
	if n < lanes {
		return rowSum(n, v)
	}
	vecs := n / lanes
	q := vecs / 4
	var acc [4 * maxLanes]T // vector k of a quad in acc[k*lanes : (k+1)*lanes]
	multiRowSum(acc[:4*lanes], q, func(r, c int) T { return v(4*r*lanes + c) })
	for k := 4 * q; k < vecs; k++ {
		for l := range lanes {
			acc[l] += v(k*lanes + l)
		}
	}
	for k := 1; k < 4; k++ {
		for l := range lanes {
			acc[l] += acc[k*lanes+l]
		}
	}
	var s T
	for i := vecs * lanes; i < n; i++ {
		s += v(i)
	}
	for _, a := range acc[:lanes] {
		s += a
	}
	return s
}

// orderedSum sums v(0..n-1) in order o (lanes: see orderContiguous).
func orderedSum[T Float](o order, n, lanes int, v func(i int) T) T {
	switch o {
	case orderCascade:
		var acc [1]T
		multiRowSum(acc[:], n, func(r, _ int) T { return v(r) })
		return acc[0]
	case orderRowSum:
		return rowSum(n, v)
	}
	return contiguousSum(n, lanes, v)
}
