package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The cascade path of the global mean: one plane at a time, for planes of 16
// rows and more and for the planes after the small path's last whole group.
// Five ymm row chains S_c (the same on both ISAs: ymm additions take 2
// cycles here, zmm ones 4, and a plane's chains are as long as its rows) run
// through ATen's cascade, level 1 in registers, levels 2 and 3 on the stack.
// The horizontal sum runs in scalar and overlaps the next plane's rows.

const meanChains = 5

// cascadeRegs holds one plane's cascade state.
type cascadeRegs struct {
	g      *meanGen
	z, lv1 []VecVirtual // levels 0 and 1
	a      GPVirtual    // the plane's aligned base
	safe   GPVirtual    // the aligned vector that holds the plane's last float
	lv     Mem          // levels 2 and 3
	step   Mem          // rows per cascade step: 2^max(4, ceilLog2(R)/4)
	deep   Mem          // 1 when the planes have step^2 rows or more (levels 2 and 3 fill), else 0
}

func (c *cascadeRegs) lvMem(level, i int) Mem {
	return c.lv.Offset(((level-2)*meanChains + i) * meanYBytes)
}

func (g *meanGen) cascade() {
	c := &cascadeRegs{g: g}
	for range meanChains {
		c.z = append(c.z, YMM())
		c.lv1 = append(c.lv1, YMM())
	}
	c.lv, c.step, c.deep = AllocLocal(2*meanChains*meanYBytes), AllocLocal(8), AllocLocal(8)
	abuf := AllocLocal(2 * meanYBytes)

	Label("cascade")
	Comment("The cascade step: 2^max(4, ceilLog2(rows)/4) rows (ceilLog2(x) = 1 for x <= 2).")
	t, u := GP64(), GP64()
	MOVQ(g.rows, t)
	DECQ(t)
	MOVQ(U32(1), u)
	CMPQ(t, u)
	CMOVQLT(u, t)
	BSRQ(t, t)
	INCQ(t)
	SHRQ(U8(2), t)
	MOVQ(U32(meanMinPower), u)
	CMPQ(t, u)
	CMOVQLT(u, t)
	MOVQ(U32(1), u)
	SHLXQ(t, u, u)
	MOVQ(u, c.step)
	ADDQ(t, t)
	MOVQ(U32(1), u)
	SHLXQ(t, u, u)
	CMPQ(g.rows, u)
	SETGE(t.As8())
	MOVBQZX(t.As8(), t)
	MOVQ(t, c.deep)

	Label("plane")
	TESTQ(g.planes, g.planes)
	JZ(LabelRef("done"))
	c.rows()
	g.planeFinish(c, abuf)
	ADDQ(g.n4, g.src)
	ADDQ(U8(4), g.dst)
	DECQ(g.planes)
	JMP(LabelRef("plane"))
}

// rows sets the chains to the plane's row sums through the cascade.
func (c *cascadeRegs) rows() {
	g := c.g
	Comment("A plane through the cascade.")
	c.a = GP64()
	MOVQ(g.src, c.a)
	ANDQ(I32(-meanYBytes), c.a)
	c.safe = GP64()
	MOVQ(g.src, c.safe)
	ADDQ(g.lastOff, c.safe)
	ANDQ(I32(-meanYBytes), c.safe)
	zero := YMM()
	VXORPS(zero, zero, zero)
	for i := range c.z {
		VXORPS(c.lv1[i], c.lv1[i], c.lv1[i])
	}
	CMPQ(c.deep, U8(0))
	JEQ(LabelRef("shallow"))
	for i := range c.z {
		VMOVUPS(zero, c.lvMem(2, i))
		VMOVUPS(zero, c.lvMem(3, i))
	}
	Label("shallow")
	ptr, rem, g1, g2 := GP64(), GP64(), GP64(), GP64()
	MOVQ(c.a, ptr)
	MOVQ(g.rows, rem)
	XORQ(g1, g1)
	XORQ(g2, g2)
	Label("step")
	CMPQ(rem, c.step)
	JLT(LabelRef("rest"))
	cnt := GP64()
	MOVQ(c.step, cnt)
	c.rowSum("S", ptr, cnt)
	SUBQ(c.step, rem)
	Comment("Level 1 takes level 0; every step groups level 2 takes level 1; every step^2, level 3 level 2.")
	for i := range c.z {
		VADDPS(c.z[i], c.lv1[i], c.lv1[i])
	}
	INCQ(g1)
	CMPQ(g1, c.step)
	JNE(LabelRef("step"))
	XORQ(g1, g1)
	t := YMM()
	for i := range c.z {
		VADDPS(c.lvMem(2, i), c.lv1[i], t)
		VMOVUPS(t, c.lvMem(2, i))
		VXORPS(c.lv1[i], c.lv1[i], c.lv1[i])
	}
	INCQ(g2)
	CMPQ(g2, c.step)
	JNE(LabelRef("step"))
	XORQ(g2, g2)
	for i := range c.z {
		VMOVUPS(c.lvMem(2, i), t)
		VADDPS(c.lvMem(3, i), t, t)
		VMOVUPS(t, c.lvMem(3, i))
		VMOVUPS(zero, c.lvMem(2, i))
	}
	JMP(LabelRef("step"))

	Label("rest")
	Comment("The rows after the last whole step, then level 0 += levels 1, 2, 3 (levels 2 and 3 are zeros below step^2 rows).")
	TESTQ(rem, rem)
	JNZ(LabelRef("restRows"))
	for i := range c.z {
		VXORPS(c.z[i], c.z[i], c.z[i])
	}
	JMP(LabelRef("levels"))
	Label("restRows")
	c.rowSum("R", ptr, rem)
	Label("levels")
	for i := range c.z {
		VADDPS(c.lv1[i], c.z[i], c.z[i])
	}
	CMPQ(c.deep, U8(0))
	JEQ(LabelRef("levelsDone"))
	for i := range c.z {
		VADDPS(c.lvMem(2, i), c.z[i], c.z[i])
		VADDPS(c.lvMem(3, i), c.z[i], c.z[i])
	}
	Label("levelsDone")
}

// rowSum sets the chains to the sums of cnt >= 1 rows from ptr and moves ptr
// past them: chain c takes V_{4j+c} of each row j; the last chain's vector
// is the next row's first, loaded once, its address clamped to the plane's
// last aligned vector.
func (c *cascadeRegs) rowSum(sfx string, ptr, cnt GPVirtual) {
	last := len(c.z) - 1
	carry, t := YMM(), GP64()
	loadCarry := func() {
		LEAQ(Mem{Base: ptr, Disp: meanRowBytes}, t)
		CMPQ(t, c.safe)
		CMOVQGT(c.safe, t)
		VMOVAPS(Mem{Base: t}, carry)
	}
	for i := 0; i < last; i++ {
		VMOVAPS(Mem{Base: ptr, Disp: meanYBytes * i}, c.z[i])
	}
	loadCarry()
	VMOVAPS(carry, c.z[last])
	ADDQ(U8(meanRowBytes), ptr)
	DECQ(cnt)
	JZ(LabelRef("rowsEnd" + sfx))
	Label("row" + sfx)
	VADDPS(carry, c.z[0], c.z[0])
	for i := 1; i < last; i++ {
		VADDPS(Mem{Base: ptr, Disp: meanYBytes * i}, c.z[i], c.z[i])
	}
	loadCarry()
	VADDPS(carry, c.z[last], c.z[last])
	ADDQ(U8(meanRowBytes), ptr)
	DECQ(cnt)
	JNZ(LabelRef("row" + sfx))
	Label("rowsEnd" + sfx)
}

// planeFinish folds the chains and the extra vectors into a_0, and adds tau
// and its 8 lanes in scalar.
func (g *meanGen) planeFinish(c *cascadeRegs, abuf Mem) {
	a, rb := GP64(), GP64()
	MOVQ(g.src, a)
	ANDQ(I32(-meanYBytes), a)
	MOVQ(g.src, rb)
	ANDQ(U8(meanYBytes-1), rb)
	Comment("last: V_{4R+E}, or the plane's last vector when it holds none of it.")
	last := GP64()
	MOVQ(a, last)
	ADDQ(g.vecB, last)
	CMPQ(last, c.safe)
	CMOVQGT(c.safe, last)
	x := GP64()
	MOVQ(g.rows, x)
	SHLQ(U8(7), x)
	ADDQ(a, x)
	ext := func(e int) func(int) Op {
		return func(i int) Op {
			if i == e {
				return Mem{Base: last}
			}
			return Mem{Base: x, Disp: meanYBytes * i}
		}
	}
	m := g.laneMask(rb)
	for e := 0; e < 4; e++ {
		if e < 3 {
			CMPQ(g.extra, U8(e))
			JNE(LabelRef(fmt.Sprintf("planeE%d", e+1)))
		}
		g.fold(m, c.z, e, ext(e))
		JMP(LabelRef("planeFolded"))
		if e < 3 {
			Label(fmt.Sprintf("planeE%d", e+1))
		}
	}
	Label("planeFolded")
	H := c.z[0]
	Comment("tau, then the 8 lanes of a_0 in order (lane l sits at rotated position r+l).")
	VMOVUPS(H, abuf)
	VMOVUPS(H, abuf.Offset(meanYBytes))
	s := XMM()
	VXORPS(s, s, s)
	tp, cnt := GP64(), GP64()
	MOVQ(g.src, tp)
	ADDQ(g.vecB, tp)
	MOVQ(g.tail, cnt)
	TESTQ(cnt, cnt)
	JZ(LabelRef("planeLanes"))
	Label("planeTau")
	VADDSS(Mem{Base: tp}, s, s)
	ADDQ(U8(4), tp)
	DECQ(cnt)
	JNZ(LabelRef("planeTau"))
	Label("planeLanes")
	for l := 0; l < 8; l++ {
		VADDSS(Mem{Base: abuf.Base, Index: rb, Scale: 1, Disp: abuf.Disp + 4*l}, s, s)
	}
	VDIVSS(g.fn, s, s)
	VMOVSS(s, Mem{Base: g.dst})
}

// laneMask returns the blend mask "lane < r" for rb = 4r: an opmask
// (AVX-512), or the vector of lanes8 (AVX2).
func (g *meanGen) laneMask(rb GPVirtual) Op {
	t := GP32()
	if g.is.z {
		r, k := GP32(), K()
		MOVL(rb.As32(), r)
		SHRL(U8(2), r)
		MOVL(U32(0xff), t)
		BZHIL(r, t, t)
		KMOVB(t, k)
		return k
	}
	p, m := GP64(), YMM()
	LEAQ(lanes8Tab.Offset(meanYBytes), p)
	SUBQ(rb, p)
	VMOVUPS(Mem{Base: p}, m)
	return m
}
