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
	g.rowLoops(func() {
		g.rowDivisors()
		g.fixChunks(k)
	})
	VZEROUPPER()
	RET()
}

// fixChunks emits the loop over the chunks of L outputs of a row.
func (g *wgen) fixChunks(k int) {
	Comment("For every chunk of L outputs of the row (colB: byte offset of its first window's start):")
	ow0B, colB := GP64(), GP64()
	XORQ(ow0B, ow0B)
	MOVQ(g.f("padB"), colB)
	NEGQ(colB)
	Label("chunk")
	CMPQ(ow0B, g.f("woB"))
	JGE(LabelRef("rowEnd"))
	Comment("A chunk of L outputs whose taps all lie inside the row runs without masks.")
	t := GP64()
	MOVQ(g.f("woB"), t)
	SUBQ(ow0B, t)
	CMPQ(t, Imm(uint64(4*g.L)))
	JLT(LabelRef("edge"))
	TESTQ(colB, colB)
	JS(LabelRef("edge"))
	MOVQ(colB, t)
	ADDQ(g.f("spanB"), t)
	CMPQ(t, g.f("wB"))
	JGT(LabelRef("edge"))
	g.fixChunk(false, ow0B, colB, k)
	JMP(LabelRef("next"))
	Label("edge")
	g.fixChunk(true, ow0B, colB, k)
	Label("next")
	ADDQ(Imm(uint64(4*g.L)), ow0B)
	ADDQ(g.f("chunkB"), colB)
	JMP(LabelRef("chunk"))
}

// colBits returns V: bit i set when column c+i (i < 64) lies inside the row.
func (g *wgen) colBits(c GPVirtual) GPVirtual {
	Comment("V: bit i set when column c+i lies inside the row.")
	lo, hi, t := GP64(), GP64(), GP64()
	MOVQ(c, lo)
	NEGQ(lo)
	XORQ(t, t)
	CMPQ(lo, Imm(0))
	CMOVQLT(t, lo)
	MOVQ(g.f("w"), hi)
	SUBQ(c, hi)
	CMPQ(hi, Imm(0))
	CMOVQLT(t, hi)
	MOVQ(U32(64), t)
	CMPQ(hi, t)
	CMOVQGT(t, hi)
	V := GP64()
	MOVQ(I32(-1), V)
	BZHIQ(hi, V, V)
	MOVQ(I32(-1), t)
	BZHIQ(lo, t, t)
	ANDNQ(V, t, V)
	return V
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
