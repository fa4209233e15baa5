package main

import "fmt"

// body emits one chunk: the fold of every tap row, then the post-processing
// and the stores. n > 0: the fast path of n tap rows (pointers in R6-R9);
// n = 0: the general path, over winArgs.ntaps rows.
func (g *win) body(n int, op foldOp, loop string) {
	a := newAccum(op)
	if n > 0 {
		for i := range n {
			g.tapRow(a, rPt(i), i, i == n-1)
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
	g.I("SUBS $1, %s", rCnt)
	g.I("BNE %s", loop)
	if rare != nil {
		done := g.fresh("loopDone")
		g.I("B %s", done)
		rare()
		g.Label(done)
	}
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
	g.tapRow(a, "R6", -1, false)
	g.I("MOVD $1, %s", rV)
	g.Label(loop)
	g.I("MOVD %s, R16", g.f("ntaps", 0))
	g.I("CMP R16, %s", rV)
	g.I("BGE %s", done)
	g.rowPtr()
	a2 := *a // every lane group has its first tap by now
	g.tapRow(&a2, "R6", -1, false)
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

// tapRow folds one tap row whose first load is at ptr (fixed taps) or whose
// column 0 is at ptr (any taps, general path): fast-path row i (its index
// splats precomputed), or i = -1 for the general path's row rV. last says it
// is the chunk's last row (the pointer then need not advance to the next
// chunk... it does anyway on the fast paths, where the loop relies on it).
func (g *win) tapRow(a *accum, ptr string, i int, last bool) {
	if !g.fixed() {
		g.anyTaps(a, ptr)
		return
	}
	splat := func(t int) V {
		if !g.withIdx() {
			return -1
		}
		if i >= 0 {
			return g.splat(i, t)
		}
		s := V(18)
		g.I("ADD $%d, R0, R16", g.l.field("tapIdx"))
		g.I("MOVW (R16)(%s<<2), R16", rV)
		g.I("ADD $%d, R16", g.k.Offsets()[t])
		g.I("VDUP R16, %s", s.A(g.arr))
		return s
	}
	sets := []V{vLoad, vLoad + 4}
	if g.withIdx() && i >= 0 {
		sets = sets[:1] // V12-V25 hold masks and splats
	}
	offs := g.k.Offsets()
	if g.k.S == 1 {
		// One LD1 of four registers per tap, chained by the step d*es.
		for t := range offs {
			set := sets[(len(offs)*max(i, 0)+t)%len(sets)]
			direct := !a.have[0] && len(offs) == 1 && a.op != foldSum && a.op != foldSumSq
			if direct {
				set = vAcc // the row's only tap, the chunk's first: straight into acc
			}
			switch {
			case len(offs) == 1:
				g.I("VLD1.P 64(%s), %s", ptr, list(set, 4, g.arr))
			case t < len(offs)-1:
				g.I("VLD1.P (%s)(%s), %s", ptr, rSt1, list(set, 4, g.arr))
			default:
				g.I("VLD1 (%s), %s", ptr, list(set, 4, g.arr))
				g.I("ADD $%d, %s", 64-(len(offs)-1)*g.k.D*g.es, ptr)
			}
			s := splat(t)
			for q := range 4 {
				g.fold(a, q, set+V(q), offs[t], t < len(offs)-1, s)
			}
		}
		return
	}
	// Stride 2: per lane group, one or two LD2 (8 columns each) split into
	// even and odd columns, then the row's taps in order.
	var splats []V
	if g.withIdx() && i < 0 {
		// the general path's splats, once per row (V18-V20)
		for t := range offs {
			s := []V{18, 19, 20}[t]
			g.I("ADD $%d, R0, R16", g.l.field("tapIdx"))
			g.I("MOVW (R16)(%s<<2), R16", rV)
			g.I("ADD $%d, R16", offs[t])
			g.I("VDUP R16, %s", s.A(g.arr))
			splats = append(splats, s)
		}
	}
	for q := range 4 {
		set := sets[q%len(sets)]
		switch len(g.loads) {
		case 1:
			g.I("VLD2.P 32(%s), %s", ptr, list(set, 2, g.arr))
		case 2:
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
			var s V = -1
			switch {
			case splats != nil:
				s = splats[t]
			case g.withIdx():
				s = g.splat(i, t)
			}
			g.fold(a, q, reg, o, t < len(offs)-1, s)
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
