package main

import (
	"fmt"
	"math/bits"

	"github.com/simdpool/simdpool/asm/table"
)

// The token-rows kernels of package seqpool (kind TokenRows; their contracts
// are seqpool's sum_kernel.go and max_kernel.go):
//
//	func(acc, rows, w *byte, stride, n, cols int, fresh bool)
//
// fold the n rows rows[j*stride : j*stride+cols] (elements), in order, into
// the cols values at acc. Each column is one lane, so the order over the rows
// is the scalar one and the results are its bits. The columns go in pieces
// held in registers while the rows stream past, two rows per iteration:
// strips of rowStrip Q registers, then at most one piece each of 4, 2 and 1
// registers (the bits of the columns left), then the last cols%L columns (L
// lanes per register) as one partial register. NEON has no masked loads: the
// partial register's lanes are loaded and stored one by one, its lanes past
// the columns filled with copies of lane 0 (LD1R) so that they compute what
// lane 0 does; nothing outside the rows and acc is read or written.
//
//   - sum: acc += row 0 + row 1 + ..., or when fresh acc + (((+0 + row 0) +
//     row 1) + ...); sumProd the same with row j times w[j], each product
//     rounded (FMUL, then FADD: never FMLA).
//   - div: acc / w[0], FDIV (correctly rounded).
//   - max: torch.max's rule, acc = x when acc is not NaN and !(x <= acc).
//     FMAX gives the rule's bits wherever the result is neither a zero nor a
//     NaN (ties of other values are equal bits); at a zero it may not (FMAX
//     makes max(-0, +0) = +0 in either order, the rule keeps the first), nor
//     in a NaN's payload (FMAX quiets a signalling NaN and prefers it to a
//     quiet one). So a piece folds its rows with FMAX, one instruction per
//     register and row, then checks its maxima once with FACGT against zero
//     (|m| > 0, false for zeros and NaNs); if a lane fails, the piece is folded
//     again from acc with the rule itself (FCMGE, FCMEQ, EOR, BIT per register
//     and row: only compares and selects, which move the values as they are).

// rowStrip is the number of Q registers of columns a strip keeps: eight
// chains of FADD (latency 2 to 4 cycles, two per cycle on the wide cores)
// and two rows of loads in flight, within the 32 registers.
const rowStrip = 8

// General registers of the token-rows kernels.
const (
	trAcc    = "R0"  // acc, where a piece's results are stored (advances past them)
	trRows   = "R1"  // the piece's first column in row 0
	trW      = "R2"  // w
	trStride = "R3"  // the row stride in bytes
	trN      = "R4"  // the rows
	trCols   = "R5"  // the columns left by the strips; after them, their bits say which pieces remain
	trFresh  = "R6"  // sums: fresh
	trAccIn  = "R7"  // acc, where a piece's starting values are loaded from (advances past them)
	trP      = "R8"  // a walk's row pointer
	trJ      = "R9"  // a walk's iterations left
	trStep   = "R10" // the post-increment of a row's last load: the stride less what the loads before it advanced
	trWp     = "R11" // sumProd: the next weight
	trT      = "R12" // max: the piece's acc, for the rule's pass
)

// Vector registers of the token-rows kernels.
const (
	tvA  V = 0  // V0-V7: the piece's sums or maxima
	tvX  V = 8  // V8-V15: row j of the piece (fresh sums: acc at the end)
	tvY  V = 16 // V16-V23: row j+1; max, the rule's pass: its maxima
	tvWX V = 24 // sumProd: w[j] in every lane
	tvWY V = 25 // sumProd: w[j+1]
	tvC  V = 24 // max: V24-V27, masks
	tvK  V = 31 // max: +0; div: w[0] in every lane
)

// piece is a run of columns a kernel folds at once: regs Q registers of L
// lanes (lanes = 0), or one register of its first lanes < L lanes.
type piece struct{ regs, lanes int }

// rowsKernel is the generation state of one token-rows kernel.
type rowsKernel struct {
	*Emitter
	k    table.Kernel
	es   int // element size
	arr  Arr
	L    int // lanes per Q register
	name string
	seq  int
}

// cols is the number of columns of p.
func (g *rowsKernel) cols(p piece) int {
	if p.lanes > 0 {
		return p.lanes
	}
	return p.regs * g.L
}

// lead is how many bytes the loads of one row of p advance their pointer by
// before its last load, which advances it to the next row (trStep then
// holds the stride less this).
func (g *rowsKernel) lead(p piece) int {
	if p.lanes > 0 {
		return (p.lanes - 1) * g.es
	}
	return (p.regs - 1) / 4 * 64
}

// setStep sets trStep for the rows of p, where p needs it (see lead).
func (g *rowsKernel) setStep(p piece) {
	if b := g.lead(p); b > 0 && g.k.Op != table.Div {
		g.I("SUB $%d, %s, %s", b, trStride, trStep)
	}
}

// step is the register of the post-increment of a row's last load of p.
func (g *rowsKernel) step(p piece) string {
	if g.lead(p) > 0 {
		return trStep
	}
	return trStride
}

// loadRow loads p's columns of the row at trP into the registers from first
// and advances trP to the next row (setStep(p) has set the step).
func (g *rowsKernel) loadRow(p piece, first V) {
	if p.lanes > 0 {
		if p.lanes == 1 {
			g.I("VLD1R.P (%s)(%s), [%s]", trP, trStride, first.A(g.arr))
			return
		}
		g.I("VLD1R.P %d(%s), [%s]", g.es, trP, first.A(g.arr))
		for i := 1; i < p.lanes-1; i++ {
			g.I("VLD1.P %d(%s), %s", g.es, trP, first.El(g.es, i))
		}
		g.I("VLD1.P (%s)(%s), %s", trP, trStep, first.El(g.es, p.lanes-1))
		return
	}
	for q := 0; q < p.regs; q += 4 {
		n := min(4, p.regs-q)
		if q+n < p.regs {
			g.I("VLD1.P %d(%s), %s", 16*n, trP, list(first+V(q), n, g.arr))
		} else {
			g.I("VLD1.P (%s)(%s), %s", trP, g.step(p), list(first+V(q), n, g.arr))
		}
	}
}

// loadAcc loads p's columns of acc at ptr into the registers from first,
// advancing ptr past them.
func (g *rowsKernel) loadAcc(ptr string, p piece, first V) {
	if p.lanes > 0 {
		g.I("VLD1R.P %d(%s), [%s]", g.es, ptr, first.A(g.arr))
		for i := 1; i < p.lanes; i++ {
			g.I("VLD1.P %d(%s), %s", g.es, ptr, first.El(g.es, i))
		}
		return
	}
	for q := 0; q < p.regs; q += 4 {
		n := min(4, p.regs-q)
		g.I("VLD1.P %d(%s), %s", 16*n, ptr, list(first+V(q), n, g.arr))
	}
}

// store stores the registers from first to p's columns of acc at trAcc,
// advancing trAcc past them.
func (g *rowsKernel) store(p piece, first V) {
	if p.lanes > 0 {
		for i := range p.lanes {
			g.I("VST1.P %s, %d(%s)", first.El(g.es, i), g.es, trAcc)
		}
		return
	}
	for q := 0; q < p.regs; q += 4 {
		n := min(4, p.regs-q)
		g.I("VST1.P %s, %d(%s)", list(first+V(q), n, g.arr), 16*n, trAcc)
	}
}

// walk emits a walk over the n rows from trRows: pair(), for rows j and j+1,
// n/2 times, then one() for the last row when n is odd; with pair nil,
// one() n times.
func (g *rowsKernel) walk(pair, one func()) {
	loop, end := g.fresh("rows"), g.fresh("rowsEnd")
	g.I("MOVD %s, %s", trRows, trP)
	if pair == nil {
		g.I("MOVD %s, %s", trN, trJ)
		g.I("CBZ %s, %s", trJ, end)
		g.Label(loop)
		one()
		g.I("SUBS $1, %s", trJ)
		g.I("BNE %s", loop)
		g.Label(end)
		return
	}
	odd := g.fresh("odd")
	g.I("LSR $1, %s, %s", trN, trJ)
	g.I("CBZ %s, %s", trJ, odd)
	g.Label(loop)
	pair()
	g.I("SUBS $1, %s", trJ)
	g.I("BNE %s", loop)
	g.Label(odd)
	g.I("TBZ $0, %s, %s", trN, end)
	one()
	g.Label(end)
}

// sumPiece emits the sum (or sumProd) of the rows over p's columns.
func (g *rowsKernel) sumPiece(p piece) {
	zero, rows, store := g.fresh("zero"), g.fresh("sum"), g.fresh("store")
	g.Comment("The sums start from acc, or from +0 when fresh.")
	g.I("CBNZ %s, %s", trFresh, zero)
	g.loadAcc(trAccIn, p, tvA)
	g.I("B %s", rows)
	g.Label(zero)
	for i := range V(p.regs) {
		g.I("VEOR %s, %s, %s", (tvA + i).B16(), (tvA + i).B16(), (tvA + i).B16())
	}
	g.Label(rows)
	prod := g.k.Op == table.SumProd
	if prod {
		g.I("MOVD %s, %s", trW, trWp)
	}
	weight := func(w V) {
		if prod {
			g.I("VLD1R.P %d(%s), [%s]", g.es, trWp, w.A(g.arr))
		}
	}
	// rounded makes the products of the row in x..x+regs and its weight w.
	rounded := func(x, w V) {
		if !prod {
			return
		}
		for i := range V(p.regs) {
			g.v3("fmul", x+i, x+i, w)
		}
	}
	add := func(x V) {
		for i := range V(p.regs) {
			g.v3("fadd", tvA+i, tvA+i, x+i)
		}
	}
	g.walk(func() {
		weight(tvWX)
		weight(tvWY)
		g.loadRow(p, tvX)
		g.loadRow(p, tvY)
		rounded(tvX, tvWX)
		rounded(tvY, tvWY)
		add(tvX) // row j's then row j+1's, column by column
		add(tvY)
	}, func() {
		weight(tvWX)
		g.loadRow(p, tvX)
		rounded(tvX, tvWX)
		add(tvX)
	})
	g.Comment("When fresh, acc + the sums (acc's value first).")
	g.I("CBZ %s, %s", trFresh, store)
	g.loadAcc(trAccIn, p, tvX)
	for i := range V(p.regs) {
		g.v3("fadd", tvA+i, tvX+i, tvA+i)
	}
	g.Label(store)
	g.store(p, tvA)
}

// maxPiece emits the max of the rows over p's columns: FMAX, then, where a
// maximum is a zero or a NaN, the rule.
func (g *rowsKernel) maxPiece(p piece) {
	rule, done := g.fresh("rule"), g.fresh("maxDone")
	g.loadAcc(trAccIn, p, tvA)
	fmax := func(x V) {
		for i := range V(p.regs) {
			g.v3("fmax", tvA+i, tvA+i, x+i)
		}
	}
	g.walk(func() {
		g.loadRow(p, tvX)
		g.loadRow(p, tvY)
		fmax(tvX)
		fmax(tvY)
	}, func() {
		g.loadRow(p, tvX)
		fmax(tvX)
	})
	g.Comment("FMAX's maxima are the rule's where |max| > 0; a zero or a NaN: the rule from acc.")
	all := tvC
	for i := range V(p.regs) {
		if i == 0 {
			g.v3("facgt", all, tvA, tvK)
			continue
		}
		c := tvC + 1 + (i-1)%3
		g.v3("facgt", c, tvA+i, tvK)
		g.I("VAND %s, %s, %s", c.B16(), all.B16(), all.B16())
	}
	g.Word(Across("uminv", all, all))
	g.I("FMOVS %s, R16", all.F())
	g.I("CBZW R16, %s", rule)
	g.store(p, tvA)
	g.I("B %s", done)
	g.Label(rule)
	g.I("MOVD %s, %s", trAcc, trT)
	g.loadAcc(trT, p, tvY)
	g.walk(nil, func() {
		g.loadRow(p, tvX)
		for i := range V(p.regs) {
			// x replaces m where !(x <= m) (FCMGE m, x is false: x is
			// larger, or either is NaN) and m == m (FCMEQ); FCMGE implies
			// FCMEQ, so the mask is their EOR.
			m, x := tvY+i, tvX+i
			ge, ord := tvC+2*(i&1), tvC+2*(i&1)+1
			g.v3("fcmge", ge, m, x)
			g.v3("fcmeq", ord, m, m)
			g.I("VEOR %s, %s, %s", ord.B16(), ge.B16(), ge.B16())
			g.I("VBIT %s, %s, %s", ge.B16(), x.B16(), m.B16())
		}
	})
	g.store(p, tvY)
	g.Label(done)
}

// divPiece emits the division of p's columns of acc by w[0].
func (g *rowsKernel) divPiece(p piece) {
	g.loadAcc(trAccIn, p, tvA)
	for i := range V(p.regs) {
		g.v3("fdiv", tvA+i, tvA+i, tvK)
	}
	g.store(p, tvA)
}

// piece emits p's fold and moves trRows past its columns (the next piece's
// first column).
func (g *rowsKernel) piece(p piece) {
	switch g.k.Op {
	case table.Max:
		g.maxPiece(p)
	case table.Div:
		g.divPiece(p)
	default:
		g.sumPiece(p)
	}
	if g.k.Op != table.Div && p.lanes == 0 {
		g.I("ADD $%d, %s", g.cols(p)*g.es, trRows)
	}
}

// tokenRowsKernel emits kernel k.
func tokenRowsKernel(e *Emitter, k table.Kernel) {
	g := &rowsKernel{Emitter: e, k: k, es: k.Size, arr: arrOf(k.Size), L: 16 / k.Size, name: k.Name()}
	g.Raw(fmt.Sprintf("\n// %s\nTEXT ·%s(SB), NOSPLIT, $0-49\n", k.Doc(), k.Name()))
	g.I("MOVD acc+0(FP), %s", trAcc)
	g.I("MOVD cols+40(FP), %s", trCols)
	if k.Op != table.Div { // the division has no rows
		g.I("MOVD rows+8(FP), %s", trRows)
		g.I("MOVD stride+24(FP), %s", trStride)
		g.I("LSL $%d, %s, %s", bits.TrailingZeros(uint(g.es)), trStride, trStride)
		g.I("MOVD n+32(FP), %s", trN)
	}
	if k.Op == table.SumProd || k.Op == table.Div {
		g.I("MOVD w+16(FP), %s", trW)
	}
	switch k.Op {
	case table.Sum, table.SumProd:
		g.I("MOVBU fresh+48(FP), %s", trFresh)
	case table.Div:
		g.I("VLD1R (%s), [%s]", trW, tvK.A(g.arr))
	case table.Max:
		g.I("VEOR %s, %s, %s", tvK.B16(), tvK.B16(), tvK.B16())
	}
	g.I("MOVD %s, %s", trAcc, trAccIn)

	strip := piece{regs: rowStrip}
	loop, rest, done := g.lbl("strip"), g.lbl("pieces"), g.lbl("done")
	g.Comment("Strips of %d registers (%d columns).", rowStrip, g.cols(strip))
	g.setStep(strip)
	g.Label(loop)
	g.I("CMP $%d, %s", g.cols(strip), trCols)
	g.I("BLT %s", rest)
	g.piece(strip)
	g.I("SUB $%d, %s", g.cols(strip), trCols)
	g.I("B %s", loop)
	g.Label(rest)
	for r := rowStrip / 2; r >= 1; r /= 2 {
		p := piece{regs: r}
		skip := g.fresh("no")
		g.Comment("%d register(s) when cols has %d's bit.", r, g.cols(p))
		g.I("TBZ $%d, %s, %s", bits.TrailingZeros(uint(g.cols(p))), trCols, skip)
		g.setStep(p)
		g.piece(p)
		g.Label(skip)
	}
	g.Comment("The last cols%%%d columns, one partial register.", g.L)
	g.I("AND $%d, %s, R16", g.L-1, trCols)
	for n := 1; n < g.L; n++ {
		p := piece{regs: 1, lanes: n}
		next := g.fresh("not")
		g.I("CMP $%d, R16", n)
		g.I("BNE %s", next)
		g.setStep(p)
		g.piece(p)
		g.I("B %s", done)
		g.Label(next)
	}
	g.Label(done)
	g.I("RET")
}

// v3 emits a three-register vector instruction on the kernel's arrangement.
func (g *rowsKernel) v3(op string, d, n, m V) { g.Word(Three(op, g.arr, d, n, m)) }

// lbl returns a label of this kernel.
func (g *rowsKernel) lbl(s string) string { return g.name + "_" + s }

// fresh returns a new unique label.
func (g *rowsKernel) fresh(s string) string {
	g.seq++
	return fmt.Sprintf("%s_%s%d", g.name, s, g.seq)
}
