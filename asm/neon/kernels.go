package main

import (
	"fmt"
	"strings"
)

// field is one field of rowArgs, the parameter block the row kernels read.
type field struct {
	name, typ, doc string
	size           int
}

var rowFields = []field{
	{"dst", "*float32", "first output of the run", 8},
	{"idx", "*int64", "first index output (max with index only)", 8},
	{"src", "*float32", "first tap of the first output in the first window row", 8},
	{"n", "int", "outputs in the run, at least 4", 8},
	{"nd", "int", "window rows along D (at least 1)", 8},
	{"dstep", "int", "bytes between them", 8},
	{"nh", "int", "window rows along H (at least 1)", 8},
	{"hstep", "int", "bytes between them", 8},
	{"kw", "int", "taps along W (general kernels)", 8},
	{"wstep", "int", "bytes between them (general kernels)", 8},
	{"idx0", "int", "plane index of src (max with index)", 8},
	{"dI", "int", "index step per D tap", 8},
	{"hI", "int", "index step per H tap", 8},
	{"wI", "int", "index step per W tap (general kernels)", 8},
	{"div", "[4]float32", "sum kernels: divisors 1, 2, 3 and the factor", 16},
	{"post", "int", "sum kernels: bit 0 divides by div[1] and div[2] too (else adds the quotient to +0), bit 1 multiplies by div[3], bit 2 takes the square root", 8},
	{"lanes", "[4]int32", "max with index: 0, s, 2s, 3s", 16},
	{"ostep", "int", "bytes between outputs' windows (any-stride kernels)", 8},
}

// off returns the byte offset of a rowArgs field.
func off(name string) int {
	o := 0
	for _, f := range rowFields {
		if f.name == name {
			return o
		}
		o += f.size
	}
	panic("neon: no field " + name)
}

// The row kernels: one per reduction, W stride (1 or 2, or 0 for any
// stride, whose taps are gathered lane by lane) and W kernel (2 or 3 with
// dilation 1, or 0 for any kernel and dilation).
type rowKernel struct {
	op string // max, maxIdx, sum, sumSq
	s  int
	k  int
}

// strides and kernels of the row kernels, in callRow's order.
var rowShapes = [][2]int{{1, 2}, {1, 3}, {1, 0}, {2, 2}, {2, 3}, {2, 0}, {0, 0}}

var ops = []string{"max", "maxIdx", "sum", "sumSq"}

func (r rowKernel) name() string {
	k := "KN"
	if r.k != 0 {
		k = fmt.Sprintf("K%d", r.k)
	}
	if r.s == 0 {
		return fmt.Sprintf("%sRowSG%s", r.op, k)
	}
	return fmt.Sprintf("%sRowS%d%s", r.op, r.s, k)
}

func allRowKernels() []rowKernel {
	var ks []rowKernel
	for _, op := range ops {
		for _, sk := range rowShapes {
			ks = append(ks, rowKernel{op, sk[0], sk[1]})
		}
	}
	return ks
}

// Registers of the row kernels.
//
//	R0 args   R1 dst   R2 idx   R3 src (block)   R4 outputs left
//	R5 wI     R6 dstep R7 post  R8 hstep         R9 scratch   R10 wstep
//	R11 D row R12 H row R13 tap R14 load pointer R16 D count  R17 H count
//	R15 ostep (any-stride kernels)
//	R19 W count  R20 plane index of the block's src  R21..R23 tap index
//	offsets along D, H, W   R24 dI   R25 hI
//
//	V0-V3 accumulators (values)   V4-V7 accumulators (index offsets)
//	V8-V15 loaded taps   V20, V21 masks   V22, V23 tap index offsets
//	V19 zero (max)   V24 initial value (-inf or 0)   V25 lanes   V26 4*s splat
//	V27-V30 div[0..3] splats   V31 scratch
const (
	vInit  V = 24
	vLanes V = 25
	vStep  V = 26
	vDiv   V = 27
	vMask  V = 20
	vMask2 V = 21
	vTap   V = 22
	vTap2  V = 23
	vZero  V = 19
)

type rowGen struct {
	*Emitter
	rowKernel
	U     int  // vectors per block
	exact bool // max: the compare-and-select fold (first zero wins) instead of FMAX
}

func (g *rowGen) label(s string) string {
	x := ""
	if g.exact {
		x = "x"
	}
	return fmt.Sprintf("%s_u%d%s_%s", g.name(), g.U, x, s)
}

func (g *rowGen) isIdx() bool { return g.op == "maxIdx" }
func (g *rowGen) isSum() bool { return g.op == "sum" || g.op == "sumSq" }

// data returns the register holding vector u of a loaded tap; with stride 2,
// half selects the even (0) or odd (1) elements of the LD2 pair.
func (g *rowGen) data(u, half int) V {
	if g.s != 2 {
		return V(8 + u)
	}
	return V(8 + 2*u + half)
}

// load loads U vectors of one tap (stride 2: one LD2 pair) from the address in ptr.
func (g *rowGen) load(ptr string) {
	if g.s == 0 {
		// any stride: gather lane by lane, ostep bytes apart
		g.I("MOVD %s, R14", ptr)
		for u := range g.U {
			for i := range 4 {
				g.I("VLD1 (R14), V%d.S[%d]", 8+u, i)
				if u < g.U-1 || i < 3 {
					g.I("ADD R15, R14")
				}
			}
		}
		return
	}
	if g.s == 1 {
		g.I("VLD1 (%s), %s", ptr, list(8, g.U, "S4"))
		return
	}
	if g.U == 1 {
		g.I("VLD2 (%s), %s", ptr, list(8, 2, "S4"))
		return
	}
	g.I("MOVD %s, R14", ptr)
	for u := range g.U {
		if u < g.U-1 {
			g.I("VLD2.P 32(R14), %s", list(g.data(u, 0), 2, "S4"))
		} else {
			g.I("VLD2 (R14), %s", list(g.data(u, 0), 2, "S4"))
		}
	}
}

// fold folds the loaded tap (half of the pair) into the accumulators; tap holds
// the tap's index offset splat (max with index).
func (g *rowGen) fold(half int, tap V) {
	for u := range g.U {
		x, acc := g.data(u, half), V(u)
		switch g.op {
		case "max":
			if !g.exact {
				g.FMAX(acc, acc, x)
				break
			}
			g.FCMGT(vMask, x, acc)
			g.FCMEQ(vMask2, x, x)
			g.ORN(vMask, vMask, vMask2)
			g.I("VBIT %s, %s, %s", vMask.B16(), x.B16(), acc.B16())
		case "sum":
			g.FADD(acc, acc, x)
		case "sumSq":
			g.FMUL(x, x, x)
			g.FADD(acc, acc, x)
		case "maxIdx":
			// replace where x > best or x is NaN (PyTorch's rule):
			// mask = (x > best) | ^(x == x)
			g.FCMGT(vMask, x, acc)
			g.FCMEQ(vMask2, x, x)
			g.ORN(vMask, vMask, vMask2)
			g.I("VBIT %s, %s, %s", vMask.B16(), x.B16(), acc.B16())
			g.I("VBIT %s, %s, %s", vMask.B16(), tap.B16(), V(4+u).B16())
		}
	}
}

// taps folds the W taps of the window row at R12 (index offset R22).
func (g *rowGen) taps() {
	idx := g.isIdx()
	switch {
	case g.k == 0 && g.s != 2:
		g.I("MOVD R12, R13")
		if idx {
			g.I("MOVD R22, R23")
		}
		g.I("MOVD %d(R0), R19", off("kw"))
		g.Label(g.label("w"))
		if idx {
			g.I("VDUP R23, %s", vTap.S4())
		}
		g.load("R13")
		g.fold(0, vTap)
		g.I("ADD R10, R13")
		if idx {
			g.I("ADD R5, R23")
		}
		g.I("SUBS $1, R19")
		g.I("BNE %s", g.label("w"))
	case g.k == 0 && g.s == 2:
		// Tap 0 is the even half of an LD2 at the window start; tap t > 0 the
		// odd half of an LD2 one element before it, so that no load reads
		// past the last element the block needs.
		if idx {
			g.I("VDUP R22, %s", vTap.S4())
		}
		g.load("R12")
		g.fold(0, vTap)
		g.I("MOVD %d(R0), R19", off("kw"))
		g.I("SUBS $1, R19")
		g.I("BEQ %s", g.label("wdone"))
		g.I("SUB $4, R12, R13")
		if idx {
			g.I("MOVD R22, R23")
		}
		g.Label(g.label("w"))
		g.I("ADD R10, R13")
		if idx {
			g.I("ADD R5, R23")
			g.I("VDUP R23, %s", vTap.S4())
		}
		g.load("R13")
		g.fold(1, vTap)
		g.I("SUBS $1, R19")
		g.I("BNE %s", g.label("w"))
		g.Label(g.label("wdone"))
	case g.s == 1:
		for t := range g.k {
			ptr := "R12"
			if t > 0 {
				g.I("ADD $%d, R12, R13", 4*t)
				ptr = "R13"
			}
			tap := vTap
			if idx {
				if t == 0 {
					g.I("VDUP R22, %s", vTap.S4())
				} else {
					g.I("ADD $%d, R22, R23", t)
					g.I("VDUP R23, %s", vTap2.S4())
					tap = vTap2
				}
			}
			g.load(ptr)
			g.fold(0, tap)
		}
	default: // stride 2, kernel 2 or 3
		if idx {
			g.I("VDUP R22, %s", vTap.S4())
			g.I("ADD $1, R22, R23")
			g.I("VDUP R23, %s", vTap2.S4())
		}
		g.load("R12")
		g.fold(0, vTap)
		g.fold(1, vTap2)
		if g.k == 3 {
			g.I("ADD $4, R12, R13")
			if idx {
				g.I("ADD $2, R22, R23")
				g.I("VDUP R23, %s", vTap2.S4())
			}
			g.load("R13")
			g.fold(1, vTap2)
		}
	}
}

// block computes 4*U outputs. FMAX makes +0 the maximum of -0 and +0 where
// PyTorch keeps the first zero of the window: when a max result is zero, the
// block is computed again by the exact fold (out of line, after the RET).
func (g *rowGen) block() {
	g.body()
	if g.op == "max" {
		for u := range g.U {
			g.FCMEQ(V(8+u), V(u), vZero)
		}
		for u := 1; u < g.U; u++ {
			g.I("VORR %s, %s, %s", V(8+u).B16(), V(8).B16(), V(8).B16())
		}
		g.I("VMOV V8.D[0], R9")
		g.I("VMOV V8.D[1], R14")
		g.I("ORR R14, R9")
		x := *g
		x.exact = true
		g.I("CBNZ R9, %s", x.label("block"))
		g.Label(g.label("store"))
	}
	g.finish()
	if g.s == 0 {
		g.I("ADD R15<<%d, R3", map[int]int{1: 2, 4: 4}[g.U])
	} else {
		g.I("ADD $%d, R3", 16*g.U*g.s)
	}
}

// exactBlock emits the out-of-line exact max block, which returns to the
// fast block's store.
func (g *rowGen) exactBlock() {
	x := *g
	x.exact = true
	g.Label(x.label("block"))
	x.body()
	g.I("B %s", g.label("store"))
}

// body folds every tap of 4*U outputs into the accumulators.
func (g *rowGen) body() {
	idx := g.isIdx()
	for u := range g.U {
		g.MOV(V(u), vInit)
		if idx {
			g.I("VEOR %s, %s, %s", V(4+u).B16(), V(4+u).B16(), V(4+u).B16())
		}
	}
	g.I("MOVD R3, R11")
	g.I("MOVD %d(R0), R16", off("nd"))
	if idx {
		g.I("MOVD ZR, R21")
	}
	g.Label(g.label("d"))
	g.I("MOVD R11, R12")
	g.I("MOVD %d(R0), R17", off("nh"))
	if idx {
		g.I("MOVD R21, R22")
	}
	g.Label(g.label("h"))
	g.taps()
	g.I("ADD R8, R12")
	if idx {
		g.I("ADD R25, R22")
	}
	g.I("SUBS $1, R17")
	g.I("BNE %s", g.label("h"))
	g.I("ADD R6, R11")
	if idx {
		g.I("ADD R24, R21")
	}
	g.I("SUBS $1, R16")
	g.I("BNE %s", g.label("d"))
}

// finish stores the block's results.
func (g *rowGen) finish() {
	U := g.U
	if g.isSum() {
		for u := range U {
			g.FDIV(V(u), V(u), vDiv)
		}
		g.I("TBNZ $0, R7, %s", g.label("succ"))
		g.Comment("avg_pool and lp_pool add the quotient to +0 (-0 becomes +0)")
		for u := range U {
			g.FADD(V(u), V(u), vInit)
		}
		g.I("B %s", g.label("divdone"))
		g.Label(g.label("succ"))
		g.Comment("adaptive pooling divides by each axis' factor in turn")
		for u := range U {
			g.FDIV(V(u), V(u), vDiv+1)
			g.FDIV(V(u), V(u), vDiv+2)
		}
		g.Label(g.label("divdone"))
		g.I("TBZ $1, R7, %s", g.label("nomul"))
		for u := range U {
			g.FMUL(V(u), V(u), vDiv+3)
		}
		g.Label(g.label("nomul"))
		g.I("TBZ $2, R7, %s", g.label("nosqrt"))
		for u := range U {
			g.FSQRT(V(u), V(u))
		}
		g.Label(g.label("nosqrt"))
	}
	g.I("VST1.P %s, %d(R1)", list(0, U, "S4"), 16*U)
	if !g.isIdx() {
		return
	}
	// indices: block base + lanes + u*4s + the selected tap offset, widened to int64
	g.I("VDUP R20, %s", vMask.S4())
	g.I("VADD %s, %s, %s", vLanes.S4(), vMask.S4(), vMask.S4())
	for u := range U {
		g.I("VADD %s, %s, %s", vMask.S4(), V(4+u).S4(), V(4+u).S4())
		if u < U-1 {
			g.I("VADD %s, %s, %s", vStep.S4(), vMask.S4(), vMask.S4())
		}
	}
	for u := range U {
		g.I("VUXTL %s, %s", V(4+u).S2(), V(8+2*u).D2())
		g.I("VUXTL2 %s, %s", V(4+u).S4(), V(9+2*u).D2())
	}
	for i := 0; i < 2*U; i += 4 {
		n := min(4, 2*U-i)
		g.I("VST1.P %s, %d(R2)", list(V(8+i), n, "D2"), 16*n)
	}
	if g.s == 0 {
		if U == 4 {
			g.I("ADD R15<<2, R20")
		} else {
			g.I("ADD R15, R20")
		}
	} else {
		g.I("ADD $%d, R20", 4*U*g.s)
	}
}

func (r rowKernel) emit(e *Emitter) {
	g4 := &rowGen{Emitter: e, rowKernel: r, U: 4}
	g1 := &rowGen{Emitter: e, rowKernel: r, U: 1}
	shift := map[int]int{1: 0, 2: 1}[r.s]
	e.Raw(fmt.Sprintf("\n// func %s(a *rowArgs)\nTEXT ·%s(SB), NOSPLIT, $0-8\n", r.name(), r.name()))
	e.I("MOVD a+0(FP), R0")
	e.I("MOVD %d(R0), R1", off("dst"))
	e.I("MOVD %d(R0), R3", off("src"))
	e.I("MOVD %d(R0), R4", off("n"))
	e.I("MOVD %d(R0), R6", off("dstep"))
	e.I("MOVD %d(R0), R8", off("hstep"))
	if r.k == 0 {
		e.I("MOVD %d(R0), R10", off("wstep"))
	}
	if r.s == 0 {
		e.I("MOVD %d(R0), R15", off("ostep"))
	}
	switch r.op {
	case "max", "maxIdx":
		e.I("MOVW $0xff800000, R9") // -inf
		e.I("VDUP R9, %s", vInit.S4())
		e.I("VEOR %s, %s, %s", vZero.B16(), vZero.B16(), vZero.B16())
	default:
		e.I("VEOR %s, %s, %s", vInit.B16(), vInit.B16(), vInit.B16())
		e.I("MOVD %d(R0), R7", off("post"))
		e.I("ADD $%d, R0, R9", off("div"))
		e.I("VLD1 (R9), [V31.S4]")
		for i := range 4 {
			e.I("VDUP V31.S[%d], %s", i, (vDiv + V(i)).S4())
		}
	}
	if r.op == "maxIdx" {
		e.I("MOVD %d(R0), R2", off("idx"))
		e.I("MOVD %d(R0), R20", off("idx0"))
		e.I("MOVD %d(R0), R24", off("dI"))
		e.I("MOVD %d(R0), R25", off("hI"))
		if r.k == 0 {
			e.I("MOVD %d(R0), R5", off("wI"))
		}
		e.I("ADD $%d, R0, R9", off("lanes"))
		e.I("VLD1 (R9), [%s]", vLanes.S4())
		if r.s == 0 {
			e.I("VDUP R15, %s", vStep.S4()) // 4*s = ostep
		} else {
			e.I("MOVD $%d, R9", 4*r.s)
			e.I("VDUP R9, %s", vStep.S4())
		}
	}
	e.I("CMP $16, R4")
	e.I("BLT %s", g1.label("check"))
	e.Label(g4.label("loop"))
	g4.block()
	e.I("SUB $16, R4")
	e.I("CMP $16, R4")
	e.I("BGE %s", g4.label("loop"))
	e.Label(g1.label("check"))
	e.I("CMP $4, R4")
	e.I("BLT %s", g1.label("tail"))
	e.Label(g1.label("loop"))
	g1.block()
	e.I("SUB $4, R4")
	e.I("CMP $4, R4")
	e.I("BGE %s", g1.label("loop"))
	e.Label(g1.label("tail"))
	e.Comment("1 to 3 outputs left: redo the last 4, overlapping the previous block")
	e.I("CBZ R4, %s", g1.label("done"))
	e.I("MOVD $4, R9")
	e.I("SUB R4, R9, R9")
	e.I("SUB R9<<2, R1, R1")
	if r.s == 0 {
		e.I("MUL R9, R15, R14")
		e.I("SUB R14, R3, R3")
	} else {
		e.I("SUB R9<<%d, R3, R3", 2+shift)
	}
	if r.op == "maxIdx" {
		e.I("SUB R9<<3, R2, R2")
		if r.s == 0 {
			e.I("SUB R14>>2, R20, R20")
		} else {
			e.I("SUB R9<<%d, R20, R20", shift)
		}
	}
	e.I("MOVD $4, R4")
	e.I("B %s", g1.label("loop"))
	e.Label(g1.label("done"))
	e.I("RET")
	if r.op == "max" {
		g4.exactBlock()
		g1.exactBlock()
	}
}

// emitGlobalMax: func gmaxF32(src *float32, n int) float32, n >= 4.
func emitGlobalMax(e *Emitter) {
	e.Raw("\n// func gmaxF32(src *float32, n int) float32\nTEXT ·gmaxF32(SB), NOSPLIT, $0-20\n")
	e.I("MOVD src+0(FP), R0")
	e.I("MOVD n+8(FP), R1")
	e.I("MOVW $0xff800000, R9")
	e.I("VDUP R9, V0.S4")
	for u := 1; u < 4; u++ {
		e.MOV(V(u), 0)
	}
	e.I("CMP $16, R1")
	e.I("BLT gmax_check4")
	e.Label("gmax_loop16")
	e.I("VLD1.P 64(R0), %s", list(4, 4, "S4"))
	for u := range 4 {
		e.FMAX(V(u), V(u), V(4+u))
	}
	e.I("SUB $16, R1")
	e.I("CMP $16, R1")
	e.I("BGE gmax_loop16")
	e.Label("gmax_check4")
	e.I("CMP $4, R1")
	e.I("BLT gmax_tail")
	e.Label("gmax_loop4")
	e.I("VLD1.P 16(R0), [V4.S4]")
	e.FMAX(0, 0, 4)
	e.I("SUB $4, R1")
	e.I("CMP $4, R1")
	e.I("BGE gmax_loop4")
	e.Label("gmax_tail")
	e.Comment("1 to 3 elements left: load the last 4 again (max is idempotent)")
	e.I("CBZ R1, gmax_reduce")
	e.I("MOVD $4, R9")
	e.I("SUB R1, R9, R9")
	e.I("SUB R9<<2, R0, R0")
	e.I("MOVD $4, R1")
	e.I("B gmax_loop4")
	e.Label("gmax_reduce")
	e.FMAX(0, 0, 1)
	e.FMAX(2, 2, 3)
	e.FMAX(0, 0, 2)
	e.FMAXV(0, 0)
	e.I("FMOVS F0, ret+16(FP)")
	e.I("RET")
}

// emitGlobalMaxIdx: func gmaxIdxF32(src *float32, n int, out *[8]uint32), n >= 4.
// Lane j tracks elements j, j+4, ... with PyTorch's rule; out gets the four
// lanes' values (bits) and indices, which the caller combines.
func emitGlobalMaxIdx(e *Emitter) {
	e.Raw("\n// func gmaxIdxF32(src *float32, n int, out *[8]uint32)\nTEXT ·gmaxIdxF32(SB), NOSPLIT, $0-24\n")
	e.I("MOVD src+0(FP), R0")
	e.I("MOVD n+8(FP), R1")
	e.I("MOVD out+16(FP), R2")
	e.I("MOVW $0xff800000, R9")
	e.I("VDUP R9, V0.S4")
	e.I("VEOR V2.B16, V2.B16, V2.B16")
	for i := 1; i < 4; i++ {
		e.I("MOVD $%d, R9", i)
		e.I("VMOV R9, V2.S[%d]", i)
	}
	e.MOV(1, 2)
	e.I("MOVD $4, R9")
	e.I("VDUP R9, V3.S4")
	e.Label("gmaxidx_loop4")
	e.I("VLD1.P 16(R0), [V4.S4]")
	e.FCMGT(5, 4, 0)
	e.FCMEQ(6, 4, 4)
	e.ORN(5, 5, 6)
	e.I("VBIT V5.B16, V4.B16, V0.B16")
	e.I("VBIT V5.B16, V2.B16, V1.B16")
	e.I("VADD V3.S4, V2.S4, V2.S4")
	e.I("SUB $4, R1")
	e.I("CMP $4, R1")
	e.I("BGE gmaxidx_loop4")
	e.Comment("1 to 3 elements left: step back to the last 4 (the caller's combine tolerates repeats)")
	e.I("CBZ R1, gmaxidx_out")
	e.I("MOVD $4, R9")
	e.I("SUB R1, R9, R9")
	e.I("SUB R9<<2, R0, R0")
	e.I("VDUP R9, V7.S4")
	e.I("VSUB V7.S4, V2.S4, V2.S4")
	e.I("MOVD $4, R1")
	e.I("B gmaxidx_loop4")
	e.Label("gmaxidx_out")
	e.I("VST1 [V0.S4, V1.S4], (R2)")
	e.I("RET")
}

const header = "// Code generated by asm/neon (cd asm && go run ./neon). DO NOT EDIT.\n"

// genAsm returns pool_arm64.s.
func genAsm() string {
	e := &Emitter{}
	e.Raw(header + "\n//go:build !purego\n\n#include \"textflag.h\"\n")
	e.Raw(`
// NEON float32 pooling kernels. Vector FMAX/FADD/FMUL/FDIV/FSQRT/FCMGT/FCMEQ/
// FMAXV and ORN are written as WORDs (the Go assembler lacks them) with the
// instruction in a comment. FMAX propagates NaN as PyTorch's max does;
// FMAXNM, which does not, is never used.
`)
	for _, k := range allRowKernels() {
		k.emit(e)
	}
	emitGlobalMax(e)
	emitGlobalMaxIdx(e)
	emitCascade(e)
	return e.String()
}

// genGo returns pool_arm64.go, the Go declarations of the kernels.
func genGo() string {
	var b strings.Builder
	b.WriteString(header + "\n//go:build !purego\n\npackage simdpool\n\n")
	b.WriteString("// rowArgs is the parameter block of the NEON row kernels: one run of n\n")
	b.WriteString("// outputs of one output row whose windows lie inside the input along W.\n")
	b.WriteString("type rowArgs struct {\n")
	for _, f := range rowFields {
		fmt.Fprintf(&b, "\t%s %s // %s\n", f.name, f.typ, f.doc)
	}
	b.WriteString("}\n\n// rowArgsOffsets are the field offsets the assembly uses.\nvar rowArgsOffsets = [...]uintptr{")
	for i, f := range rowFields {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", off(f.name))
	}
	b.WriteString("}\n\n// rowOp selects a row kernel family.\ntype rowOp int\n\nconst (\n")
	for i, op := range ops {
		c := "op" + strings.ToUpper(op[:1]) + op[1:]
		if i == 0 {
			fmt.Fprintf(&b, "\t%s rowOp = iota\n", c)
		} else {
			fmt.Fprintf(&b, "\t%s\n", c)
		}
	}
	b.WriteString(")\n")
	for _, k := range allRowKernels() {
		fmt.Fprintf(&b, "\n//go:noescape\nfunc %s(a *rowArgs)\n", k.name())
	}
	b.WriteString("\n//go:noescape\nfunc gmaxF32(src *float32, n int) float32\n")
	b.WriteString("\n//go:noescape\nfunc gmaxIdxF32(src *float32, n int, out *[8]uint32)\n")
	b.WriteString("\n//go:noescape\nfunc cascadeF32(x *float32, rows, power, vecs int, acc *[3][32]float32)\n")
	b.WriteString("\n// callRow runs the row kernel for op, W stride s (1 or 2) and W kernel k\n")
	b.WriteString("// (2 or 3 with dilation 1; 0 for any kernel and dilation); s 0 gathers any stride.\n")
	b.WriteString("func callRow(op rowOp, s, k int, a *rowArgs) {\n\tswitch op {\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "\tcase op%s:\n\t\tswitch {\n", strings.ToUpper(op[:1])+op[1:])
		for _, sk := range rowShapes {
			fmt.Fprintf(&b, "\t\tcase s == %d && k == %d:\n\t\t\t%s(a)\n", sk[0], sk[1], rowKernel{op, sk[0], sk[1]}.name())
		}
		b.WriteString("\t\tdefault:\n\t\t\tpanic(\"simdpool: no NEON row kernel\")\n\t\t}\n")
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

// emitCascade: func cascadeF32(x *float32, rows, power, vecs int, acc *[3][32]float32).
//
// ATen's AVX2 cascade sum (see mean_generic.go) of a plane of at least 8
// float32s, up to the horizontal step: rows rows of 32 elements go into the
// 32 level-0 accumulators (V0-V7); every 2^power rows level 0 moves into
// level 1 (V8-V15), and on into levels 2 and 3 (acc[0], acc[1], zero on
// entry) as the row count's bits say; then the levels are added up, the vecs
// - 4*rows leftover 8-lane vectors go into accumulator 0, and accumulators
// 1..3 are folded into it. acc[2][:8] receives its 8 lanes; the caller adds
// the scalar tail and then those lanes, in order.
func emitCascade(e *Emitter) {
	e.Raw("\n// func cascadeF32(x *float32, rows, power, vecs int, acc *[3][32]float32)\nTEXT ·cascadeF32(SB), NOSPLIT, $0-40\n")
	e.I("MOVD x+0(FP), R0")
	e.I("MOVD rows+8(FP), R1")
	e.I("MOVD power+16(FP), R2")
	e.I("MOVD vecs+24(FP), R3")
	e.I("MOVD acc+32(FP), R4")
	e.I("ADD $128, R4, R13") // acc[1]
	for v := range 16 {
		e.I("VEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	e.I("MOVD $1, R5")
	e.I("LSL R2, R5, R5")  // step
	e.I("SUB $1, R5, R6")  // mask
	e.I("LSL R2, R6, R10") // mask << power
	e.I("ADD R2, R2, R12")
	e.I("LSL R12, R6, R12") // mask << 2*power
	e.I("MOVD ZR, R7")      // rows consumed
	addRow := func(first V) {
		e.I("VLD1.P 64(R0), %s", list(16, 4, "S4"))
		e.I("VLD1.P 64(R0), %s", list(20, 4, "S4"))
		for v := range 8 {
			e.FADD(first+V(v), first+V(v), V(16+v))
		}
	}
	loadAcc := func(reg string, first V) {
		e.I("VLD1 (%s), %s", reg, list(first, 4, "S4"))
		e.I("ADD $64, %s, R11", reg)
		e.I("VLD1 (R11), %s", list(first+4, 4, "S4"))
	}
	storeAcc := func(reg string, first V) {
		e.I("VST1 %s, (%s)", list(first, 4, "S4"), reg)
		e.I("ADD $64, %s, R11", reg)
		e.I("VST1 %s, (R11)", list(first+4, 4, "S4"))
	}
	e.Label("cascade_group")
	e.I("ADD R5, R7, R8")
	e.I("CMP R1, R8")
	e.I("BGT cascade_rest")
	e.I("MOVD R5, R9")
	e.Label("cascade_rows")
	addRow(0)
	e.I("SUBS $1, R9")
	e.I("BNE cascade_rows")
	e.I("MOVD R8, R7")
	e.Comment("level 1 += level 0; level 0 = 0")
	for v := range 8 {
		e.FADD(V(8+v), V(8+v), V(v))
		e.I("VEOR V%d.B16, V%d.B16, V%d.B16", v, v, v)
	}
	e.I("TST R10, R7")
	e.I("BNE cascade_group")
	e.Comment("level 2 += level 1; level 1 = 0")
	loadAcc("R4", 16)
	for v := range 8 {
		e.FADD(V(16+v), V(16+v), V(8+v))
		e.I("VEOR V%d.B16, V%d.B16, V%d.B16", 8+v, 8+v, 8+v)
	}
	storeAcc("R4", 16)
	e.I("TST R12, R7")
	e.I("BNE cascade_group")
	e.Comment("level 3 += level 2; level 2 = 0")
	loadAcc("R13", 24)
	for v := range 8 {
		e.FADD(V(24+v), V(24+v), V(16+v))
		e.I("VEOR V%d.B16, V%d.B16, V%d.B16", 16+v, 16+v, 16+v)
	}
	storeAcc("R13", 24)
	storeAcc("R4", 16)
	e.I("B cascade_group")
	e.Label("cascade_rest")
	e.Comment("rows after the last whole group go into level 0")
	e.I("SUB R7, R1, R9")
	e.I("CBZ R9, cascade_levels")
	e.Label("cascade_rest_rows")
	addRow(0)
	e.I("SUBS $1, R9")
	e.I("BNE cascade_rest_rows")
	e.Label("cascade_levels")
	e.Comment("level 0 += level 1, += level 2, += level 3")
	for v := range 8 {
		e.FADD(V(v), V(v), V(8+v))
	}
	for _, reg := range []string{"R4", "R13"} {
		loadAcc(reg, 16)
		for v := range 8 {
			e.FADD(V(v), V(v), V(16+v))
		}
	}
	e.Comment("leftover 8-lane vectors into accumulator 0")
	e.I("LSL $2, R1, R10")
	e.I("SUB R10, R3, R9")
	e.I("CBZ R9, cascade_fold")
	e.Label("cascade_vecs")
	e.I("VLD1.P 32(R0), [V16.S4, V17.S4]")
	e.FADD(0, 0, 16)
	e.FADD(1, 1, 17)
	e.I("SUBS $1, R9")
	e.I("BNE cascade_vecs")
	e.Label("cascade_fold")
	e.Comment("accumulators 1..3 into accumulator 0, in order")
	for k := 1; k < 4; k++ {
		e.FADD(0, 0, V(2*k))
		e.FADD(1, 1, V(2*k+1))
	}
	e.I("ADD $256, R4, R11")
	e.I("VST1 [V0.S4, V1.S4], (R11)")
	e.I("RET")
}
