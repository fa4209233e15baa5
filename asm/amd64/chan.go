package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/simdpool/simdpool/asm/table"
)

// The channels-last window kernels (see chanArgs in the root package for
// their contract): func(a *chanArgs, src, dst, idx *byte, images int) int.
//
// A kernel walks images, slabs, rows and the row's output pixels (their bases
// in stack slots), and reduces each window with its accumulators in
// registers across all its taps, visited in the loops of the contract (a, b,
// e: depth, row, column of the window). Its registers hold several outputs
// at once, a strip:
//
//   - wide (c >= L, chanArgs.px = 0): P pixels times V vectors of a block of
//     channels; the channels are covered by blocks of V vectors, then single
//     vectors, the last one overlapping the one before when L does not divide
//     c (its lanes compute the same values twice, which is harmless);
//   - narrow (c < L): U chunks of px pixels each, a chunk's px*c lanes
//     permuted from the span of its taps (two masked loads; AVX2 float32 one,
//     AVX2 float64 none: contiguous pixels), so that small channel counts
//     still fill the vectors.
//
// Max: acc = max(x, acc) with VMAXPS's operand order, which keeps acc on ties
// (the first maximum wins, zeros of either sign included) and drops a NaN in
// x; every load also adds x*x to one of the strip's NaN detectors (x*x >= 0,
// so only a NaN makes them NaN) and a strip whose detectors are NaN leaves its
// image to the caller. A Program that has checked its images for NaNs
// beforehand (chanArgs.nanFree) runs a second copy of the loops without the
// detectors.
// Max with index compares x > acc and moves the tap's index (relative to the
// window's first tap, the same for every lane) into the index lanes under
// that mask; the store adds the pixel's index base. Sums add in the taps'
// order from +0 and divide as chanArgs.post says, one correctly rounded
// division per divisor (quotient).

// cg is the generation state of one channels-last kernel.
type cg struct {
	k   table.Kernel
	v   vx
	a   GPVirtual // the *chanArgs
	lbl func(string) string
	seq int

	// Stack slots of the loop state.
	src, dst, idx, m, images Mem // image bases, image number, images
	zS, zD, zX, zI, z        Mem // slab bases, slab index base, slabs left
	rS, rD, rX, rI, r        Mem // row bases, row index base, rows left
	pS, pD, pX, pI, pn       Mem // the strip's first pixel's bases, index base; pixels left in the row
	cOff                     Mem // wide: the channel block's byte offset in a pixel

	detect  bool // max: emitting the loops that look for NaNs (else chanArgs.nanFree's)
	fastMax bool // max without index, no NaN: emitting folded loads whose ties take the later tap
	fill    Op   // max: -inf
	zero    Op   // sums: +0

	// Sums: the divisors and reciprocals broadcast (stack), the kernel volume,
	// and divideAll's constants.
	q, rq [3]Mem
	vol   Op
	quot  quotConsts

	perm  Mem // narrow: the lanes' elements in the span (chanArgs.perm)
	pixIx Op  // narrow, max with index: the lanes' pixel index steps
}

// Strip shapes: pixels and vectors of a wide strip, chunks of a narrow one.
func (g *cg) wideShape() (P, V int) {
	switch {
	case !g.v.z && g.k.Op == table.MaxIdx:
		return 2, 2 // AVX2: 16 registers for values and indices
	case g.k.Op == table.MaxIdx:
		return 1, 4 // (avo's allocator finds no registers for 2 x 4)
	case g.v.z:
		return 4, 4 // 16 accumulators: a strip's fixed costs spread over more taps
	}
	return 2, 4
}

func (g *cg) narrowChunks() int {
	if g.v.z {
		return 4
	}
	return 2
}

func chanKernel(k table.Kernel) {
	g := &cg{k: k, v: newVX(k.ISA == table.AVX512, k.Size), lbl: labeler(k.Name())}
	TEXT(k.Name(), 0, "func(a *chanArgs, src, dst, idx *byte, images int) int")
	Pragma("noescape")
	Doc(k.Doc())
	g.a = GP64()
	Load(Param("a"), g.a)
	if k.Op == table.Mean {
		g.mean()
		return
	}
	g.prologue()
	if !g.max() {
		g.imageLoop()
		return
	}
	CMPL(g.field("nanFree"), U8(0))
	JNE(LabelRef(g.lbl("nanFree")))
	g.detect = true
	g.imageLoop()
	Label(g.lbl("nanFree"))
	g.detect, g.lbl = false, labeler(k.Name()+"_nanFree")
	g.imageLoop()
}

func (g *cg) max() bool     { return g.k.Op == table.Max || g.k.Op == table.MaxIdx }
func (g *cg) withIdx() bool { return g.k.Op == table.MaxIdx }

// field addresses a field of the chanArgs (its first element for arrays).
func (g *cg) field(name string) Mem {
	c := Param("a").Dereference(g.a).Field(name)
	if _, err := c.Resolve(); err != nil {
		c = c.Index(0)
	}
	b, err := c.Resolve()
	check(err)
	return b.Addr
}

func (g *cg) label(s string) string {
	g.seq++
	return g.lbl(fmt.Sprintf("%s%d", s, g.seq))
}

// keep makes v available for the rest of the kernel, in a stack slot:
// the strips take every register.
func (g *cg) keep(v VecVirtual) Mem {
	m := AllocLocal(64)
	g.v.store(v, m)
	return m
}

// bcastField broadcasts the T at a field of the chanArgs to a stack slot of
// one vector.
func (g *cg) bcastField(m Mem) Mem {
	r := g.v.vec()
	g.v.bcast(m, r)
	s := AllocLocal(64)
	g.v.store(r, s)
	return s
}

func (g *cg) prologue() {
	for _, m := range []*Mem{&g.src, &g.dst, &g.idx, &g.m, &g.images, &g.zS, &g.zD, &g.zX, &g.zI, &g.z,
		&g.rS, &g.rD, &g.rX, &g.rI, &g.r, &g.pS, &g.pD, &g.pX, &g.pI, &g.pn, &g.cOff} {
		*m = slot()
	}
	for _, p := range []struct {
		name string
		m    Mem
	}{{"src", g.src}, {"dst", g.dst}, {"idx", g.idx}, {"images", g.images}} {
		t := GP64()
		Load(Param(p.name), t)
		MOVQ(t, p.m)
	}
	MOVQ(U32(0), g.m)
	v := g.v
	if g.max() {
		g.fill = g.keep(v.negInf())
		g.quot.absMask = g.keep(v.constBits(^uint64(0) >> 1 >> uint(64-8*v.es)))
	} else {
		z := v.vec()
		v.zero(z)
		g.zero = g.keep(z)
		for i := range 3 {
			g.q[i] = g.bcastField(g.field("q").Offset(8 * i))
			g.rq[i] = g.bcastField(g.field("rq").Offset(8 * i))
		}
		vol := v.vec()
		v.bcast(g.field("vol"), vol)
		g.vol = g.keep(vol)
		g.quot.absMask, g.quot.loBits = g.keep(v.constBits(^uint64(0)>>1>>uint(64-8*v.es))), g.bcastField(g.field("qLo"))
		span := v.vec()
		v.bcast(g.field("qSpan"), span)
		if !v.z { // AVX2 compares signed: both sides biased by the sign bit
			g.quot.signBit = g.keep(v.constBits(uint64(1) << (8*v.es - 1)))
			VPXOR(g.quot.signBit, span, span)
		}
		g.quot.spanBits = g.keep(span)
	}
	g.perm = g.field("perm")
	if g.withIdx() {
		g.pixIx = g.field("pixIdx")
	}
}

// permVecs mirrors the root package's permVecs: the vectors a narrow chunk
// permutes its lanes from.
func permVecs(k table.Kernel) int {
	switch {
	case k.ISA == table.AVX512:
		return 2
	case k.ISA == table.AVX2 && k.Size == 4:
		return 1
	}
	return 0
}

// advance adds a field of the chanArgs to each slot.
func (g *cg) advance(pairs ...any) {
	for i := 0; i < len(pairs); i += 2 {
		m, f := pairs[i].(Mem), pairs[i+1].(string)
		b := GP64()
		MOVQ(m, b)
		ADDQ(g.field(f), b)
		MOVQ(b, m)
	}
}

// copySlots copies slot pairs (from, to).
func copySlots(pairs ...Mem) {
	for i := 0; i < len(pairs); i += 2 {
		b := GP64()
		MOVQ(pairs[i], b)
		MOVQ(b, pairs[i+1])
	}
}

// imageLoop emits the loops over images, slabs and rows, and the returns.
func (g *cg) imageLoop() {
	lbl := g.lbl
	Label(lbl("image"))
	t := GP64()
	MOVQ(g.m, t)
	CMPQ(t, g.images)
	JGE(LabelRef(lbl("done")))
	for _, p := range []struct {
		image, slab Mem
		off         string
	}{{g.src, g.zS, "srcOff"}, {g.dst, g.zD, "dstOff"}, {g.idx, g.zX, "idxOff"}} {
		b := GP64()
		MOVQ(p.image, b)
		ADDQ(g.field(p.off), b)
		MOVQ(b, p.slab)
	}
	copyField := func(f string, m Mem) {
		b := GP64()
		MOVQ(g.field(f), b)
		MOVQ(b, m)
	}
	copyField("idx0", g.zI)
	copyField("slabs", g.z)

	Label(lbl("slab"))
	copySlots(g.zS, g.rS, g.zD, g.rD, g.zX, g.rX, g.zI, g.rI)
	copyField("rows", g.r)

	Label(lbl("row"))
	copySlots(g.rS, g.pS, g.rD, g.pD, g.rX, g.pX, g.rI, g.pI)
	copyField("cols", g.pn)
	CMPQ(g.field("px"), U8(0))
	JNE(LabelRef(lbl("narrow")))
	g.wideRow()
	JMP(LabelRef(lbl("rowDone")))
	Label(lbl("narrow"))
	g.narrowRow()
	Label(lbl("rowDone"))
	g.advance(g.rS, "srcRow", g.rD, "dstRow", g.rX, "idxRow", g.rI, "rowIdx")
	DECQ(g.r)
	JNZ(LabelRef(lbl("row")))
	g.advance(g.zS, "srcSlab", g.zD, "dstSlab", g.zX, "idxSlab", g.zI, "slabIdx")
	DECQ(g.z)
	JNZ(LabelRef(lbl("slab")))
	g.advance(g.src, "srcImage", g.dst, "dstImage", g.idx, "idxImage")
	INCQ(g.m)
	JMP(LabelRef(lbl("image")))

	Label(lbl("leave"))
	Comment("Leave this image to the caller.")
	r := GP64()
	MOVQ(g.m, r)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()

	Label(lbl("done"))
	r = GP64()
	MOVQ(g.images, r)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// nanTest leaves the image to the caller when a strip's NaN detectors met
// a NaN.
func (g *cg) nanTest(a *accs) {
	if !g.detect {
		return
	}
	v := g.v
	Comment("A NaN in the strip's inputs: the caller computes the image.")
	for _, n := range a.nan[1:] {
		v.add(n, a.nan[0])
	}
	j := a.nan[0]
	if v.z {
		k := K()
		if v.f64() {
			VCMPPD(Imm(3), j, j, k)
			KORTESTB(k, k)
		} else {
			VCMPPS(Imm(3), j, j, k)
			KORTESTW(k, k)
		}
	} else {
		t := v.vec()
		if v.f64() {
			VCMPPD(Imm(3), j, j, t)
		} else {
			VCMPPS(Imm(3), j, j, t)
		}
		VPTEST(t, t)
	}
	JNE(LabelRef(g.lbl("leave")))
}

// nextPixels advances the strip's pixel bases by n pixels (n a register).
func (g *cg) nextPixels(n GPVirtual) {
	for _, p := range []struct {
		m     Mem
		field string
	}{{g.pS, "srcCol"}, {g.pD, "dstCol"}, {g.pX, "idxCol"}, {g.pI, "colIdx"}} {
		b, s := GP64(), GP64()
		MOVQ(g.field(p.field), s)
		IMULQ(n, s)
		MOVQ(p.m, b)
		ADDQ(s, b)
		MOVQ(b, p.m)
	}
	SUBQ(n, g.pn)
}

// constReg returns a new register holding n.
func constReg(n int) GPVirtual {
	r := GP64()
	MOVQ(U32(n), r)
	return r
}

// wideRow emits a row of wide strips: P pixels at a time, then one.
func (g *cg) wideRow() {
	P, V := g.wideShape()
	for _, p := range []int{P, 1} {
		loop, end := g.label("cols"), g.label("colsDone")
		Label(loop)
		CMPQ(g.pn, U8(p))
		JLT(LabelRef(end))
		g.channels(p, V)
		g.nextPixels(constReg(p))
		JMP(LabelRef(loop))
		Label(end)
	}
}

// channels emits the channel blocks of p pixels: V vectors at a time, then
// single vectors, then the last vector overlapping the one before.
func (g *cg) channels(p, V int) {
	VB := g.v.L * g.v.es
	MOVQ(U32(0), g.cOff)
	end := GP64()
	for _, nv := range []int{V, 1} {
		loop, done := g.label("blocks"), g.label("blocksDone")
		Label(loop)
		MOVQ(g.field("c"), end)
		SHLQ(U8(shift(g.v.es)), end)
		SUBQ(U32(nv*VB), end)
		CMPQ(g.cOff, end)
		JGT(LabelRef(done))
		g.wideStrip(p, nv)
		ADDQ(U32(nv*VB), g.cOff)
		JMP(LabelRef(loop))
		Label(done)
	}
	Comment("The last channels: one vector ending at the pixel's last channel.")
	done := g.label("tailDone")
	MOVQ(g.field("c"), end)
	SHLQ(U8(shift(g.v.es)), end)
	CMPQ(g.cOff, end)
	JGE(LabelRef(done))
	SUBQ(U32(VB), end)
	MOVQ(end, g.cOff)
	g.wideStrip(p, 1)
	Label(done)
}

// accs are a strip's accumulators: values and, with index, the taps'
// relative indices.
type accs struct {
	val, idx []VecVirtual
	nan      []VecVirtual // max, detecting: the NaN detectors (item i adds into nan[i%len(nan)])
}

// detectors is how many NaN detectors a strip of n items keeps: one per item
// up to the registers the ISA has to spare, so that their additions do not
// form one long dependency chain.
func (g *cg) detectors(n int) int {
	switch {
	case g.withIdx():
		return min(n, 2) // (more defeat avo's allocator)
	case g.v.z:
		return min(n, 8)
	}
	return min(n, 4)
}

func (g *cg) newAccs(n int) *accs {
	v := g.v
	a := &accs{}
	var fill VecVirtual
	if g.max() {
		fill = v.vec()
		v.mov(g.fill, fill) // once: the strip's accumulators copy it
	}
	for range n {
		x := v.vec()
		if g.max() {
			v.mov(fill, x)
		} else {
			v.zero(x)
		}
		a.val = append(a.val, x)
		if g.withIdx() {
			i := v.vec()
			if v.z {
				VPXORD(i, i, i)
			} else {
				VPXOR(i, i, i)
			}
			a.idx = append(a.idx, i)
		}
	}
	if g.detect {
		for range g.detectors(n) {
			x := v.vec()
			v.zero(x)
			a.nan = append(a.nan, x)
		}
	}
	return a
}

// wideStrip emits p pixels times nv vectors from the channel offset cOff.
func (g *cg) wideStrip(p, nv int) {
	v := g.v
	VB := v.L * v.es
	base := GP64()
	MOVQ(g.pS, base)
	ADDQ(g.cOff, base)
	items := func(t GPVirtual) []Op {
		col, t2 := GP64(), GP64()
		if p > 1 {
			MOVQ(g.field("srcCol"), col)
		}
		if p > 2 {
			LEAQ(Mem{Base: t, Index: col, Scale: 2}, t2)
		}
		var ms []Op
		for i := range p {
			for j := range nv {
				m := Mem{Base: t, Disp: j * VB}
				if i >= 2 {
					m.Base = t2
				}
				if i%2 == 1 {
					m.Index, m.Scale = col, 1
				}
				ms = append(ms, m)
			}
		}
		return ms
	}
	a := g.newAccs(p * nv)
	if g.k.Op == table.Max && !g.detect {
		g.fastMax = true
		g.taps(base, a, items)
		g.fastMax = false
		exact, done := g.label("exactStrip"), g.label("stripDone")
		g.anyZero(a.val)
		JNE(LabelRef(exact))
		JMP(LabelRef(done))
		Label(exact)
		Comment("A zero maximum: the strip again, with the first zero winning.")
		for _, x := range a.val {
			v.mov(g.fill, x)
		}
		MOVQ(g.pS, base)
		ADDQ(g.cOff, base)
		g.taps(base, a, items)
		Label(done)
	} else {
		g.taps(base, a, items)
	}
	g.nanTest(a)
	if !g.max() {
		g.post(a.val)
	}
	Comment("Store the strip.")
	for i := range p {
		out, x, pix := GP64(), GP64(), GP64()
		MOVQ(g.pD, out)
		ADDQ(g.cOff, out)
		if g.withIdx() {
			MOVQ(g.cOff, x)
			if v.es == 4 {
				SHLQ(U8(1), x) // 8-byte indices for 4-byte elements
			}
			ADDQ(g.pX, x)
			MOVQ(g.pI, pix)
		}
		for range i {
			ADDQ(g.field("dstCol"), out)
			if g.withIdx() {
				ADDQ(g.field("idxCol"), x)
				ADDQ(g.field("colIdx"), pix)
			}
		}
		for j := range nv {
			v.store(a.val[i*nv+j], Mem{Base: out, Disp: j * VB})
			if g.withIdx() {
				g.storeIdx(a.idx[i*nv+j], nil, pix, Mem{Base: x, Disp: j * v.L * 8}, nil)
			}
		}
	}
}

// anyZero sets the flags so that JNE jumps when a lane of accs is a zero
// of either sign.
func (g *cg) anyZero(accs []VecVirtual) {
	v := g.v
	if v.z {
		abs := v.vec()
		v.load(g.quot.absMask, abs)
		var all OpmaskVirtual
		for _, a := range accs {
			k := K()
			if v.f64() {
				VPTESTNMQ(abs, a, k) // no bit but the sign set
			} else {
				VPTESTNMD(abs, a, k)
			}
			if all == nil {
				all = k
			} else {
				KORW(k, all, all)
			}
		}
		KORTESTW(all, all)
		return
	}
	z := v.vec()
	v.zero(z)
	var all VecVirtual
	for _, a := range accs {
		m := v.vec()
		if v.f64() {
			VCMPPD(Imm(0), z, a, m)
		} else {
			VCMPPS(Imm(0), z, a, m)
		}
		if all == nil {
			all = m
		} else {
			VPOR(m, all, all)
		}
	}
	VPTEST(all, all)
}

// narrowRow emits a row of narrow strips: U chunks of px pixels, then single
// chunks, then a chunk of the pixels left.
func (g *cg) narrowRow() {
	U := g.narrowChunks()
	for _, u := range []int{U, 1} {
		loop, end := g.label("chunks"), g.label("chunksDone")
		Label(loop)
		n := GP64()
		MOVQ(g.field("px"), n)
		if u > 1 {
			IMUL3Q(U32(u), n, n)
		}
		CMPQ(g.pn, n)
		JLT(LabelRef(end))
		MOVQ(g.field("px"), n)
		g.narrowStrip(u, n)
		n = GP64()
		MOVQ(g.field("px"), n)
		if u > 1 {
			IMUL3Q(U32(u), n, n)
		}
		g.nextPixels(n)
		JMP(LabelRef(loop))
		Label(end)
	}
	done := g.label("restDone")
	CMPQ(g.pn, U8(0))
	JEQ(LabelRef(done))
	n := GP64()
	MOVQ(g.pn, n)
	g.narrowStrip(1, n)
	Label(done)
}

// narrowMasks are the masks of a narrow chunk of n pixels.
type narrowMasks struct {
	k0, k1, ks OpmaskVirtual // AVX-512: the span's two vectors, the store
	m0, ms     VecVirtual    // AVX2: the span's vector, the store
	perm       VecVirtual    // the permutation (chanArgs.perm), when the kernel permutes
}

func (g *cg) newNarrowMasks(n GPVirtual) *narrowMasks {
	nm := &narrowMasks{}
	if g.v.z {
		nm.k0, nm.k1, nm.ks = K(), K(), K()
		KMOVW(g.field("lmask0").Idx(n, 8), nm.k0)
		KMOVW(g.field("lmask1").Idx(n, 8), nm.k1)
		KMOVW(g.field("smask").Idx(n, 8), nm.ks)
		return nm
	}
	b := GP64()
	MOVQ(g.field("lmask0").Idx(n, 8), b)
	nm.m0 = bitsVec(g.v, b)
	MOVQ(g.field("smask").Idx(n, 8), b)
	nm.ms = bitsVec(g.v, b)
	return nm
}

// narrowStrip emits u chunks of n pixels each (n: px, or the pixels left).
func (g *cg) narrowStrip(u int, n GPVirtual) {
	v := g.v
	VB := v.L * v.es
	nm := g.newNarrowMasks(n)
	if permVecs(g.k) > 0 {
		nm.perm = v.vec()
		VMOVDQU64orU(v, g.perm, nm.perm)
	}
	base := GP64()
	MOVQ(g.pS, base)
	a := g.newAccs(u)
	g.taps(base, a, func(t GPVirtual) []Op {
		ucol, t2 := GP64(), GP64()
		if u > 1 {
			MOVQ(g.field("px"), ucol)
			IMULQ(g.field("srcCol"), ucol)
		}
		if u > 2 {
			LEAQ(Mem{Base: t, Index: ucol, Scale: 2}, t2)
		}
		var xs []Op
		for i := range u {
			m := Mem{Base: t}
			if i >= 2 {
				m.Base = t2
			}
			if i%2 == 1 {
				m.Index, m.Scale = ucol, 1
			}
			xs = append(xs, g.narrowLoad(m, VB, nm))
		}
		return xs
	})
	g.nanTest(a)
	if !g.max() {
		g.post(a.val)
	}
	Comment("Store the chunks.")
	for i := range u {
		out, x, pix := GP64(), GP64(), GP64()
		MOVQ(g.pD, out)
		if g.withIdx() {
			MOVQ(g.pX, x)
			MOVQ(g.pI, pix)
		}
		if i > 0 {
			s := GP64()
			MOVQ(g.field("px"), s)
			IMULQ(g.field("dstCol"), s)
			if i > 1 {
				IMUL3Q(U32(i), s, s)
			}
			ADDQ(s, out)
			if g.withIdx() {
				MOVQ(g.field("px"), s)
				IMULQ(g.field("idxCol"), s)
				if i > 1 {
					IMUL3Q(U32(i), s, s)
				}
				ADDQ(s, x)
				MOVQ(g.field("px"), s)
				IMULQ(g.field("colIdx"), s)
				if i > 1 {
					IMUL3Q(U32(i), s, s)
				}
				ADDQ(s, pix)
			}
		}
		g.storeMasked(a.val[i], Mem{Base: out}, nm)
		if g.withIdx() {
			g.storeIdx(a.idx[i], g.pixIx, pix, Mem{Base: x}, nm)
		}
	}
}

// narrowLoad loads a chunk's lanes from the span at m.
func (g *cg) narrowLoad(m Mem, VB int, nm *narrowMasks) VecVirtual {
	v := g.v
	x := v.vec()
	switch {
	case v.z:
		y := v.vec()
		if v.f64() {
			VMOVUPD_Z(m, nm.k0, x)
			VMOVUPD_Z(m.Offset(VB), nm.k1, y)
			VPERMT2PD(y, nm.perm, x)
		} else {
			VMOVUPS_Z(m, nm.k0, x)
			VMOVUPS_Z(m.Offset(VB), nm.k1, y)
			VPERMT2PS(y, nm.perm, x)
		}
	case v.f64():
		VMASKMOVPD(m, nm.m0, x)
	default:
		y := v.vec()
		VMASKMOVPS(m, nm.m0, y)
		VPERMPS(y, nm.perm, x)
	}
	return x
}

// storeMasked stores the lanes of a narrow chunk.
func (g *cg) storeMasked(x VecVirtual, m Mem, nm *narrowMasks) {
	v := g.v
	switch {
	case v.z && v.f64():
		VMOVUPD(x, nm.ks, m)
	case v.z:
		VMOVUPS(x, nm.ks, m)
	case v.f64():
		VMASKMOVPD(x, nm.ms, m)
	default:
		VMASKMOVPS(x, nm.ms, m)
	}
}

// taps emits the tap loops of a strip from base: for every tap, the strip's
// items (wide: memory operands; narrow: loaded vectors) that items returns
// for the tap at t, folded into the accumulators.
func (g *cg) taps(base GPVirtual, a *accs, items func(t GPVirtual) []Op) {
	v := g.v
	tA, cA, iA, cB := slot(), slot(), slot(), slot()
	MOVQ(base, tA)
	n := GP64()
	MOVQ(g.field("nd"), n)
	MOVQ(n, cA)
	if g.withIdx() {
		MOVQ(U32(0), iA)
	}
	la, lb, le := g.label("tapA"), g.label("tapB"), g.label("tapE")
	Label(la)
	tB, iB := GP64(), GP64()
	MOVQ(tA, tB)
	n = GP64()
	MOVQ(g.field("nh"), n)
	MOVQ(n, cB)
	if g.withIdx() {
		MOVQ(iA, iB)
	}
	Label(lb)
	tE, cE, iE := GP64(), GP64(), GP64()
	MOVQ(tB, tE)
	MOVQ(g.field("nw"), cE)
	if g.withIdx() {
		MOVQ(iB, iE)
	}
	Label(le)
	var ti VecVirtual
	if g.withIdx() {
		ti = v.vec()
		v.ibcast(iE, ti)
	}
	for i, x := range items(tE) {
		g.combine(x, a, i, ti)
	}
	ADDQ(g.field("tapW"), tE)
	if g.withIdx() {
		ADDQ(g.field("idxW"), iE)
	}
	DECQ(cE)
	JNZ(LabelRef(le))
	ADDQ(g.field("tapH"), tB)
	if g.withIdx() {
		ADDQ(g.field("idxH"), iB)
	}
	DECQ(cB)
	JNZ(LabelRef(lb))
	t := GP64()
	MOVQ(tA, t)
	ADDQ(g.field("tapD"), t)
	MOVQ(t, tA)
	if g.withIdx() {
		MOVQ(iA, t)
		ADDQ(g.field("idxD"), t)
		MOVQ(t, iA)
	}
	DECQ(cA)
	JNZ(LabelRef(la))
}

// combine folds tap item x (a vector, or the memory it is in) into
// accumulator i (ti: the tap's relative index in every index lane).
func (g *cg) combine(x Op, a *accs, i int, ti VecVirtual) {
	v := g.v
	acc := a.val[i]
	if g.k.Op == table.Sum {
		v.add(x, acc) // a memory operand folds the load
		return
	}
	if m, ok := x.(Mem); ok && g.fastMax {
		// acc = acc > x ? acc : x, the load folded: the maximum but for the
		// sign of a zero maximum (a later zero wins the tie), which the
		// strip checks afterwards.
		if v.f64() {
			VMAXPD(m, acc, acc)
		} else {
			VMAXPS(m, acc, acc)
		}
		return
	}
	xv, ok := x.(VecVirtual)
	if !ok {
		xv = v.vec()
		v.load(x, xv)
	}
	switch g.k.Op {
	case table.SumSq:
		sq := v.vec()
		v.mul(xv, xv, sq)
		v.add(sq, acc)
		return
	}
	if g.detect {
		v.fma(xv, xv, a.nan[i%len(a.nan)])
	}
	if g.withIdx() {
		if v.z {
			k := K()
			if v.f64() {
				VCMPPD(Imm(0x1e), acc, xv, k) // x > acc
				VMOVDQA64(ti, k, a.idx[i])
			} else {
				VCMPPS(Imm(0x1e), acc, xv, k)
				VMOVDQA32(ti, k, a.idx[i])
			}
		} else {
			m := v.vec()
			if v.f64() {
				VCMPPD(Imm(0x1e), acc, xv, m)
				VBLENDVPD(m, ti, a.idx[i], a.idx[i])
			} else {
				VCMPPS(Imm(0x1e), acc, xv, m)
				VBLENDVPS(m, ti, a.idx[i], a.idx[i])
			}
		}
	}
	v.max(xv, acc)
}

// quotConsts are the constants of divideAll's range check: the
// absolute-value mask, the bits of the least |sum| divided by a reciprocal,
// the span of bits from it to the largest (chanArgs.qLo, qSpan); AVX2: the sign bit (its
// compares are signed).
type quotConsts struct {
	absMask, loBits, spanBits, signBit Op
}

// post turns a strip's sums into its outputs as chanArgs.post says.
func (g *cg) post(accs []VecVirtual) {
	v := g.v
	end, succ := g.label("postDone"), g.label("succ")
	CMPL(g.field("post"), U8(int(postSuccessive)))
	JEQ(LabelRef(succ))
	g.divideAll(accs, 2)
	for _, a := range accs {
		v.add(g.zero, a)
	}
	CMPL(g.field("post"), U8(int(postLp1)))
	JLT(LabelRef(end))
	for _, a := range accs {
		v.mul(g.vol, a, a)
	}
	JEQ(LabelRef(end))
	for _, a := range accs {
		v.sqrt(a, a)
	}
	JMP(LabelRef(end))
	Label(succ)
	for i := range 3 {
		g.divideAll(accs, i)
	}
	Label(end)
}

// divideAll divides every sum of accs by divisor i, correctly rounded: by
// multiplying with its reciprocal when that is exact (a power of two); else,
// when every lane's |sum| lies in the range where it is exact, from the
// reciprocal with one correction (win.quotient's method, one range check for
// the whole strip); else by dividing.
func (g *cg) divideAll(accs []VecVirtual, i int) {
	v := g.v
	q := &g.quot
	rcp, div, end := g.label("rcp"), g.label("div"), g.label("divided")
	TESTL(U32(1<<i), g.field("ones"))
	JNZ(LabelRef(end)) // a divisor of 1
	TESTL(U32(1<<i), g.field("pow2"))
	JZ(LabelRef(rcp))
	for _, a := range accs {
		v.mul(g.rq[i], a, a)
	}
	JMP(LabelRef(end))
	Label(rcp)
	d, r := Op(g.q[i]), Op(g.rq[i])
	if v.z { // the divisor and the constants in registers for the strip
		dr, rr := v.vec(), v.vec()
		v.load(g.q[i], dr)
		v.load(g.rq[i], rr)
		d, r = dr, rr
	}
	Comment("Every lane's |sum| in [lo, hi), or 0: the reciprocal and one exact correction.")
	if v.z {
		abs, lo, span := v.vec(), v.vec(), v.vec()
		v.load(q.absMask, abs)
		v.load(q.loBits, lo)
		v.load(q.spanBits, span)
		var all OpmaskVirtual
		for _, a := range accs {
			t := v.vec()
			kz, kr := K(), K()
			if v.f64() {
				VPANDQ(abs, a, t)
				VPTESTNMQ(t, t, kz)
				VPSUBQ(lo, t, t)
				VPCMPUQ(Imm(1), span, t, kr)
			} else {
				VPANDD(abs, a, t)
				VPTESTNMD(t, t, kz)
				VPSUBD(lo, t, t)
				VPCMPUD(Imm(1), span, t, kr)
			}
			KORW(kz, kr, kr)
			if all == nil {
				all = kr
			} else {
				KANDW(kr, all, all)
			}
		}
		if v.f64() {
			KORTESTB(all, all)
		} else {
			KORTESTW(all, all)
		}
	} else {
		var all VecVirtual
		for _, a := range accs {
			t, z, m, sp := v.vec(), v.vec(), v.vec(), v.vec()
			v.zero(z)
			VMOVDQU(q.spanBits, sp)
			VPAND(q.absMask, a, t)
			if v.f64() {
				VPCMPEQQ(z, t, z)
				VPSUBQ(q.loBits, t, t)
				VPXOR(q.signBit, t, t)
				VPCMPGTQ(t, sp, m)
			} else {
				VPCMPEQD(z, t, z)
				VPSUBD(q.loBits, t, t)
				VPXOR(q.signBit, t, t)
				VPCMPGTD(t, sp, m)
			}
			VPOR(z, m, m)
			if all == nil {
				all = m
			} else {
				VPAND(m, all, all)
			}
		}
		ones := v.vec()
		VPCMPEQD(ones, ones, ones)
		VPTEST(ones, all) // CF set when every lane is in range
	}
	JCC(LabelRef(div))
	for _, a := range accs {
		t := v.vec()
		v.mul(r, a, t)
		if v.f64() {
			VFNMADD231PD(d, t, a) // a -= t*d: the exact remainder
			VFMADD231PD(r, a, t)  // t += a*rcp
		} else {
			VFNMADD231PS(d, t, a)
			VFMADD231PS(r, a, t)
		}
		v.mov(t, a)
	}
	JMP(LabelRef(end))
	Label(div)
	for _, a := range accs {
		v.div(d, a, a)
	}
	Label(end)
}

// storeIdx stores the indices of a strip's accumulator: its relative tap
// indices rel (plus, narrow, the lanes' pixel steps pixIx) plus the pixel's
// index base pix, as int64 at m (narrow: under the chunk's store mask).
func (g *cg) storeIdx(rel VecVirtual, pixIx Op, pix GPVirtual, m Mem, nm *narrowMasks) {
	v := g.v
	if pixIx != nil {
		v.iadd(pixIx, rel, rel)
	}
	b := v.vec()
	if v.z {
		VPBROADCASTQ(pix, b)
	} else {
		x := XMM()
		VMOVQ(pix, x)
		VPBROADCASTQ(x, b)
	}
	if nm == nil {
		storeIndices(v, rel, b, m, nil, nil)
		return
	}
	storeIndices(v, rel, b, m, nm.ks, nm.ms)
}

// VMOVDQU64orU loads a vector of integers: VMOVDQU64 with AVX-512, VMOVDQU
// with AVX2.
func VMOVDQU64orU(v vx, m Mem, r VecVirtual) {
	if v.z {
		VMOVDQU64(m, r)
	} else {
		VMOVDQU(m, r)
	}
}
