package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// globalMax writes one value per plane of n contiguous floats: the maximum
// (NaN if the plane holds one). Four accumulators per plane keep the loads
// independent; the last n%L floats load under a mask. (The mean is mean.go's.)
func globalMax(is isa) {
	name := "globalMax" + is.name
	TEXT(name, NOSPLIT, "func(dst, src *float32, planes, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s writes to dst[p] the maximum (NaN if it holds one) of each of planes planes of n floats at src.", name))
	z, L := is.z, is.L
	dst := GP64()
	Load(Param("dst"), dst)
	src := GP64()
	Load(Param("src"), src)
	planes := GP64()
	Load(Param("planes"), planes)
	n := GP64()
	Load(Param("n"), n)

	Comment("Per-call constants.")
	fill := constVec(is, 0xff800000) // what masked-off lanes read
	Comment("tail: the lanes of the last n%L floats of a plane.")
	tail, t := GP64(), GP64()
	MOVQ(n, tail)
	ANDQ(U32(L-1), tail)
	var ktail OpmaskVirtual
	var mtail VecVirtual
	if z {
		MOVQ(I32(-1), t)
		BZHIQ(tail, t, t)
		ktail = K()
		KMOVW(t.As32(), ktail)
	} else {
		mtail = YMM()
		bcast32(is, tail, mtail)
		VPCMPGTD(iotaTab, mtail, mtail)
	}

	Comment("For every (remaining) plane:")
	Label("plane")
	TESTQ(planes, planes)
	JZ(LabelRef("done"))
	var acc, u [4]VecVirtual
	var ko [4]OpmaskVirtual
	for i := range acc {
		acc[i] = is.vec()
		VMOVAPS(fill, acc[i])
		if z {
			ko[i] = K()
			KXNORW(ko[i], ko[i], ko[i])
		} else {
			u[i] = is.vec()
			VXORPS(u[i], u[i], u[i])
		}
	}
	// add folds x into accumulator i.
	add := func(i int, x VecVirtual) {
		VMAXPS(x, acc[i], acc[i])
		if z {
			VCMPPS(Imm(7), x, x, ko[i], ko[i]) // ko &= x is ordered
		} else {
			VCMPPS(Imm(3), u[i], x, u[i]) // u: all ones once a NaN was seen
		}
	}
	cnt := GP64()
	MOVQ(n, cnt)
	Comment("4L floats at a time.")
	Label("loop4")
	CMPQ(cnt, U32(4*L))
	JLT(LabelRef("loop1"))
	for i := range acc {
		x := is.vec()
		VMOVUPS(Mem{Base: src, Disp: 4 * L * i}, x)
		add(i, x)
	}
	ADDQ(U32(16*L), src)
	SUBQ(U32(4*L), cnt)
	JMP(LabelRef("loop4"))
	Comment("L floats at a time.")
	Label("loop1")
	CMPQ(cnt, U32(L))
	JLT(LabelRef("tail"))
	x := is.vec()
	VMOVUPS(Mem{Base: src}, x)
	add(0, x)
	ADDQ(U32(4*L), src)
	SUBQ(U32(L), cnt)
	JMP(LabelRef("loop1"))
	Comment("The last n%L floats, masked.")
	Label("tail")
	TESTQ(cnt, cnt)
	JZ(LabelRef("reduce"))
	x = is.vec()
	if z {
		VMOVAPS(fill, x)
		VMOVUPS(Mem{Base: src}, ktail, x)
	} else {
		VMASKMOVPS(Mem{Base: src}, mtail, x)
		VBLENDVPS(mtail, x, fill, x)
	}
	add(1, x)
	LEAQ(Mem{Base: src, Index: cnt, Scale: 4}, src)

	Comment("Reduce the accumulators, then the lanes.")
	Label("reduce")
	op := VMAXPS
	op(acc[1], acc[0], acc[0])
	op(acc[3], acc[2], acc[2])
	op(acc[2], acc[0], acc[0])
	var y VecVirtual = acc[0]
	if z {
		h := YMM()
		VEXTRACTF64X4(Imm(1), acc[0], h)
		op(h, acc[0].AsY(), h)
		y = h
	}
	h := XMM()
	VEXTRACTF128(Imm(1), y, h)
	op(h, y.AsX(), h)
	s := XMM()
	VPERMILPS(Imm(0x4e), h, s)
	op(s, h, h)
	VPERMILPS(Imm(0xb1), h, s)
	op(s, h, h)
	Comment("NaN if any lane saw one.")
	if z {
		KANDW(ko[1], ko[0], ko[0])
		KANDW(ko[3], ko[2], ko[2])
		KANDW(ko[2], ko[0], ko[0])
		KORTESTW(ko[0], ko[0])
		JCS(LabelRef("store")) // all lanes ordered
	} else {
		VORPS(u[1], u[0], u[0])
		VORPS(u[3], u[2], u[2])
		VORPS(u[2], u[0], u[0])
		m := GP32()
		VMOVMSKPS(u[0], m)
		TESTL(m, m)
		JZ(LabelRef("store"))
	}
	MOVL(U32(0x7fc00000), t.As32())
	VMOVD(t.As32(), h)
	Label("store")
	VMOVSS(h, Mem{Base: dst})
	ADDQ(Imm(4), dst)
	DECQ(planes)
	JMP(LabelRef("plane"))

	Label("done")
	VZEROUPPER()
	RET()
}
