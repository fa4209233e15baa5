// Package layout moves tensors between the channels-first layout (N, C,
// spatial...) and the channels-last one (N, spatial..., C): the copies behind
// the channels-last paths that have no kernel of their own, and the tests'
// permutations of channels-first cases.
package layout

// tile is the side of the square blocks the copies move at once, so that the
// rows read and the rows written both stay in cache.
const tile = 32

// ToLast copies src, images of c planes of n elements each (channels-first),
// into dst as images of n rows of c elements (channels-last). dst and src
// hold images*c*n elements and must not overlap.
func ToLast[E any](dst, src []E, images, c, n int) {
	for im := range images {
		base := im * c * n
		transpose(dst[base:base+c*n], src[base:base+c*n], c, n)
	}
}

// ToFirst is the inverse of ToLast: it copies src, images of n rows of c
// elements, into dst as images of c planes of n elements.
func ToFirst[E any](dst, src []E, images, c, n int) {
	for im := range images {
		base := im * c * n
		transpose(dst[base:base+c*n], src[base:base+c*n], n, c)
	}
}

// transpose writes the rows x cols matrix src, row-major, into dst as its
// cols x rows transpose, row-major.
func transpose[E any](dst, src []E, rows, cols int) {
	for r0 := 0; r0 < rows; r0 += tile {
		r1 := min(r0+tile, rows)
		for c0 := 0; c0 < cols; c0 += tile {
			c1 := min(c0+tile, cols)
			for r := r0; r < r1; r++ {
				row := src[r*cols : r*cols+cols]
				for c := c0; c < c1; c++ {
					dst[c*rows+r] = row[c]
				}
			}
		}
	}
}

// Shape returns the channels-last form of a channels-first shape of a
// pooling over dims spatial dimensions: (N, C, S...) becomes (N, S..., C)
// and (C, S...) becomes (S..., C). A shape of another rank is returned as
// it is.
func Shape(shape []int, dims int) []int {
	out := append([]int(nil), shape...)
	lead := len(shape) - dims
	if lead != 1 && lead != 2 {
		return out
	}
	c := shape[lead-1]
	copy(out[lead-1:], shape[lead:])
	out[len(out)-1] = c
	return out
}

// FirstShape is the inverse of Shape: (N, S..., C) becomes (N, C, S...) and
// (S..., C) becomes (C, S...).
func FirstShape(shape []int, dims int) []int {
	out := append([]int(nil), shape...)
	lead := len(shape) - dims
	if lead != 1 && lead != 2 {
		return out
	}
	c := shape[len(shape)-1]
	copy(out[lead:], shape[lead-1:len(shape)-1])
	out[lead-1] = c
	return out
}

// Split returns the images, channels and spatial elements of a
// channels-first shape of a pooling over dims spatial dimensions ((N, C,
// S...) or (C, S...)), as ToLast and ToFirst take them.
func Split(shape []int, dims int) (images, c, n int) {
	lead := len(shape) - dims
	images, c, n = 1, shape[lead-1], 1
	if lead == 2 {
		images = shape[0]
	}
	for _, s := range shape[lead:] {
		n *= s
	}
	return images, c, n
}
