package pool

import (
	"math"
	"slices"
)

// The limits on sizes (see "Limits" in the package doc).
const (
	// maxElems bounds every tensor a plan is made for (input, output,
	// indices) and every dimension of one: 2^37 elements on 64-bit platforms,
	// 2^40 bytes of float64 or int64, which every 64-bit Go runtime can
	// allocate (most allow 2^48 bytes, iOS 2^40), and 2^28-1 on 32-bit ones.
	maxElems = min(1<<37, math.MaxInt>>3)
	// int32Arg is the largest size argument of the operators PyTorch 1.13
	// passes to C++ int (every pooling but max_pool1d, max unpooling,
	// fractional and adaptive pooling, and avg_pool1d/2d's divisor_override).
	int32Arg = math.MaxInt32
	// int64Arg is the largest size argument of the others: any int.
	int64Arg = math.MaxInt
)

// tensorElements checks that shape is the shape of a tensor a plan can be
// made for and returns its element count: sizes between 0 and maxElems, at
// most maxElems elements.
func tensorElements(op, arg string, shape []int) (int, error) {
	for _, s := range shape {
		if s < 0 || s > maxElems {
			return 0, errorf(op, arg, "sizes must be between 0 and %d, got shape %v", maxElems, shape)
		}
	}
	n, ok := elements(shape)
	if !ok {
		return 0, errorf(op, arg, "has more than %d elements, shape %v", maxElems, shape)
	}
	return n, nil
}

// elements multiplies sizes of at most maxElems each, reporting false when
// the product exceeds maxElems. A zero size makes the product 0 whatever the
// other sizes are.
func elements(sizes []int) (int, bool) {
	if slices.Contains(sizes, 0) {
		return 0, true
	}
	n := 1
	for _, s := range sizes {
		if n > maxElems/s {
			return 0, false
		}
		n *= s
	}
	return n, true
}

// mulInt returns a*b for non-negative a and b, reporting false when the
// product does not fit an int.
func mulInt(a, b int) (int, bool) {
	if a != 0 && b > math.MaxInt/a {
		return 0, false
	}
	return a * b, true
}

// addInt returns a+b, reporting false when the sum does not fit an int.
func addInt(a, b int) (int, bool) {
	c := a + b
	return c, (c > a) == (b > 0)
}

// satAdd returns a+b clamped to the int range.
func satAdd(a, b int) int {
	c, ok := addInt(a, b)
	switch {
	case ok:
		return c
	case b > 0:
		return math.MaxInt
	}
	return math.MinInt
}
