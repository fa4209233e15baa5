package simdpool

// globalMeanGeneric writes the mean of each plane of n elements.
// TODO(cascade): PyTorch's mean is a cascade sum; this sequential sum is a placeholder.
func globalMeanGeneric[T Float](dst, src []T, planes, n int) {
	for p := range planes {
		var sum T
		for _, v := range src[p*n : (p+1)*n] {
			sum += v
		}
		dst[p] = sum / T(n)
	}
}
