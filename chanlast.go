package simdpool

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Channels-last Programs (Geometry.Channels > 0): the outputs of an image are
// split into classes, runs of outputs along each axis whose windows have the
// same taps inside the input (and the same divisor), and each class is one
// call of a channels-last kernel (chanArgs) over a batch of images: the taps
// of a window are contiguous vectors of channels, so padding is never read
// and never copied. Where no kernel fits (LP of a general power, a float32
// plane of 2^31 elements or more, too many classes), or where a max kernel
// meets a NaN, an image is computed exactly: each of its channels gathered
// into a plane and pooled by the channels-first generic code (exactImage).

// chanPlan is the channels-last part of a Program.
type chanPlan[T Elem] struct {
	images, c int
	batch     int        // images per batch (at most maxBatch: the images to redo are the bits of a uint64)
	steps     []chanStep // the classes, one kernel call per batch each; nil: every image exactly
	bands     []int      // steps[bands[b]:bands[b+1]] are band b's, its output rows (RunOn's units for few images)
	bufs      sync.Pool  // *exactBufs[T] of exactImage
	bandJobs  sync.Pool  // *bandJob[T]: runBands', reused
	kernels   []kernelID // the kernels of the steps, for Kernels
	exactOnly bool       // no kernel fits: exactImage for every image
	scan      kernelID   // max: the global max kernel that checks each image for NaNs first (noKernel: the kernels look for them)
}

// chanStep is one class: its kernel (noKernel: its windows have no tap inside
// the input, max pooling's -inf with index -1) and its argument block.
type chanStep struct {
	kernel kernelID
	a      chanArgs
}

// exactBufs are exactImage's plane buffers.
type exactBufs[T Elem] struct {
	in, out []T
	idx     []int64
}

// maxChanClasses bounds the classes of a channels-last Program: windows that
// are each clipped differently (a huge padded kernel) run exactly instead.
const maxChanClasses = 1024

// planChannelsLast prepares the channels-last work of a window Program of w
// (its op, g and generic set): the kernels of op w.kop (0: none, exactly).
func (p *Program[T]) planChannelsLast(w winOp[T]) {
	kop := w.kop
	g := &p.g
	cl := &chanPlan[T]{images: g.Planes / g.Channels, c: g.Channels}
	p.cl = cl
	p.setExactBufs()
	es := size[T]()
	cl.batch = min(maxBatch, max(1, batchBytes/max(g.InPlane()*g.Channels*es, 1)))
	id := noKernel
	if kop != 0 && int64(g.InPlane()) < math.MaxInt32 && int64(g.OutPlane()) < math.MaxInt32 {
		id = find(kindChannels, kop, p.isa, elemOf[T](), 0, 0, 0, 0)
	}
	dcs, hcs, wcs := axisClasses(&g.D, w.factorsD), axisClasses(&g.H, w.factorsH), axisClasses(&g.W, w.factorsW)
	if id == noKernel || len(dcs)*len(hcs)*len(wcs) > maxChanClasses {
		cl.exactOnly = true
		return
	}
	wcs = tiles(wcs, p.tileCols(), g.W.Stride)
	nb := min(maxBands, g.H.Out)
	rows := max(1, (g.H.Out+nb-1)/max(nb, 1))
	hcs = splitAt(hcs, rows, g.H.Stride)
	cl.bands = []int{0}
	for b := 0; b*rows < g.H.Out; b++ {
		for _, dc := range dcs {
			for _, hc := range hcs {
				if hc.o0/rows != b {
					continue
				}
				for _, wc := range wcs {
					st := chanStep{kernel: id}
					if dc.k1 <= dc.k0 || hc.k1 <= hc.k0 || wc.k1 <= wc.k0 {
						st.kernel = noKernel
					}
					p.classArgs(&st.a, dc, hc, wc)
					if w.chanPost != nil && (kop == kSum || kop == kSumSq) {
						w.chanPost(&st.a, g, dc, hc, wc)
					}
					if ki := info(id); ki.lanes > 1 && cl.c < ki.lanes {
						st.a.setNarrow(ki, es)
					}
					cl.steps = append(cl.steps, st)
				}
			}
		}
		cl.bands = append(cl.bands, len(cl.steps))
	}
	cl.kernels = []kernelID{id}
	if kop == kMax || kop == kMaxIdx {
		p.planScan(id)
	}
}

// scanBytes bounds the input of an image that a max Program checks for NaNs
// before pooling it: the scan brings it into the cache the pooling then
// reads it from.
const scanBytes = 1 << 20

// planScan makes a max Program check each image for NaNs before its kernels
// run (which then need not look for them) when the windows overlap, so that
// the kernels load each input several times: a float32 image of at most
// scanBytes, and a global max kernel to scan it with (its maximum is NaN
// exactly when the image holds a NaN).
func (p *Program[T]) planScan(id kernelID) {
	g, cl := &p.g, p.cl
	reads := g.D.Kernel * g.H.Kernel * g.W.Kernel
	moves := g.D.Stride * g.H.Stride * g.W.Stride
	if info(id).isa == Generic || size[T]() != 4 || reads < 2*moves || g.InPlane()*cl.c*4 > scanBytes {
		return
	}
	if cl.scan = find(kindGlobal, kMax, p.isa, elemOf[float32](), 0, 0, 0, 0); cl.scan == noKernel {
		return
	}
	for i := range cl.steps {
		cl.steps[i].a.nanFree = 1
	}
	cl.kernels = append(cl.kernels, cl.scan)
}

// l1Bytes is the input a kernel call should keep in the first-level cache
// from one output row to the next (see tileCols).
const l1Bytes = 32 << 10

// tileCols is how many output columns of a class one kernel call takes: so
// many that the input rows the windows of one output row read, which the next
// output rows read again, stay in the first-level cache (l1Bytes), or all when
// the windows do not overlap from row to row.
func (p *Program[T]) tileCols() int {
	g := &p.g
	if g.H.Kernel*g.H.Dilation <= g.H.Stride && g.D.Kernel*g.D.Dilation <= g.D.Stride {
		return math.MaxInt
	}
	rows := ((g.H.Kernel-1)*g.H.Dilation + 1) * ((g.D.Kernel-1)*g.D.Dilation + 1)
	seg := l1Bytes / (rows * g.Channels * size[T]()) // input pixels of a row's part
	return max(2, (seg-(g.W.Kernel-1)*g.W.Dilation-1)/g.W.Stride+1)
}

// maxBands bounds the bands of output rows a channels-last Program's steps
// are grouped in: the units RunOn shares among workers when the images are
// fewer than its workers (runBands).
const maxBands = 8

// splitAt splits the classes of cs at every multiple of n outputs, so that
// each piece lies in one band of n outputs.
func splitAt(cs []axisClass, n, stride int) []axisClass {
	var out []axisClass
	for _, c := range cs {
		for o := c.o0; o < c.o1; {
			t := c
			t.o0, t.o1, t.start = o, min((o/n+1)*n, c.o1), c.start+(o-c.o0)*stride
			out = append(out, t)
			o = t.o1
		}
	}
	return out
}

// tiles splits each class of cs into runs of at most n outputs.
func tiles(cs []axisClass, n, stride int) []axisClass {
	var out []axisClass
	for _, c := range cs {
		for o := c.o0; o < c.o1; {
			t := c
			t.o0, t.o1, t.start = o, c.o0+min(o-c.o0+n, c.o1-c.o0), c.start+(o-c.o0)*stride
			out = append(out, t)
			o = t.o1
		}
	}
	return out
}

// setExactBufs makes exactImage's buffers: a plane of input and one of
// output (and indices).
func (p *Program[T]) setExactBufs() {
	in, out := p.g.InPlane(), p.g.OutPlane()
	p.cl.bufs.New = func() any { return &exactBufs[T]{in: make([]T, in), out: make([]T, out), idx: make([]int64, out)} }
}

// classArgs sets the geometry of the class of output depths dc, rows hc and
// columns wc in a.
func (p *Program[T]) classArgs(a *chanArgs, dc, hc, wc axisClass) {
	g, es := &p.g, size[T]()
	C := g.Channels
	pix := C * es // bytes per pixel
	a.c = C
	a.srcImage, a.dstImage, a.idxImage = g.InPlane()*pix, g.OutPlane()*pix, g.OutPlane()*C*8
	d0, h0, w0 := dc.start+dc.k0*g.D.Dilation, hc.start+hc.k0*g.H.Dilation, wc.start+wc.k0*g.W.Dilation
	a.idx0 = (d0*g.H.In+h0)*g.W.In + w0
	a.srcOff = a.idx0 * pix
	o0 := (dc.o0*g.H.Out+hc.o0)*g.W.Out + wc.o0
	a.dstOff, a.idxOff = o0*pix, o0*C*8
	a.slabs, a.rows, a.cols = dc.o1-dc.o0, hc.o1-hc.o0, wc.o1-wc.o0
	a.nd, a.nh, a.nw = max(0, dc.k1-dc.k0), max(0, hc.k1-hc.k0), max(0, wc.k1-wc.k0)
	a.slabIdx, a.rowIdx, a.colIdx = g.D.Stride*g.H.In*g.W.In, g.H.Stride*g.W.In, g.W.Stride
	a.idxD, a.idxH, a.idxW = g.D.Dilation*g.H.In*g.W.In, g.H.Dilation*g.W.In, g.W.Dilation
	a.srcSlab, a.srcRow, a.srcCol = a.slabIdx*pix, a.rowIdx*pix, a.colIdx*pix
	a.tapD, a.tapH, a.tapW = a.idxD*pix, a.idxH*pix, a.idxW*pix
	a.dstSlab, a.dstRow, a.dstCol = g.H.Out*g.W.Out*pix, g.W.Out*pix, pix
	a.idxSlab, a.idxRow, a.idxCol = g.H.Out*g.W.Out*C*8, g.W.Out*C*8, C*8
}

// chanPost sets the post-processing of a sum class of average pooling as div
// says, or of LP pooling (pw not nil; the classes' factors its counts of
// padded taps): its divisors, as sumTables does for the channels-first
// kernels.
func chanPost[T Float](a *chanArgs, g *Geometry, div *Divisor, pw *Power, dc, hc, wc axisClass) {
	q := [3]T{1, 1, 1}
	switch {
	case pw != nil:
		q[2] = T(int64(dc.factor) * int64(hc.factor) * int64(wc.factor))
		a.post = postLp2
		if pw.P == 1 {
			a.post = postLp1
		}
		a.vol = bitsT(T(g.D.Kernel * g.H.Kernel * g.W.Kernel))
	case div.Override != 0:
		q[2], a.post = T(div.Override), postAvg
	case div.Successive:
		q, a.post = [3]T{T(dc.factor), T(hc.factor), T(wc.factor)}, postSuccessive
	default:
		q[2], a.post = T(int64(dc.factor)*int64(hc.factor)*int64(wc.factor)), postAvg
	}
	a.qLo, a.qSpan = quotientRange(q[:]) // each division checks its own range
	a.pow2, a.ones = 0, 0
	for i, d := range q {
		r := 1 / d
		a.q[i], a.rq[i] = bitsT(d), bitsT(r)
		if isPow2(d) && r*d == 1 && !math.IsInf(float64(r), 0) {
			a.pow2 |= 1 << i
		}
		if d == 1 {
			a.ones |= 1 << i
		}
	}
}

// setNarrow lays a class out for a kernel of ki.lanes lanes over fewer
// channels: px pixels per vector, their lanes' elements in the span of their
// taps, and the masks of a chunk of p pixels (see chanArgs).
func (a *chanArgs) setNarrow(ki *kernelInfo, es int) {
	L, C, col := ki.lanes, a.c, a.srcCol/es
	a.px = min(L/C, maxPx)
	switch span := permVecs(ki.isa, es) * L; {
	case span > 0:
		a.px = min(a.px, (span-C)/col+1) // the span of px pixels fits the vectors a kernel permutes from
	case col != C:
		a.px = 1 // pixels that are not contiguous, and no permutation
	}
	for i := range a.px * C {
		e, pi := i/C*col+i%C, i/C*a.colIdx
		if es == 4 {
			*(*uint32)(unsafe.Pointer(&a.perm[4*i])) = uint32(e)
			*(*int32)(unsafe.Pointer(&a.pixIdx[4*i])) = int32(pi)
		} else {
			*(*uint64)(unsafe.Pointer(&a.perm[8*i])) = uint64(e)
			*(*int64)(unsafe.Pointer(&a.pixIdx[8*i])) = int64(pi)
		}
	}
	for n := 1; n <= a.px; n++ {
		span := (n-1)*col + C
		a.lmask0[n], a.lmask1[n], a.smask[n] = bitRange(0, min(span, L)), bitRange(0, span-L), bitRange(0, n*C)
	}
}

// permVecs is how many vectors the narrow chunks of an ISA's channels-last
// kernels permute their lanes from (see chanArgs): two with AVX-512
// (VPERMT2PS/PD), one with AVX2 on float32 (VPERMPS); none otherwise, whose
// chunks hold contiguous pixels only.
func permVecs(isa ISA, es int) int {
	switch {
	case isa == AVX512:
		return 2
	case isa == AVX2 && es == 4:
		return 1
	}
	return 0
}

// runChannelsLast computes the images [lo, hi), batch by batch.
func (p *Program[T]) runChannelsLast(dst []T, idx []int64, src []T, lo, hi int) {
	cl := p.cl
	if cl.exactOnly {
		for m := lo; m < hi; m++ {
			p.exactImage(dst, idx, src, m)
		}
		return
	}
	inImage, outImage := p.g.InPlane()*cl.c, p.g.OutPlane()*cl.c
	es := size[T]()
	for m0 := lo; m0 < hi; m0 += cl.batch {
		n := min(cl.batch, hi-m0)
		in, out := unsafe.Pointer(&src[m0*inImage]), unsafe.Pointer(&dst[m0*outImage])
		var x unsafe.Pointer
		if idx != nil {
			x = unsafe.Pointer(&idx[m0*outImage])
		}
		var redo uint64 // images of the batch to compute exactly
		if cl.scan != noKernel {
			for i := range n {
				var m T
				callGlobal(cl.scan, unsafe.Pointer(&m), unsafe.Add(in, i*inImage*es), 1, inImage)
				if m != m {
					redo |= 1 << i
				}
			}
		}
		for i := range cl.steps {
			st := &cl.steps[i]
			if st.kernel == noKernel {
				chanNoTaps[T](&st.a, out, x, n)
				continue
			}
			// Runs of the images not to compute exactly.
			for done := 0; done < n; {
				if redo&(1<<done) != 0 {
					done++
					continue
				}
				run := min(n-done, bits.TrailingZeros64(redo>>done))
				var xi unsafe.Pointer
				if x != nil {
					xi = unsafe.Add(x, done*outImage*8)
				}
				k := callChan(st.kernel, &st.a, unsafe.Add(in, done*inImage*es), unsafe.Add(out, done*outImage*es), xi, run)
				if k < run {
					redo |= 1 << (done + k)
				}
				done += k
			}
		}
		for ; redo != 0; redo &= redo - 1 {
			p.exactImage(dst, idx, src, m0+bits.TrailingZeros64(redo))
		}
	}
}

// bandJob is a RunOn of a channels-last Program over fewer images than its
// workers take units: unit u runs the steps of band u%bands over image
// u/bands (and, when the Program scans images for NaNs, scans that share of
// the image's input); the images with a NaN are then computed exactly.
type bandJob[T Elem] struct {
	p        *Program[T]
	dst, src []T
	idx      []int64
	redo     atomic.Uint64 // the images to compute exactly
}

// runBands is RunOn in bands (see bandJob), for at most maxBatch images.
func (p *Program[T]) runBands(w *Workers, dst []T, idx []int64, src []T) {
	j, _ := p.cl.bandJobs.Get().(*bandJob[T])
	if j == nil {
		j = &bandJob[T]{p: p}
	}
	j.dst, j.idx, j.src = dst, idx, src
	j.redo.Store(0)
	w.Parallel(p.cl.images*(len(p.cl.bands)-1), j)
	for redo := j.redo.Load(); redo != 0; redo &= redo - 1 {
		p.exactImage(dst, idx, src, bits.TrailingZeros64(redo))
	}
	j.dst, j.idx, j.src = nil, nil, nil
	p.cl.bandJobs.Put(j)
}

func (j *bandJob[T]) Unit(u int) {
	p, cl := j.p, j.p.cl
	nb := len(cl.bands) - 1
	m, b := u/nb, u%nb
	inImage, outImage, es := p.g.InPlane()*cl.c, p.g.OutPlane()*cl.c, size[T]()
	in, out := unsafe.Pointer(&j.src[m*inImage]), unsafe.Pointer(&j.dst[m*outImage])
	var x unsafe.Pointer
	if j.idx != nil {
		x = unsafe.Pointer(&j.idx[m*outImage])
	}
	if lo, hi := b*inImage/nb, (b+1)*inImage/nb; cl.scan != noKernel && hi > lo {
		var mx T
		callGlobal(cl.scan, unsafe.Pointer(&mx), unsafe.Add(in, lo*es), 1, hi-lo)
		if mx != mx {
			j.redo.Or(1 << m)
		}
	}
	for i := cl.bands[b]; i < cl.bands[b+1]; i++ {
		st := &cl.steps[i]
		if st.kernel == noKernel {
			chanNoTaps[T](&st.a, out, x, 1)
		} else if callChan(st.kernel, &st.a, in, out, x, 1) < 1 {
			j.redo.Or(1 << m) // a NaN: its outputs are anything until then
		}
	}
}

// chanNoTaps writes the outputs of a class of windows without a tap inside
// the input: -inf, index -1 (see maxPoolGeneric).
func chanNoTaps[T Elem](a *chanArgs, dst, idx unsafe.Pointer, images int) {
	es := size[T]()
	for m := range images {
		for z := range a.slabs {
			for r := range a.rows {
				for j := range a.cols {
					off := z*a.dstSlab + r*a.dstRow + j*a.dstCol
					for c := range a.c {
						*(*T)(unsafe.Add(dst, m*a.dstImage+a.dstOff+off+c*es)) = lowest[T]()
						if idx != nil {
							*(*int64)(unsafe.Add(idx, m*a.idxImage+a.idxOff+z*a.idxSlab+r*a.idxRow+j*a.idxCol+c*8)) = -1
						}
					}
				}
			}
		}
	}
}

// exactImage computes image m with the channels-first generic code, one
// channel at a time gathered into a plane.
func (p *Program[T]) exactImage(dst []T, idx []int64, src []T, m int) {
	C := p.cl.c
	inP, outP := p.g.InPlane(), p.g.OutPlane()
	b := p.cl.bufs.Get().(*exactBufs[T])
	g := p.g
	g.Planes, g.Channels = 1, 0
	s, d := src[m*inP*C:(m+1)*inP*C], dst[m*outP*C:(m+1)*outP*C]
	var x []int64
	if idx != nil {
		x = idx[m*outP*C : (m+1)*outP*C]
	}
	for c := range C {
		for i := range b.in {
			b.in[i] = s[i*C+c]
		}
		var bx []int64
		if x != nil {
			bx = b.idx
		}
		p.generic(b.out, bx, b.in, g, m*C+c) // plane m*C+c of the channels-first layout

		for i, v := range b.out {
			d[i*C+c] = v
			if x != nil {
				x[i*C+c] = b.idx[i]
			}
		}
	}
	p.cl.bufs.Put(b)
}
