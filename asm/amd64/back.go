package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/simdpool/simdpool/asm/table"
)

// The backward kernels: the expand kernels of windows that do not overlap
// (the root package's backRef states their contract) and the global mean's
// fill.
//
// An expand kernel walks planes, slabs and output rows like a window kernel,
// and for every chunk of L outputs of a row loads their gradients g (average:
// divided as winArgs.post says, from the window kernels' divide) and, for max,
// their indices (float32: narrowed to int32 lanes, exact for the plane indices
// the plan allows); then for every tap row of the window it writes the 2L
// columns of the chunk's block. Stride 2 and two taps: column 2j+t of the
// block belongs to output j, so the block's two vectors are g with every lane
// doubled (a permutation). Max keeps a column's value only where the
// (doubled) index is the column's plane index, and checks that every index
// lies in its window, else leaves the plane to its caller. Columns after the
// last chunk, from winArgs.zero0, are zeroed.

// expand is the generation state of one expand kernel: a window kernel's,
// whose prologue, fields, divide and masks it shares.
type expand struct {
	*win
	dupLo, dupHi Op // lane j: j/2 and L/2 + j/2, the permutations doubling a vector's lanes (AVX2 float64: none, an immediate)
	avg          bool
}

// declareBackTables declares the lane tables of the expand kernels.
func declareBackTables() {
	for _, z := range []bool{false, true} {
		for _, es := range []int{4, 8} {
			v := newVX(z, es)
			for _, add := range []int{0, v.L / 2} {
				declareTable(v, constKey(v, "dup", 1, add), func(j int) uint64 { return uint64(j/2 + add) })
			}
		}
	}
}

func expandKernel(k table.Kernel) {
	if k.S != 2 || k.K != 2 || k.D != 1 || k.P != 0 {
		panic("expand kernels are made for stride 2, 2 taps, no padding: " + k.Name())
	}
	g := &win{k: k, v: newVX(k.ISA == table.AVX512, k.Size), lbl: labeler(k.Name())}
	e := &expand{win: g, avg: k.Op == table.AvgBwd}
	TEXT(k.Name(), 0, "func(a *winArgs, src, dst, idx *byte, planes int) int")
	Pragma("noescape")
	Doc(k.Doc())
	g.a = GP64()
	Load(Param("a"), g.a)
	g.prologue()
	v := g.v
	if !(v.f64() && !v.z) {
		lo, hi := v.vec(), v.vec()
		e.loadConst(constTable(v, "dup", 1, 0), lo)
		e.loadConst(constTable(v, "dup", 1, v.L/2), hi)
		e.dupLo, e.dupHi = g.keep(lo), g.keep(hi)
	}
	e.planeLoop()
	VZEROUPPER()
	RET()
}

func (e *expand) loadConst(m Mem, r VecVirtual) {
	if e.v.z {
		VMOVDQU64(m, r)
	} else {
		VMOVDQU(m, r)
	}
}

// planeLoop emits the loops over planes, slabs and rows (the window kernels'
// loop, with expand rows).
func (e *expand) planeLoop() {
	g, lbl := e.win, e.lbl
	Label(lbl("plane"))
	t := GP64()
	MOVQ(g.pl, t)
	CMPQ(t, g.planes)
	JGE(LabelRef(lbl("done")))
	for _, p := range []struct {
		plane, slab Mem
		off         string
	}{{g.src, g.zS, "srcOff"}, {g.dst, g.zD, "dstOff"}, {g.idx, g.zX, "idxOff"}} {
		b := GP64()
		MOVQ(p.plane, b)
		ADDQ(g.field(p.off), b)
		MOVQ(b, p.slab)
	}
	n := GP64()
	MOVQ(g.field("slabs"), n)
	MOVQ(n, g.z)
	MOVQ(U32(0), g.zI)

	Label(lbl("slab"))
	for _, p := range [][2]Mem{{g.zS, g.rS}, {g.zD, g.rD}, {g.zX, g.rX}, {g.zI, g.rI}} {
		b := GP64()
		MOVQ(p[0], b)
		MOVQ(b, p[1])
	}
	n = GP64()
	MOVQ(g.field("rows"), n)
	MOVQ(n, g.r)

	Label(lbl("row"))
	e.rowChunks()
	e.zeroTails()
	g.loopEnds(lbl, "An index outside its window: the caller scatters this plane.")
}

// rowChunks emits the chunk loops of one output row: the interior chunks
// [0, c1) (no padding: no leading edge chunks), the overlapping tail chunk,
// the trailing edge chunks [c1, nc).
func (e *expand) rowChunks() {
	g, lbl, v := e.win, e.lbl, e.v
	cr := chunkRegs{c: GP64(), cD: GP64(), col: GP64()}
	if !e.avg {
		cr.cX = GP64()
		MOVQ(g.rX, cr.cX)
	}
	XORQ(cr.c, cr.c)
	XORQ(cr.col, cr.col)
	MOVQ(g.rD, cr.cD)
	loop := func(name, end string, edge bool) {
		Label(lbl(name))
		CMPQ(cr.c, g.field(end))
		JGE(LabelRef(lbl(name + "Done")))
		Label(lbl(name + "Body"))
		e.chunk(&cr, edge, name)
		INCQ(cr.c)
		ADDQ(U32(2*v.L), cr.col)
		ADDQ(U32(v.L*v.es), cr.cD)
		if !e.avg {
			ADDQ(U32(v.L*8), cr.cX)
		}
		JMP(LabelRef(lbl(name)))
		Label(lbl(name + "Done"))
	}
	loop("inner", "c1", false)
	Comment("An interior chunk at output tail, overlapping the previous one, ends the row: once, with c = c1.")
	CMPQ(cr.c, g.field("c1"))
	JNE(LabelRef(lbl("noTail")))
	t := GP64()
	MOVQ(g.field("tail"), t)
	TESTQ(t, t)
	JS(LabelRef(lbl("noTail")))
	LEAQ(Mem{Base: t, Index: t, Scale: 1}, cr.col)
	MOVQ(g.rD, cr.cD)
	LEAQ(Mem{Base: cr.cD, Index: t, Scale: uint8(v.es)}, cr.cD)
	if !e.avg {
		MOVQ(g.rX, cr.cX)
		LEAQ(Mem{Base: cr.cX, Index: t, Scale: 8}, cr.cX)
	}
	JMP(LabelRef(lbl("innerBody")))
	Label(lbl("noTail"))
	loop("right", "nc", true)
}

// chunk emits one chunk: its gradients (and indices), then every tap row.
func (e *expand) chunk(cr *chunkRegs, edge bool, name string) {
	g, v := e.win, e.v
	lbl := func(s string) string { return g.lbl(name + "_" + s) }
	var sm *storeMask // edge chunks: the outputs inside the row
	var cm [2]Op      // edge chunks: the block's columns inside the row, of each vector (opmask, or AVX2 vector mask in a slot)
	if edge {
		ed := GP64() // the edge chunk's number: c - c1 (no leading edge chunks)
		MOVQ(cr.c, ed)
		SUBQ(g.field("c1"), ed)
		sm = g.newStoreMask(ed)
		bits := GP64()
		MOVQ(g.field("ebits").Idx(ed, 8), bits)
		for u := range cm {
			if v.z {
				k := K()
				KMOVW(bits.As32(), k)
				cm[u] = k
			} else {
				cm[u] = g.keep(bitsVec(g.v, bits))
			}
			if u == 0 {
				SHRQ(U8(v.L), bits)
			}
		}
	}
	Comment("The chunk's gradients, +0 added (average: divided first).")
	x := v.vec()
	e.loadMasked(Mem{Base: cr.cD}, x, sm, false)
	if e.avg {
		off := GP64()
		MOVQ(cr.cD, off)
		SUBQ(g.rD, off)
		g.divide(x, off)
	}
	v.add(g.zero, x)
	Comment("Each lane doubled: the values of the block's two vectors of columns.")
	val := e.doubled(x, false)

	var idx [2]VecVirtual // max: the indices, doubled
	var i, rowI VecVirtual
	var cpos [2]Op // max: the columns of the block's vectors, col + j and col + L + j
	var wst Op     // max: the first column of each output's window, col + 2j
	var found Op   // max: the outputs whose index was found in their window
	if !e.avg {
		Comment("The indices (index lanes), doubled; the columns of the block and of the windows.")
		i = e.loadIdx(cr.cX, sm)
		idx = e.doubled(i, true)
		col := GP64()
		for u := range cpos {
			if u == 0 {
				MOVQ(cr.col, col)
			} else {
				ADDQ(U32(v.L), col)
			}
			r := v.vec()
			v.ibcast(col, r)
			v.iadd(constTable(v, "iota", 1, 0), r, r)
			cpos[u] = g.keep(r)
		}
		w := v.vec()
		v.ibcast(cr.col, w)
		v.iadd(constTable(v, "iota", 2, 0), w, w)
		wst = g.keep(w)
		t := GP64()
		MOVL(g.rI, t.As32())
		if v.f64() {
			MOVLQSX(t.As32(), t)
		}
		rowI = v.vec()
		v.ibcast(t, rowI)
		if v.z {
			k := K()
			KXORW(k, k, k)
			found = k
		} else {
			f := v.vec()
			VPXOR(f, f, f)
			found = f
		}
	}

	Comment("Every tap row of the window: the block's columns.")
	tv := GP64()
	XORQ(tv, tv)
	Label(lbl("tap"))
	CMPQ(tv, g.field("ntaps"))
	JGE(LabelRef(lbl("tapsDone")))
	T := GP64()
	MOVQ(g.field("tapOff").Idx(tv, 8), T)
	ADDQ(g.rS, T)
	LEAQ(Mem{Base: T, Index: cr.col, Scale: uint8(v.es)}, T)
	if e.avg {
		for u := range val {
			e.storeMasked(val[u], Mem{Base: T, Disp: u * v.L * v.es}, cm[u])
		}
	} else {
		rp := v.vec()
		g.tapIdxVec(g.field("tapIdx").Idx(tv, 4), rowI, rp)
		for u := range val {
			e.storeMasked(e.selectAt(val[u], idx[u], cpos[u], rp), Mem{Base: T, Disp: u * v.L * v.es}, cm[u])
		}
		e.findInWindow(i, rp, wst, found, edge)
	}
	INCQ(tv)
	JMP(LabelRef(lbl("tap")))
	Label(lbl("tapsDone"))
	if !e.avg {
		e.testFound(found, sm)
		JCC(LabelRef(g.lbl("leave")))
	}
}

// loadMasked loads a vector of T (index: of int64) from m, under the
// outputs' mask sm in an edge chunk (lanes off it read 0).
func (e *expand) loadMasked(m Mem, x VecVirtual, sm *storeMask, index bool) {
	v := e.v
	q := index || v.f64()
	switch {
	case sm == nil && v.z && index:
		VMOVDQU64(m, x)
	case sm == nil:
		v.load(m, x)
	case v.z && q:
		VMOVDQU64_Z(m, sm.k, x)
	case v.z:
		VMOVUPS_Z(m, sm.k, x)
	case index:
		VPMASKMOVQ(m, sm.m, x)
	case v.f64():
		VMASKMOVPD(m, sm.m, x)
	default:
		VMASKMOVPS(m, sm.m, x)
	}
}

// loadIdx loads the chunk's indices into index lanes: float64 as they are,
// float32 narrowed to their low 32 bits (the plane indices lie in
// [-1, 2^31)).
func (e *expand) loadIdx(at GPVirtual, sm *storeMask) VecVirtual {
	v := e.v
	i := v.vec()
	if v.f64() {
		e.loadMasked(Mem{Base: at}, i, sm, true)
		return i
	}
	lo, hi := v.vec(), v.vec()
	switch {
	case v.z && sm != nil:
		kh := K()
		KSHIFTRW(Imm(8), sm.k, kh)
		e.loadMasked(Mem{Base: at}, lo, sm, true)
		e.loadMasked(Mem{Base: at, Disp: 64}, hi, &storeMask{k: kh}, true)
	case v.z:
		e.loadMasked(Mem{Base: at}, lo, nil, true)
		e.loadMasked(Mem{Base: at, Disp: 64}, hi, nil, true)
	case sm != nil:
		mlo, mhi, mh := v.vec(), v.vec(), XMM()
		VEXTRACTI128(Imm(1), sm.m, mh)
		VPMOVSXDQ(sm.m.AsX(), mlo)
		VPMOVSXDQ(mh, mhi)
		VPMASKMOVQ(Mem{Base: at}, mlo, lo)
		VPMASKMOVQ(Mem{Base: at, Disp: 32}, mhi, hi)
	default:
		VMOVDQU(Mem{Base: at}, lo)
		VMOVDQU(Mem{Base: at, Disp: 32}, hi)
	}
	if v.z {
		Comment("The low dwords of the 16 indices: the even dwords of lo:hi.")
		VMOVDQU64(lo, i)
		VPERMT2D(hi, e.even, i)
		return i
	}
	Comment("The low dwords of the 8 indices: in-lane pairs, then the quarters in order.")
	VSHUFPS(Imm(0x88), hi, lo, i)
	VPERMQ(Imm(0xd8), i, i)
	return i
}

// doubled returns the two vectors of x's lanes each doubled: lanes [0, L/2)
// and [L/2, L) (index: integer lanes).
func (e *expand) doubled(x VecVirtual, index bool) [2]VecVirtual {
	v := e.v
	var r [2]VecVirtual
	for u, perm := range []Op{e.dupLo, e.dupHi} {
		r[u] = v.vec()
		if v.f64() && !v.z { // AVX2 float64: an immediate permutation
			imm := [2]uint8{0x50, 0xfa}[u]
			if index {
				VPERMQ(Imm(uint64(imm)), x, r[u])
			} else {
				VPERMPD(Imm(uint64(imm)), x, r[u])
			}
			continue
		}
		p := perm
		if !v.z { // the index must be a register
			t := v.vec()
			VMOVDQU(perm, t)
			p = t
		}
		switch {
		case v.f64() && index:
			VPERMQ(x, p, r[u])
		case v.f64():
			VPERMPD(x, p, r[u])
		case index:
			VPERMD(x, p, r[u])
		default:
			VPERMPS(x, p, r[u])
		}
	}
	return r
}

// selectAt returns, for max, val where the doubled index di is the plane
// index of the column (rp: of the tap row's column 0, cpos: the columns), +0
// elsewhere.
func (e *expand) selectAt(val, di VecVirtual, cpos Op, rp VecVirtual) VecVirtual {
	v := e.v
	pos := v.vec()
	v.iadd(cpos, rp, pos)
	r := v.vec()
	if v.z {
		k := K()
		if v.f64() {
			VPCMPEQQ(pos, di, k)
			VMOVUPD_Z(val, k, r)
		} else {
			VPCMPEQD(pos, di, k)
			VMOVUPS_Z(val, k, r)
		}
		return r
	}
	if v.f64() {
		VPCMPEQQ(pos, di, pos)
	} else {
		VPCMPEQD(pos, di, pos)
	}
	VPAND(pos, val, r)
	return r
}

// findInWindow adds to found the outputs whose index i lies in this tap row
// (of plane index rp) inside their window: its column c = i - rp with
// c - wst in [0, 2) and, in an edge chunk, c in [0, w).
func (e *expand) findInWindow(i, rp VecVirtual, wst, found Op, edge bool) {
	v, g := e.v, e.win
	sub := func(a Op, b, dst VecVirtual) { // dst = b - a
		if v.f64() {
			VPSUBQ(a, b, dst)
		} else {
			VPSUBD(a, b, dst)
		}
	}
	c, d := v.vec(), v.vec()
	sub(rp, i, c)
	sub(wst, c, d)
	var wv VecVirtual
	if edge {
		w := g.fieldQ("w")
		wv = v.vec()
		v.ibcast(w, wv)
	}
	if v.z {
		two := v.constBits(2)
		k := K()
		if v.f64() {
			VPCMPUQ(Imm(1), two, d, k)
			if edge {
				VPCMPUQ(Imm(1), wv, c, k, k)
			}
		} else {
			VPCMPUD(Imm(1), two, d, k)
			if edge {
				VPCMPUD(Imm(1), wv, c, k, k)
			}
		}
		KORW(k, found, found)
		return
	}
	// AVX2: d in {0, 1} when d &^ 1 is 0; c in [0, w) when c > -1 and w > c.
	one, z := v.constBits(1), v.vec()
	VPANDN(d, one, d)
	VPXOR(z, z, z)
	if v.f64() {
		VPCMPEQQ(z, d, d)
	} else {
		VPCMPEQD(z, d, d)
	}
	if edge {
		m := v.vec()
		VPCMPEQD(z, z, z) // -1
		if v.f64() {
			VPCMPGTQ(z, c, m)
			VPCMPGTQ(c, wv, c)
		} else {
			VPCMPGTD(z, c, m)
			VPCMPGTD(c, wv, c)
		}
		VPAND(m, c, c)
		VPAND(c, d, d)
	}
	VPOR(d, found, found)
}

// testFound sets the carry flag when every output of the chunk (an edge
// chunk: inside the row) was found in its window.
func (e *expand) testFound(found Op, sm *storeMask) {
	v := e.v
	if v.z {
		k := found.(OpmaskVirtual)
		if sm != nil {
			t := K()
			KANDNW(sm.k, found, t) // t = ^found & sm.k: outputs inside the row, not found
			KNOTW(t, t)
			k = t
		}
		if v.f64() {
			KORTESTB(k, k)
		} else {
			KORTESTW(k, k)
		}
		return
	}
	all := sm
	if all == nil {
		m := v.vec()
		VPCMPEQD(m, m, m)
		all = &storeMask{m: m}
	}
	VPTEST(all.m, found) // CF when found has every bit of the mask
}

// storeMasked stores x at m, under the column mask cm in an edge chunk (nil:
// every lane).
func (e *expand) storeMasked(x VecVirtual, m Mem, cm Op) {
	v := e.v
	switch {
	case cm == nil:
		v.store(x, m)
	case v.z && v.f64():
		VMOVUPD(x, cm, m)
	case v.z:
		VMOVUPS(x, cm, m)
	default:
		mv := v.vec()
		VMOVDQU(cm, mv)
		if v.f64() {
			VMASKMOVPD(x, mv, m)
		} else {
			VMASKMOVPS(x, mv, m)
		}
	}
}

// zeroTails zeroes the columns [zero0, w) of every tap row of the row.
func (e *expand) zeroTails() {
	g, v, lbl := e.win, e.v, e.lbl
	Comment("The columns after the chunks: zero.")
	z := v.vec()
	v.zero(z)
	tv := GP64()
	XORQ(tv, tv)
	Label(lbl("zeroTap"))
	CMPQ(tv, g.field("ntaps"))
	JGE(LabelRef(lbl("zeroDone")))
	T := GP64()
	MOVQ(g.field("tapOff").Idx(tv, 8), T)
	ADDQ(g.rS, T)
	x := g.fieldQ("zero0")
	Label(lbl("zeroCol"))
	CMPQ(x, g.field("w"))
	JGE(LabelRef(lbl("zeroNext")))
	m := Mem{Base: T, Index: x, Scale: uint8(v.es)}
	if v.z {
		e.storeMasked(z, m, g.laneMask(x))
	} else {
		mv := g.laneVec(x)
		if v.f64() {
			VMASKMOVPD(z, mv, m)
		} else {
			VMASKMOVPS(z, mv, m)
		}
	}
	ADDQ(U32(v.L), x)
	JMP(LabelRef(lbl("zeroCol")))
	Label(lbl("zeroNext"))
	INCQ(tv)
	JMP(LabelRef(lbl("zeroTap")))
	Label(lbl("zeroDone"))
}

// meanFill emits the global mean's backward: each of planes planes of n
// elements at dst filled with src[p] / T(n). The quotients of L planes at a
// time come from one vector division (each correctly rounded, as the scalar
// one), then each plane is filled: whole vectors, then its last n%L elements
// under a mask (float32 planes of at most maxFlat elements: see meanFlat).
func meanFill(k table.Kernel) {
	v := newVX(k.ISA == table.AVX512, k.Size)
	name := k.Name()
	TEXT(name, 0, "func(dst, src *byte, planes, n int)") // not NOSPLIT: a stack slot
	Pragma("noescape")
	Doc(k.Doc())
	dst, src, planes, n := GP64(), GP64(), GP64(), GP64()
	Load(Param("dst"), dst)
	Load(Param("src"), src)
	Load(Param("planes"), planes)
	Load(Param("n"), n)
	Comment("T(n) in every lane, and the mask of the last n%L elements of a plane.")
	fn := XMM()
	if v.f64() {
		VCVTSI2SDQ(n, fn, fn)
	} else {
		VCVTSI2SSQ(n, fn, fn)
	}
	fnv := v.vec()
	if v.f64() {
		VBROADCASTSD(fn, fnv)
	} else {
		VBROADCASTSS(fn, fnv)
	}
	full := GP64()
	MOVQ(n, full)
	ANDQ(I32(-v.L), full) // the elements in whole vectors
	tail := GP64()
	MOVQ(n, tail)
	SUBQ(full, tail)
	var kt OpmaskVirtual
	var mt VecVirtual
	if v.z {
		t := GP64()
		MOVQ(I32(-1), t)
		BZHIQ(tail, t, t)
		kt = K()
		KMOVW(t.As32(), kt)
	} else {
		mt = v.vec()
		v.ibcast(tail, mt)
		if v.f64() { // tail > j, in lanes of the element size
			VPCMPGTQ(constTable(v, "iota", 1, 0), mt, mt)
		} else {
			VPCMPGTD(constTable(v, "iota", 1, 0), mt, mt)
		}
	}
	quots := AllocLocal(64) // the quotients of a group of L planes
	// fill fills the plane at dst with the broadcast r and steps dst to the next.
	fill := func(r VecVirtual, lbl string) {
		i := GP64()
		XORQ(i, i)
		Label(lbl + "vec")
		CMPQ(i, full)
		JGE(LabelRef(lbl + "tail"))
		v.store(r, Mem{Base: dst, Index: i, Scale: uint8(v.es)})
		ADDQ(U32(v.L), i)
		JMP(LabelRef(lbl + "vec"))
		Label(lbl + "tail")
		m := Mem{Base: dst, Index: i, Scale: uint8(v.es)}
		switch {
		case v.z && v.f64():
			VMOVUPD(r, kt, m)
		case v.z:
			VMOVUPS(r, kt, m)
		case v.f64():
			VMASKMOVPD(r, mt, m)
		default:
			VMASKMOVPS(r, mt, m)
		}
		LEAQ(Mem{Base: dst, Index: n, Scale: uint8(v.es)}, dst)
	}
	bcast := func(m Mem, r VecVirtual) {
		if v.f64() {
			VBROADCASTSD(m, r)
		} else {
			VBROADCASTSS(m, r)
		}
	}

	if !v.f64() {
		meanFlat(v, dst, src, planes, n, fnv)
	}
	Comment("Groups of L planes: one division.")
	Label("group")
	CMPQ(planes, U32(v.L))
	JLT(LabelRef("single"))
	q := v.vec()
	v.load(Mem{Base: src}, q)
	v.div(fnv, q, q)
	v.store(q, quots)
	l := GP64()
	XORQ(l, l)
	Label("member")
	r := v.vec()
	bcast(Mem{Base: quots.Base, Disp: quots.Disp, Index: l, Scale: uint8(v.es)}, r)
	fill(r, "g")
	INCQ(l)
	CMPQ(l, U32(v.L))
	JLT(LabelRef("member"))
	ADDQ(U32(v.L*v.es), src)
	SUBQ(U32(v.L), planes)
	JMP(LabelRef("group"))

	Comment("The last planes, one by one.")
	Label("single")
	TESTQ(planes, planes)
	JZ(LabelRef("done"))
	x := XMM()
	if v.f64() {
		VMOVSD(Mem{Base: src}, x)
		VDIVSD(fn, x, x)
	} else {
		VMOVSS(Mem{Base: src}, x)
		VDIVSS(fn, x, x)
	}
	r = v.vec()
	if v.f64() {
		VBROADCASTSD(x, r)
	} else {
		VBROADCASTSS(x, r)
	}
	fill(r, "s")
	ADDQ(U32(v.es), src)
	DECQ(planes)
	JMP(LabelRef("single"))
	Label("done")
	VZEROUPPER()
	RET()
}

// maxFlat bounds the planes meanFlat fills: its table of permutations takes
// maxFlat vectors of the stack.
const maxFlat = 64

// meanFlat emits the float32 fill of groups of L planes of n <= maxFlat
// elements: the group's L*n elements are n whole vectors, vector k's lane l
// holding the quotient of plane (k*L+l)/n of the group; one table of those
// permutations (VPERMPS indices, computed once per call: exact float32
// quotients of integers below 2^12, truncated) turns the L quotients into each
// vector, stored without masks. It falls through to the plane-by-plane fill
// for larger planes and for the last planes.
func meanFlat(v vx, dst, src, planes, n GPVirtual, fnv VecVirtual) {
	Comment("Planes of at most maxFlat elements: whole vectors over groups of L planes.")
	CMPQ(n, U32(maxFlat))
	JGT(LabelRef("group"))
	CMPQ(planes, U32(v.L))
	JLT(LabelRef("single"))
	tbl := AllocLocal(maxFlat * v.L * 4)
	pos, step := v.vec(), v.vec()
	if v.z {
		VMOVDQU32(constTable(v, "iota", 1, 0), pos)
	} else {
		VMOVDQU(constTable(v, "iota", 1, 0), pos)
	}
	t := GP64()
	MOVQ(U32(v.L), t)
	v.ibcast(t, step)
	off, end := GP64(), GP64()
	XORQ(off, off)
	MOVQ(n, end)
	SHLQ(U8(log2(v.L*4)), end) // n vectors of table
	Label("table")
	f := v.vec()
	VCVTDQ2PS(pos, f)
	VDIVPS(fnv, f, f)
	VCVTTPS2DQ(f, f)
	entry := Mem{Base: tbl.Base, Disp: tbl.Disp, Index: off, Scale: 1}
	if v.z {
		VMOVDQU32(f, entry)
	} else {
		VMOVDQU(f, entry)
	}
	VPADDD(step, pos, pos)
	ADDQ(U32(v.L*4), off)
	CMPQ(off, end)
	JLT(LabelRef("table"))

	Label("flat")
	CMPQ(planes, U32(v.L))
	JLT(LabelRef("single"))
	q := v.vec()
	v.load(Mem{Base: src}, q)
	v.div(fnv, q, q)
	XORQ(off, off)
	Label("flatVec")
	ix, r := v.vec(), v.vec()
	entry = Mem{Base: tbl.Base, Disp: tbl.Disp, Index: off, Scale: 1}
	if v.z {
		VMOVDQU32(entry, ix)
	} else {
		VMOVDQU(entry, ix)
	}
	VPERMPS(q, ix, r)
	v.store(r, Mem{Base: dst, Index: off, Scale: 1}) // a table entry is as long as a vector
	ADDQ(U32(v.L*4), off)
	CMPQ(off, end)
	JLT(LabelRef("flatVec"))
	ADDQ(end, dst) // n vectors: L planes
	ADDQ(U32(v.L*4), src)
	SUBQ(U32(v.L), planes)
	JMP(LabelRef("flat"))
}
