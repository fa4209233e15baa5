//go:build 386 || amd64

package simdpool

// On x86, Go's max(a, b) of floats is -min(-a, -b), min being two MINSS
// whose results are ORed (so that NaNs and -0 win): a chain of maxima
// negates its values at every step. The max loops instead negate each value
// once (maxIn), fold the negated values with min (maxOf) and negate the
// result (maxOut): the same bits, as negation is exact and min's zeros and
// NaNs mirror max's (max(-0, +0) = +0 = -min(+0, -0)).

func maxIn[T Float](x T) T { return -x }

func maxOut[T Float](x T) T { return -x }

func maxOf[T Float](a, b T) T { return min(a, b) }
