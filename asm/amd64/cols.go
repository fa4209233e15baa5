package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The column-major avg kernels (AVX-512): average pooling for stride 1 or 2
// and kernel width 2 or 3 over 1 to 3 consecutive window rows (of one plane,
// dilation 1: rowJob.rowOff[i] = i*w*4), when the
// reciprocal division applies to every row of the job (rowJob.fast, one
// height factor). They compute what windowSum*S*K* computes, bit for bit,
// with far fewer instructions per chunk of outputs on the narrow rows of
// the small planes that deep networks pool:
//
//   - windowSumCols: the loop over chunk positions is outermost, so that a
//     chunk's load and store masks (rowJob.cmask) and its divisors and
//     reciprocals stay in registers while the chunk runs down every row of
//     every plane of the job; the window rows are addressed from one pointer
//     (rows w*4 bytes apart), with no per-row setup. Stride 1 makes a window
//     row's taps from two loads by VALIGND; with three window rows one input
//     row apart (vertical stride 1, S4) each input row's taps are loaded once
//     for the three output rows that add them. Other jobs run two rows at a
//     time, their sums interleaved.
//   - windowSumPair: rows of at most L/2 outputs, two rows per vector: each
//     window row is one load from each of the two rows (every tap's columns
//     in it), and one VPERMT2PS per tap (rowJob.pidx, plus the tap) puts the
//     first row's outputs in the low lanes, the second's above; a last odd
//     row runs alone. No padding, every tap inside the row.
//
// Each output's taps are added in the generic kernel's order. The generic sum
// starts from +0; these start from the first tap, which gives the same sum
// up to the sign of a zero sum (+0 + -0 is +0): a zero sum, which the generic
// kernel never has as -0, is made +0 before it is divided. The division is
// the reciprocal one of fixsum.go for finite sums of magnitude at least 2^-40
// (not zero: the quotient then has the sum's sign, no -0 to fix), VDIVPS for
// chunks with other sums. (fixsum.go's kernels also send sums above 2^40 to
// VDIVPS; they need not: the three steps scale with the sum by powers of two
// as long as nothing underflows, and q and q' are at most the sum, b >= 1.)
// One check per vector: sum*2^-86 is zero, subnormal, infinite or NaN
// (VFPCLASSPS) exactly when the sum is out of that range (or just below
// 2^-40, where the product rounds up to 2^-126: still far from underflow).

// cmaskLoads is the number of load masks per chunk position in rowJob.cmask.
const cmaskLoads = 4

// colLoads is the number of load masks per window row of a chunk: for
// stride 1, two loads (the taps are shifts of their concatenation) and the
// masks of taps 1 and 2, which the slide loop loads straight; for stride 2,
// two loads (taps 0 and 1), and two more for tap 2.
func colLoads(s, k int) int {
	if s == 1 || k == 3 {
		return 4
	}
	return 2
}

func sumCols(s, k int, pair bool) {
	g := &wgen{is: avx512, fam: famSum, mode: s, L: avx512.L}
	kind, doc := "Cols", "the chunks of L outputs one column position at a time, down every row"
	if pair {
		kind, doc = "Pair", "two rows of at most L/2 outputs per vector"
	}
	name := fmt.Sprintf("windowSum%sS%dK%dAVX512", kind, s, k)
	TEXT(name, NOSPLIT, "func(j *rowJob)")
	Pragma("noescape")
	Doc(
		fmt.Sprintf("%s computes %s,", name, famDocs[famSum]),
		fmt.Sprintf("for stride %d and %d horizontal taps over 1 to 3 window rows: %s.", s, k, doc),
	)
	g.jp = GP64()
	Load(Param("j"), g.jp)
	cv := g.colsPrologue(s, pair)
	Comment("The code for this job's division mode (1, or 0 and 2) and number of window rows.")
	n := GP64()
	MOVQ(g.f("nrows"), n)
	CMPQ(g.f("mode"), Imm(1))
	JEQ(LabelRef("mode1"))
	for _, m1 := range []bool{false, true} {
		g.mode1 = m1
		if m1 {
			Label("mode1")
		}
		CMPQ(n, Imm(1))
		JEQ(LabelRef(g.tag("nr1")))
		CMPQ(n, Imm(2))
		JEQ(LabelRef(g.tag("nr2")))
		for nr := 3; nr >= 1; nr-- {
			Label(g.tag(fmt.Sprintf("nr%d", nr)))
			if pair {
				g.pairLoops(s, k, nr, cv)
			} else {
				g.colsLoops(s, k, nr, cv)
			}
			JMP(LabelRef("done"))
		}
	}
	Comment("Out of the loops' way: the rare paths of the division.")
	for _, f := range g.ool {
		f()
	}
	Label("done")
	VZEROUPPER()
	RET()
}

// tag suffixes a label of the code for the current division mode.
func (g *wgen) tag(l string) string {
	if g.mode1 {
		return l + "M1"
	}
	return l
}

// colsVecs are the per-call vectors of the column-major avg kernels.
type colsVecs struct {
	zero, fD, pidx VecVirtual
}

// colsPrologue sets the per-call vectors.
func (g *wgen) colsPrologue(s int, pair bool) colsVecs {
	var cv colsVecs
	g.rcpPrologue()
	g.tiny = constVec(g.is, (127-86)<<23)
	cv.zero = ZMM()
	VXORPS(cv.zero, cv.zero, cv.zero)
	cv.fD = ZMM()
	VBROADCASTSS(g.f("fD"), cv.fD)
	if pair {
		cv.pidx = ZMM()
		VMOVDQU32(g.f("pidx"), cv.pidx)
	} else if s == 2 {
		g.evenIdx, g.oddIdx = ZMM(), ZMM()
		VMOVDQU32(evenTab, g.evenIdx)
		VMOVDQU32(oddTab, g.oddIdx)
	}
	return cv
}

// rowAddr addresses window row i (rows wB bytes apart) from p, plus disp bytes.
func rowAddr(p, wB GPVirtual, i, disp int) Mem {
	m := Mem{Base: p, Disp: disp}
	if i > 0 {
		m.Index, m.Scale = wB, uint8(i)
	}
	return m
}

// colsLoops emits the loops of windowSumCols for nr window rows: chunk
// positions, then groups, then rows.
func (g *wgen) colsLoops(s, k, nr int, cv colsVecs) {
	lbl := func(l string) string { return g.tag(fmt.Sprintf("%s%d", l, nr)) }
	ow0B, colB, mp := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	srcG, dstG, gLeft := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	t := GP64()
	MOVQ(U32(0), t)
	MOVQ(t, ow0B)
	MOVQ(g.f("padB"), t)
	NEGQ(t)
	MOVQ(t, colB)
	LEAQ(g.f("cmask"), t)
	MOVQ(t, mp)

	Comment("For every chunk position: its masks, divisors and reciprocals.")
	Label(lbl("col"))
	t = GP64()
	MOVQ(ow0B, t)
	CMPQ(t, g.f("woB"))
	JGE(LabelRef("done"))
	m := GP64()
	MOVQ(mp, m)
	loads := colLoads(s, k)
	km := make([]OpmaskVirtual, loads)
	for i := range km {
		km[i] = K()
		KMOVW(Mem{Base: m, Disp: 2 * i}, km[i])
	}
	kout := K()
	KMOVW(Mem{Base: m, Disp: 2 * cmaskLoads}, kout)
	dv, rv := ZMM(), ZMM()
	mb, my := g.f("divF"), g.f("rcpF")
	mb.Index, mb.Scale = t, 1
	my.Index, my.Scale = t, 1
	VMOVUPS_Z(mb, kout, dv)
	VMOVUPS_Z(my, kout, rv)
	var dvE, rvE VecVirtual
	if slideEdges(s, k, nr, g.mode1) {
		dvE, rvE = ZMM(), ZMM()
		mb, my := g.f("divE"), g.f("rcpE")
		mb.Index, mb.Scale = t, 1
		my.Index, my.Scale = t, 1
		VMOVUPS_Z(mb, kout, dvE)
		VMOVUPS_Z(my, kout, rvE)
	}
	u := GP64()
	MOVQ(g.f("src"), u)
	ADDQ(colB, u)
	MOVQ(u, srcG)
	MOVQ(g.f("dst"), u)
	ADDQ(t, u)
	MOVQ(u, dstG)
	MOVQ(g.f("groups"), u)
	MOVQ(u, gLeft)
	wB := GP64()
	MOVQ(g.f("wB"), wB)

	Comment("For every group (plane), every row: the chunk's sums, divided, stored.")
	Label(lbl("group"))
	p, d, r := GP64(), GP64(), GP64()
	MOVQ(srcG, p)
	MOVQ(dstG, d)
	MOVQ(g.f("rows"), r)
	if s == 1 && nr == 3 {
		g.slideRows(k, p, d, r, wB, [4]VecVirtual{dv, rv, dvE, rvE}, kout, km, cv, lbl)
	}
	Comment("Two rows at a time, their sums interleaved.")
	Label(lbl("row2"))
	CMPQ(r, Imm(2))
	JLT(LabelRef(lbl("row1")))
	q, e := GP64(), GP64()
	MOVQ(p, q)
	ADDQ(g.f("rowStep"), q)
	MOVQ(d, e)
	ADDQ(g.f("dstRow"), e)
	a0, a1 := ZMM(), ZMM()
	VXORPS(a0, a0, a0)
	VXORPS(a1, a1, a1)
	for i := 0; i < nr; i++ {
		g.colsTaps(s, k, []VecVirtual{a0, a1}, []GPVirtual{p, q}, wB, i, km)
	}
	g.colsDivide(a0, dv, rv, kout, cv, func(l string) string { return lbl(l + "A") })
	VMOVUPS(a0, kout, Mem{Base: d})
	g.colsDivide(a1, dv, rv, kout, cv, func(l string) string { return lbl(l + "B") })
	VMOVUPS(a1, kout, Mem{Base: e})
	MOVQ(q, p)
	ADDQ(g.f("rowStep"), p)
	MOVQ(e, d)
	ADDQ(g.f("dstRow"), d)
	SUBQ(Imm(2), r)
	JMP(LabelRef(lbl("row2")))

	Comment("A last single row.")
	Label(lbl("row1"))
	TESTQ(r, r)
	JZ(LabelRef(lbl("groupEnd")))
	acc := ZMM()
	VXORPS(acc, acc, acc)
	for i := 0; i < nr; i++ {
		g.colsTaps(s, k, []VecVirtual{acc}, []GPVirtual{p}, wB, i, km)
	}
	g.colsDivide(acc, dv, rv, kout, cv, lbl)
	VMOVUPS(acc, kout, Mem{Base: d})

	Label(lbl("groupEnd"))
	t = GP64()
	MOVQ(g.f("srcGroup"), t)
	ADDQ(t, srcG)
	MOVQ(g.f("dstGroup"), t)
	ADDQ(t, dstG)
	DECQ(gLeft)
	JNZ(LabelRef(lbl("group")))

	Comment("Next chunk position.")
	t = GP64()
	ADDQ(U32(4*g.L), ow0B)
	MOVQ(g.f("chunkB"), t)
	ADDQ(t, colB)
	ADDQ(U32(2*(cmaskLoads+1)), mp)
	JMP(LabelRef(lbl("col")))
}

// slideEdges reports whether the slide loop of windowSumCols also computes
// the border rows of the plane (rowJob.edges): stride 1, three taps and
// three window rows, modes 0 and 2.
func slideEdges(s, k, nr int, mode1 bool) bool {
	return s == 1 && k == 3 && nr == 3 && !mode1
}

// slideRows emits, for stride 1 and three window rows one input row apart
// (vertical stride 1), the row loop that loads each input row's taps once:
// output row r adds the taps of input rows r, r+1, r+2 (top, mid, bottom),
// which then move up by one. Other jobs fall through. With rowJob.edges
// (see slideEdges), the job's rows are the plane's inner rows, and the
// border rows before (bit 0) and after them (bit 1) add the two input rows
// inside the plane, divided by divE (div: dv, rv, dvE, rvE).
func (g *wgen) slideRows(k int, p, d, r, wB GPVirtual, div [4]VecVirtual, kout OpmaskVirtual, km []OpmaskVirtual, cv colsVecs, lbl func(string) string) {
	dv, rv := div[0], div[1]
	edges := slideEdges(1, k, 3, g.mode1)
	t := GP64()
	MOVQ(g.f("rowStep"), t)
	CMPQ(t, wB)
	JNE(LabelRef(lbl("row2")))
	Comment("Vertical stride 1: each input row's taps are loaded once, for the three output rows that add them.")
	rows := [3][]VecVirtual{g.rowTaps1(k, rowAddr(p, wB, 0, 0), km), g.rowTaps1(k, rowAddr(p, wB, 1, 0), km)}
	rows[2] = make([]VecVirtual, k)
	for kw := range rows[2] {
		rows[2][kw] = ZMM()
	}
	// edgeRow sums the taps of two input rows, divides by divE and stores.
	edgeRow := func(a, b []VecVirtual, name string) {
		acc := ZMM()
		VADDPS(a[1], a[0], acc) // +0 + a[0] + a[1] up to the sign of a zero (see colsDivide)
		for _, row := range [][]VecVirtual{a[2:], b} {
			for _, x := range row {
				VADDPS(x, acc, acc)
			}
		}
		g.colsDivide(acc, div[2], div[3], kout, cv, func(l string) string { return lbl(l + name) })
		VMOVUPS(acc, kout, Mem{Base: d})
	}
	if edges {
		Comment("The top border row (rowJob.edges bit 0): input rows 0 and 1.")
		TESTQ(U32(1), g.f("edges"))
		JZ(LabelRef(lbl("noTop")))
		edgeRow(rows[0], rows[1], "Top")
		ADDQ(g.f("dstRow"), d)
		Label(lbl("noTop"))
	}
	dr := GP64()
	MOVQ(g.f("dstRow"), dr)
	Comment("Taps 1 and up wholly inside the row and every output stored (their masks all ones): the loop that loads them and stores without masks.")
	kt := K()
	KMOVW(km[2], kt)
	for kw := 2; kw < k; kw++ {
		KANDW(km[1+kw], kt, kt)
	}
	KANDW(kout, kt, kt) // and every output stored: the stores without masks too
	KORTESTW(kt, kt)
	JCS(LabelRef(lbl("slideU")))
	Comment("Nothing of the row at L columns on (its mask zero): taps 1 and up by shifting tap 0 in zeros.")
	KORTESTW(km[1], km[1])
	JEQ(LabelRef(lbl("slideZ")))
	// slide emits the loop; variant U loads taps 1 and up and stores
	// without masks, variant Z shifts taps 1 and up from tap 0 (the right
	// edge of the row: masked loads cost more than shifts).
	slide := func(variant string) {
		sfx := variant
		unmasked := variant == "U"
		Comment("Unrolled three times, the registers of the rows taking turns.")
		Label(lbl("slide" + sfx))
		for u := 0; u < 3; u++ {
			top, mid, bot := rows[u], rows[(u+1)%3], rows[(u+2)%3]
			Comment("The bottom row's taps, then the sums of the three rows in order.")
			m := rowAddr(p, wB, 2, 0)
			VMOVUPS_Z(m, km[0], bot[0])
			for kw := 1; kw < k; kw++ {
				if variant == "Z" {
					VALIGND(U8(kw), bot[0], cv.zero, bot[kw])
				} else if unmasked {
					VMOVUPS(m.Offset(4*kw), bot[kw])
				} else {
					VMOVUPS_Z(m.Offset(4*kw), km[1+kw], bot[kw])
				}
			}
			acc := ZMM()
			VADDPS(top[1], top[0], acc) // +0 + top[0] + top[1] up to the sign of a zero (see colsDivide)
			for _, row := range [][]VecVirtual{top[2:], mid, bot} {
				for _, x := range row {
					VADDPS(x, acc, acc)
				}
			}
			g.colsDivide(acc, dv, rv, kout, cv, func(l string) string { return lbl(fmt.Sprintf("%sL%d%s", l, u, sfx)) })
			if unmasked {
				VMOVUPS(acc, Mem{Base: d})
			} else {
				VMOVUPS(acc, kout, Mem{Base: d})
			}
			ADDQ(wB, p)
			ADDQ(dr, d)
			DECQ(r)
			if edges {
				JZ(LabelRef(lbl(fmt.Sprintf("bottom%d", u))))
			} else {
				JZ(LabelRef(lbl("groupEnd")))
			}
		}
		JMP(LabelRef(lbl("slide" + sfx)))
	}
	slide("")
	slide("U")
	slide("Z")
	if !edges {
		return
	}
	for u := 0; u < 3; u++ {
		Comment("The bottom border row (rowJob.edges bit 1): the last two input rows.")
		Label(lbl(fmt.Sprintf("bottom%d", u)))
		TESTQ(U32(2), g.f("edges"))
		JZ(LabelRef(lbl("groupEnd")))
		edgeRow(rows[(u+1)%3], rows[(u+2)%3], fmt.Sprintf("Bot%d", u))
		JMP(LabelRef(lbl("groupEnd")))
	}
}

// colsTaps adds the k horizontal taps of window row i to each acc[n], for
// the rows at p[n], in order; the accumulators' adds are interleaved, so that
// their dependency chains overlap.
func (g *wgen) colsTaps(s, k int, acc []VecVirtual, p []GPVirtual, wB GPVirtual, i int, km []OpmaskVirtual) {
	L := g.L
	if s == 1 {
		xs := make([][]VecVirtual, len(acc))
		for n := range acc {
			xs[n] = g.rowTaps1(k, rowAddr(p[n], wB, i, 0), km)
		}
		for kw := 0; kw < k; kw++ {
			for n := range acc {
				VADDPS(xs[n][kw], acc[n], acc[n])
			}
		}
		return
	}
	Comment("Stride 2: taps 0 and 1 are the even and odd columns of two loads, tap 2 the even ones of two loads at +2.")
	xs := make([][]VecVirtual, len(acc))
	for n := range acc {
		a, b := ZMM(), ZMM()
		VMOVUPS_Z(rowAddr(p[n], wB, i, 0), km[0], a)
		VMOVUPS_Z(rowAddr(p[n], wB, i, 4*L), km[1], b)
		x := ZMM()
		VMOVAPS(a, x)
		VPERMT2PS(b, g.evenIdx, x)
		VPERMT2PS(b, g.oddIdx, a)
		xs[n] = []VecVirtual{x, a}
		if k == 3 {
			a, b = ZMM(), ZMM()
			VMOVUPS_Z(rowAddr(p[n], wB, i, 8), km[2], a)
			VMOVUPS_Z(rowAddr(p[n], wB, i, 4*L+8), km[3], b)
			VPERMT2PS(b, g.evenIdx, a)
			xs[n] = append(xs[n], a)
		}
	}
	for kw := 0; kw < k; kw++ {
		for n := range acc {
			VADDPS(xs[n][kw], acc[n], acc[n])
		}
	}
}

// rowTaps1 returns the k taps (stride 1) of a chunk's window row at m: the
// columns of two loads, shifted by VALIGND.
func (g *wgen) rowTaps1(k int, m Mem, km []OpmaskVirtual) []VecVirtual {
	a, b := ZMM(), ZMM()
	VMOVUPS_Z(m, km[0], a)
	VMOVUPS_Z(m.Offset(4*g.L), km[1], b)
	xs := []VecVirtual{a}
	for kw := 1; kw < k; kw++ {
		x := ZMM()
		VALIGND(U8(kw), a, b, x) // columns kw..kw+L-1
		xs = append(xs, x)
	}
	return xs
}

// pairLoops emits the loops of windowSumPair for nr window rows: groups,
// then pairs of rows, then a last single row.
func (g *wgen) pairLoops(s, k, nr int, cv colsVecs) {
	lbl := func(l string) string { return g.tag(fmt.Sprintf("%s%d", l, nr)) }
	srcG, dstG, gLeft := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	Comment("Per call: the load mask, the output masks of two rows and one, the divisors and reciprocals of the lanes.")
	kl, k2, k1 := K(), K(), K()
	KMOVW(g.f("pmask"), kl)
	KMOVW(g.f("pmask").Offset(2), k2)
	KMOVW(g.f("pmask").Offset(4), k1)
	dv, rv := ZMM(), ZMM()
	VMOVUPS(g.f("pdiv"), dv)
	VMOVUPS(g.f("prcp"), rv)
	t := GP64()
	MOVQ(g.f("src"), t)
	MOVQ(t, srcG)
	MOVQ(g.f("dst"), t)
	MOVQ(t, dstG)
	MOVQ(g.f("groups"), t)
	MOVQ(t, gLeft)
	wB := GP64()
	MOVQ(g.f("wB"), wB)

	Comment("For every group (plane):")
	Label(lbl("group"))
	p, d, r := GP64(), GP64(), GP64()
	MOVQ(srcG, p)
	MOVQ(dstG, d)
	MOVQ(g.f("rows"), r)
	// taps sums the windows of the rows at p (low lanes) and q (high lanes).
	// The taps of one window row are all in one load of each row (columns
	// 0 to (wo-1)*s+k-1): tap kw's indices are pidx+kw.
	idx := make([]VecVirtual, k)
	idx[0] = cv.pidx
	for kw := 1; kw < k; kw++ {
		idx[kw] = ZMM()
		VPADDD(constVec(g.is, uint32(kw)), cv.pidx, idx[kw])
	}
	taps := func(q GPVirtual) VecVirtual {
		var acc VecVirtual
		for i := 0; i < nr; i++ {
			a, b := ZMM(), ZMM()
			VMOVUPS_Z(rowAddr(p, wB, i, 0), kl, a)
			VMOVUPS_Z(rowAddr(q, wB, i, 0), kl, b)
			for kw := 0; kw < k; kw++ {
				x := a // the last tap overwrites the loaded columns
				if kw < k-1 {
					x = ZMM()
					VMOVAPS(a, x)
				}
				VPERMT2PS(b, idx[kw], x)
				switch {
				case i == 0 && kw == 0:
					acc = x
				case i == 0 && kw == 1:
					t := ZMM()
					VADDPS(x, acc, t) // +0 + x0 + x1 up to the sign of a zero (see colsDivide)
					acc = t
				default:
					VADDPS(x, acc, acc)
				}
			}
		}
		return acc
	}
	Comment("Two rows at a time.")
	Label(lbl("pair"))
	CMPQ(r, Imm(2))
	JLT(LabelRef(lbl("single")))
	q := GP64()
	MOVQ(p, q)
	ADDQ(g.f("rowStep"), q)
	acc := taps(q)
	g.colsDivide(acc, dv, rv, k2, cv, func(l string) string { return lbl(l + "P") })
	VMOVUPS(acc, k2, Mem{Base: d})
	MOVQ(q, p)
	ADDQ(g.f("rowStep"), p)
	t = GP64()
	MOVQ(g.f("dstRow"), t)
	LEAQ(Mem{Base: d, Index: t, Scale: 2}, d)
	SUBQ(Imm(2), r)
	JMP(LabelRef(lbl("pair")))

	Comment("A last single row (its second row's lanes are its own again).")
	Label(lbl("single"))
	TESTQ(r, r)
	JZ(LabelRef(lbl("groupEnd")))
	acc = taps(p)
	g.colsDivide(acc, dv, rv, k1, cv, func(l string) string { return lbl(l + "S") })
	VMOVUPS(acc, k1, Mem{Base: d})

	Label(lbl("groupEnd"))
	t = GP64()
	MOVQ(g.f("srcGroup"), t)
	ADDQ(t, srcG)
	MOVQ(g.f("dstGroup"), t)
	ADDQ(t, dstG)
	DECQ(gLeft)
	JNZ(LabelRef(lbl("group")))
}

// colsDivide divides the sums acc by the lanes' divisors dv (reciprocals
// rv) as j.mode says (g.mode1: mode 1, else modes 0 and 2), by reciprocal
// when every sum of the lanes kout allows it, else by VDIVPS; the rare
// paths go out of line (g.ool), so that the common one runs straight.
func (g *wgen) colsDivide(acc, dv, rv VecVirtual, kout OpmaskVirtual, cv colsVecs, lbl0 func(string) string) {
	// The labels, named now (the out-of-line code is emitted later).
	names := map[string]string{}
	for _, l := range []string{"slow", "divided", "dStep", "hStep"} {
		names[l] = lbl0(l)
	}
	lbl := func(l string) string { return names[l] }
	Comment("Reciprocal division unless a sum is zero, below 2^-40, infinite or NaN: sum*2^-86 zero, subnormal, infinite or NaN.")
	t := ZMM()
	kbad := K()
	VMULPS(g.tiny, acc, t)
	VFPCLASSPSZ(U8(0xbf), t, kout, kbad) // every class but the negative finite normal one
	KTESTW(kbad, kbad)
	JNZ(LabelRef(lbl("slow")))
	if !g.mode1 {
		Comment("modes 0 and 2: sum / divisor (not zero: no -0 to turn into +0).")
		g.rcpStep(acc, dv, rv)
		Label(lbl("divided"))
		g.ool = append(g.ool, func() {
			Label(lbl("slow"))
			Comment("Out of range: VDIVPS, as the window kernels divide, and 0 + the quotient.")
			VDIVPS(dv, acc, acc)
			VADDPS(cv.zero, acc, acc)
			JMP(LabelRef(lbl("divided")))
		})
		return
	}
	Comment("mode 1: sum / D / H / W, one correctly rounded step at a time (the depth step out of line).")
	CMPL(g.f("skipD"), Imm(0))
	JEQ(LabelRef(lbl("dStep")))
	Label(lbl("hStep"))
	g.rcpStep(acc, g.fH0, g.fH0r)
	g.rcpStep(acc, dv, rv)
	Label(lbl("divided"))
	g.ool = append(g.ool, func() {
		Label(lbl("dStep"))
		g.rcpStep(acc, cv.fD, g.fDr)
		JMP(LabelRef(lbl("hStep")))
		Label(lbl("slow"))
		Comment("Out of range: VDIVPS, as the window kernels divide; a zero sum made +0 first.")
		VADDPS(cv.zero, acc, acc)
		VDIVPS(cv.fD, acc, acc)
		VDIVPS(g.fH0, acc, acc)
		VDIVPS(dv, acc, acc)
		JMP(LabelRef(lbl("divided")))
	})
}
