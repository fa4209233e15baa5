package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The fixed-tap sum kernels: the window sums of avg and LP pooling for
// stride 1 or 2 and kernel width 2 or 3 (dilation 1), in the generic
// kernel's order like windowSum*, with the horizontal taps unrolled and the
// load masks of an edge chunk computed once for all its rows.

var fixSumCombos = [][2]int{{1, 2}, {1, 3}, {2, 2}, {2, 3}}

func fixSum(is isa, fam family, s, k int) {
	g := &wgen{is: is, fam: fam, mode: s, L: is.L}
	name := fmt.Sprintf("window%sS%dK%d%s", famNames[fam], s, k, is.name)
	TEXT(name, NOSPLIT, "func(j *rowJob)")
	Pragma("noescape")
	Doc(
		fmt.Sprintf("%s computes %s,", name, famDocs[fam]),
		fmt.Sprintf("for stride %d and %d horizontal taps, %d outputs at a time.", s, k, is.L),
	)
	g.jp = GP64()
	Load(Param("j"), g.jp)
	g.prologue()
	if is.z && s == 2 {
		g.oddIdx = ZMM()
		VMOVDQU32(oddTab, g.oddIdx)
	}
	g.regRows = true
	g.rcp = is.z && fam == famSum
	if g.rcp {
		g.rcpPrologue()
	}
	g.rowLoops(func() {
		g.rowDivisors()
		if g.rcp {
			Comment("fastR: the reciprocal tables apply to this row (rowJob.fast, and its height factor is h0).")
			h, t := GP64(), GP64()
			MOVQ(g.hp, h)
			XORQ(t, t)
			MOVL(Mem{Base: h}, h.As32())
			CMPL(h.As32(), g.f("h0"))
			SETEQ(t.As8())
			ANDQ(g.f("fast"), t)
			MOVQ(t, g.fastR)
		}
		g.chunks(func(edge bool, ow0B, colB GPVirtual) { g.fixChunk(edge, ow0B, colB, k) })
	})
	VZEROUPPER()
	RET()
}

// fixChunk computes one chunk: the sum over the window rows (j.rowOff) and
// the k unrolled horizontal taps of each, then the divisors.
func (g *wgen) fixChunk(edge bool, ow0B, colB GPVirtual, k int) {
	z, L, s := g.is.z, g.L, g.mode
	sfx := "I"
	if edge {
		sfx = "E"
		Comment("Edge chunk: taps outside the row read 0; outputs past the row's end are not stored.")
	} else {
		Comment("Inner chunk.")
	}
	lbl := func(l string) string { return l + sfx }
	base, c := GP64(), GP64()
	MOVQ(g.srcR, base)
	ADDQ(colB, base)
	MOVQ(colB, c)
	SARQ(Imm(2), c)

	// The load masks of every tap (and half, for stride 2), for all rows.
	var km [][]OpmaskVirtual
	var vm [][]Op
	if edge {
		Comment("The load masks of the taps.")
		if z {
			Comment("V: bit i set when column c+i lies inside the row (chunk 0: lmask; chunks from rfirst: rmask).")
			V, ci := GP64(), GP64()
			MOVQ(ow0B, ci)
			SHRQ(U8(6), ci) // the chunk's index
			MOVQ(g.f("lmask"), V)
			TESTQ(ci, ci)
			JZ(LabelRef(lbl("vbits")))
			SUBQ(g.f("rfirst"), ci)
			LEAQ(g.f("rmask"), V)
			MOVQ(Mem{Base: V, Index: ci, Scale: 8}, V)
			Label(lbl("vbits"))
			km = make([][]OpmaskVirtual, k)
			for kw := range km {
				km[kw] = make([]OpmaskVirtual, s)
				for h := range km[kw] {
					m := GP64()
					MOVQ(V, m)
					SHRQ(U8(kw+16*h), m)
					km[kw][h] = K()
					KMOVW(m.As32(), km[kw][h])
				}
			}
		} else {
			cv := YMM()
			bcast32(g.is, c, cv)
			vm = make([][]Op, k)
			for kw := range vm {
				vm[kw] = make([]Op, s)
				for h := range vm[kw] {
					col, m1, m2, ones := YMM(), YMM(), YMM(), YMM()
					VPADDD(iotaTab.Offset(4*(kw+8*h)), cv, col)
					VPCMPEQD(ones, ones, ones)
					VPCMPGTD(ones, col, m1)  // col > -1
					VPCMPGTD(g.wm1, col, m2) // col > w-1
					VPANDN(m1, m2, m1)
					vm[kw][h] = g.keep(m1)
				}
			}
		}
	}
	load := func(m Mem, kw, h int) VecVirtual {
		v := g.is.vec()
		switch {
		case !edge:
			VMOVUPS(m, v)
		case z:
			VMOVUPS_Z(m, km[kw][h], v)
		default:
			VMASKMOVPS(m, g.reg(vm[kw][h]), v)
		}
		return v
	}

	Comment("acc: the sums, from +0, row by row, tap by tap.")
	acc := g.is.vec()
	VXORPS(acc, acc, acc)
	// taps adds the horizontal taps of the row at R.
	taps := func(R GPVirtual) {
		if s == 2 && k == 2 {
			Comment("Stride 2, two taps: the even and the odd columns of one pair of loads.")
			a := load(Mem{Base: R}, 0, 0)
			b := load(Mem{Base: R, Disp: 4 * L}, 0, 1)
			x, y := g.is.vec(), g.is.vec()
			if z {
				VMOVAPS(a, x)
				VPERMT2PS(b, g.evenIdx, x)
				VPERMT2PS(b, g.oddIdx, a)
				y = a
			} else {
				VSHUFPS(Imm(0x88), b, a, x)
				VPERMPD(Imm(0xd8), x, x)
				VSHUFPS(Imm(0xdd), b, a, y)
				VPERMPD(Imm(0xd8), y, y)
			}
			for _, v := range []VecVirtual{x, y} {
				if g.fam == famSumSq {
					VMULPS(v, v, v)
				}
				VADDPS(v, acc, acc)
			}
		}
		for kw := 0; kw < k && !(s == 2 && k == 2); kw++ {
			m := Mem{Base: R, Disp: 4 * kw}
			x := load(m, kw, 0)
			if s == 2 {
				y := load(m.Offset(4*L), kw, 1)
				if z {
					VPERMT2PS(y, g.evenIdx, x)
				} else {
					VSHUFPS(Imm(0x88), y, x, x)
					VPERMPD(Imm(0xd8), x, x)
				}
			}
			if g.fam == famSumSq {
				VMULPS(x, x, x)
			}
			VADDPS(x, acc, acc)
		}
	}
	Comment("Straight code for 1 to 4 rows; a loop beyond.")
	n := GP64()
	MOVQ(g.f("nrows"), n)
	for r := 1; r <= 4; r++ {
		CMPQ(n, U32(r))
		JEQ(LabelRef(lbl(fmt.Sprint("rows", r))))
	}
	TP := GP64()
	LEAQ(g.f("rowOff"), TP)
	Label(lbl("rows"))
	TESTQ(n, n)
	JZ(LabelRef(lbl("tapsDone")))
	R := GP64()
	MOVQ(Mem{Base: TP}, R)
	ADDQ(base, R)
	taps(R)
	ADDQ(Imm(8), TP)
	DECQ(n)
	JMP(LabelRef(lbl("rows")))
	for r := 1; r <= 4; r++ {
		Label(lbl(fmt.Sprint("rows", r)))
		for i := 0; i < r; i++ {
			R := GP64()
			MOVQ(g.f("rowOff").Offset(8*i), R)
			ADDQ(base, R)
			taps(R)
		}
		if r < 4 {
			JMP(LabelRef(lbl("tapsDone")))
		}
	}
	Label(lbl("tapsDone"))

	var kmOut OpmaskVirtual
	var nm VecVirtual
	if edge {
		n, t := GP64(), GP64()
		MOVQ(g.f("woB"), n)
		SUBQ(ow0B, n)
		SHRQ(Imm(2), n)
		MOVQ(U32(g.L), t)
		CMPQ(n, t)
		CMOVQGT(t, n)
		if z {
			MOVQ(I32(-1), t)
			BZHIQ(n, t, t)
			kmOut = K()
			KMOVW(t.As32(), kmOut)
		} else {
			nm = YMM()
			bcast32(g.is, n, nm)
			VPCMPGTD(iotaTab, nm, nm)
		}
	}
	g.divide(edge, acc, c, ow0B, kmOut, nm)
	g.storeF(edge, acc, ow0B, kmOut, nm)
}

// The reciprocal division (AVX-512 avg kernels). A VDIVPS on 16 lanes costs
// about 10 cycles of the divider, more than the rest of a 3x3 window's sum;
// instead, with y = RN(1/b) from the job's tables (rowJob.divF, rcpF):
//
//	q = RN(a*y); r = a - q*b (exact, an FMA); q' = RN(q + r*y) (an FMA)
//
// q' is RN(a/b), the quotient VDIVPS gives (Markstein's theorem: y within
// half an ulp of 1/b and q within an ulp of a/b; checked exhaustively for
// every float32 a in range and many divisors). It needs no underflow or
// overflow on the way: the kernels take it when every sum of the chunk is
// zero or of magnitude in [2^-40, 2^40] and the factors are at most 2^16
// (rowJob.fast); other chunks divide. A zero sum gives +0 whatever its sign;
// the adaptive mode (1), which keeps -0, copies the sign of the sum back.

// rcpPrologue sets the constant vectors of the reciprocal division.
func (g *wgen) rcpPrologue() {
	Comment("The reciprocal division's constants.")
	g.fastR = AllocLocal(8)
	g.absMask = constVec(g.is, 0x7fffffff)
	g.loB = constVec(g.is, (127-40)<<23)
	g.spanB = constVec(g.is, (127+40)<<23-(127-40)<<23)
	g.fDr, g.fH0, g.fH0r = ZMM(), ZMM(), ZMM()
	VBROADCASTSS(g.f("fDr"), g.fDr)
	VBROADCASTSS(g.f("fH0"), g.fH0)
	VBROADCASTSS(g.f("fH0r"), g.fH0r)
}

// rcpStep divides acc by b, y = RN(1/b), in place (see above).
func (g *wgen) rcpStep(acc VecVirtual, b, y Op) {
	q := ZMM()
	VMULPS(y, acc, q)       // q = a*y
	VFNMADD231PS(b, q, acc) // r = a - q*b, exact
	VFMADD132PS(y, q, acc)  // q' = q + r*y
}

// rcpDivide divides the chunk's sums acc by reciprocals when the row and the
// sums allow it, then jumps to the label "divided"; otherwise it falls
// through to the division code. km: the output lanes of an edge chunk.
func (g *wgen) rcpDivide(edge bool, acc VecVirtual, ow0B, mode GPVirtual, km OpmaskVirtual, lbl func(string) string) {
	Comment("Reciprocal division when the row's tables apply and every sum is zero or in [2^-40, 2^40].")
	CMPQ(g.fastR, Imm(0))
	JEQ(LabelRef(lbl("slowDiv")))
	t := ZMM()
	kz, kok := K(), K()
	VPANDD(g.absMask, acc, t)
	VPTESTNMD(t, t, kz) // zero sums
	VPSUBD(g.loB, t, t)
	VPCMPUD(U8(2), g.spanB, t, kok) // |sum| - 2^-40 <= 2^40 - 2^-40, as bits
	KORW(kz, kok, kok)
	if edge {
		kn := K()
		KNOTW(km, kn) // lanes past the row's end do not count
		KORW(kn, kok, kok)
	}
	KORTESTW(kok, kok)
	JCC(LabelRef(lbl("slowDiv")))
	// table loads the divisors (or width factors) and their reciprocals of the chunk's outputs.
	table := func() (b, y VecVirtual) {
		b, y = ZMM(), ZMM()
		mb := g.f("divF")
		my := g.f("rcpF")
		mb.Index, mb.Scale = ow0B, 1
		my.Index, my.Scale = ow0B, 1
		if edge {
			VMOVUPS_Z(mb, km, b)
			VMOVUPS_Z(my, km, y)
		} else {
			VMOVUPS(mb, b)
			VMOVUPS(my, y)
		}
		return b, y
	}
	CMPQ(mode, Imm(1))
	JEQ(LabelRef(lbl("rcpMode1")))
	Comment("modes 0 and 2: 0 + sum / divisor.")
	b, y := table()
	g.rcpStep(acc, b, y)
	g.plusZero(acc)
	JMP(LabelRef(lbl("divided")))

	Label(lbl("rcpMode1"))
	Comment("mode 1 (adaptive): sum / D / H[row] / W[col], one correctly rounded step at a time; the sign of a zero kept.")
	a0 := ZMM()
	VMOVAPS(acc, a0)
	CMPL(g.f("skipD"), Imm(0))
	JNE(LabelRef(lbl("rcpNoD")))
	g.rcpStep(acc, g.reg(g.fDv), g.fDr)
	Label(lbl("rcpNoD"))
	g.rcpStep(acc, g.fH0, g.fH0r)
	b, y = table()
	g.rcpStep(acc, b, y)
	VPTERNLOGD(U8(0xe4), g.absMask, a0, acc) // magnitude from acc, sign from a0
	JMP(LabelRef(lbl("divided")))
	Label(lbl("slowDiv"))
}
