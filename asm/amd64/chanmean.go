package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The channels-last mean (chanArgs' mean fields): per image, per vector of
// channels (the last one overlapping the one before; fewer channels than
// lanes: masked), the channels' planes summed in the order of the root
// package's cascadeSum, lane by lane, every value in registers: the sum
// starts from +0 with the scalar tail; then for each lane l of the cascade's
// first vector accumulator, its meanILP accumulators l + k*lanes walk their
// elements (every width-th pixel) with their four levels, the whole vectors
// after the rows go into the first, the others are folded into it, and it is
// added to the sum; then the division. Each vector lane computes exactly what
// cascadeSum computes for its channel.

func (g *cg) mean() {
	v := g.v
	VB := v.L * v.es
	src, dst, m, images, cb := slot(), slot(), slot(), slot(), slot()
	for _, p := range []struct {
		name string
		m    Mem
	}{{"src", src}, {"dst", dst}, {"images", images}} {
		t := GP64()
		Load(Param(p.name), t)
		MOVQ(t, p.m)
	}
	MOVQ(U32(0), m)
	nT := g.bcastField(g.field("q").Offset(16))
	// mask: the channel lanes of a narrow image (c < L).
	var mk OpmaskVirtual
	var mv Mem
	cbytes := GP64()
	MOVQ(g.field("c"), cbytes)
	SHLQ(U8(shift(v.es)), cbytes)
	narrow := GP64()
	MOVQ(g.field("c"), narrow)
	if v.z {
		mk = K()
		ones, bits := GP64(), GP64()
		MOVQ(I32(-1), ones)
		BZHIQ(narrow, ones, bits)
		KMOVW(bits.As32(), mk)
	} else {
		ones, bits := GP64(), GP64()
		MOVQ(I32(-1), ones)
		BZHIQ(narrow, ones, bits)
		mv = AllocLocal(32)
		VMOVDQU((&cg{v: v}).bitsVec(bits), mv)
	}
	// load adds the channel vector at p to acc (masked when narrow).
	load := func(p Mem, acc VecVirtual) {
		x := v.vec()
		if v.z {
			if v.f64() {
				VMOVUPD_Z(p, mk, x)
			} else {
				VMOVUPS_Z(p, mk, x)
			}
		} else {
			mm := v.vec()
			VMOVDQU(mv, mm)
			if v.f64() {
				VMASKMOVPD(p, mm, x)
			} else {
				VMASKMOVPS(p, mm, x)
			}
		}
		v.add(x, acc)
	}
	// The narrow mask covers every lane of a wide image.
	if v.z {
		t := GP64()
		MOVQ(g.field("c"), t)
		CMPQ(t, U32(v.L))
		JLT(LabelRef(g.lbl("maskSet")))
		KXNORW(mk, mk, mk)
		Label(g.lbl("maskSet"))
	} else {
		t := GP64()
		MOVQ(g.field("c"), t)
		CMPQ(t, U32(v.L))
		JLT(LabelRef(g.lbl("maskSet")))
		a := v.vec()
		VPCMPEQD(a, a, a)
		VMOVDQU(a, mv)
		Label(g.lbl("maskSet"))
	}

	Label(g.lbl("image"))
	t := GP64()
	MOVQ(m, t)
	CMPQ(t, images)
	JGE(LabelRef(g.lbl("done")))
	MOVQ(U32(0), cb)

	Label(g.lbl("block"))
	// The blocks of L channels, the last one ending at the last channel (a
	// narrow image's one block: its channels, masked).
	CMPQ(cb, cbytes)
	JGE(LabelRef(g.lbl("imageDone")))
	e := GP64()
	MOVQ(cb, e)
	ADDQ(U32(VB), e)
	CMPQ(e, cbytes)
	JLE(LabelRef(g.lbl("blockOK")))
	CMPQ(cbytes, U32(VB))
	JLT(LabelRef(g.lbl("blockOK")))
	MOVQ(cbytes, e)
	SUBQ(U32(VB), e)
	MOVQ(e, cb)
	Label(g.lbl("blockOK"))

	base, ps, rowStride := GP64(), GP64(), GP64()
	MOVQ(src, base)
	ADDQ(cb, base)
	MOVQ(cbytes, ps)
	MOVQ(g.field("width"), rowStride)
	IMULQ(ps, rowStride)

	Comment("From +0: first the elements after the last whole vector (the scalar tail cascadeSum adds first).")
	sum := v.vec()
	v.zero(sum)
	p, i, r, tt := GP64(), GP64(), GP64(), GP64()
	MOVQ(g.field("vecs"), i)
	IMULQ(g.field("lanes"), i)
	MOVQ(i, p)
	IMULQ(ps, p)
	ADDQ(base, p)
	Label(g.lbl("tail"))
	CMPQ(i, g.field("n"))
	JGE(LabelRef(g.lbl("tailDone")))
	load(Mem{Base: p}, sum)
	ADDQ(ps, p)
	INCQ(i)
	JMP(LabelRef(g.lbl("tail")))
	Label(g.lbl("tailDone"))

	Comment("Then lane l of the first vector accumulator, l in order: the cascade accumulators")
	Comment("l + k*lanes (k < meanILP) walk their pixels with their levels in registers, then")
	Comment("the whole vectors after the rows go into the first, the others are folded into it.")
	// lv[level][k]: the levels of accumulator l + k*lanes.
	var lv [4][]VecVirtual
	for l := range lv {
		for range 4 {
			lv[l] = append(lv[l], v.vec())
		}
	}
	l, laneStride, p2 := GP64(), GP64(), GP64()
	MOVQ(g.field("lanes"), laneStride)
	IMULQ(ps, laneStride) // from accumulator l + k*lanes to l + (k+1)*lanes
	XORQ(l, l)
	Label(g.lbl("lane"))
	CMPQ(l, g.field("lanes"))
	JGE(LabelRef(g.lbl("divide")))
	for _, lvl := range lv {
		for _, x := range lvl {
			v.zero(x)
		}
	}
	MOVQ(l, p)
	IMULQ(ps, p)
	ADDQ(base, p)
	XORQ(i, i)
	row := func() {
		LEAQ(Mem{Base: p, Index: laneStride, Scale: 2}, p2)
		for k := range 4 {
			m := Mem{Base: p}
			if k >= 2 {
				m.Base = p2
			}
			if k%2 == 1 {
				m.Index, m.Scale = laneStride, 1
			}
			load(m, lv[0][k])
		}
		ADDQ(rowStride, p)
	}
	up := func(from int) { // level from+1 += level from; level from = 0
		for k := range 4 {
			v.add(lv[from][k], lv[from+1][k])
			v.zero(lv[from][k])
		}
	}
	Comment("Fewer rows than a cascade step: level 0 only, then +0 for the levels above.")
	MOVQ(g.field("meanRows"), tt)
	CMPQ(tt, g.field("step"))
	JGE(LabelRef(g.lbl("group")))
	Label(g.lbl("short"))
	CMPQ(i, g.field("meanRows"))
	JGE(LabelRef(g.lbl("shortDone")))
	row()
	INCQ(i)
	JMP(LabelRef(g.lbl("short")))
	Label(g.lbl("shortDone"))
	for k := range 4 {
		v.add(lv[1][k], lv[0][k]) // (+0)
	}
	JMP(LabelRef(g.lbl("extra")))
	Label(g.lbl("group"))
	MOVQ(i, tt)
	ADDQ(g.field("step"), tt)
	CMPQ(tt, g.field("meanRows"))
	JGT(LabelRef(g.lbl("rest")))
	MOVQ(g.field("step"), r)
	Label(g.lbl("groupRow"))
	row()
	DECQ(r)
	JNZ(LabelRef(g.lbl("groupRow")))
	MOVQ(tt, i)
	up(0)
	TESTQ(i, g.field("mask1"))
	JNZ(LabelRef(g.lbl("group")))
	up(1)
	TESTQ(i, g.field("mask2"))
	JNZ(LabelRef(g.lbl("group")))
	up(2)
	JMP(LabelRef(g.lbl("group")))
	Label(g.lbl("rest"))
	CMPQ(i, g.field("meanRows"))
	JGE(LabelRef(g.lbl("merge")))
	row()
	INCQ(i)
	JMP(LabelRef(g.lbl("rest")))
	Label(g.lbl("merge"))
	for k := range 4 {
		for lvl := 1; lvl < 4; lvl++ {
			v.add(lv[lvl][k], lv[0][k])
		}
	}
	Label(g.lbl("extra"))
	// p is now accumulator l's first element after the rows: the whole
	// vectors left, lanes elements apart.
	MOVQ(g.field("vecs"), r)
	MOVQ(g.field("meanRows"), tt)
	SHLQ(U8(2), tt) // meanILP whole vectors per row
	SUBQ(tt, r)
	Label(g.lbl("extraVec"))
	TESTQ(r, r)
	JZ(LabelRef(g.lbl("fold")))
	load(Mem{Base: p}, lv[0][0])
	ADDQ(laneStride, p)
	DECQ(r)
	JMP(LabelRef(g.lbl("extraVec")))
	Label(g.lbl("fold"))
	for k := 1; k < 4; k++ {
		v.add(lv[0][k], lv[0][0])
	}
	v.add(lv[0][0], sum)
	INCQ(l)
	JMP(LabelRef(g.lbl("lane")))

	Label(g.lbl("divide"))
	v.div(nT, sum, sum)
	out := GP64()
	MOVQ(dst, out)
	ADDQ(cb, out)
	switch {
	case v.z && v.f64():
		VMOVUPD(sum, mk, Mem{Base: out})
	case v.z:
		VMOVUPS(sum, mk, Mem{Base: out})
	default:
		mm := v.vec()
		VMOVDQU(mv, mm)
		if v.f64() {
			VMASKMOVPD(sum, mm, Mem{Base: out})
		} else {
			VMASKMOVPS(sum, mm, Mem{Base: out})
		}
	}
	ADDQ(U32(VB), cb)
	JMP(LabelRef(g.lbl("block")))

	Label(g.lbl("imageDone"))
	g.advance(src, "srcImage", dst, "dstImage")
	INCQ(m)
	JMP(LabelRef(g.lbl("image")))

	Label(g.lbl("done"))
	t = GP64()
	MOVQ(images, t)
	Store(t, ReturnIndex(0))
	VZEROUPPER()
	RET()
}
