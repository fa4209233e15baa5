package simdpool

import "math"

// The sum loops of the pure-Go window kernels (see window_go_run.go): each
// adds one tap row to the outputs' sums, its taps in order, a square rounded
// to T before it is added (the conversion keeps it from fusing into an FMA).
// One loop per pattern (stride, taps, dilation) and op.

func sumS2K2D1[T Float](acc, in []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(in)-1; j, i = j+1, i+2 {
		acc[j] = acc[j] + in[i] + in[i+1]
	}
}

func sumS2K3D1[T Float](acc, in []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(in)-2; j, i = j+1, i+2 {
		acc[j] = acc[j] + in[i] + in[i+1] + in[i+2]
	}
}

func sumS1K1D1[T Float](acc, in []T) {
	for j := 0; j < len(acc) && j < len(in); j++ {
		acc[j] = acc[j] + in[j]
	}
}

func sumS1K2D1[T Float](acc, in []T) {
	for j := 0; j < len(acc) && j < len(in)-1; j++ {
		acc[j] = acc[j] + in[j] + in[j+1]
	}
}

func sumS1K3D1[T Float](acc, in []T) {
	for j := 0; j < len(acc) && j < len(in)-2; j++ {
		acc[j] = acc[j] + in[j] + in[j+1] + in[j+2]
	}
}

func sumSqS2K2D1[T Float](acc, in []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(in)-1; j, i = j+1, i+2 {
		x, y := in[i], in[i+1]
		acc[j] = acc[j] + T(x*x) + T(y*y)
	}
}

func sumSqS2K3D1[T Float](acc, in []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(in)-2; j, i = j+1, i+2 {
		x, y, z := in[i], in[i+1], in[i+2]
		acc[j] = acc[j] + T(x*x) + T(y*y) + T(z*z)
	}
}

func sumSqS1K1D1[T Float](acc, in []T) {
	for j := 0; j < len(acc) && j < len(in); j++ {
		x := in[j]
		acc[j] = acc[j] + T(x*x)
	}
}

func sumSqS1K2D1[T Float](acc, in []T) {
	for j := 0; j < len(acc) && j < len(in)-1; j++ {
		x, y := in[j], in[j+1]
		acc[j] = acc[j] + T(x*x) + T(y*y)
	}
}

// Whole windows of two or three tap rows, for the common shapes (avg_pool
// 2x2 stride 2 and 3x3 stride 1, lp_pool 2x2): acc[j] is set to +0 plus the
// taps of output j in row-major order.

func sumS2K2D1x2[T Float](acc, r0, r1 []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(r0)-1 && i < len(r1)-1; j, i = j+1, i+2 {
		acc[j] = 0 + r0[i] + r0[i+1] + r1[i] + r1[i+1]
	}
}

func sumSqS2K2D1x2[T Float](acc, r0, r1 []T) {
	for j, i := 0, 0; j < len(acc) && i >= 0 && i < len(r0)-1 && i < len(r1)-1; j, i = j+1, i+2 {
		a, b, c, d := r0[i], r0[i+1], r1[i], r1[i+1]
		acc[j] = 0 + T(a*a) + T(b*b) + T(c*c) + T(d*d)
	}
}

func sumS1K3D1x2[T Float](acc, r0, r1 []T) {
	for j := 0; j < len(acc) && j < len(r0)-2 && j < len(r1)-2; j++ {
		acc[j] = 0 + r0[j] + r0[j+1] + r0[j+2] + r1[j] + r1[j+1] + r1[j+2]
	}
}

func sumS1K3D1x3[T Float](acc, r0, r1, r2 []T) {
	for j := 0; j < len(acc) && j < len(r0)-2 && j < len(r1)-2 && j < len(r2)-2; j++ {
		acc[j] = 0 + r0[j] + r0[j+1] + r0[j+2] + r1[j] + r1[j+1] + r1[j+2] + r2[j] + r2[j+1] + r2[j+2]
	}
}

// postRow turns the sums of a row's outputs into the outputs as a.post says,
// div holding their divisors: sumPostRef over a row.
func postRow[T Float](a *winArgs, sums, div []T) {
	div = div[:len(sums)]
	switch a.post {
	case postSuccessive:
		fD, fH := T(a.fD), T(a.fH)
		for j, s := range sums {
			sums[j] = s / fD / fH / div[j]
		}
	case postLp1:
		vol := T(a.vol)
		for j, s := range sums {
			sums[j] = (0 + s/div[j]) * vol
		}
	case postLp2:
		vol := T(a.vol)
		for j, s := range sums {
			sums[j] = T(math.Sqrt(float64((0 + s/div[j]) * vol)))
		}
	default:
		for j, s := range sums {
			sums[j] = 0 + s/div[j]
		}
	}
}
