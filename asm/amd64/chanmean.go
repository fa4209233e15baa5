package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The channels-last mean (chanArgs' mean fields): per image, per vector of
// channels (the last one overlapping the one before; fewer channels than
// lanes: masked), the channels' planes summed in the order of the root
// package's cascadeSum, lane by lane: the width accumulators of the cascade,
// a few at a time, walk their elements (every width-th pixel) with their four
// levels in registers, into a stack array; then the whole vectors left over,
// the fold of the meanILP accumulators, the scalar tail and the division,
// all lane-parallel. Each lane computes exactly what cascadeSum computes for
// its channel.

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
	accs := AllocLocal(32 * VB) // width <= meanILP*8 vectors
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
		VMOVDQU(bitsVec(v, bits), mv)
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

	Comment("The cascade accumulators j, G at a time, walk pixels j, j+width, ... with their levels in registers.")
	G := 4 // width is a multiple of meanILP = 4
	if !v.z {
		G = 2 // AVX2: 16 registers for G x 4 levels
	}
	j, accP := GP64(), GP64()
	XORQ(j, j)
	LEAQ(accs, accP)
	Label(g.lbl("acc"))
	CMPQ(j, g.field("width"))
	JGE(LabelRef(g.lbl("accsDone")))
	var lv [4][]VecVirtual // lv[level][accumulator of the group]
	for l := range lv {
		for range G {
			x := v.vec()
			v.zero(x)
			lv[l] = append(lv[l], x)
		}
	}
	p, p2, i, r, tt := GP64(), GP64(), GP64(), GP64(), GP64()
	MOVQ(j, p)
	IMULQ(ps, p)
	ADDQ(base, p)
	XORQ(i, i)
	row := func() {
		if G > 2 {
			LEAQ(Mem{Base: p, Index: ps, Scale: 2}, p2)
		}
		for a := range G {
			m := Mem{Base: p}
			if a >= 2 {
				m.Base = p2
			}
			if a%2 == 1 {
				m.Index, m.Scale = ps, 1
			}
			load(m, lv[0][a])
		}
		ADDQ(rowStride, p)
	}
	up := func(from int) { // level from+1 += level from; level from = 0
		for a := range G {
			v.add(lv[from][a], lv[from+1][a])
			v.zero(lv[from][a])
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
	for a := range G {
		v.add(lv[1][a], lv[0][a]) // (+0)
		v.store(lv[0][a], Mem{Base: accP, Disp: a * VB})
	}
	JMP(LabelRef(g.lbl("accNext")))
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
	for a := range G {
		for l := 1; l < 4; l++ {
			v.add(lv[l][a], lv[0][a])
		}
		v.store(lv[0][a], Mem{Base: accP, Disp: a * VB})
	}
	Label(g.lbl("accNext"))
	ADDQ(U32(G*VB), accP)
	ADDQ(U8(G), j)
	JMP(LabelRef(g.lbl("acc")))
	Label(g.lbl("accsDone"))

	Comment("The whole vectors after the rows go into the first vector accumulator's lanes, lane by lane.")
	lanesB, k, l, kv := GP64(), GP64(), GP64(), GP64()
	MOVQ(g.field("lanes"), lanesB)
	SHLQ(U8(log2(VB)), lanesB) // the lanes' accumulators, in bytes
	MOVQ(g.field("vecs"), kv)
	MOVQ(g.field("meanRows"), tt)
	SHLQ(U8(2), tt) // meanILP whole vectors per row
	SUBQ(tt, kv)    // the vectors left
	laneStride := GP64()
	MOVQ(g.field("lanes"), laneStride)
	IMULQ(ps, laneStride) // from a vector's lane to the next vector's
	XORQ(l, l)
	p0 := GP64()
	MOVQ(g.field("meanRows"), p0)
	IMULQ(rowStride, p0)
	ADDQ(base, p0)
	Label(g.lbl("extraLane"))
	CMPQ(l, lanesB)
	JGE(LabelRef(g.lbl("fold")))
	a := v.vec()
	v.load(accs.Idx(l, 1), a)
	MOVQ(p0, p)
	MOVQ(kv, k)
	Label(g.lbl("extra"))
	TESTQ(k, k)
	JZ(LabelRef(g.lbl("extraDone")))
	load(Mem{Base: p}, a)
	ADDQ(laneStride, p)
	DECQ(k)
	JMP(LabelRef(g.lbl("extra")))
	Label(g.lbl("extraDone"))
	v.store(a, accs.Idx(l, 1))
	ADDQ(ps, p0)
	ADDQ(U32(VB), l)
	JMP(LabelRef(g.lbl("extraLane")))

	Label(g.lbl("fold"))
	Comment("Accumulators 1..meanILP-1 into the first, lane by lane.")
	XORQ(l, l)
	Label(g.lbl("foldLane"))
	CMPQ(l, lanesB)
	JGE(LabelRef(g.lbl("scalar")))
	a = v.vec()
	v.load(accs.Idx(l, 1), a)
	off := GP64()
	MOVQ(l, off)
	for range 3 { // meanILP - 1
		ADDQ(lanesB, off)
		v.add(accs.Idx(off, 1), a)
	}
	v.store(a, accs.Idx(l, 1))
	ADDQ(U32(VB), l)
	JMP(LabelRef(g.lbl("foldLane")))

	Label(g.lbl("scalar"))
	Comment("From +0: the elements after the last whole vector, then the first accumulator's lanes, in order; then the mean.")
	sum := v.vec()
	v.zero(sum)
	MOVQ(g.field("vecs"), i)
	IMULQ(g.field("lanes"), i)
	MOVQ(i, p)
	IMULQ(ps, p)
	ADDQ(base, p)
	Label(g.lbl("tail"))
	CMPQ(i, g.field("n"))
	JGE(LabelRef(g.lbl("lanes")))
	load(Mem{Base: p}, sum)
	ADDQ(ps, p)
	INCQ(i)
	JMP(LabelRef(g.lbl("tail")))
	Label(g.lbl("lanes"))
	XORQ(l, l)
	Label(g.lbl("lane"))
	CMPQ(l, lanesB)
	JGE(LabelRef(g.lbl("divide")))
	v.add(accs.Idx(l, 1), sum)
	ADDQ(U32(VB), l)
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
