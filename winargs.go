package simdpool

import "unsafe"

// winArgs is the argument block of a window kernel: one class of output rows
// of every plane of a batch, prepared once by a Program (see program.go) and
// read-only afterwards. The generators read its layout from this declaration
// (avo through go/packages, asm/neon through go/types), so fields may be
// reordered freely; every size is in bytes unless it says elements.
//
// What a window kernel computes, for each plane p of its call, each slab z in
// [0, slabs) (output depths that share their depth taps), each output row r in
// [0, rows) and each output column j in [0, wo):
//
//	in(v, c) = the input at plane p + srcOff + z*srcSlab + r*srcRow + tapOff[v] + c*size
//	out      = plane p + dstOff + z*dstSlab + r*dstRow + j*size
//	the window of (r, j) is the taps (v, t) for v in [0, ntaps) and t in [0, k)
//	whose column c = j*s - p + t*d lies in [0, w), visited v-major, t-minor
//	(the row-major order of PyTorch's loops)
//
// and reduces them as its op says:
//   - max: the first maximum (a later tap replaces it when greater); a window
//     holding a NaN gives a NaN.
//   - max with index: also the index of the element chosen, tapIdx[v] +
//     z*slabIdx + r*rowIdx + c, as int64 at idx + idxOff + z*idxSlab +
//     r*idxRow + j*8 (for a NaN, the last NaN's).
//   - sum (sumsq): +0 plus each tap (its square, rounded before it is added)
//     in order, then divided as post says (see postAvg).
//
// Columns are processed in chunks of L outputs (L = the kernel's lanes): chunk
// c holds outputs [c*L, c*L+L). The kernel reads, for chunk c, at most the
// columns [c*s*L+lo, c*s*L+hi) of each tap row, lo and hi as chunkReach says.
// Chunks [c0, c1) read only columns inside [0, w) and hold L outputs each: the
// kernel reads and writes them without masks. The others ([0, c0) and
// [c1, nc)) are edge chunks, whose reads outside [0, w) and writes past wo the
// kernel masks. A row's last chunk is never one of [c0, c1): it is the tail
// (below) or an edge chunk, so a max kernel's NaN detector may check, in
// interior chunks, only loads that tile the row from chunk to chunk, and
// everything in the others. So that no kernel can read or write outside its
// slices, a Program makes these fields only from a Geometry it has checked
// against the lengths of the slices Run is given.
//
// A max kernel may leave a plane to its caller: it returns the number of the
// first plane of its call in which it met a NaN (or, with index, an edge
// chunk whose maximum is -inf, whose index might lie in the padding), and the
// caller computes that plane's rows of the class exactly; without such a
// plane it returns the number of planes it was given. Sum kernels always
// return the number of planes.
type winArgs struct {
	srcOff, dstOff, idxOff       int // from a plane's first input, output, index to row 0's
	srcPlane, dstPlane, idxPlane int // between consecutive planes
	slabs                        int // output depths in the class
	srcSlab, dstSlab, idxSlab    int // between consecutive slabs
	rows                         int // output rows of a slab in the class
	srcRow, dstRow, idxRow       int // between consecutive output rows

	ntaps   int            // vertical taps (rows of the window inside the input), 1..maxTaps
	tapOff  [maxTaps]int   // from an output row's input base to each tap row, in order (>= 0)
	tapIdx  [maxTaps]int32 // plane index of column 0 of each tap row, for output row 0
	slabIdx int32          // plane index step per slab
	rowIdx  int32          // plane index step per output row

	w, wo      int // elements: inputs per row, outputs per row
	s, k, d, p int // horizontal stride, taps, dilation, left padding (elements)
	c0, c1, nc int // chunks: [0, c0) and [c1, nc) are edge chunks, [c0, c1) interior
	tail       int // -1, or the first output of an interior chunk that ends the row, overlapping the previous one (then nc = c1+1)
	zero0      int // expand kernels (backward): the first column after the chunks', from which a row is zeroed
	// Edge chunks e (chunk c = e for e < c0, else c1+e-c0): bit i of ebits[e]
	// is set when column c*s*L + lo + i (lo: the kernel's reach) lies in
	// [0, w); bit j of emask[e] when output c*L + j lies in [0, wo).
	ebits [maxEdges]uint64
	emask [maxEdges]uint64

	// max: 1 when the input holds no NaN (the horizontal maxima of two-pass
	// max pooling's first pass, which looked for them): the kernel may skip
	// its NaN detection.
	nanFree int32

	post int32          // sums: what the sum is divided by, and what follows (post*)
	pow2 int32          // sums: 1 when every divisor of the class is a power of two (its reciprocal is exact)
	div  unsafe.Pointer // sums: the divisor of each output column ([nc*L]T, as the post says)
	rcp  unsafe.Pointer // sums: each divisor's reciprocal rounded to T ([nc*L]T)
	fD   float64        // sums, postSuccessive: the depth and height factors (1: none)
	fH   float64
	rD   float64 // sums, postSuccessive: 1/fD and 1/fH rounded to T
	rH   float64
	// Sums: a kernel may divide by a reciprocal and one correction (see
	// quotientRange) where the bits of |sum| less qLo are below qSpan
	// (unsigned), or the sum is zero; elsewhere it divides.
	qLo, qSpan int64
	vol        float64 // LP: the kernel volume

	// ebitsWide is ebits over 192 columns, for the byte kernels, whose
	// reach is wider than 64 columns: bit i of word q of ebitsWide[e] for
	// column c*s*L + lo + 64q + i. (Last, so that the other fields keep
	// their offsets in the generated kernels.)
	ebitsWide [maxEdges][3]uint64
}

// maxEdges bounds the edge chunks of a row.
const maxEdges = 16

// maxTaps bounds the vertical taps of one output (the rows of its window,
// depth times height, inside the input); a window with more runs the generic
// kernels.
const maxTaps = 64

// The values of winArgs.post: how a sum kernel turns a window's sum into its
// output. q is the sum divided by div[j], one correctly rounded division:
const (
	postAvg        int32 = iota // +0 + q: avg_pool (turns a -0 quotient into +0)
	postSuccessive              // sum/fD/fH/div[j], three divisions (adaptive average; a factor 1 is skipped)
	postLp1                     // (+0 + q) * vol: lp_pool with p = 1
	postLp2                     // sqrt((+0 + q) * vol): lp_pool with p = 2, over the squares
)

// chunkReach returns the columns a window kernel of any taps (K = 0) may read
// for a chunk, relative to the chunk's block start c*s*L: from the first tap
// of its first output (-p, or the block start) to the end of the s*L columns
// that start at the last tap of its first output ((k-1)*d - p, or the block
// start): it loads each tap of its L outputs as s*L contiguous columns.
// Kernels of fixed taps say their reach in the table (kernelInfo.lo, hi).
func chunkReach(L, s, k, d, p int) (lo, hi int) {
	return min(0, -p), s*L + max(0, (k-1)*d-p)
}

// setChunks sets a's chunks for a kernel of L lanes reading [lo, hi) from a
// chunk's block start: leading edge chunks [0, c0), interior chunks [c0, c1)
// whose reads lie in [0, w) and which hold L outputs, the trailing edge
// chunks, or instead an interior tail chunk overlapping the previous one when
// the row's last L outputs read only inside the row; and the masks of the edge
// chunks. False when there are more than maxEdges edge chunks.
func (a *winArgs) setChunks(L, lo, hi int) bool {
	block := a.s * L
	a.nc = (a.wo + L - 1) / L
	a.c0 = 0
	if lo < 0 {
		a.c0 = min((-lo+block-1)/block, a.nc)
	}
	a.c1 = 0
	if a.w >= hi {
		a.c1 = min(a.wo/L, (a.w-hi)/block+1) // full chunks c with c*block + hi <= w
	}
	a.c1 = max(a.c0, a.c1)
	if a.c1 == a.nc && a.nc > a.c0 {
		a.c1-- // the last chunk becomes the tail: see the contract
	}
	a.tail = -1
	if t := a.wo - L; a.c1 == a.nc-1 && t >= 0 && t*a.s+lo >= 0 && t*a.s+hi <= a.w {
		a.tail = t
	}
	edges := a.c0
	if a.tail < 0 {
		edges += a.nc - a.c1
	}
	if edges > maxEdges {
		return false
	}
	e := 0
	for c := range a.nc {
		if (c >= a.c0 && c < a.c1) || (a.tail >= 0 && c >= a.c1) {
			continue
		}
		col := c*block + lo
		a.ebits[e] = bitRange(-col, a.w-col)
		for q := range a.ebitsWide[e] {
			a.ebitsWide[e][q] = bitRange(-col-64*q, a.w-col-64*q)
		}
		a.emask[e] = bitRange(0, a.wo-c*L) & bitRange(0, L)
		e++
	}
	return true
}

// bitRange returns the bits [lo, hi) of a uint64, clipped to [0, 64).
func bitRange(lo, hi int) uint64 {
	lo, hi = min(max(lo, 0), 64), min(max(hi, 0), 64)
	if lo >= hi {
		return 0
	}
	m := ^uint64(0) >> (64 - (hi - lo))
	return m << lo
}

// size is the size in bytes of a T.
func size[T Elem]() int {
	var x T
	return int(unsafe.Sizeof(x))
}
