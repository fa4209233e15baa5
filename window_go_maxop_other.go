//go:build !(386 || amd64)

package simdpool

// Elsewhere Go's max of floats is one instruction (FMAX on arm64) or a call:
// the max loops fold the values themselves (see window_go_maxop_x86.go).

func maxIn[T Float](x T) T { return x }

func maxOut[T Float](x T) T { return x }

func maxOf[T Float](a, b T) T { return max(a, b) }
