package main

/*
#cgo CFLAGS: -O2
#cgo LDFLAGS: -lm -l:libsleef.so.3
#include <math.h>
#include <immintrin.h>

// SLEEF 3.5.1's dispatchers, as PyTorch 1.13's Vectorized<double>::pow and
// Vectorized<float>::pow call them (declared here: libsleef-dev is not needed).
__m256d Sleef_powd4_u10(__m256d, __m256d);
__m256 Sleef_powf8_u10(__m256, __m256);

static int has_avx2_fma(void) {
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static void glibc_pow(const double *x, const double *y, double *r, long n) {
	for (long i = 0; i < n; i++) r[i] = pow(x[i], y[i]);
}

// powl_frac is where x^y lies between two doubles, from x87 powl (64-bit
// mantissa): a cheap filter for inputs near a rounding boundary.
static void powl_frac(const double *x, const double *y, double *f, long n) {
	for (long i = 0; i < n; i++) {
		long double v = powl(fabsl((long double)x[i]), (long double)y[i]);
		int e;
		frexpl(v, &e);
		if (e < -1021) e = -1021;
		long double t = ldexpl(v, 53 - e);
		f[i] = (double)(t - floorl(t));
	}
}

__attribute__((target("avx2,fma"))) static void sleef_powd(const double *x, const double *y, double *r, long n) {
	for (long i = 0; i + 4 <= n; i += 4)
		_mm256_storeu_pd(r + i, Sleef_powd4_u10(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i)));
}

__attribute__((target("avx2,fma"))) static void sleef_powf(const float *x, const float *y, float *r, long n) {
	for (long i = 0; i + 8 <= n; i += 8)
		_mm256_storeu_ps(r + i, Sleef_powf8_u10(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
}
*/
import "C"

import "unsafe"

func hasAVX2FMA() bool { return C.has_avx2_fma() != 0 }

// glibcPow is libm's pow on each pair.
func glibcPow(x, y []float64) []float64 {
	r := make([]float64, len(x))
	if len(x) > 0 {
		C.glibc_pow(dp(x), dp(y), dp(r), C.long(len(x)))
	}
	return r
}

// powlFrac is the position of |x|^y between two doubles in ULPs, per powl.
func powlFrac(x, y []float64) []float64 {
	r := make([]float64, len(x))
	if len(x) > 0 {
		C.powl_frac(dp(x), dp(y), dp(r), C.long(len(x)))
	}
	return r
}

// sleefPowD is Sleef_powd4_u10 on each pair (len a multiple of 4).
func sleefPowD(x, y []float64) []float64 {
	r := make([]float64, len(x))
	if len(x) > 0 {
		C.sleef_powd(dp(x), dp(y), dp(r), C.long(len(x)))
	}
	return r
}

// sleefPowF is Sleef_powf8_u10 on each pair (len a multiple of 8).
func sleefPowF(x, y []float32) []float32 {
	r := make([]float32, len(x))
	if len(x) > 0 {
		C.sleef_powf((*C.float)(unsafe.Pointer(&x[0])), (*C.float)(unsafe.Pointer(&y[0])), (*C.float)(unsafe.Pointer(&r[0])), C.long(len(x)))
	}
	return r
}

func dp(s []float64) *C.double { return (*C.double)(unsafe.Pointer(&s[0])) }
