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
