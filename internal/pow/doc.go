// Package pow reproduces, bit for bit and in pure Go on every GOARCH, the pow
// functions PyTorch 1.13 calls for x.pow(p) with a scalar p on an x86-64 CPU
// with AVX2 and FMA (its default CPU capability there, AVX2):
//
//   - Glibc: glibc 2.36's pow (the __pow_fma variant), which PyTorch's scalar
//     loop calls through std::pow on the last numel%block elements of a
//     tensor (block: two AVX2 vectors, 8 doubles or 16 floats); for float32
//     it runs on the promoted double, and the result is rounded to float32.
//   - Sleef64: SLEEF 3.5.1's Sleef_powd4_u10 (avx2), which
//     Vectorized<double>::pow calls on the whole blocks.
//   - Sleef32: SLEEF 3.5.1's Sleef_powf8_u10 (avx2), which
//     Vectorized<float>::pow calls on the whole blocks, with the exponent
//     rounded to float32.
//
// None of them is correctly rounded: glibc's pow misrounds about 1 in 1500
// random inputs (its documented bound is 0.54 ULP), SLEEF's are within 1 ULP.
// The tests compare all three with a table recorded from the C libraries
// (testdata/oraclegen) and glibc's tables with their documented construction
// (package exact). PyTorch's exact shortcuts for some exponents (0, 1, 2, 3,
// 0.5, -0.5, -1, -2) are the caller's business.
package pow
