package main

import "fmt"

// body emits one chunk: the fold of every tap row, then the post-processing
// and the stores. n > 0: the fast path of n tap rows (pointers in R6-R9);
// n = 0: the general path, over winArgs.ntaps rows. In the chunk loop
// (ctxRun) it ends with the loop's branch back to label loop; a lead or
// padded tail chunk branches to dispatch.
func (g *win) body(n int, op foldOp, c ctx, loop, dispatch string) {
	a := newAccum(op)
	if n > 0 {
		for i := range n {
			g.tapRow(a, rPt(i), i, c)
		}
	} else {
		g.generalRows(a)
	}
	g.finish(a)
	var rare func()
	if g.isSum() {
		rare = g.post()
	}
	g.store(n)
	if c == ctxRun {
		g.I("SUBS $1, %s", rCnt)
		g.I("BNE %s", loop)
	} else if g.withIdx() {
		g.negInfLeave()
	}
	if rare != nil || c != ctxRun {
		g.I("B %s", dispatch)
	}
	if rare != nil {
		rare()
	}
}

// negInfLeave leaves the plane to the caller when an output of the chunk is
// -inf (a maximum of -inf may carry a padding column's index).
func (g *win) negInfLeave() {
	m, t := V(12), V(13)
	g.Comment("An output of -inf may carry a padding index: the caller computes the plane.")
	g.v3("fcmeq", m, vAcc, vFill)
	for q := V(1); q < 4; q++ {
		g.v3("fcmeq", t, vAcc+q, vFill)
		g.I("VORR %s, %s, %s", t.B16(), m.B16(), m.B16())
	}
	g.Word(Across("umaxv", m, m))
	g.I("FMOVS %s, R16", m.F())
	g.I("CBNZW R16, %s", g.lbl("leave"))
}

// generalRows folds the winArgs.ntaps tap rows of a chunk: row 0 apart (it
// starts the fold), then the others in a loop.
func (g *win) generalRows(a *accum) {
	loop, done := g.fresh("v"), g.fresh("vdone")
	if g.fixed() {
		g.I("ADD $%d, %s, %s", g.loads[0].Off, rBcol, rBoff)
		g.I("LSL $%d, %s, %s", g.sh, rBoff, rBoff)
	}
	g.I("MOVD ZR, %s", rV)
	g.rowPtr()
	g.tapRow(a, "R6", -1, ctxRun)
	g.I("MOVD $1, %s", rV)
	g.Label(loop)
	g.I("MOVD %s, R16", g.f("ntaps", 0))
	g.I("CMP R16, %s", rV)
	g.I("BGE %s", done)
	g.rowPtr()
	a2 := *a // every lane group has its first tap by now
	g.tapRow(&a2, "R6", -1, ctxRun)
	g.I("ADD $1, %s", rV)
	g.I("B %s", loop)
	g.Label(done)
}

// rowPtr sets R6 to tap row rV's first load in the chunk: in the row, or,
// in an edge chunk, in the staging buffer the row is first copied to (fixed
// taps; with any taps the taps stage themselves).
func (g *win) rowPtr() {
	g.I("ADD $%d, R0, R16", g.l.field("tapOff"))
	g.I("MOVD (R16)(%s<<3), R16", rV)
	if !g.fixed() {
		g.I("ADD %s, R16, R6", rS) // the row's column 0
		return
	}
	edge, done := g.fresh("stg"), g.fresh("ptr")
	g.I("TBZ $63, %s, %s", rE, edge)
	g.I("ADD %s, R16", rS)
	g.I("ADD %s, R16, R6", rBoff)
	g.I("B %s", done)
	g.Label(edge)
	g.stageRow("R16", fStage)
	g.I("ADD $%d, RSP, R6", fStage)
	g.Label(done)
}

// tapRow folds one tap row of fixed taps whose first load is at ptr, or of
// any taps (general path) whose column 0 is at ptr: fast-path row i (its
// index splats precomputed), or i = -1 for the general path's row rV, in a
// chunk of kind c.
func (g *win) tapRow(a *accum, ptr string, i int, c ctx) {
	if !g.fixed() {
		g.anyTaps(a, ptr)
		return
	}
	sets := []V{vLoad, vLoad + 4}
	if g.withIdx() && i >= 0 {
		sets = sets[:1] // V12-V25 hold masks and splats
	}
	splats := g.rowSplats(i)
	if g.k.S == 1 {
		g.tapRow1(a, ptr, i, c, sets, splats)
	} else {
		g.tapRow2(a, ptr, c, sets, splats)
	}
}

// rowSplats returns the registers of the index offsets of row i's taps
// (max with index): the fast paths' precomputed ones, or for the general
// path's row rV, splats made now (V18-V20).
func (g *win) rowSplats(i int) []V {
	if !g.withIdx() {
		return nil
	}
	var ss []V
	for t, o := range g.k.Offsets() {
		if i >= 0 {
			ss = append(ss, g.splat(i, t))
			continue
		}
		s := V(18 + t)
		g.I("ADD $%d, R0, R16", g.l.field("tapIdx"))
		g.I("MOVW (R16)(%s<<2), R16", rV)
		g.I("ADD $%d, R16", o)
		g.I("VDUP R16, %s", s.A(g.arr))
		ss = append(ss, s)
	}
	return ss
}

// splatOf returns splats[t], or -1 without index.
func splatOf(splats []V, t int) V {
	if splats == nil {
		return -1
	}
	return splats[t]
}

// tapRow1 folds a stride-1 row: one LD1 of four registers per tap, chained
// by the step d*es in the chunk loop. In a lead or padded tail chunk a tap
// that reaches into the padding is loaded from inside the row and shifted
// (shiftOf).
func (g *win) tapRow1(a *accum, ptr string, i int, c ctx, sets, splats []V) {
	offs := g.k.Offsets()
	for t, o := range offs {
		set := sets[(len(offs)*max(i, 0)+t)%len(sets)]
		if !a.have[0] && len(offs) == 1 && a.op != foldSum && a.op != foldSumSq {
			set = vAcc // the row's only tap, the chunk's first: straight into acc
		}
		sh := g.shiftOf(c, o)
		switch {
		case c != ctxRun:
			at := (o - sh - offs[0]) * g.es // the load making tap o starts sh columns left of it
			if at == 0 {
				g.I("VLD1 (%s), %s", ptr, list(set, 4, g.arr))
			} else {
				g.I("ADD $%d, %s, R16", at, ptr)
				g.I("VLD1 (R16), %s", list(set, 4, g.arr))
			}
			g.shiftLanes(set, sh)
		case len(offs) == 1:
			g.I("VLD1.P 64(%s), %s", ptr, list(set, 4, g.arr))
		case t < len(offs)-1:
			g.I("VLD1.P (%s)(%s), %s", ptr, rSt1, list(set, 4, g.arr))
		default:
			g.I("VLD1 (%s), %s", ptr, list(set, 4, g.arr))
			g.I("ADD $%d, %s", 64-(len(offs)-1)*g.k.D*g.es, ptr)
		}
		for q := range 4 {
			g.fold(a, q, set+V(q), o, t < len(offs)-1, splatOf(splats, t))
		}
	}
}

// shiftOf returns by how many columns tap o's vectors are shifted from the
// load that makes them in a chunk of kind c: in the lead, a tap left of the
// block start is made from the load at the block start (shift o < 0); in the
// padded tail, a tap reaching into the right padding from the load that ends
// at the row's end (shift > 0: stride 1 there reads [t+lo, w+p) and its tap
// o the columns up to wo+o-1, wo = w+2p-(k-1)d).
func (g *win) shiftOf(c ctx, o int) int {
	switch {
	case c == ctxLead && o < 0:
		return o
	case c == ctxPadTail:
		return max(0, o+2*g.k.P-(g.k.K-1)*g.k.D)
	}
	return 0
}

// shiftLanes shifts the 4 registers of set by sh lanes across registers, in
// place: lane j of the result is lane j+sh of the loaded ones, the fill
// where that is outside them. EXT makes each register from two; the order
// of the registers keeps every source unwritten until it is read.
func (g *win) shiftLanes(set V, sh int) {
	if sh == 0 {
		return
	}
	n := 16 / g.es
	reg := func(x int) V {
		if x < 0 || x >= 4 {
			return vFill
		}
		return set + V(x)
	}
	for k := range 4 {
		q := k
		if sh < 0 {
			q = 3 - k
		}
		s0 := q*n + sh
		x := s0 / n
		if s0 < 0 {
			x = (s0 - n + 1) / n
		}
		b := s0 - x*n
		if b == 0 {
			g.mov(set+V(q), reg(x))
			continue
		}
		g.I("VEXT $%d, %s, %s, %s", b*g.es, reg(x+1).B16(), reg(x).B16(), (set + V(q)).B16())
	}
}

// tapRow2 folds a stride-2 row: per lane group, one or two LD2 (8 columns
// each) split into even and odd columns, then the row's taps in order. In
// the lead the LD2 at -1, which would read column -1, is not made: its even
// columns (tap -1) are the odd columns of the LD2 at 0 shifted by one lane,
// lane 0 from the fill (EXT with the previous lane group's odd columns). In
// the padded tail the last lane group's LD2 at 0, which would read column w,
// is not made: its odd columns (tap 1) are the even columns of the LD2 at -1
// shifted by one lane, the last from the fill.
func (g *win) tapRow2(a *accum, ptr string, c ctx, sets, splats []V) {
	offs := g.k.Offsets()
	lead := c == ctxLead
	padLast := func(q int) bool { return c == ctxPadTail && q == 3 }
	for q := range 4 {
		set := sets[q%len(sets)]
		var prevO V = vFill // the previous lane group's odd columns (lead)
		if lead && q > 0 {
			if len(sets) == 2 {
				prevO = sets[(q-1)%2] + 3
			} else {
				prevO = vBase // one set: kept in V30 before the load overwrites it
				g.mov(vBase, set+3)
			}
		}
		switch {
		case lead:
			g.I("ADD $%d, %s, R16", g.es+32*q, ptr)
			g.I("VLD2 (R16), %s", list(set+2, 2, g.arr))
			g.I("VEXT $%d, %s, %s, %s", 16-g.es, (set + 3).B16(), prevO.B16(), set.B16())
		case padLast(q):
			g.I("VLD2 (%s), %s", ptr, list(set, 2, g.arr))
			g.I("VEXT $%d, %s, %s, %s", g.es, vFill.B16(), set.B16(), (set + 3).B16())
		case len(g.loads) == 1:
			g.I("VLD2.P 32(%s), %s", ptr, list(set, 2, g.arr))
		case len(g.loads) == 2:
			g.I("VLD2.P (%s)(%s), %s", ptr, rSt1, list(set, 2, g.arr))
			g.I("VLD2.P (%s)(%s), %s", ptr, rSt2, list(set+2, 2, g.arr))
		default:
			panic("neon: a stride-2 plan of more than two loads")
		}
		for t, o := range offs {
			reg := V(-1)
			for j, l := range g.loads {
				if o == l.Off || o == l.Off+1 {
					reg = set + V(2*j+o-l.Off)
					break
				}
			}
			if lead && o == 0 {
				reg = set + 2 // the LD2 at -1 was not made
			}
			g.fold(a, q, reg, o, t < len(offs)-1, splatOf(splats, t))
		}
	}
}

// anyTaps folds the taps of a kernel of any taps (winArgs.k, d, p) of the
// tap row whose column 0 is at ptr: each tap the L columns (stride 1) or the
// even columns of the 2L columns (stride 2) from B + t*d - p, loaded from the
// row, or in an edge chunk from a staging copy of those columns. The first
// tap of a chunk starts the fold.
func (g *win) anyTaps(a *accum, ptr string) {
	loop := g.fresh("t")
	g.I("MOVD %s, %s", g.f("k", 0), rK)
	g.I("MOVD %s, %s", g.f("p", 0), rO)
	g.I("NEG %s, %s", rO, rO)
	g.I("MOVD %s, R23", ptr) // the row's column 0, kept across the stage calls
	// tap emits one tap at column offset rO; first folds it as the chunk's first.
	tap := func(a *accum) {
		edge, loaded := g.fresh("stg"), g.fresh("ld")
		g.I("ADD %s, %s, R17", rO, rBcol) // the tap's first column
		g.I("TBZ $63, %s, %s", rE, edge)
		g.I("ADD R17<<%d, R23, R6", g.sh)
		g.I("B %s", loaded)
		g.Label(edge)
		g.I("ADD R17<<%d, R23, R16", g.sh)
		g.I("ADD $%d, RSP, R19", fStage)
		g.I("BL %s", g.lbl("stage"))
		g.I("ADD $%d, RSP, R6", fStage)
		g.Label(loaded)
		var s V = -1
		if g.withIdx() {
			s = 18
			g.I("ADD $%d, R0, R16", g.l.field("tapIdx"))
			g.I("MOVW (R16)(%s<<2), R16", rV)
			g.I("ADD %s, R16", rO)
			g.I("VDUP R16, %s", s.A(g.arr))
		}
		if g.k.S == 1 {
			set := vLoad
			if !a.have[0] && a.op != foldSum && a.op != foldSumSq {
				set = vAcc
			}
			g.I("VLD1 (R6), %s", list(set, 4, g.arr))
			for q := range 4 {
				g.fold(a, q, set+V(q), 0, false, s)
			}
			return
		}
		for q := range 4 {
			g.I("VLD2.P 32(R6), %s", list(vLoad+V(2*q), 2, g.arr))
		}
		for q := range 4 {
			g.fold(a, q, vLoad+V(2*q), 0, false, s)
		}
	}
	if !a.have[0] {
		tap(a)
		g.I("MOVD %s, R16", g.f("d", 0))
		g.I("ADD R16, %s", rO)
		g.I("SUBS $1, %s", rK)
		done := g.fresh("tdone")
		g.I("BEQ %s", done)
		g.Label(loop)
		a2 := *a
		tap(&a2)
		g.I("MOVD %s, R16", g.f("d", 0))
		g.I("ADD R16, %s", rO)
		g.I("SUBS $1, %s", rK)
		g.I("BNE %s", loop)
		g.Label(done)
		return
	}
	g.Label(loop)
	tap(a)
	g.I("MOVD %s, R16", g.f("d", 0))
	g.I("ADD R16, %s", rO)
	g.I("SUBS $1, %s", rK)
	g.I("BNE %s", loop)
}

// post turns a chunk's sums into its outputs as winArgs.post says: the
// divisor of each column (winArgs.div), one correctly rounded FDIV, then +0
// (avg_pool), or the successive factors (adaptive), or the LP power's steps.
// It emits avg_pool's case and returns the emitter of the others, which the
// caller places after the chunk loop (they branch back).
func (g *win) post() (rare func()) {
	g.I("VLD1.P 64(%s), %s", rDv, list(vDiv, 4, g.arr))
	other, done := g.fresh("post"), g.fresh("postDone")
	g.I("MOVW %s, R16", g.f("post", 0))
	g.I("CBNZW R16, %s", other)
	g.divAdd()
	g.Label(done)
	return func() { g.postRare(other, done) }
}

// postRare emits the posts other than avg_pool's, from label other back to done.
func (g *win) postRare(other, done string) {
	lp := g.fresh("lp")
	g.Label(other)
	g.I("CMPW $%d, R16", g.l.c("postSuccessive"))
	g.I("BNE %s", lp)
	for _, d := range []V{vFD, vFH} {
		for q := range 4 {
			g.v3("fdiv", vAcc+V(q), vAcc+V(q), d)
		}
	}
	for q := range 4 {
		g.v3("fdiv", vAcc+V(q), vAcc+V(q), vDiv+V(q))
	}
	g.I("B %s", done)
	g.Label(lp)
	g.divAdd()
	for q := range 4 {
		g.v3("fmul", vAcc+V(q), vAcc+V(q), vVol)
	}
	g.I("CMPW $%d, R16", g.l.c("postLp2"))
	g.I("BNE %s", done)
	for q := range 4 {
		g.Word(Two("fsqrt", g.arr, vAcc+V(q), vAcc+V(q)))
	}
	g.I("B %s", done)
}

// divAdd sets acc = +0 + acc/div.
func (g *win) divAdd() {
	for q := range 4 {
		g.v3("fdiv", vAcc+V(q), vAcc+V(q), vDiv+V(q))
	}
	for q := range 4 {
		g.v3("fadd", vAcc+V(q), vAcc+V(q), vZero)
	}
}

// store writes the chunk's outputs and, with index, its indices: each
// lane's tap offset plus the row's plane index base, the block start and
// j*s; float32 index lanes are widened to int64 in two steps. Then it
// advances the block start column, which max with index and the general
// path use (path n).
func (g *win) store(n int) {
	g.I("VST1.P %s, 64(%s)", list(vAcc, 4, g.arr), rDp)
	if g.withIdx() {
		g.I("ADD %s, %s, R16", rI, rBcol)
		g.I("VDUP R16, %s", vBase.A(g.arr))
		g.I("VADD %s, %s, %s", vIota.A(g.arr), vBase.A(g.arr), vBase.A(g.arr))
		for q := range 4 {
			r := vSec + V(q)
			g.I("VADD %s, %s, %s", vBase.A(g.arr), r.A(g.arr), r.A(g.arr))
			if q < 3 {
				g.I("VADD %s, %s, %s", vIStep.A(g.arr), vBase.A(g.arr), vBase.A(g.arr))
			}
		}
		if g.es == 8 {
			g.I("VST1.P %s, 64(%s)", list(vSec, 4, D2), rXp)
		} else {
			for h := range 2 {
				for j := range 2 {
					src := vSec + V(2*h+j)
					g.I("VUXTL %s, %s", fmt.Sprintf("V%d.S2", src), (vLoad + V(2*j)).A(D2))
					g.I("VUXTL2 %s, %s", src.A(S4), (vLoad + V(2*j+1)).A(D2))
				}
				g.I("VST1.P %s, 64(%s)", list(vLoad, 4, D2), rXp)
			}
		}
	}
	if g.withIdx() || n == 0 {
		g.I("ADD $%d, %s", g.k.S*g.L, rBcol)
	}
}
