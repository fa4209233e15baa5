package main

import (
	"fmt"

	"github.com/simdpool/simdpool/asm/table"
)

// The window kernels: func(a *winArgs, src, dst, idx *byte, planes int) int,
// the contract of winArgs in the root package.
//
// A kernel walks planes, slabs and output rows (their bases in stack slots
// and R1-R5) and computes each row chunk by chunk, a chunk being L outputs in
// four Q registers: first the interior chunks [c0, c1) in one loop, then the
// tail chunk (the loop body again, once, at output tail), then the edge
// chunks. For a chunk it folds the vertical taps in order (the window's
// rows, winArgs.tapOff), each row's horizontal taps in order:
//
//   - stride 1: tap t is the L columns from t*d-p on: one LD1 of four
//     registers, the taps of a row chained by post-increments;
//   - stride 2: LD2 loads the 2L columns from x on, split into their even
//     columns (tap x) and odd ones (tap x+1); the table's load plan covers
//     the taps with one or two of these per row (asm/table Loads).
//
// NEON has no masked loads: an edge chunk first copies the columns it reads,
// [B+lo, B+hi) of each tap row (B its block start, lo and hi its reach), to a
// buffer on the stack, the columns outside [0, w) replaced by the fill value
// (-inf for max, +0 for sums), and runs the same body on the buffers; its
// outputs go to a stack buffer first and only those inside [0, wo) are
// copied out. Kernels of any taps (K = 0) stage each tap's columns instead.
//
// Two edge chunks of the fast paths need no staging: chunk 0 of a row whose
// only columns outside are its left padding (the lead: every row of a
// padded window once the row is longer than a chunk's reach), and the row's
// last L outputs when only its right padding lies outside (the padded tail:
// every row of stride 1 and padding p, the odd rows of 3 taps, stride 2 and
// padding 1). There the taps that reach into the padding are made from an
// in-row load shifted by EXT, the padding lanes from the fill register.
//
// Windows of 1 to 4 vertical taps take the fast paths, whose tap row
// pointers stay in R6-R9 and advance with the loads; other windows the
// general path, which computes each tap row's pointer per chunk.

// Frame layout (offsets from RSP; 0(RSP) holds the saved LR).
const (
	fPl     = 8   // the plane number
	fPlanes = 16  // the planes of the call
	fSrc    = 24  // the plane's first input, output and index
	fDst    = 32  //
	fIdx    = 40  //
	fZS     = 48  // the slab's bases
	fZD     = 56  //
	fZX     = 64  //
	fZ      = 72  // slabs left
	fZI     = 80  // the slab's plane index base
	fNedges = 88  // edge chunks per row
	fLR     = 96  // the LR of the exact row
	fLead   = 104 // fast paths: 1 when chunk 0 is the lead, else 0 (the first edge chunk staged)
	fPadT   = 112 // fast paths: the padded tail's first output, or -1
	fEdgesF = 120 // fast paths: the edge chunks staged (the padded tail takes the last)
	fSout   = 128 // an edge chunk's outputs (64 bytes)
	fSoutI  = 192 // and indices (128 bytes)
	fStage  = 320 // the staging buffers, one per tap row of the fast paths
)

// ctx is the kind of chunk a body is emitted for.
type ctx int

const (
	ctxRun     ctx = iota // the chunk loop: interior chunks, the tail chunk, staged edge chunks
	ctxLead               // chunk 0, its left padding made by EXT
	ctxPadTail            // stride 1: the last L outputs, their right padding made by EXT
)

// General registers with fixed roles.
const (
	rS    = "R1"  // the row's input base (first tap row of output row r)
	rD    = "R2"  // its first output
	rX    = "R3"  // its first index
	rRows = "R4"  // rows left in the slab
	rI    = "R5"  // the row's plane index base (slab and row steps)
	rV    = "R7"  // general path: the vertical tap
	rBoff = "R8"  // general path: (B + x0) * es, the chunk's first load offset in a row
	rK    = "R9"  // general path, any taps: horizontal taps left
	rDp   = "R10" // the chunk's output pointer
	rXp   = "R11" // its index pointer
	rCnt  = "R12" // chunks left in the current run
	rBcol = "R13" // the chunk's block start column B = c*s*L
	rDv   = "R14" // sums: the chunk's divisors
	rSt1  = "R15" // load steps (see steps)
	rSt2  = "R26" //
	rO    = "R24" // any taps: the tap's column offset t*d - p
	rE    = "R25" // -2 interior chunks, -1 the tail, else the edge chunk's number
)

// rPt is the tap row pointer of fast-path row i (the general path's in R6).
func rPt(i int) string { return fmt.Sprintf("R%d", 6+i) }

// maxFast is the most vertical taps a fast path takes.
const maxFast = 4

// win is the generation state of one window kernel.
type win struct {
	*Emitter
	k      table.Kernel
	l      *layout
	es, sh int // element size, its log2
	arr    Arr
	L      int // outputs per chunk
	loads  []table.Load
	lo, hi int // the reach of a chunk (fixed taps)
	ncols  int // the columns an edge stage copies: hi-lo, or s*L for any taps
	stageB int // bytes of a staging buffer
	frame  int
	name   string
	seq    int

	hasLead, hasPadTail bool // the kernel has the lead and padded tail chunks

	// per path
	detect   bool // fast max: look for -0 (more than one tap per window)
	maskBase V
}

func newWin(e *Emitter, k table.Kernel, l *layout) *win {
	g := &win{Emitter: e, k: k, l: l, es: k.Size, arr: arrOf(k.Size), L: k.Lanes(), name: k.Name()}
	g.sh = 2
	if g.es == 8 {
		g.sh = 3
	}
	if k.K != 0 {
		g.loads = k.Loads()
		g.lo, g.hi = k.Reach()
		g.ncols = g.hi - g.lo
	} else {
		g.ncols = k.S * g.L
	}
	g.stageB = (g.ncols*g.es + 31) / 32 * 32
	g.frame = fStage + maxFast*g.stageB
	if k.K != 0 && g.lo < 0 {
		g.hasLead = k.S == 1 || g.pairAtMinus1()
		g.hasPadTail = g.hasLead
	}
	return g
}

func (g *win) fixed() bool { return g.k.K != 0 }

// pairAtMinus1 reports a stride-2 plan of LD2 at -1 and at 0 (3 taps,
// padding 1): the one whose lead and padded tail make their padding
// columns from the other load.
func (g *win) pairAtMinus1() bool {
	return g.k.S == 2 && len(g.loads) == 2 && g.loads[0].Off == -1 && g.loads[1].Off == 0
}

// padOver is how many columns the padded tail reads past the row: stride 1,
// the padding p (see shiftOf); stride 2, one (an odd row's right padding
// column, the last odd column of the last lane group).
func (g *win) padOver() int {
	if g.k.S == 1 {
		return g.k.P
	}
	return 1
}
func (g *win) isMax() bool   { return g.k.Op == table.Max || g.k.Op == table.MaxIdx }
func (g *win) withIdx() bool { return g.k.Op == table.MaxIdx }
func (g *win) isSum() bool   { return !g.isMax() }

// f returns the address of winArgs field name plus off bytes.
func (g *win) f(name string, off int) string { return fmt.Sprintf("%d(R0)", g.l.field(name)+off) }

// lbl returns a label of this kernel.
func (g *win) lbl(s string) string { return g.name + "_" + s }

// fresh returns a new unique label.
func (g *win) fresh(s string) string {
	g.seq++
	return fmt.Sprintf("%s_%s%d", g.name, s, g.seq)
}

// windowKernel emits kernel k.
func windowKernel(e *Emitter, k table.Kernel, l *layout) {
	g := newWin(e, k, l)
	g.Raw(fmt.Sprintf("\n// %s\nTEXT ·%s(SB), $%d-48\n", k.Doc(), k.Name(), g.frame))
	g.prologue()
	if g.fixed() {
		g.I("MOVD %s, R16", g.f("ntaps", 0))
		for n := 1; n <= maxFast; n++ {
			g.I("CMP $%d, R16", n)
			g.I("BEQ %s", g.lbl(fmt.Sprintf("f%d_plane", n)))
		}
	}
	g.path(0, foldOf(k.Op))
	if g.fixed() {
		for n := 1; n <= maxFast; n++ {
			g.path(n, foldOf(k.Op))
		}
	}
	g.Label(g.lbl("leave"))
	g.Comment("Leave this plane to the caller.")
	g.I("MOVD %d(RSP), R16", fPl)
	g.I("MOVD R16, ret+40(FP)")
	g.I("RET")
	g.Label(g.lbl("done"))
	g.I("MOVD %d(RSP), R16", fPlanes)
	g.I("MOVD R16, ret+40(FP)")
	g.I("RET")
	if k.Op == table.Max {
		g.exactRow()
	}
	g.stageSub()
	g.copyOutSub()
}

// prologue saves the arguments and sets the per-call registers.
func (g *win) prologue() {
	g.I("MOVD a+0(FP), R0")
	for _, p := range []struct {
		name string
		off  int
	}{{"src+8(FP)", fSrc}, {"dst+16(FP)", fDst}, {"idx+24(FP)", fIdx}, {"planes+32(FP)", fPlanes}} {
		g.I("MOVD %s, R16", p.name)
		g.I("MOVD R16, %d(RSP)", p.off)
	}
	g.I("MOVD ZR, %d(RSP)", fPl)
	g.Comment("Edge chunks per row: [0, c0), and [c1, nc) when no tail chunk ends the row.")
	g.I("MOVD %s, R16", g.f("c0", 0))
	g.I("MOVD %s, R17", g.f("nc", 0))
	g.I("MOVD %s, R19", g.f("c1", 0))
	g.I("SUB R19, R17, R17")
	g.I("MOVD %s, R19", g.f("tail", 0))
	g.I("CMP $0, R19")
	g.I("CSEL GE, ZR, R17, R17")
	g.I("ADD R17, R16, R16")
	g.I("MOVD R16, %d(RSP)", fNedges)
	g.I("MOVD R16, %d(RSP)", fEdgesF)
	g.I("MOVD ZR, %d(RSP)", fLead)
	g.I("MOVD $-1, R17")
	g.I("MOVD R17, %d(RSP)", fPadT)
	if g.hasLead {
		done := g.fresh("noLead")
		g.Comment("The lead: c0 = 1, chunk 0 reads inside the row right of column 0 (hi <= w) and holds L outputs.")
		g.I("MOVD %s, R17", g.f("c0", 0))
		g.I("CMP $1, R17")
		g.I("BNE %s", done)
		g.I("MOVD %s, R17", g.f("w", 0))
		g.I("CMP $%d, R17", g.hi)
		g.I("BLT %s", done)
		g.I("MOVD %s, R17", g.f("wo", 0))
		g.I("CMP $%d, R17", g.L)
		g.I("BLT %s", done)
		g.I("MOVD $1, R17")
		g.I("MOVD R17, %d(RSP)", fLead)
		g.Label(done)
	}
	if g.hasPadTail {
		done := g.fresh("noPadTail")
		g.Comment("The padded tail t = wo-L: no tail chunk, one trailing edge chunk, t*s+lo >= 0, and t*s+hi-w = padOver.")
		g.I("MOVD %s, R17", g.f("tail", 0))
		g.I("TBZ $63, R17, %s", done)
		g.I("MOVD %s, R17", g.f("nc", 0))
		g.I("SUB $1, R17")
		g.I("MOVD %s, R19", g.f("c1", 0))
		g.I("CMP R17, R19")
		g.I("BNE %s", done)
		g.I("MOVD %s, R17", g.f("wo", 0))
		g.I("SUBS $%d, R17", g.L)
		g.I("BLT %s", done)
		g.mulTo("R20", "R17", g.k.S)
		g.I("CMP $%d, R20", -g.lo)
		g.I("BLT %s", done)
		g.I("MOVD %s, R19", g.f("w", 0))
		g.I("ADD $%d, R20", g.hi)
		g.I("SUB R19, R20")
		g.I("CMP $%d, R20", g.padOver())
		g.I("BNE %s", done)
		g.I("MOVD R17, %d(RSP)", fPadT)
		g.I("SUB $1, R16")
		g.I("MOVD R16, %d(RSP)", fEdgesF)
		g.Label(done)
	}
	g.steps()
	g.constants()
}

// steps sets the load step registers of fixed taps: stride 1, R15 = d*es
// between a row's taps; stride 2 with two loads, R15 = es and R26 = 32-es,
// so that the two LD2 of a lane group advance by its 32 bytes. (Kernels of
// any taps compute each tap's address.)
func (g *win) steps() {
	switch {
	case g.fixed() && g.k.S == 1:
		g.I("MOVD $%d, %s", g.k.D*g.es, rSt1)
	case g.fixed() && len(g.loads) == 2:
		g.I("MOVD $%d, %s", g.es, rSt1)
		g.I("MOVD $%d, %s", 32-g.es, rSt2)
	}
}

// constants sets the per-call vector registers.
func (g *win) constants() {
	if g.isMax() {
		if g.es == 8 {
			g.I("MOVD $0xfff0000000000000, R16")
		} else {
			g.I("MOVW $0xff800000, R16")
		}
		g.I("VDUP R16, %s", vFill.A(g.arr))
	} else {
		g.I("VEOR %s, %s, %s", vZero.B16(), vZero.B16(), vZero.B16())
		for _, c := range []struct {
			v    V
			name string
		}{{vFD, "fD"}, {vFH, "fH"}, {vVol, "vol"}} {
			g.I("FMOVD %s, %s", g.f(c.name, 0), c.v.F())
			if g.es == 4 {
				g.I("FCVTDS %s, %s", c.v.F(), c.v.F())
				g.I("VDUP V%d.S[0], %s", c.v, c.v.A(g.arr))
			} else {
				g.I("VDUP V%d.D[0], %s", c.v, c.v.A(g.arr))
			}
		}
	}
	if g.withIdx() {
		s := g.k.S
		if s == 0 {
			panic("neon: no kernel for any stride")
		}
		g.I("VEOR %s, %s, %s", vIota.B16(), vIota.B16(), vIota.B16())
		n := 16 / g.es
		for j := 1; j < n; j++ {
			g.I("MOVD $%d, R16", j*s)
			if g.es == 8 {
				g.I("VMOV R16, V%d.D[%d]", vIota, j)
			} else {
				g.I("VMOV R16, V%d.S[%d]", vIota, j)
			}
		}
		g.I("MOVD $%d, R16", n*s)
		g.I("VDUP R16, %s", vIStep.A(g.arr))
	}
}

// path emits the loops of the fast path of n vertical taps (n = 0: the
// general path) with the fold op.
func (g *win) path(n int, op foldOp) {
	p := fmt.Sprintf("f%d_", n)
	if n == 0 {
		p = "g_"
	}
	lbl := func(s string) string { return g.lbl(p + s) }
	g.detect = op == foldMax && !(n == 1 && g.k.K == 1)
	g.maskBase = vTmp
	if n > 0 {
		g.maskBase = 12
	}

	g.Label(lbl("plane"))
	g.I("MOVD %d(RSP), R16", fPl)
	g.I("MOVD %d(RSP), R17", fPlanes)
	g.I("CMP R17, R16")
	g.I("BGE %s", g.lbl("done"))
	for _, b := range []struct {
		plane, slab int
		off         string
	}{{fSrc, fZS, "srcOff"}, {fDst, fZD, "dstOff"}, {fIdx, fZX, "idxOff"}} {
		g.I("MOVD %d(RSP), R16", b.plane)
		g.I("MOVD %s, R17", g.f(b.off, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", b.slab)
	}
	g.I("MOVD %s, R16", g.f("slabs", 0))
	g.I("MOVD R16, %d(RSP)", fZ)
	g.I("MOVD ZR, %d(RSP)", fZI)

	g.Label(lbl("slab"))
	g.slabRows()
	if g.detect {
		for q := range 4 {
			r := vSec + V(q)
			g.I("VEOR %s, %s, %s", r.B16(), r.B16(), r.B16())
		}
	}
	if op == foldMaxIdx {
		g.I("VEOR %s, %s, %s", vNaN.B16(), vNaN.B16(), vNaN.B16())
		g.I("VEOR %s, %s, %s", (vNaN + 1).B16(), (vNaN + 1).B16(), (vNaN + 1).B16())
	}

	g.Label(lbl("row"))
	g.row(p, n, op)
	g.nextRow(lbl("row"))
	if g.detect {
		g.Comment("A -0 in the slab's taps: compute its rows again with the exact fold.")
		g.smin(vSec, vSec, vSec+1)
		g.smin(vSec+2, vSec+2, vSec+3)
		g.smin(vSec, vSec, vSec+2)
		g.Word(Across("sminv", vSec, vSec))
		g.I("FMOVS %s, R16", vSec.F())
		g.I("MOVW $-2147483648, R17")
		g.I("CMPW R17, R16")
		g.I("BNE %s", lbl("slabOK"))
		g.I("BL %s", g.lbl("exact"))
		g.Label(lbl("slabOK"))
	}
	if op == foldMaxIdx {
		g.Comment("A NaN in the slab's taps: the caller computes the plane.")
		g.v3("fmax", vNaN, vNaN, vNaN+1)
		g.v3("fcmeq", vNaN, vNaN, vNaN)
		g.Word(Across("uminv", vNaN, vNaN))
		g.I("FMOVS %s, R16", vNaN.F())
		g.I("CBZW R16, %s", g.lbl("leave"))
	}

	g.Comment("Next slab.")
	for _, b := range []struct {
		slot int
		step string
	}{{fZS, "srcSlab"}, {fZD, "dstSlab"}, {fZX, "idxSlab"}} {
		g.I("MOVD %d(RSP), R16", b.slot)
		g.I("MOVD %s, R17", g.f(b.step, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", b.slot)
	}
	g.I("MOVD %d(RSP), R16", fZI)
	g.I("MOVW %s, R17", g.f("slabIdx", 0))
	g.I("ADD R17, R16")
	g.I("MOVD R16, %d(RSP)", fZI)
	g.I("MOVD %d(RSP), R16", fZ)
	g.I("SUBS $1, R16")
	g.I("MOVD R16, %d(RSP)", fZ)
	g.I("BNE %s", lbl("slab"))

	g.Comment("Next plane.")
	for _, b := range []struct {
		slot int
		step string
	}{{fSrc, "srcPlane"}, {fDst, "dstPlane"}, {fIdx, "idxPlane"}} {
		g.I("MOVD %d(RSP), R16", b.slot)
		g.I("MOVD %s, R17", g.f(b.step, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", b.slot)
	}
	g.I("MOVD %d(RSP), R16", fPl)
	g.I("ADD $1, R16")
	g.I("MOVD R16, %d(RSP)", fPl)
	g.I("B %s", lbl("plane"))
}

// slabRows sets R1-R5 to the current slab's first row.
func (g *win) slabRows() {
	g.I("MOVD %d(RSP), %s", fZS, rS)
	g.I("MOVD %d(RSP), %s", fZD, rD)
	g.I("MOVD %d(RSP), %s", fZX, rX)
	g.I("MOVD %d(RSP), %s", fZI, rI)
	g.I("MOVD %s, %s", g.f("rows", 0), rRows)
}

// nextRow steps R1-R5 to the next row and loops to label row while rows are left.
func (g *win) nextRow(row string) {
	g.Comment("Next row.")
	for _, b := range []struct{ reg, step string }{{rS, "srcRow"}, {rD, "dstRow"}, {rX, "idxRow"}} {
		if b.reg == rX && !g.withIdx() {
			continue
		}
		g.I("MOVD %s, R16", g.f(b.step, 0))
		g.I("ADD R16, %s", b.reg)
	}
	if g.withIdx() {
		g.I("MOVW %s, R16", g.f("rowIdx", 0))
		g.I("ADD R16, %s", rI)
	}
	g.I("SUBS $1, %s", rRows)
	g.I("BNE %s", row)
}

// exactRow emits the subroutine (BL) that computes the current slab's rows
// again with the exact max fold, on the general path.
func (g *win) exactRow() {
	g.Label(g.lbl("exact"))
	g.I("MOVD R30, %d(RSP)", fLR)
	g.detect, g.maskBase = false, vTmp
	g.slabRows()
	g.Label(g.lbl("x_row"))
	g.row("x_", 0, foldMaxExact)
	g.nextRow(g.lbl("x_row"))
	g.I("MOVD %d(RSP), R30", fLR)
	g.I("B (R30)")
}

// row emits the chunks of one output row: the interior chunks, the tail
// chunk, the edge chunks, all through one loop body (labels prefixed p).
func (g *win) row(p string, n int, op foldOp) {
	lbl := func(s string) string { return g.lbl(p + s) }
	if op == foldMaxIdx {
		if n > 0 {
			g.Comment("The index offset of each tap: its row's plane index plus its column offset.")
			for i := range n {
				for t, o := range g.k.Offsets() {
					g.I("MOVW %s, R16", g.f("tapIdx", 4*i))
					g.I("ADD $%d, R16", o)
					g.I("VDUP R16, %s", g.splat(i, t).A(g.arr))
				}
			}
		}
	}
	g.Comment("The interior chunks [c0, c1).")
	g.I("MOVD %s, R16", g.f("c0", 0))
	g.chunkAt("R16", g.k.S*g.L, g.L, n)
	g.I("MOVD %s, %s", g.f("c1", 0), rCnt)
	g.I("SUB R16, %s", rCnt)
	g.I("MOVD $-2, %s", rE)
	g.I("CBZ %s, %s", rCnt, lbl("dispatch"))

	g.Label(lbl("body"))
	g.body(n, op, ctxRun, lbl("body"), lbl("dispatch"))

	special := n > 0 && (g.hasLead || g.hasPadTail)
	g.Label(lbl("dispatch"))
	g.I("TBZ $63, %s, %s", rE, lbl("edgePost"))
	g.I("CMN $1, %s", rE)
	g.I("BEQ %s", lbl("tailDone"))
	if special {
		g.I("CMN $2, %s", rE)
		g.I("BNE %s", lbl("specialDone"))
	}
	g.Comment("The tail chunk at output tail, overlapping the previous one.")
	g.I("MOVD %s, R16", g.f("tail", 0))
	g.I("TBNZ $63, R16, %s", lbl("tailDone"))
	g.chunkAt("R16", g.k.S, 1, n)
	g.I("MOVD $-1, %s", rE)
	g.I("MOVD $1, %s", rCnt)
	g.I("B %s", lbl("body"))
	g.Label(lbl("tailDone"))
	if special {
		if g.hasPadTail {
			g.I("MOVD %d(RSP), R16", fPadT)
			g.I("TBNZ $63, R16, %s", lbl("padDone"))
			g.chunkAt("R16", g.k.S, 1, n)
			g.I("MOVD $-4, %s", rE)
			g.I("B %s", lbl("padBody"))
		}
		g.Label(lbl("padDone"))
		if g.hasLead {
			g.I("MOVD %d(RSP), R16", fLead)
			g.I("CBZ R16, %s", lbl("leadDone"))
			g.I("MOVD ZR, R16")
			g.chunkAt("R16", g.k.S*g.L, g.L, n)
			g.I("MOVD $-3, %s", rE)
			g.I("B %s", lbl("leadBody"))
		}
		g.I("B %s", lbl("leadDone"))
		g.Label(lbl("specialDone"))
		g.I("CMN $4, %s", rE)
		g.I("BEQ %s", lbl("padDone"))
		g.Label(lbl("leadDone"))
		g.I("MOVD %d(RSP), %s", fLead, rE)
	} else {
		g.I("MOVD ZR, %s", rE)
	}
	g.I("B %s", lbl("edge"))

	g.Label(lbl("edgePost"))
	g.edgePost()
	g.I("ADD $1, %s", rE)
	g.Label(lbl("edge"))
	edges := fNedges
	if special {
		edges = fEdgesF
	}
	g.I("MOVD %d(RSP), R16", edges)
	g.I("CMP R16, %s", rE)
	g.I("BGE %s", lbl("rowEnd"))
	g.edgeChunk(n)
	g.I("MOVD $1, %s", rCnt)
	g.I("B %s", lbl("body"))
	if special {
		if g.hasLead {
			g.Label(lbl("leadBody"))
			g.body(n, op, ctxLead, "", lbl("dispatch"))
		}
		if g.hasPadTail {
			g.Label(lbl("padBody"))
			g.body(n, op, ctxPadTail, "", lbl("dispatch"))
		}
	}
	g.Label(lbl("rowEnd"))
}

// splat is the register of the index offset of fast-path tap (i, t).
func (g *win) splat(i, t int) V { return vSplat + V(i*g.k.K+t) }

// chunkAt sets the pointers of a run of chunks starting at the chunk whose
// number (or output, for the tail) is in reg c, scaled: its block start
// column is c*colMul and its first output c*outMul. The fast paths' tap row
// pointers go to the run's first load.
func (g *win) chunkAt(c string, colMul, outMul, n int) {
	g.mulTo(rBcol, c, colMul)
	g.mulTo("R17", c, outMul) // first output
	g.I("ADD R17<<%d, %s, %s", g.sh, rD, rDp)
	if g.withIdx() {
		g.I("ADD R17<<3, %s, %s", rX, rXp)
	}
	if g.isSum() {
		g.I("MOVD %s, %s", g.f("div", 0), rDv)
		g.I("ADD R17<<%d, %s", g.sh, rDv)
	}
	if n == 0 {
		return
	}
	if x0 := g.loads[0].Off; x0 != 0 {
		g.I("ADD $%d, %s, R17", x0, rBcol)
		g.I("LSL $%d, R17, R17", g.sh)
	} else {
		g.I("LSL $%d, %s, R17", g.sh, rBcol)
	}
	for i := range n {
		g.I("MOVD %s, %s", g.f("tapOff", 8*i), rPt(i))
		g.I("ADD %s, %s", rS, rPt(i))
		g.I("ADD R17, %s", rPt(i))
	}
}

// mulTo sets dst = src*m (m a power of two).
func (g *win) mulTo(dst, src string, m int) {
	sh := 0
	for 1<<sh < m {
		sh++
	}
	switch {
	case 1<<sh != m:
		panic(fmt.Sprintf("neon: %d is not a power of two", m))
	case sh == 0:
		g.I("MOVD %s, %s", src, dst)
	default:
		g.I("LSL $%d, %s, %s", sh, src, dst)
	}
}

// edgeChunk sets up edge chunk e (rE): its block start, the staged tap rows
// of the fast path, and the stack buffers its outputs go to.
func (g *win) edgeChunk(n int) {
	g.Comment("Edge chunk: chunk c = e below c0, else c1 + e - c0.")
	g.edgeNum("R16")
	g.mulTo(rBcol, "R16", g.k.S*g.L)
	g.mulTo("R17", "R16", g.L)
	if g.isSum() {
		g.I("MOVD %s, %s", g.f("div", 0), rDv)
		g.I("ADD R17<<%d, %s", g.sh, rDv)
	}
	g.I("ADD $%d, RSP, %s", fSout, rDp)
	if g.withIdx() {
		g.I("ADD $%d, RSP, %s", fSoutI, rXp)
	}
	for i := range n {
		g.I("MOVD %s, R16", g.f("tapOff", 8*i))
		g.stageRow("R16", fStage+i*g.stageB)
		g.I("ADD $%d, RSP, %s", fStage+i*g.stageB, rPt(i))
	}
}

// edgeNum sets reg to the chunk number of edge chunk rE.
func (g *win) edgeNum(reg string) {
	g.I("MOVD %s, R17", g.f("c0", 0))
	g.I("MOVD %s, R19", g.f("c1", 0))
	g.I("SUB R17, %s, %s", rE, reg)
	g.I("ADD R19, %s", reg)
	g.I("CMP R17, %s", rE)
	g.I("CSEL LT, %s, %s, %s", rE, reg, reg)
}

// stageRow copies the columns [B+lo, B+hi) of the tap row at rS + the byte
// offset in reg (rBcol holding B) to the stack buffer at buf.
func (g *win) stageRow(reg string, buf int) {
	g.I("ADD %s, %s, R16", rS, reg)
	g.I("ADD $%d, %s, R17", g.lo, rBcol)
	g.I("ADD R17<<%d, R16", g.sh)
	g.I("ADD $%d, RSP, R19", buf)
	g.I("BL %s", g.lbl("stage"))
}

// edgePost copies an edge chunk's outputs inside the row from the stack
// buffers to the row (for max with index, after checking them for -inf).
func (g *win) edgePost() {
	g.edgeNum("R16")
	g.mulTo("R16", "R16", g.L)
	g.Comment("m = min(L, wo - c*L) outputs of the chunk lie inside the row.")
	g.I("MOVD %s, R21", g.f("wo", 0))
	g.I("SUB R16, R21, R21")
	g.I("CMP $%d, R21", g.L)
	g.I("MOVD $%d, R17", g.L)
	g.I("CSEL GT, R17, R21, R21")
	if g.withIdx() {
		g.Comment("An edge maximum of -inf may carry a padding index: the caller computes the plane.")
		ok := g.fresh("ninf")
		g.I("ADD $%d, RSP, R17", fSout)
		g.I("MOVD R21, R19")
		if g.es == 8 {
			g.I("MOVD $0xfff0000000000000, R20")
		} else {
			g.I("MOVW $0xff800000, R20")
		}
		g.Label(ok)
		if g.es == 8 {
			g.I("MOVD.P 8(R17), R22")
			g.I("CMP R20, R22")
		} else {
			g.I("MOVWU.P 4(R17), R22")
			g.I("CMPW R20, R22")
		}
		g.I("BEQ %s", g.lbl("leave"))
		g.I("SUBS $1, R19")
		g.I("BNE %s", ok)
	}
	g.I("MOVD R16, R23") // c*L, kept across the copies
	g.I("MOVD R21, R24") // m
	g.I("ADD $%d, RSP, R16", fSout)
	g.I("ADD R23<<%d, %s, R17", g.sh, rD)
	g.I("LSL $%d, R24, R19", g.sh)
	g.I("BL %s", g.lbl("copyOut"))
	if g.withIdx() {
		g.I("ADD $%d, RSP, R16", fSoutI)
		g.I("ADD R23<<3, %s, R17", rX)
		g.I("LSL $3, R24, R19")
		g.I("BL %s", g.lbl("copyOut"))
	}
}
