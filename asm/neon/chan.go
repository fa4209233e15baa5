package main

import (
	"fmt"

	"github.com/simdpool/simdpool/asm/table"
)

// The channels-last kernels: func(a *chanArgs, src, dst, idx *byte, images
// int) int, the contract of chanArgs in the root package.
//
// A kernel walks images, slabs, rows and the row's output pixels (their bases
// in stack slots) and reduces each window with its accumulators in registers
// across all its taps (the loops a, b, e of the contract). A strip holds
// several outputs at once:
//
//   - wide (c >= L): P pixels times V Q registers of a block of channels; the
//     channels are covered by blocks of V registers, then single registers,
//     the last one ending at the pixel's last channel (overlapping the one
//     before, harmlessly);
//   - narrow (float32, c = 2 or 3): U chunks of chanArgs.px pixels, each
//     px*c contiguous elements loaded and stored exactly (NEON has no masked
//     loads: a D register, or a D register and one lane).
//
// Max folds each tap exactly as PyTorch's loop does: FCMGT then BIT where x
// is greater, then FCMEQ x, x and BIF where x is a NaN (the last NaN wins with
// its bits), so no image is ever left to the caller; max with index moves the
// tap's relative index under the same masks. Sums add in the taps' order from
// +0 and divide as chanArgs.post says (FDIV is correctly rounded; powers of
// two multiply by their reciprocal).

// Frame layout of a channels-last kernel (offsets from RSP; 0(RSP) holds the
// saved LR).
const (
	cfM      = 8   // the image number
	cfImages = 16  // the images of the call
	cfSrc    = 24  // the image's first input, output and index
	cfDst    = 32  //
	cfIdx    = 40  //
	cfZS     = 48  // the slab's bases, index base, slabs left
	cfZD     = 56  //
	cfZX     = 64  //
	cfZI     = 72  //
	cfZ      = 80  //
	cfRS     = 88  // the row's bases, index base, rows left
	cfRD     = 96  //
	cfRX     = 104 //
	cfRI     = 112 //
	cfR      = 120 //
	cfPS     = 128 // the strip's first pixel's bases, index base; pixels left in the row
	cfPD     = 136 //
	cfPX     = 144 //
	cfPI     = 152 //
	cfPN     = 160 //
	cfCOff   = 168 // wide: the channel block's byte offset in a pixel
	cfTA     = 176 // the tap loops' outer pointer, counters and index
	cfCA     = 184 //
	cfIA     = 192 //
	cfCB     = 200 //
	cfFrame  = 208
)

// Vector registers of the channels-last kernels.
const (
	cAcc   V = 0  // V0-V7: the strip's accumulators
	cIdx   V = 8  // V8-V11: max with index: their relative tap indices
	cLoad  V = 12 // V12-V19: the tap's loads
	cGt    V = 20 // max: x > acc
	cEq    V = 21 // max: x == x (not NaN)
	cTi    V = 22 // max with index: the tap's relative index, every lane
	cPix   V = 23 // narrow, max with index: the lanes' pixel index steps
	cDiv   V = 24 // sums: a divisor (or its reciprocal), every lane
	cWide  V = 26 // V26, V27: max with index: indices widened to int64
	cVol   V = 29 // LP: the kernel volume
	cZero  V = 30 // sums: +0
	cFill  V = 31 // max: -inf
	cMaxIt   = 8  // items of a strip at most
)

// cw is the generation state of one channels-last kernel.
type cw struct {
	*Emitter
	k    table.Kernel
	l    *layout
	es   int
	arr  Arr
	L    int // lanes of a Q register
	name string
	seq  int
}

func (g *cw) isMax() bool   { return g.k.Op == table.Max || g.k.Op == table.MaxIdx }
func (g *cw) withIdx() bool { return g.k.Op == table.MaxIdx }

// f returns the address of chanArgs field name plus off bytes.
func (g *cw) f(name string, off int) string { return fmt.Sprintf("%d(R0)", g.l.cfield(name)+off) }

func (g *cw) lbl(s string) string { return g.name + "_" + s }

func (g *cw) fresh(s string) string {
	g.seq++
	return fmt.Sprintf("%s_%s%d", g.name, s, g.seq)
}

func (g *cw) v3(op string, d, n, m V) { g.Word(Three(op, g.arr, d, n, m)) }

// wideShape is the pixels and registers of a wide strip.
func (g *cw) wideShape() (P, V int) {
	if g.withIdx() {
		return 1, 4
	}
	return 2, 4
}

// chanKernel emits channels-last kernel k.
func chanKernel(e *Emitter, k table.Kernel, l *layout) {
	g := &cw{Emitter: e, k: k, l: l, es: k.Size, arr: arrOf(k.Size), L: 16 / k.Size, name: k.Name()}
	frame := cfFrame
	if k.Op == table.Mean {
		frame += cfAccs
	}
	g.Raw(fmt.Sprintf("\n// %s\nTEXT ·%s(SB), $%d-48\n", k.Doc(), k.Name(), frame))
	g.I("MOVD a+0(FP), R0")
	if k.Op == table.Mean {
		g.mean()
		return
	}
	for _, p := range []struct {
		name string
		off  int
	}{{"src+8(FP)", cfSrc}, {"dst+16(FP)", cfDst}, {"idx+24(FP)", cfIdx}, {"images+32(FP)", cfImages}} {
		g.I("MOVD %s, R16", p.name)
		g.I("MOVD R16, %d(RSP)", p.off)
	}
	g.I("MOVD ZR, %d(RSP)", cfM)
	g.constants()
	g.imageLoop()
	g.I("MOVD %d(RSP), R16", cfImages)
	g.I("MOVD R16, ret+40(FP)")
	g.I("RET")
}

// constants sets the per-call registers: -inf, or +0 and the kernel volume.
func (g *cw) constants() {
	if g.isMax() {
		if g.es == 8 {
			g.I("MOVD $0xfff0000000000000, R16")
		} else {
			g.I("MOVW $0xff800000, R16")
		}
		g.I("VDUP R16, %s", cFill.A(g.arr))
		return
	}
	g.I("VEOR %s, %s, %s", cZero.B16(), cZero.B16(), cZero.B16())
	g.splat(cVol, "vol", 0)
}

// splat broadcasts the T at field name + off to every lane of v.
func (g *cw) splat(v V, name string, off int) {
	if g.es == 4 {
		g.I("FMOVS %s, %s", g.f(name, off), v.F())
		g.I("VDUP V%d.S[0], %s", v, v.A(g.arr))
	} else {
		g.I("FMOVD %s, %s", g.f(name, off), v.F())
		g.I("VDUP V%d.D[0], %s", v, v.A(g.arr))
	}
}

// advance adds field to each stack slot.
func (g *cw) advance(pairs ...any) {
	for i := 0; i < len(pairs); i += 2 {
		slot, field := pairs[i].(int), pairs[i+1].(string)
		g.I("MOVD %d(RSP), R16", slot)
		g.I("MOVD %s, R17", g.f(field, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", slot)
	}
}

// copySlots copies stack slots (from, to).
func (g *cw) copySlots(pairs ...int) {
	for i := 0; i < len(pairs); i += 2 {
		g.I("MOVD %d(RSP), R16", pairs[i])
		g.I("MOVD R16, %d(RSP)", pairs[i+1])
	}
}

// imageLoop emits the loops over images, slabs and rows.
func (g *cw) imageLoop() {
	g.Label(g.lbl("image"))
	g.I("MOVD %d(RSP), R16", cfM)
	g.I("MOVD %d(RSP), R17", cfImages)
	g.I("CMP R17, R16")
	g.I("BGE %s", g.lbl("done"))
	for _, b := range []struct {
		image, slab int
		off         string
	}{{cfSrc, cfZS, "srcOff"}, {cfDst, cfZD, "dstOff"}, {cfIdx, cfZX, "idxOff"}} {
		g.I("MOVD %d(RSP), R16", b.image)
		g.I("MOVD %s, R17", g.f(b.off, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", b.slab)
	}
	for _, c := range []struct {
		field string
		slot  int
	}{{"idx0", cfZI}, {"slabs", cfZ}} {
		g.I("MOVD %s, R16", g.f(c.field, 0))
		g.I("MOVD R16, %d(RSP)", c.slot)
	}
	g.Label(g.lbl("slab"))
	g.copySlots(cfZS, cfRS, cfZD, cfRD, cfZX, cfRX, cfZI, cfRI)
	g.I("MOVD %s, R16", g.f("rows", 0))
	g.I("MOVD R16, %d(RSP)", cfR)
	g.Label(g.lbl("row"))
	g.copySlots(cfRS, cfPS, cfRD, cfPD, cfRX, cfPX, cfRI, cfPI)
	g.I("MOVD %s, R16", g.f("cols", 0))
	g.I("MOVD R16, %d(RSP)", cfPN)
	g.I("MOVD %s, R16", g.f("px", 0))
	if g.es == 4 {
		g.I("CBNZ R16, %s", g.lbl("narrow"))
	}
	g.wideRow()
	if g.es == 4 {
		g.I("B %s", g.lbl("rowDone"))
		g.Label(g.lbl("narrow"))
		g.narrowRow()
	}
	g.Label(g.lbl("rowDone"))
	g.advance(cfRS, "srcRow", cfRD, "dstRow", cfRX, "idxRow", cfRI, "rowIdx")
	g.I("MOVD %d(RSP), R16", cfR)
	g.I("SUBS $1, R16")
	g.I("MOVD R16, %d(RSP)", cfR)
	g.I("BNE %s", g.lbl("row"))
	g.advance(cfZS, "srcSlab", cfZD, "dstSlab", cfZX, "idxSlab", cfZI, "slabIdx")
	g.I("MOVD %d(RSP), R16", cfZ)
	g.I("SUBS $1, R16")
	g.I("MOVD R16, %d(RSP)", cfZ)
	g.I("BNE %s", g.lbl("slab"))
	g.advance(cfSrc, "srcImage", cfDst, "dstImage", cfIdx, "idxImage")
	g.I("MOVD %d(RSP), R16", cfM)
	g.I("ADD $1, R16")
	g.I("MOVD R16, %d(RSP)", cfM)
	g.I("B %s", g.lbl("image"))
	g.Label(g.lbl("done"))
}

// nextPixels advances the strip's pixel bases by the pixels in register n.
func (g *cw) nextPixels(n string) {
	for _, p := range []struct {
		slot  int
		field string
	}{{cfPS, "srcCol"}, {cfPD, "dstCol"}, {cfPX, "idxCol"}, {cfPI, "colIdx"}} {
		g.I("MOVD %s, R17", g.f(p.field, 0))
		g.I("MUL %s, R17, R17", n)
		g.I("MOVD %d(RSP), R16", p.slot)
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", p.slot)
	}
	g.I("MOVD %d(RSP), R16", cfPN)
	g.I("SUB %s, R16", n)
	g.I("MOVD R16, %d(RSP)", cfPN)
}

// wideRow emits a row of wide strips: P pixels at a time, then one.
func (g *cw) wideRow() {
	P, V := g.wideShape()
	ps := []int{P, 1}
	if P == 1 {
		ps = ps[1:]
	}
	for _, p := range ps {
		loop, end := g.fresh("cols"), g.fresh("colsDone")
		g.Label(loop)
		g.I("MOVD %d(RSP), R16", cfPN)
		g.I("CMP $%d, R16", p)
		g.I("BLT %s", end)
		g.channels(p, V)
		g.I("MOVD $%d, R15", p)
		g.nextPixels("R15")
		g.I("B %s", loop)
		g.Label(end)
	}
}

// channels emits the channel blocks of p pixels: V registers at a time, then
// single registers, then the last register ending at the pixel's last
// channel.
func (g *cw) channels(p, V int) {
	VB := 16
	g.I("MOVD ZR, %d(RSP)", cfCOff)
	for _, nv := range []int{V, 1} {
		loop, done := g.fresh("blocks"), g.fresh("blocksDone")
		g.Label(loop)
		g.I("MOVD %s, R17", g.f("c", 0))
		g.I("LSL $%d, R17, R17", map[int]int{4: 2, 8: 3}[g.es])
		g.I("SUB $%d, R17, R17", nv*VB)
		g.I("MOVD %d(RSP), R16", cfCOff)
		g.I("CMP R17, R16")
		g.I("BGT %s", done)
		g.wideStrip(p, nv)
		g.I("MOVD %d(RSP), R16", cfCOff)
		g.I("ADD $%d, R16", nv*VB)
		g.I("MOVD R16, %d(RSP)", cfCOff)
		g.I("B %s", loop)
		g.Label(done)
	}
	done := g.fresh("tailDone")
	g.I("MOVD %s, R17", g.f("c", 0))
	g.I("LSL $%d, R17, R17", map[int]int{4: 2, 8: 3}[g.es])
	g.I("MOVD %d(RSP), R16", cfCOff)
	g.I("CMP R17, R16")
	g.I("BGE %s", done)
	g.I("SUB $%d, R17, R17", VB)
	g.I("MOVD R17, %d(RSP)", cfCOff)
	g.wideStrip(p, 1)
	g.Label(done)
}

// initAccs sets the strip's n accumulators: -inf (max) or +0 (sums), and
// the indices 0.
func (g *cw) initAccs(n int) {
	for i := range n {
		a := cAcc + V(i)
		if g.isMax() {
			g.I("VMOV %s, %s", cFill.B16(), a.B16())
		} else {
			g.I("VEOR %s, %s, %s", a.B16(), a.B16(), a.B16())
		}
		if g.withIdx() {
			x := cIdx + V(i)
			g.I("VEOR %s, %s, %s", x.B16(), x.B16(), x.B16())
		}
	}
}

// wideStrip emits p pixels times nv registers from the channel offset.
func (g *cw) wideStrip(p, nv int) {
	g.I("MOVD %d(RSP), R1", cfPS)
	g.I("MOVD %d(RSP), R16", cfCOff)
	g.I("ADD R16, R1")
	g.initAccs(p * nv)
	g.I("MOVD %s, R7", g.f("srcCol", 0))
	g.taps(func() []V {
		var xs []V
		for i := range p {
			ptr := "R3"
			if i == 1 {
				g.I("ADD R7, R3, R8")
				ptr = "R8"
			}
			first := cLoad + V(i*nv)
			g.I("VLD1 (%s), %s", ptr, list(first, nv, g.arr))
			for j := range nv {
				xs = append(xs, first+V(j))
			}
		}
		return xs
	})
	if !g.isMax() {
		g.post(p * nv)
	}
	g.Comment("Store the strip.")
	for i := range p {
		g.I("MOVD %d(RSP), R12", cfPD)
		g.I("MOVD %d(RSP), R16", cfCOff)
		g.I("ADD R16, R12")
		if g.withIdx() {
			g.I("MOVD %d(RSP), R13", cfPX)
			if g.es == 4 {
				g.I("ADD R16<<1, R13") // 8-byte indices for 4-byte elements
			} else {
				g.I("ADD R16, R13")
			}
			g.I("MOVD %d(RSP), R14", cfPI)
		}
		if i == 1 {
			g.I("MOVD %s, R17", g.f("dstCol", 0))
			g.I("ADD R17, R12")
		}
		g.I("VST1 %s, (R12)", list(cAcc+V(i*nv), nv, g.arr))
		if g.withIdx() {
			for j := range nv {
				g.storeIdx(cIdx+V(i*nv+j), false, "R13", 0)
				g.I("ADD $%d, R13", g.L*8)
			}
		}
	}
}

// taps emits the tap loops of a strip from R1: for every tap (its address in
// R3), the loads that load emits, folded into the accumulators.
func (g *cw) taps(load func() []V) {
	g.I("MOVD R1, %d(RSP)", cfTA)
	g.I("MOVD %s, R16", g.f("nd", 0))
	g.I("MOVD R16, %d(RSP)", cfCA)
	g.I("MOVD ZR, %d(RSP)", cfIA)
	la, lb, le := g.fresh("tapA"), g.fresh("tapB"), g.fresh("tapE")
	g.Label(la)
	g.I("MOVD %d(RSP), R2", cfTA)
	g.I("MOVD %d(RSP), R5", cfIA)
	g.I("MOVD %s, R16", g.f("nh", 0))
	g.I("MOVD R16, %d(RSP)", cfCB)
	g.Label(lb)
	g.I("MOVD R2, R3")
	g.I("MOVD R5, R6")
	g.I("MOVD %s, R4", g.f("nw", 0))
	g.Label(le)
	if g.withIdx() {
		if g.es == 4 {
			g.I("VDUP R6, %s", cTi.A(S4))
		} else {
			g.I("VDUP R6, %s", cTi.A(D2))
		}
	}
	for i, x := range load() {
		g.fold(x, i)
	}
	g.I("MOVD %s, R16", g.f("tapW", 0))
	g.I("ADD R16, R3")
	g.I("MOVD %s, R16", g.f("idxW", 0))
	g.I("ADD R16, R6")
	g.I("SUBS $1, R4")
	g.I("BNE %s", le)
	g.I("MOVD %s, R16", g.f("tapH", 0))
	g.I("ADD R16, R2")
	g.I("MOVD %s, R16", g.f("idxH", 0))
	g.I("ADD R16, R5")
	g.I("MOVD %d(RSP), R16", cfCB)
	g.I("SUBS $1, R16")
	g.I("MOVD R16, %d(RSP)", cfCB)
	g.I("BNE %s", lb)
	for _, s := range []struct {
		slot  int
		field string
	}{{cfTA, "tapD"}, {cfIA, "idxD"}} {
		g.I("MOVD %d(RSP), R16", s.slot)
		g.I("MOVD %s, R17", g.f(s.field, 0))
		g.I("ADD R17, R16")
		g.I("MOVD R16, %d(RSP)", s.slot)
	}
	g.I("MOVD %d(RSP), R16", cfCA)
	g.I("SUBS $1, R16")
	g.I("MOVD R16, %d(RSP)", cfCA)
	g.I("BNE %s", la)
}

// fold folds tap register x into accumulator i.
func (g *cw) fold(x V, i int) {
	a := cAcc + V(i)
	switch g.k.Op {
	case table.Sum:
		g.v3("fadd", a, a, x)
		return
	case table.SumSq:
		g.v3("fmul", cGt, x, x)
		g.v3("fadd", a, a, cGt)
		return
	}
	g.v3("fcmgt", cGt, x, a)
	g.I("VBIT %s, %s, %s", cGt.B16(), x.B16(), a.B16())
	g.v3("fcmeq", cEq, x, x)
	g.I("VBIF %s, %s, %s", cEq.B16(), x.B16(), a.B16())
	if g.withIdx() {
		ix := cIdx + V(i)
		g.I("VBIT %s, %s, %s", cGt.B16(), cTi.B16(), ix.B16())
		g.I("VBIF %s, %s, %s", cEq.B16(), cTi.B16(), ix.B16())
	}
}

// post turns the strip's n sums into outputs as chanArgs.post says.
func (g *cw) post(n int) {
	end, succ := g.fresh("postDone"), g.fresh("succ")
	g.I("MOVWU %s, R16", g.f("post", 0))
	g.I("CMP $%d, R16", g.l.c("postSuccessive"))
	g.I("BEQ %s", succ)
	g.divideAll(n, 2)
	for i := range n {
		a := cAcc + V(i)
		g.v3("fadd", a, a, cZero)
	}
	g.I("CMP $%d, R16", g.l.c("postLp1"))
	g.I("BLT %s", end)
	for i := range n {
		a := cAcc + V(i)
		g.v3("fmul", a, a, cVol)
	}
	g.I("BEQ %s", end)
	for i := range n {
		a := cAcc + V(i)
		g.Word(Two("fsqrt", g.arr, a, a))
	}
	g.I("B %s", end)
	g.Label(succ)
	for d := range 3 {
		g.divideAll(n, d)
	}
	g.Label(end)
}

// divideAll divides the strip's n sums by divisor d: nothing for 1, a
// multiplication by the reciprocal of a power of two, else FDIV. It keeps
// R16 (the post value).
func (g *cw) divideAll(n, d int) {
	skip, div := g.fresh("divided"), g.fresh("div")
	g.I("MOVWU %s, R17", g.f("ones", 0))
	g.I("TBNZ $%d, R17, %s", d, skip)
	g.I("MOVWU %s, R17", g.f("pow2", 0))
	g.I("TBZ $%d, R17, %s", d, div)
	g.splat(cDiv, "rq", 8*d)
	for i := range n {
		a := cAcc + V(i)
		g.v3("fmul", a, a, cDiv)
	}
	g.I("B %s", skip)
	g.Label(div)
	g.splat(cDiv, "q", 8*d)
	for i := range n {
		a := cAcc + V(i)
		g.v3("fdiv", a, a, cDiv)
	}
	g.Label(skip)
}

// storeIdx stores the indices of index register x, relative to its pixel:
// plus the pixel's index base (R14) and, narrow, the lanes' pixel steps, as
// int64 at ptr+off; lanes elements (narrow: of a chunk, all L otherwise).
func (g *cw) storeIdx(x V, narrow bool, ptr string, lanes int) {
	if g.es == 4 {
		g.I("VDUP R14, %s", cGt.A(S4))
		g.I("VADD %s, %s, %s", cGt.A(S4), x.A(S4), x.A(S4))
		if narrow {
			g.I("VADD %s, %s, %s", cPix.A(S4), x.A(S4), x.A(S4))
		}
		g.I("VUXTL %s, %s", fmt.Sprintf("V%d.S2", x), cWide.A(D2))
		g.I("VUXTL2 %s, %s", x.A(S4), (cWide + 1).A(D2))
	} else {
		g.I("VDUP R14, %s", cGt.A(D2))
		g.I("VADD %s, %s, %s", cGt.A(D2), x.A(D2), cWide.A(D2))
	}
	switch {
	case !narrow && g.es == 4:
		g.I("VST1 %s, (%s)", list(cWide, 2, D2), ptr)
	case !narrow:
		g.I("VST1 [%s], (%s)", cWide.A(D2), ptr)
	default: // narrow float32: lanes int64 from cWide, cWide+1
		for j := range lanes {
			g.I("VMOV V%d.D[%d], R17", cWide+V(j/2), j%2)
			g.I("MOVD R17, %d(%s)", 8*j, ptr)
		}
	}
}

// narrowRow emits a row of narrow strips: U chunks of px pixels, then single
// chunks, then a chunk of the pixels left (px*c or fewer elements, 2 to 4).
func (g *cw) narrowRow() {
	const U = 4
	g.I("MOVD %s, R15", g.f("px", 0))
	g.I("MOVD %s, R16", g.f("c", 0))
	g.I("MUL R15, R16, R16")
	g.I("MOVD R16, %d(RSP)", cfCOff) // the elements of a whole chunk
	for _, u := range []int{U, 1} {
		loop, end := g.fresh("chunks"), g.fresh("chunksDone")
		g.Label(loop)
		g.I("MOVD %s, R15", g.f("px", 0))
		if u > 1 {
			g.I("MOVD $%d, R16", u)
			g.I("MUL R16, R15, R15")
		}
		g.I("MOVD %d(RSP), R16", cfPN)
		g.I("CMP R15, R16")
		g.I("BLT %s", end)
		g.I("MOVD %d(RSP), R16", cfCOff)
		g.narrowStrips(u)
		g.I("MOVD %s, R15", g.f("px", 0))
		if u > 1 {
			g.I("MOVD $%d, R16", u)
			g.I("MUL R16, R15, R15")
		}
		g.nextPixels("R15")
		g.I("B %s", loop)
		g.Label(end)
	}
	done := g.fresh("restDone")
	g.I("MOVD %d(RSP), R15", cfPN)
	g.I("CBZ R15, %s", done)
	g.I("MOVD %s, R16", g.f("c", 0))
	g.I("MUL R15, R16, R16")
	g.narrowStrips(1)
	g.Label(done)
}

// narrowStrips dispatches on the elements of a chunk (R16: 2, 3 or 4) to a
// strip of u chunks of that many elements.
func (g *cw) narrowStrips(u int) {
	done := g.fresh("stripDone")
	labels := map[int]string{}
	for _, n := range []int{2, 3, 4} {
		labels[n] = g.fresh(fmt.Sprintf("n%d_", n))
		g.I("CMP $%d, R16", n)
		g.I("BEQ %s", labels[n])
	}
	g.I("B %s", done) // not reached: a narrow chunk holds 2 to 4 elements
	for _, n := range []int{2, 3, 4} {
		g.Label(labels[n])
		g.narrowStrip(u, n)
		g.I("B %s", done)
	}
	g.Label(done)
}

// loadN loads n float32 elements (2, 3 or 4) at ptr into v, its other lanes
// 0.
func (g *cw) loadN(v V, ptr string, n int) {
	switch n {
	case 4:
		g.I("VLD1 (%s), [%s]", ptr, v.A(S4))
	case 2:
		g.I("FMOVD (%s), %s", ptr, fmt.Sprintf("F%d", v))
	case 3:
		g.I("FMOVD (%s), %s", ptr, fmt.Sprintf("F%d", v))
		g.I("FMOVS 8(%s), F%d", ptr, cEq)
		g.I("VMOV V%d.S[0], V%d.S[2]", cEq, v)
	}
}

// storeN stores the first n float32 lanes (2, 3 or 4) of v at ptr.
func (g *cw) storeN(v V, ptr string, n int) {
	switch n {
	case 4:
		g.I("VST1 [%s], (%s)", v.A(S4), ptr)
	case 2:
		g.I("FMOVD F%d, (%s)", v, ptr)
	case 3:
		g.I("FMOVD F%d, (%s)", v, ptr)
		g.I("VMOV V%d.S[2], V%d.S[0]", v, cEq)
		g.I("FMOVS F%d, 8(%s)", cEq, ptr)
	}
}

// narrowStrip emits u chunks of n elements each, px pixels apart.
func (g *cw) narrowStrip(u, n int) {
	g.I("MOVD %d(RSP), R1", cfPS)
	g.initAccs(u)
	if g.withIdx() {
		g.I("ADD $%d, R0, R17", g.l.cfield("pixIdx"))
		g.I("VLD1 (R17), [%s]", cPix.A(S4))
	}
	g.I("MOVD %s, R11", g.f("px", 0))
	g.I("MOVD %s, R17", g.f("srcCol", 0))
	g.I("MUL R17, R11, R11") // bytes between chunks
	g.taps(func() []V {
		var xs []V
		for i := range u {
			ptr := "R3"
			if i > 0 {
				g.I("ADD R11, %s, R8", map[bool]string{true: "R3", false: "R8"}[i == 1])
				ptr = "R8"
			}
			g.loadN(cLoad+V(i), ptr, n)
			xs = append(xs, cLoad+V(i))
		}
		return xs
	})
	if !g.isMax() {
		g.post(u)
	}
	g.Comment("Store the chunks.")
	g.I("MOVD %s, R15", g.f("px", 0))
	g.I("MOVD %d(RSP), R12", cfPD)
	g.I("MOVD %d(RSP), R13", cfPX)
	g.I("MOVD %d(RSP), R14", cfPI)
	for i := range u {
		if i > 0 {
			for _, s := range []struct {
				reg, field string
			}{{"R12", "dstCol"}, {"R13", "idxCol"}, {"R14", "colIdx"}} {
				g.I("MOVD %s, R17", g.f(s.field, 0))
				g.I("MUL R17, R15, R17") // (R15: px)
				g.I("ADD R17, %s", s.reg)
			}
		}
		g.storeN(cAcc+V(i), "R12", n)
		if g.withIdx() {
			g.storeIdx(cIdx+V(i), true, "R13", n)
		}
	}
}
