//go:build !purego

package simdpool

// PLACEHOLDER until the arm64 kernels land: every call falls through to the generic kernels.

func supported(isa ISA) bool { return false }

func maxPoolF32(dst []float32, idx []int64, src []float32, g *Geometry) bool     { return false }
func avgPoolF32(dst, src []float32, g *Geometry, div *Divisor) bool              { return false }
func lpPoolF32(dst, src []float32, g *Geometry, pw *Power) bool                  { return false }
func globalMaxF32(dst []float32, idx []int64, src []float32, planes, n int) bool { return false }
func globalMeanF32(dst, src []float32, planes, n int) bool                       { return false }
