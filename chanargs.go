package simdpool

// chanArgs is the argument block of a channels-last kernel: one class of
// output pixels (outputs whose windows have the same taps inside the input)
// of every image of a call, prepared once by a Program (chanlast.go) and
// read-only afterwards. As for winArgs, the generators read its layout from
// this declaration; sizes are in bytes unless they say elements.
//
// What a channels-last window kernel computes, for each image m of its call,
// each slab z in [0, slabs), row r in [0, rows), column j in [0, cols) and
// channel c in [0, c):
//
//	base     = src + m*srcImage + srcOff + z*srcSlab + r*srcRow + j*srcCol
//	tap(a, b, e) = base + a*tapD + b*tapH + e*tapW + c*size, for a in [0, nd),
//	           b in [0, nh), e in [0, nw), visited a-major, e-minor (the
//	           row-major order of PyTorch's loops)
//	out      = dst + m*dstImage + dstOff + z*dstSlab + r*dstRow + j*dstCol + c*size
//
// and reduces the taps as its op says:
//   - max: the first maximum (a later tap replaces it when greater); a window
//     holding a NaN gives the last NaN.
//   - max with index: also the plane index of the tap chosen, idx0 +
//     z*slabIdx + r*rowIdx + j*colIdx + a*idxD + b*idxH + e*idxW, as int64
//     at idx + m*idxImage + idxOff + z*idxSlab + r*idxRow + j*idxCol + c*8.
//   - sum (sumsq): +0 plus each tap (its square, rounded before it is added)
//     in order, then divided as post says (see postAvg) by q[2], or for
//     postSuccessive by q[0], q[1] and q[2] in turn.
//
// Every window has at least one tap (nd, nh, nw >= 1): a Program writes the
// outputs of windows without taps itself. dstCol is c*size and idxCol c*8.
//
// A max kernel may leave an image to its caller, as the window kernels leave
// planes: it returns the number of the first image of its call in which it
// met a NaN (its outputs are then anything), and the caller computes that
// image exactly; otherwise it returns the number of images it was given.
//
// The assembly kernels read a pixel's channels as vectors of L lanes. With c
// >= L (px = 0) they cover the channels with whole vectors, the last one
// starting at c-L and overlapping the one before (its lanes compute the same
// values twice). With c < L (px > 0) a vector holds px whole pixels of one
// row, px*c lanes: lane i is channel i%c of pixel i/c, loaded from element
// perm[i] of the span of (px-1)*srcCol/size + c elements that starts at the
// first pixel's tap (two vectors: lmask0[p] and lmask1[p] say which of their
// lanes a chunk of p pixels loads, smask[p] which lanes it stores); pixIdx[i]
// is lane i's pixel's index step, (i/c)*colIdx.
//
// A mean kernel (op mean) computes, for each image and channel, the mean of
// the channel's n elements (the plane: elements at pixel stride c*size from
// src + m*srcImage, written to dst + m*dstImage + c*size), summed in the order
// of globalMeanGeneric's cascadeSum for a plane of n elements (mean* fields).
// So that no kernel can read or write outside its slices, a Program makes
// these fields only from a Geometry it has checked against the lengths of the
// slices Run is given.
type chanArgs struct {
	c                            int // channels (elements per pixel)
	srcImage, dstImage, idxImage int // between images
	srcOff, dstOff, idxOff       int // from an image's first input, output, index to the class's first window's first tap, first output, first index
	slabs, rows, cols            int // output depths, rows and columns of the class
	srcSlab, dstSlab, idxSlab    int // between consecutive slabs
	srcRow, dstRow, idxRow       int // between consecutive rows
	srcCol, dstCol, idxCol       int // between consecutive columns

	nd, nh, nw       int // the taps of every window
	tapD, tapH, tapW int // between consecutive taps along each axis

	idx0                    int // max with index: the plane index of the class's first window's first tap
	idxD, idxH, idxW        int // per tap along each axis
	slabIdx, rowIdx, colIdx int // per output along each axis

	nanFree int32 // max: 1 when the Program checks every image for NaNs before the kernel runs on it: the kernel need not look for them

	px     int      // narrow chunks (see above): pixels per vector, or 0
	perm   [64]byte // narrow: lane i's element in the span (uint32 lanes for float32, uint64 for float64)
	pixIdx [64]byte // narrow, max with index: lane i's pixel's index step (int32 lanes for float32, int64 for float64)
	lmask0 [maxPx + 1]uint64
	lmask1 [maxPx + 1]uint64
	smask  [maxPx + 1]uint64

	post int32     // sums: postAvg, postSuccessive, postLp1 or postLp2
	pow2 int32     // sums: bit i set when q[i] is a power of two (multiplying by rq[i] is exact)
	ones int32     // sums: bit i set when q[i] is 1 (dividing changes nothing)
	q    [3]uint64 // sums: the divisors, as T (float32 in the low half): successive's depth and height factors (else 1), the divisor
	rq   [3]uint64 // sums: their reciprocals rounded to T
	vol  uint64    // LP: the kernel volume as T
	// sums: the range of |sum| where each division may take the reciprocal
	// and one correction (see quotientRange), as bits of T: the least, and
	// the span above it
	qLo, qSpan int64

	// mean: the plane's elements n, and the steps of the cascade of
	// cascadeSum for n: rows of width elements (meanILP vectors of lanes),
	// rows whole rows, a cascade step of step rows (level l moves up when the
	// rows consumed are a multiple of step^(l+1): mask1 = (step-1)<<power,
	// mask2 = mask1<<power), vecs whole vectors.
	n, width, lanes, meanRows, step, mask1, mask2, vecs int
}

// maxPx bounds the pixels of a narrow chunk (an AVX-512 vector of 16 float32
// lanes holds at most 8 pixels of 2 channels; one channel runs channels-first).
const maxPx = 8
