package pool

import "unsafe"

// uniform is a counter-based generator: the value for (seed, i) does not
// depend on which other values were drawn, in what order or on how many
// goroutines, which keeps seeded operators reproducible however the work is
// split. It returns a float in [0, 1) with as many random bits as T holds
// exactly (24 for float32, 53 for float64), from SplitMix64's finaliser.
func uniform[T Float](seed, i uint64) T {
	z := seed + (i+1)*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	if unsafe.Sizeof(T(0)) == 4 {
		return T(z>>40) / (1 << 24)
	}
	return T(z>>11) / (1 << 53)
}
