package simdpool

// The exported kernels. Each takes whole batches of planes per call and picks
// the best implementation for the element type and the ISA in use; float64
// always runs the generic kernels.

// MaxPool writes the maximum of every window of g into dst and, when idx is not
// nil, the flat index of that maximum inside its plane.
// len(src) must be g.Planes*g.InPlane(); len(dst) (and len(idx)) g.Planes*g.OutPlane().
func MaxPool[T Float](dst []T, idx []int64, src []T, g *Geometry) {
	if d, ok := any(dst).([]float32); ok && maxPoolF32(d, idx, any(src).([]float32), g) {
		return
	}
	maxPoolGeneric(dst, idx, src, g)
}

// AvgPool writes the average of every window of g (dilation 1) into dst,
// dividing each window's sum as div says.
func AvgPool[T Float](dst, src []T, g *Geometry, div *Divisor) {
	if d, ok := any(dst).([]float32); ok && avgPoolF32(d, any(src).([]float32), g, div) {
		return
	}
	avgPoolGeneric(dst, src, g, div)
}

// LpPool writes PyTorch's power-average of every window of g (dilation 1, no padding).
func LpPool[T Float](dst, src []T, g *Geometry, pw *Power) {
	if d, ok := any(dst).([]float32); ok && lpPoolF32(d, any(src).([]float32), g, pw) {
		return
	}
	lpPoolGeneric(dst, src, g, pw)
}

// GlobalMax writes the maximum of each of planes planes of n elements, and its
// index when idx is not nil.
func GlobalMax[T Float](dst []T, idx []int64, src []T, planes, n int) {
	if d, ok := any(dst).([]float32); ok && globalMaxF32(d, idx, any(src).([]float32), planes, n) {
		return
	}
	globalMaxGeneric(dst, idx, src, planes, n)
}

// GlobalMean writes the mean of each of planes planes of n elements, summed as
// PyTorch's mean sums.
func GlobalMean[T Float](dst, src []T, planes, n int) {
	if d, ok := any(dst).([]float32); ok && globalMeanF32(d, any(src).([]float32), planes, n) {
		return
	}
	globalMeanGeneric(dst, src, planes, n)
}
