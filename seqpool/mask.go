package seqpool

import (
	"math"
	"unsafe"
)

// maskNum is a mask as the kernels read it: a bool mask is read as its bytes
// (Go stores false as 0 and true as 1), so that every mask converts to a
// weight with one float32 conversion.
type maskNum interface {
	int64 | int32 | uint8 | float32
}

// boolBytes reinterprets a bool mask as bytes of value 0 and 1.
func boolBytes(m []bool) []uint8 {
	return unsafe.Slice((*uint8)(unsafe.Pointer(unsafe.SliceData(m))), len(m))
}

// isFloatMask reports whether M is float32. PyTorch's .float() returns such a
// mask unchanged (a broadcast view) but copies every other mask into a new
// float32 tensor, and the token count is summed in a different order in the
// two cases.
func isFloatMask[M Mask]() bool {
	var zero M
	_, ok := any(zero).(float32)
	return ok
}

// firstNonFinite returns the index of the first NaN or infinity in m, or -1.
func firstNonFinite(m []float32) int {
	for i, v := range m {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// tokenWeight is the float32 weight of token t with mask value m, as
// sentence-transformers computes it: mask.float(), times the position t+1
// (torch.arange(1, T+1).float(), rounded to float32 with the product) for the
// position-weighted mean.
func tokenWeight[N maskNum](m N, t int, positional bool) float32 {
	w := float32(m)
	if positional {
		w = float32(w * float32(t+1))
	}
	return w
}

// integerCount returns the sum of the weights of the tokens, and true, when
// every weight is an integer and their magnitudes sum to less than 2^24:
// then every partial sum is an integer that float32 holds exactly, so every
// order of additions gives this sum (up to the sign of a zero, which the
// clamp of the count makes irrelevant). Otherwise it returns false, and the
// count takes ATen's order.
func integerCount[N maskNum](ms []N, positional bool) (float32, bool) {
	const limit = 1 << 24
	_, isFloat := any(ms).([]float32)
	var sum, abs int64
	for t, m := range ms {
		// v = m as an integer: for an integer mask type, m itself, and its
		// float32 weight is v when |v| < 2^24; for a float32 mask, only when
		// m is an integer.
		var v int64
		if isFloat {
			f := float32(m)
			if !(f > -limit && f < limit) || float32(int64(f)) != f {
				return 0, false
			}
			v = int64(f)
		} else if v = int64(m); v <= -limit || v >= limit {
			return 0, false
		}
		if positional { // |v*(t+1)| < 2^24 below: the float32 product is exact
			v *= int64(t + 1)
		}
		sum += v
		abs += max(v, -v)
		if abs >= limit {
			return 0, false
		}
	}
	return float32(sum), true
}
