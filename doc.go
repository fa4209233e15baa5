// Package simdpool holds the kernels behind the pooling operators of package
// github.com/simdpool/simdpool/pool: the pure-Go generic kernels, which run on
// every GOARCH and are the test oracle, and the SIMD kernels picked at run time.
//
// Most users want package pool, which validates arguments and plans the work.
// The kernels here trust their arguments: they never validate, never allocate,
// and never read or write outside the slices they are given, provided the
// Geometry matches the slice lengths (the plans in package pool guarantee it).
//
// The environment variable SIMDPOOL_ISA (generic, avx2, avx512 or neon) forces an
// instruction set (empty means unset); naming one this machine or build cannot
// run is reported by ISAError, and package pool refuses to plan while it is set.
package simdpool
