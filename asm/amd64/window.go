package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// family is what a window kernel reduces.
type family int

const (
	famMax    family = iota // maximum, NaN-propagating
	famMaxIdx               // maximum and its index: ties to the first, NaN to the last NaN
	famSum                  // sum (avg, LP with p = 1), then the divisor
	famSumSq                // sum of squares, then the divisor and the square root (LP, p = 2)
)

var famNames = map[family]string{famMax: "Max", famMaxIdx: "MaxIdx", famSum: "Sum", famSumSq: "SumSq"}
var famDocs = map[family]string{
	famMax:    "the maximum of every window (NaN if the window holds one)",
	famMaxIdx: "the maximum of every window and its index in the plane (ties to the first tap in row-major order, NaN to the last NaN)",
	famSum:    "the sum of every window, in the generic kernel's order, divided as j.mode says",
	famSumSq:  "the sum of the squares of every window, in the generic kernel's order, divided as j.mode says, and its square root",
}

// Horizontal load schemes.
var modeNames = map[int]string{1: "S1", 2: "S2", 0: "SG"}
var modeDocs = map[int]string{
	1: "stride 1: each tap is one load",
	2: "stride 2: each tap loads 2L inputs and keeps the even ones",
	0: "any stride: each tap gathers",
}

// wgen holds what one window kernel's code generation needs.
type wgen struct {
	is   isa
	fam  family
	mode int
	L    int
	jp   GPVirtual // the *rowJob

	// Locals.
	srcR, dstR, idxR, hp, ibase Op

	// Per-call vectors (registers for AVX-512, stack slots for AVX2).
	negInf  VecVirtual // -inf (max families)
	iotaS   Op         // lane j: j*stride (int32)
	iotaS4  Op         // lane j: 4*j*stride, the gather offsets
	wm1     Op         // AVX2: w-1 in every lane (edge masks)
	wv      Op         // AVX-512: w in every lane (gather edge masks)
	dv      Op         // d in every lane
	evenIdx VecVirtual // AVX-512 stride 2: VPERMT2PS indices of the even inputs
	oddIdx  VecVirtual // and of the odd ones
	nanv    VecVirtual // AVX-512 max: a quiet NaN
	lpEnd   Op         // LP: w+pad in every lane
	kv      Op         // LP: k in every lane
	fDv     Op         // avg mode 1: the depth factor as float32
	fCv     Op         // avg mode 2: the override divisor
	volv    Op         // LP: the kernel volume
	m55     GPVirtual  // AVX-512 stride 2 with index: 0x55555555

	// Per-row vectors.
	rfv, fHv Op

	regRows bool // rowLoops keeps the row pointers in registers

	// Column-major avg kernels: the division mode of the code being
	// emitted, and the rare paths emitted after the loops.
	mode1 bool
	ool   []func()

	// AVX-512 fixed-tap avg kernels: the reciprocal division (rcp set).
	rcp                 bool
	fastR               Mem        // 1 when the reciprocal tables apply to the current row
	absMask, loB, spanB VecVirtual // 0x7fffffff; the bits of 2^-40; of 2^40 minus those of 2^-40
	fDr, fH0, fH0r      VecVirtual // mode 1: 1/fD, float32(h0), 1/fH0
	tiny                VecVirtual // column-major kernels: 2^-86 (see colsDivide)
}

func (g *wgen) max() bool { return g.fam == famMax || g.fam == famMaxIdx }
func (g *wgen) sum() bool { return g.fam == famSum || g.fam == famSumSq }

// f addresses a field of the job.
func (g *wgen) f(field string) Mem {
	c := Param("j").Dereference(g.jp).Field(field)
	for range 2 { // arrays: their first element
		if _, err := c.Resolve(); err == nil {
			break
		}
		c = c.Index(0)
	}
	b, err := c.Resolve()
	check(err)
	return b.Addr
}

// keep makes v available for the rest of the kernel: in its register with
// AVX-512 (32 of them), in a stack slot with AVX2 (16).
func (g *wgen) keep(v VecVirtual) Op {
	if g.is.z {
		return v
	}
	m := AllocLocal(32)
	VMOVUPS(v, m)
	return m
}

// reg returns op in a register (loading a kept vector from its slot); the
// register must not be written.
func (g *wgen) reg(op Op) VecVirtual {
	if v, ok := op.(VecVirtual); ok {
		return v
	}
	v := g.is.vec()
	VMOVUPS(op, v)
	return v
}

// movdqu moves a vector of integers.
func (g *wgen) movdqu(src, dst Op) {
	if g.is.z {
		VMOVDQU32(src, dst)
	} else {
		VMOVDQU(src, dst)
	}
}

// bcastField broadcasts an integer field of the job.
func (g *wgen) bcastField(field string) VecVirtual {
	v := g.is.vec()
	VPBROADCASTD(g.f(field), v)
	return v
}

func window(is isa, fam family, mode int) {
	g := &wgen{is: is, fam: fam, mode: mode, L: is.L}
	name := "window" + famNames[fam] + modeNames[mode] + is.name
	TEXT(name, NOSPLIT, "func(j *rowJob)")
	Pragma("noescape")
	Doc(
		fmt.Sprintf("%s computes %s,", name, famDocs[fam]),
		fmt.Sprintf("%d outputs at a time; %s.", is.L, modeDocs[mode]),
	)
	g.jp = GP64()
	Load(Param("j"), g.jp)
	g.prologue()

	g.rowLoops(func() {
		if g.sum() {
			g.rowDivisors()
		}
		g.chunks(g.chunk)
	})
	VZEROUPPER()
	RET()
}

// rowLoops emits the loops over the job's groups (planes) and their output
// rows, with body computing one output row (g.srcR, g.dstR, g.idxR, g.hp and
// g.ibase point at it). The row pointers live in registers: kept in stack
// slots, their per-row updates would chain store-forwarding latencies from
// row to row (about 5 cycles a hop), more than a narrow row's own work.
func (g *wgen) rowLoops(body func()) {
	Comment("For every group (plane) of the job:")
	gLeft, srcG, dstG := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	var srcR, dstR, rLeft Op
	if !g.regRows {
		// Most kernels need their registers in the chunks.
		srcR, dstR, rLeft = AllocLocal(8), AllocLocal(8), AllocLocal(8)
	} else {
		srcR, dstR, rLeft = GP64(), GP64(), GP64()
	}
	g.srcR, g.dstR = srcR, dstR
	var idxG, idxR, ibase Mem
	var hp GPVirtual
	if g.fam == famMaxIdx {
		idxG, idxR, ibase = AllocLocal(8), AllocLocal(8), AllocLocal(8)
		g.idxR, g.ibase = idxR, ibase
	}
	if g.sum() {
		hp = GP64()
		g.hp = hp
	}
	t := GP64()
	MOVQ(g.f("groups"), t)
	MOVQ(t, gLeft)
	MOVQ(g.f("src"), t)
	MOVQ(t, srcG)
	MOVQ(g.f("dst"), t)
	MOVQ(t, dstG)
	if g.fam == famMaxIdx {
		MOVQ(g.f("idx"), t)
		MOVQ(t, idxG)
	}
	Label("group")
	CMPQ(gLeft, Imm(0))
	JEQ(LabelRef("done"))
	g.load2(g.f("rows"), rLeft)
	g.load2(srcG, srcR)
	g.load2(dstG, dstR)
	if g.fam == famMaxIdx {
		t = GP64()
		MOVQ(idxG, t)
		MOVQ(t, idxR)
		MOVQ(g.f("idxBase"), t)
		MOVQ(t, ibase)
	}
	if g.sum() {
		MOVQ(g.f("hdiv"), hp)
	}

	Comment("For every output row of the group:")
	Label("row")
	CMPQ(rLeft, Imm(0))
	JEQ(LabelRef("rowsDone"))
	body()

	Comment("Next row.")
	Label("rowEnd")
	g.add2(g.f("rowStep"), srcR)
	g.add2(g.f("dstRow"), dstR)
	if g.fam == famMaxIdx {
		t = GP64()
		MOVQ(g.f("dstRow"), t)
		SHLQ(Imm(1), t)
		ADDQ(t, idxR)
		MOVQ(g.f("idxRow"), t)
		ADDQ(t, ibase)
	}
	if g.sum() {
		ADDQ(g.f("hdivStep"), hp)
	}
	DECQ(rLeft)
	JMP(LabelRef("row"))

	Comment("Next group.")
	Label("rowsDone")
	t = GP64()
	MOVQ(g.f("srcGroup"), t)
	ADDQ(t, srcG)
	MOVQ(g.f("dstGroup"), t)
	ADDQ(t, dstG)
	if g.fam == famMaxIdx {
		ADDQ(t, idxG)
		ADDQ(t, idxG)
	}
	DECQ(gLeft)
	JMP(LabelRef("group"))

	Label("done")
}

// load2 moves src to dst, either of which may be memory.
func (g *wgen) load2(src Mem, dst Op) {
	if _, ok := dst.(Mem); ok {
		t := GP64()
		MOVQ(src, t)
		MOVQ(t, dst)
		return
	}
	MOVQ(src, dst)
}

// add2 adds src to dst, either of which may be memory.
func (g *wgen) add2(src Mem, dst Op) {
	if _, ok := dst.(Mem); ok {
		t := GP64()
		MOVQ(src, t)
		ADDQ(t, dst)
		return
	}
	ADDQ(src, dst)
}

// chunks emits the loop over the chunks of L outputs of a row; chunk emits
// one chunk, with masks (edge) or without.
func (g *wgen) chunks(chunk func(edge bool, ow0B, colB GPVirtual)) {
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
	chunk(false, ow0B, colB)
	JMP(LabelRef("next"))
	Label("edge")
	chunk(true, ow0B, colB)
	Label("next")
	ADDQ(Imm(uint64(4*g.L)), ow0B)
	ADDQ(g.f("chunkB"), colB)
	JMP(LabelRef("chunk"))
}

// prologue sets up the per-call vectors.
func (g *wgen) prologue() {
	Comment("Per-call constants.")
	if g.max() {
		g.negInf = constVec(g.is, 0xff800000)
	}
	if g.fam == famMax && g.is.z {
		g.nanv = constVec(g.is, 0x7fc00000)
	}
	s := g.bcastField("stride")
	iotaS := g.is.vec()
	VPMULLD(iotaTab, s, iotaS)
	g.iotaS = g.keep(iotaS)
	if g.mode == 0 {
		iotaS4 := g.is.vec()
		VPSLLD(Imm(2), iotaS, iotaS4)
		g.iotaS4 = g.keep(iotaS4)
	}
	if g.is.z {
		g.wv = g.bcastField("w")
	} else {
		wm1 := g.bcastField("w")
		ones := g.is.vec()
		VPCMPEQD(ones, ones, ones)
		VPADDD(ones, wm1, wm1)
		g.wm1 = g.keep(wm1)
	}
	g.dv = g.keep(g.bcastField("d"))
	if g.is.z && g.mode == 2 {
		g.evenIdx = ZMM()
		VMOVDQU32(evenTab, g.evenIdx)
	}
	if g.is.z && g.mode == 2 && g.fam == famMaxIdx {
		g.m55 = GP64()
		MOVL(U32(0x55555555), g.m55.As32())
	}
	if g.sum() {
		g.lpEnd = g.keep(g.bcastField("lpEnd"))
		g.kv = g.keep(g.bcastField("k"))
		fD, fC, vol := g.is.vec(), g.is.vec(), g.is.vec()
		VBROADCASTSS(g.f("fD"), fD)
		VBROADCASTSS(g.f("fC"), fC)
		VBROADCASTSS(g.f("vol"), vol)
		g.fDv, g.fCv, g.volv = g.keep(fD), g.keep(fC), g.keep(vol)
	}
}

// rowDivisors sets the divisor vectors of the current output row: the integer
// product divD*H[row] (modes 0 and 3) and float32(H[row]) (mode 1).
func (g *wgen) rowDivisors() {
	Comment("This row's divisor factors: rf = divD*H[row], fH = float32(H[row]).")
	h, rf := GP64(), GP64()
	MOVQ(g.hp, h)
	MOVLQSX(Mem{Base: h}, h)
	MOVQ(g.f("divD"), rf)
	IMULQ(h, rf)
	rfv, hv := g.is.vec(), g.is.vec()
	bcast32(g.is, rf, rfv)
	bcast32(g.is, h, hv)
	VCVTDQ2PS(hv, hv)
	g.rfv, g.fHv = g.keep(rfv), g.keep(hv)
}

// chunk computes one chunk of L outputs: edge selects the masked version.
func (g *wgen) chunk(edge bool, ow0B, colB GPVirtual) {
	z := g.is.z
	sfx := "I"
	if edge {
		sfx = "E"
		Comment("Edge chunk: taps outside the row and outputs past the row's end are masked off.")
	} else {
		Comment("Inner chunk.")
	}
	lbl := func(s string) string { return s + sfx }

	base := GP64()
	MOVQ(g.srcR, base)
	ADDQ(colB, base)
	c := GP64()
	MOVQ(colB, c)
	SARQ(Imm(2), c)

	Comment("Accumulators.")
	var acc, u, v, vi VecVirtual
	var kOrd OpmaskVirtual
	switch g.fam {
	case famMax:
		acc = g.is.vec()
		VMOVAPS(g.negInf, acc)
		if z {
			kOrd = K()
			KXNORW(kOrd, kOrd, kOrd)
		} else {
			u = g.is.vec()
			VXORPS(u, u, u)
		}
	case famMaxIdx:
		v, vi = g.is.vec(), g.is.vec()
		VMOVAPS(g.negInf, v)
		allOnes(g.is, vi) // index -1: no tap taken
	default:
		acc = g.is.vec()
		VXORPS(acc, acc, acc)
	}

	// The load masks of an AVX-512 edge chunk in stride modes 1 and 2 come
	// from V, the bits of the columns c..c+63 inside the row.
	var V GPVirtual
	if edge && z && g.mode != 0 {
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
		V = GP64()
		MOVQ(I32(-1), V)
		BZHIQ(hi, V, V)
		MOVQ(I32(-1), t)
		BZHIQ(lo, t, t)
		ANDNQ(V, t, V)
	}
	// ctv: c in every lane; ct adds the tap offset t (AVX2 edges, gathers at edges).
	needCt := edge && (!z || g.mode == 0)
	var ctv VecVirtual
	if needCt {
		ctv = g.is.vec()
		bcast32(g.is, c, ctv)
	}

	Comment("For every vertical tap (row) of the window:")
	TP, I := GP64(), GP64()
	LEAQ(g.f("rowOff"), TP)
	MOVQ(g.f("nrows"), I)
	Label(lbl("rows"))
	TESTQ(I, I)
	JZ(LabelRef(lbl("tapsDone")))
	R := GP64()
	MOVQ(Mem{Base: TP}, R)
	var tidx VecVirtual
	if g.fam == famMaxIdx {
		Comment("tidx: the plane index of each lane's tap.")
		ri := GP64()
		MOVQ(R, ri)
		SARQ(Imm(2), ri)
		ADDQ(g.ibase, ri)
		ADDQ(c, ri)
		tidx = g.is.vec()
		bcast32(g.is, ri, tidx)
		VPADDD(g.iotaS, tidx, tidx)
	}
	ADDQ(base, R)
	var ct VecVirtual
	if needCt {
		ct = g.is.vec()
		g.movdqu(ctv, ct)
	}
	var tS GPVirtual
	if V != nil {
		tS = GP64()
		XORQ(tS, tS)
	}
	KC := GP64()
	MOVQ(g.f("k"), KC)
	Comment("For every horizontal tap:")
	Label(lbl("kw"))
	x, valid := g.load(edge, R, V, tS, ct)
	switch g.fam {
	case famMax:
		Comment("acc = max(acc, x), NaN-ness tracked apart (VMAXPS drops a NaN in its first operand).")
		VMAXPS(acc, x, acc) // ties keep acc: the first maximum wins, as in the generic kernel
		if z {
			VCMPPS(Imm(7), x, x, kOrd, kOrd) // kOrd &= x is ordered
		} else {
			VCMPPS(Imm(3), u, x, u) // u = x or u unordered: all ones once a NaN was seen
		}
	case famMaxIdx:
		Comment("Take x when no tap was taken yet, x > v, or x is NaN.")
		if z {
			k1, k2, k3 := K(), K(), K()
			VCMPPS(Imm(0x1e), v, x, k1)
			VCMPPS(Imm(3), x, x, k2)
			VPMOVD2M(vi, k3)
			KORW(k1, k2, k1)
			KORW(k1, k3, k1)
			if valid != nil {
				KANDW(valid.(OpmaskVirtual), k1, k1)
			}
			VMOVAPS(x, k1, v)
			VMOVDQA32(tidx, k1, vi)
		} else {
			m, n := YMM(), YMM()
			VCMPPS(Imm(0x1e), v, x, m)
			VCMPPS(Imm(3), x, x, n)
			VORPS(n, m, m)
			VORPS(vi, m, m)
			if valid != nil {
				VANDPS(valid.(VecVirtual), m, m)
			}
			VBLENDVPS(m, x, v, v)
			VBLENDVPS(m, tidx, vi, vi)
		}
		VPADDD(g.dv, tidx, tidx)
	case famSum:
		VADDPS(x, acc, acc)
	case famSumSq:
		VMULPS(x, x, x)
		VADDPS(x, acc, acc)
	}
	ADDQ(g.f("dB"), R)
	if ct != nil {
		VPADDD(g.dv, ct, ct)
	}
	if tS != nil {
		ADDQ(g.f("d"), tS)
	}
	DECQ(KC)
	JNZ(LabelRef(lbl("kw")))
	ADDQ(Imm(8), TP)
	DECQ(I)
	JMP(LabelRef(lbl("rows")))
	Label(lbl("tapsDone"))

	// The output lane mask of an edge chunk: lanes below n = min(outputs left, L).
	var km OpmaskVirtual
	var nm VecVirtual
	if edge {
		n := GP64()
		MOVQ(g.f("woB"), n)
		SUBQ(ow0B, n)
		SHRQ(Imm(2), n)
		t := GP64()
		MOVQ(U32(g.L), t)
		CMPQ(n, t)
		CMOVQGT(t, n)
		if z {
			MOVQ(I32(-1), t)
			BZHIQ(n, t, t)
			km = K()
			KMOVW(t.As32(), km)
		} else {
			nm = YMM()
			bcast32(g.is, n, nm)
			VPCMPGTD(iotaTab, nm, nm)
		}
	}

	switch g.fam {
	case famMax:
		res := acc
		if z {
			Comment("NaN where a tap was unordered.")
			res = ZMM()
			VBLENDMPS(acc, g.nanv, kOrd, res)
		} else {
			Comment("NaN (all ones) where a tap was unordered.")
			VORPS(u, acc, acc)
		}
		g.storeF(edge, res, ow0B, km, nm)
	case famMaxIdx:
		g.storeF(edge, v, ow0B, km, nm)
		g.storeIdx(edge, vi, ow0B, km, nm)
	default:
		g.divide(edge, acc, c, ow0B, km, nm)
		g.storeF(edge, acc, ow0B, km, nm)
	}
}

// load loads the current horizontal tap of every lane (its window start
// column plus t, for stride 1, 2 or a gather) and returns it, with, in edge
// chunks of the index family, the lanes whose tap lies inside the row.
// Masked-off lanes read -inf for max and 0 for sums.
func (g *wgen) load(edge bool, R, V, tS GPVirtual, ct VecVirtual) (x VecVirtual, valid Op) {
	z := g.is.z
	L := g.L
	x = g.is.vec()
	fill := func(dst VecVirtual) {
		if g.max() {
			VMOVAPS(g.negInf, dst)
		} else {
			VXORPS(dst, dst, dst)
		}
	}
	// maskedLoad loads m into dst where k is set, -inf/0 elsewhere (AVX-512).
	maskedLoad := func(m Mem, k OpmaskVirtual, dst VecVirtual) {
		if g.max() {
			VMOVAPS(g.negInf, dst)
			VMOVUPS(m, k, dst)
		} else {
			VMOVUPS_Z(m, k, dst)
		}
	}
	// validCols returns the AVX2 mask of the lanes of col inside [0, w).
	validCols := func(col VecVirtual) VecVirtual {
		m1, m2 := YMM(), YMM()
		ones := YMM()
		VPCMPEQD(ones, ones, ones)
		VPCMPGTD(ones, col, m1)  // col > -1
		VPCMPGTD(g.wm1, col, m2) // col > w-1
		VPANDN(m1, m2, m1)
		return m1
	}
	// maskedLoad2 loads m where mask is set, -inf/0 elsewhere (AVX2).
	maskedLoad2 := func(m Mem, mask, dst VecVirtual) {
		VMASKMOVPS(m, mask, dst)
		if g.max() {
			VBLENDVPS(mask, dst, g.negInf, dst)
		}
	}
	switch g.mode {
	case 1:
		if !edge {
			VMOVUPS(Mem{Base: R}, x)
			return x, nil
		}
		if z {
			m := GP64()
			SHRXQ(tS, V, m)
			k := K()
			KMOVW(m.As32(), k)
			maskedLoad(Mem{Base: R}, k, x)
			return x, k
		}
		col := YMM()
		VPADDD(iotaTab, ct, col)
		mask := validCols(col)
		maskedLoad2(Mem{Base: R}, mask, x)
		return x, mask
	case 2:
		y := g.is.vec()
		if !edge {
			VMOVUPS(Mem{Base: R}, x)
			if z {
				VPERMT2PS(Mem{Base: R, Disp: 4 * L}, g.evenIdx, x)
			} else {
				VMOVUPS(Mem{Base: R, Disp: 4 * L}, y)
				VSHUFPS(Imm(0x88), y, x, x)
				VPERMPD(Imm(0xd8), x, x)
			}
			return x, nil
		}
		if z {
			m := GP64()
			SHRXQ(tS, V, m)
			k1, k2 := K(), K()
			KMOVW(m.As32(), k1)
			if g.fam == famMaxIdx {
				p := GP32()
				PEXTL(g.m55.As32(), m.As32(), p)
				valid = K()
				KMOVW(p, valid.(OpmaskVirtual))
			}
			SHRQ(Imm(16), m)
			KMOVW(m.As32(), k2)
			maskedLoad(Mem{Base: R}, k1, x)
			maskedLoad(Mem{Base: R, Disp: 4 * L}, k2, y)
			VPERMT2PS(y, g.evenIdx, x)
			return x, valid
		}
		col := YMM()
		VPADDD(iotaTab, ct, col)
		maskedLoad2(Mem{Base: R}, validCols(col), x)
		VPADDD(iotaTab.Offset(4*L), ct, col)
		maskedLoad2(Mem{Base: R, Disp: 4 * L}, validCols(col), y)
		VSHUFPS(Imm(0x88), y, x, x)
		VPERMPD(Imm(0xd8), x, x)
		if g.fam == famMaxIdx {
			VPADDD(g.iotaS, ct, col)
			valid = validCols(col)
		}
		return x, valid
	default:
		idx := g.reg(g.iotaS4)
		if z {
			k := K()
			if !edge {
				KXNORW(k, k, k)
			} else {
				col := ZMM()
				VPADDD(g.iotaS, ct, col)
				VPCMPUD(Imm(1), g.wv, col, k) // col < w, unsigned: also col >= 0
				if g.fam == famMaxIdx {
					valid = K()
					KMOVW(k, valid.(OpmaskVirtual))
				}
			}
			fill(x)
			VGATHERDPS(Mem{Base: R, Index: idx, Scale: 1}, k, x)
			return x, valid
		}
		var mask VecVirtual
		if !edge {
			mask = YMM()
			VPCMPEQD(mask, mask, mask)
		} else {
			col := YMM()
			VPADDD(g.iotaS, ct, col)
			mask = validCols(col)
			if g.fam == famMaxIdx {
				valid = YMM()
				VMOVDQA(mask, valid.(VecVirtual))
			}
		}
		fill(x)
		VGATHERDPS(mask, Mem{Base: R, Index: idx, Scale: 1}, x)
		return x, valid
	}
}

// divide divides the window sums acc by the divisors j.mode says.
func (g *wgen) divide(edge bool, acc VecVirtual, c, ow0B GPVirtual, km OpmaskVirtual, nm VecVirtual) {
	z := g.is.z
	mode := GP64()
	MOVQ(g.f("mode"), mode)
	lbl := func(s string) string {
		if edge {
			return s + "E"
		}
		return s + "I"
	}
	// wf loads the width factors of the chunk's outputs.
	wf := func() VecVirtual {
		p := GP64()
		MOVQ(g.f("wdiv"), p)
		w := g.is.vec()
		m := Mem{Base: p, Index: ow0B, Scale: 1}
		switch {
		case !edge:
			g.movdqu(m, w)
		case z:
			VMOVDQU32_Z(m, km, w)
		default:
			VPMASKMOVD(m, nm, w)
		}
		return w
	}
	if g.rcp {
		g.rcpDivide(edge, acc, ow0B, mode, km, lbl)
	}
	if g.fam == famSum {
		TESTQ(mode, mode)
		JZ(LabelRef(lbl("mode0")))
		CMPQ(mode, Imm(1))
		JEQ(LabelRef(lbl("mode1")))
		CMPQ(mode, Imm(2))
		JEQ(LabelRef(lbl("mode2")))
		JMP(LabelRef(lbl("mode3")))

		Comment("mode 0: 0 + sum / float32(divD*H[row]*W[col]) (avg_pool turns -0 into +0).")
		Label(lbl("mode0"))
		w := wf()
		VPMULLD(g.rfv, w, w)
		VCVTDQ2PS(w, w)
		VDIVPS(w, acc, acc)
		g.plusZero(acc)
		JMP(LabelRef(lbl("divided")))

		Comment("mode 1 (adaptive): sum / D / H[row] / W[col], one division at a time.")
		Label(lbl("mode1"))
		VDIVPS(g.fDv, acc, acc)
		VDIVPS(g.fHv, acc, acc)
		w = wf()
		VCVTDQ2PS(w, w)
		VDIVPS(w, acc, acc)
		JMP(LabelRef(lbl("divided")))

		Comment("mode 2: 0 + sum / the override divisor.")
		Label(lbl("mode2"))
		VDIVPS(g.fCv, acc, acc)
		g.plusZero(acc)
		JMP(LabelRef(lbl("divided")))
		Label(lbl("mode3"))
	}
	Comment("LP: sum / float32(rows*columns inside the window), +0 for -0, times the kernel volume.")
	lo := g.is.vec()
	bcast32(g.is, c, lo)
	VPADDD(g.iotaS, lo, lo) // each lane's window start
	size := g.is.vec()
	VPSUBD(lo, g.reg(g.lpEnd), size) // columns up to lpEnd
	VPMINSD(g.kv, size, size)
	VPMULLD(g.rfv, size, size)
	VCVTDQ2PS(size, size)
	VDIVPS(size, acc, acc)
	g.plusZero(acc)
	VMULPS(g.volv, acc, acc)
	if g.fam == famSumSq {
		Comment("p = 2: the square root.")
		VSQRTPS(acc, acc)
	}
	Label(lbl("divided"))
}

// plusZero adds +0 to acc: -0 becomes +0, every other value stays.
func (g *wgen) plusZero(acc VecVirtual) {
	zero := g.is.vec()
	VXORPS(zero, zero, zero)
	VADDPS(zero, acc, acc)
}

// storeF stores the chunk's float32 results.
func (g *wgen) storeF(edge bool, res VecVirtual, ow0B GPVirtual, km OpmaskVirtual, nm VecVirtual) {
	p := GP64()
	MOVQ(g.dstR, p)
	m := Mem{Base: p, Index: ow0B, Scale: 1}
	switch {
	case !edge:
		VMOVUPS(res, m)
	case g.is.z:
		VMOVUPS(res, km, m)
	default:
		VMASKMOVPS(res, nm, m)
	}
}

// storeIdx stores the chunk's int32 indices vi as int64.
func (g *wgen) storeIdx(edge bool, vi VecVirtual, ow0B GPVirtual, km OpmaskVirtual, nm VecVirtual) {
	Comment("The indices, widened to int64.")
	p := GP64()
	MOVQ(g.idxR, p)
	lo := Mem{Base: p, Index: ow0B, Scale: 2}
	hi := lo.Offset(g.L * 4)
	if g.is.z {
		a, b := ZMM(), ZMM()
		h := YMM()
		VPMOVSXDQ(vi.AsY(), a)
		VEXTRACTI64X4(Imm(1), vi, h)
		VPMOVSXDQ(h, b)
		if !edge {
			VMOVDQU64(a, lo)
			VMOVDQU64(b, hi)
			return
		}
		kh := K()
		KSHIFTRW(Imm(8), km, kh)
		VMOVDQU64(a, km, lo)
		VMOVDQU64(b, kh, hi)
		return
	}
	a, b := YMM(), YMM()
	h := XMM()
	VPMOVSXDQ(vi.AsX(), a)
	VEXTRACTI128(Imm(1), vi, h)
	VPMOVSXDQ(h, b)
	if !edge {
		VMOVDQU(a, lo)
		VMOVDQU(b, hi)
		return
	}
	ma, mb := YMM(), YMM()
	mh := XMM()
	VPMOVSXDQ(nm.AsX(), ma)
	VEXTRACTI128(Imm(1), nm, mh)
	VPMOVSXDQ(mh, mb)
	VPMASKMOVQ(a, ma, lo)
	VPMASKMOVQ(b, mb, hi)
}
