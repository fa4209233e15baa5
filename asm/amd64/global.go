package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/simdpool/simdpool/asm/table"
)

// globalReduce writes one value per plane of n contiguous floats: the maximum
// (NaN if the plane holds one) or the mean. Four accumulators per plane keep
// the loads independent; the last n%L floats load under a mask.
func globalReduce(k table.Kernel, is isa, max bool) {
	name, what := k.Name(), "the mean (sum / float32(n))"
	if max {
		what = "the maximum (NaN if it holds one)"
	}
	TEXT(name, NOSPLIT, "func(dst, src *byte, planes, n int)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s writes to dst[p] %s of each of planes planes of n floats at src.", name, what))
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
	var fill VecVirtual // what masked-off lanes read
	if max {
		fill = constVec(is, 0xff800000)
	} else {
		fill = is.vec()
		VXORPS(fill, fill, fill)
	}
	var fn VecVirtual
	if !max {
		fn = XMM()
		VCVTSI2SSQ(n, fn, fn) // float32(n)
	}
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

	if !max {
		g := &groupMean{is: is, dst: dst, src: src, planes: planes, n: n, fn: fn, tail: tail, ktail: ktail, mtail: mtail}
		g.emit()
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
		if max && z {
			ko[i] = K()
			KXNORW(ko[i], ko[i], ko[i])
		} else if max {
			u[i] = is.vec()
			VXORPS(u[i], u[i], u[i])
		}
	}
	// add folds x into accumulator i.
	add := func(i int, x VecVirtual) {
		if !max {
			VADDPS(x, acc[i], acc[i])
			return
		}
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
		if max {
			VBLENDVPS(mtail, x, fill, x)
		}
	}
	add(1, x)
	LEAQ(Mem{Base: src, Index: cnt, Scale: 4}, src)

	Comment("Reduce the accumulators, then the lanes.")
	Label("reduce")
	op := VADDPS
	if max {
		op = VMAXPS
	}
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
	if max {
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
	} else {
		VDIVSS(fn, h, h)
	}
	Label("store")
	VMOVSS(h, Mem{Base: dst})
	ADDQ(Imm(4), dst)
	DECQ(planes)
	JMP(LabelRef("plane"))

	Label("done")
	VZEROUPPER()
	RET()
}

// groupMean emits the small-plane path of the global mean (n <= 256): L
// planes at a time, each summed into a vector, and the L vectors reduced at
// once by a transposing tree of unpacks and adds (lane i of the result: plane
// i's sum), divided by float32(n) and stored with one store.
type groupMean struct {
	is                  isa
	dst, src, planes, n GPVirtual
	fn                  VecVirtual
	tail                GPVirtual
	ktail               OpmaskVirtual
	mtail               VecVirtual
}

func (g *groupMean) emit() {
	is, L := g.is, g.is.L
	Comment(fmt.Sprintf("Planes of up to 256 floats: %d at a time.", L))
	CMPQ(g.n, U32(256))
	JGT(LabelRef("plane"))
	fv := is.vec()
	if is.z {
		VBROADCASTSS(g.fn, fv)
	} else {
		VBROADCASTSS(g.fn, fv)
	}
	Label("group")
	CMPQ(g.planes, U32(L))
	JLT(LabelRef("plane"))
	v := make([]VecVirtual, L)
	for i := range v {
		v[i] = is.vec()
		Commentf("Plane %d of the group: its vectors, then the masked tail.", i)
		VXORPS(v[i], v[i], v[i])
		cnt := GP64()
		MOVQ(g.n, cnt)
		Label(fmt.Sprintf("vec%d", i))
		CMPQ(cnt, U32(L))
		JLT(LabelRef(fmt.Sprintf("tail%d", i)))
		VADDPS(Mem{Base: g.src}, v[i], v[i])
		ADDQ(U32(4*L), g.src)
		SUBQ(U32(L), cnt)
		JMP(LabelRef(fmt.Sprintf("vec%d", i)))
		Label(fmt.Sprintf("tail%d", i))
		x := is.vec()
		if is.z {
			VMOVUPS_Z(Mem{Base: g.src}, g.ktail, x)
		} else {
			VMASKMOVPS(Mem{Base: g.src}, g.mtail, x)
		}
		VADDPS(x, v[i], v[i])
		LEAQ(Mem{Base: g.src, Index: g.tail, Scale: 4}, g.src)
	}
	Comment("Transposing reduction: pairs of planes, then fours, (eights,) then all.")
	w := make([]VecVirtual, L/2)
	for i := range w {
		a, b := is.vec(), is.vec()
		VUNPCKLPS(v[2*i+1], v[2*i], a)
		VUNPCKHPS(v[2*i+1], v[2*i], b)
		w[i] = a
		VADDPS(b, a, w[i])
	}
	x := make([]VecVirtual, L/4)
	for i := range x {
		a, b := is.vec(), is.vec()
		VUNPCKLPD(w[2*i+1], w[2*i], a)
		VUNPCKHPD(w[2*i+1], w[2*i], b)
		x[i] = a
		VADDPS(b, a, x[i])
	}
	var z VecVirtual
	if is.z {
		y := make([]VecVirtual, 2)
		for i := range y {
			a, b := ZMM(), ZMM()
			VSHUFF32X4(U8(0x88), x[2*i+1], x[2*i], a)
			VSHUFF32X4(U8(0xdd), x[2*i+1], x[2*i], b)
			y[i] = a
			VADDPS(b, a, y[i])
		}
		a, b := ZMM(), ZMM()
		VSHUFF32X4(U8(0x88), y[1], y[0], a)
		VSHUFF32X4(U8(0xdd), y[1], y[0], b)
		z = a
		VADDPS(b, a, z)
	} else {
		a, b := YMM(), YMM()
		VPERM2F128(U8(0x20), x[1], x[0], a)
		VPERM2F128(U8(0x31), x[1], x[0], b)
		z = a
		VADDPS(b, a, z)
	}
	VDIVPS(fv, z, z)
	VMOVUPS(z, Mem{Base: g.dst})
	ADDQ(U32(4*L), g.dst)
	SUBQ(U32(L), g.planes)
	JMP(LabelRef("group"))
}
