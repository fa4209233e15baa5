package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/simdpool/simdpool/asm/table"
)

// The window kernels (see winArgs in the root package for their contract).
//
// A kernel walks planes, slabs and output rows, keeping their bases in stack
// slots, and computes each row chunk by chunk: the leading edge chunks
// [0, c0), the interior chunks [c0, c1) without masks, the trailing edge
// chunks [c1, nc). For a chunk it visits the vertical taps in order (the rows
// of the window, winArgs.tapOff) and, for each, the horizontal taps in order:
//
//   - stride 1: tap t is the L columns from t*d - p on, one load;
//   - stride 2: the block of 2L columns from the chunk's start is loaded once
//     and split into its even (E) and odd (O) columns; tap t, at offset
//     o = t*d - p, is E or O shifted by o>>1 lanes: unshifted, or (AVX-512)
//     shifted by one lane with the missing column broadcast from memory, or
//     else the even columns of the 2L columns from o on.
//
// Max: acc = max(x, acc) with VMAXPS's operand order, which keeps acc on ties
// (the first maximum wins, zeros of either sign included) and drops a NaN in
// x. So the kernel only has to find the NaNs: it adds the product of the
// pairs of vectors it loads into an accumulator (one FMA per two loads), which
// turns NaN when an input is one (or, harmlessly, on 0*inf and inf-inf), and
// leaves the plane to its caller when that accumulator is NaN at the end of a
// row. Max with index compares x > acc and moves the tap's index into the
// index lanes under that mask (float32: int32 lanes, widened when stored;
// float64: int64 lanes). Sums add in the same order from +0 and divide by the
// column's divisor (winArgs.div) with one division.

// win is the generation state of one window kernel.
type win struct {
	k table.Kernel
	v vx
	a GPVirtual // the *winArgs, for the whole kernel

	// Stack slots of the loop state.
	src, dst, idx, pl, planes Mem // plane bases, plane number, planes
	zS, zD, zX, z, zI         Mem // slab bases, slabs left, slab index base
	rS, rD, rX, r, rI         Mem // row bases, rows left, row index base

	// Per-call vectors: registers with AVX-512, stack slots with AVX2, whose 16
	// registers the loops need (see keep).
	fill  Op            // max: -inf; sums: +0
	zero  Op            // sums: +0
	nanK  OpmaskVirtual // max, AVX-512: the lanes where a NaN was seen in the current row
	nanV  VecVirtual    // max, AVX2: the same as a vector mask
	even  VecVirtual    // AVX-512 stride 2: VPERMT2PS indices of the even lanes of two vectors
	odd   VecVirtual    // and of the odd ones
	low   Op            // bytes, stride 2: 0x00ff in every 16-bit lane (the even bytes)
	unpk  Op            // bytes, AVX-512 stride 2: the VPERMQ indices that unpermute (see permuted)
	stage Mem           // bytes, AVX2: 96 bytes, the fill, a vector, the fill (see loadAt)
	iotaS Op            // max with index: lane j holds j*s (index lanes)
	iota  Mem           // AVX2: lane j holds j (index lanes), for edge masks
	fD    Op            // sums: winArgs.fD, fH and vol as T
	fH    Op
	recD  Op // sums: winArgs.rD and rH as T
	recH  Op
	oneD  Mem // sums: 1 when fD is 1 (its division is skipped), and fH
	oneH  Mem
	vol   Op
	// Sums, quotient: the absolute-value mask, the bits of the least |sum|
	// divided by a reciprocal, and the span of bits from it to the largest;
	// AVX2: the sign bit (its compares are signed).
	absMask, loBits, spanBits, signBit Op

	lbl     func(string) string
	nanFree bool // emitting the loops for an input without NaNs (winArgs.nanFree)
}

// field addresses a field of the winArgs (its first element for arrays,
// and arrays of arrays).
func (g *win) field(name string) Mem {
	c := Param("a").Dereference(g.a).Field(name)
	for range 2 { // arrays, of arrays
		if _, err := c.Resolve(); err != nil {
			c = c.Index(0)
		}
	}
	b, err := c.Resolve()
	check(err)
	return b.Addr
}

// fieldQ loads an int field into a new register.
func (g *win) fieldQ(name string) GPVirtual {
	r := GP64()
	MOVQ(g.field(name), r)
	return r
}

func (g *win) max() bool { return g.k.Op == table.Max || g.k.Op == table.MaxIdx }

func (g *win) ints() bool { return g.k.Size == 1 }

// detects reports whether the code being emitted looks for NaNs: max
// kernels over floats do, unless told that their input has none
// (winArgs.nanFree).
func (g *win) detects() bool { return g.max() && !g.ints() && !g.nanFree }
func (g *win) withIdx() bool { return g.k.Op == table.MaxIdx }

// fixed reports whether the horizontal taps are fixed at generation time.
func (g *win) fixed() bool { return g.k.K != 0 }

// offsets returns the fixed taps' column offsets from the chunk's block start.
func (g *win) offsets() []int { return g.k.Offsets() }

func windowKernel(k table.Kernel) {
	g := &win{k: k, v: newVX(k.ISA == table.AVX512, k.Size), lbl: labeler(k.Name())}
	g.v.unsigned = k.Unsigned
	TEXT(k.Name(), 0, "func(a *winArgs, src, dst, idx *byte, planes int) int") // not NOSPLIT: the AVX2 kernels keep vectors on the stack
	Pragma("noescape")
	Doc(k.Doc())
	g.a = GP64()
	Load(Param("a"), g.a)
	g.prologue()
	// The one-tap max kernel is two-pass max pooling's second pass, whose
	// input, the first pass's maxima, holds no NaN: its loops come twice.
	clean := k.Op == table.Max && k.K == 1
	if clean {
		CMPL(g.field("nanFree"), U8(0))
		JNE(LabelRef(g.lbl("nanFree")))
	}
	g.loops()
	if clean {
		Label(g.lbl("nanFree"))
		g.nanFree, g.lbl = true, labeler(k.Name()+"_nanFree")
		g.loops()
	}
}

// loops emits the loops of the kernel and its return.
func (g *win) loops() {
	if g.fixed() {
		Comment("1 to 4 vertical taps: the fast loops.")
		n := GP64()
		MOVQ(g.field("ntaps"), n)
		for t := 1; t <= maxFast; t++ {
			CMPQ(n, U8(t))
			JEQ(LabelRef(g.lbl(fmt.Sprintf("rows%d", t))))
		}
	}
	g.planeLoop()
	VZEROUPPER()
	RET()
	if g.fixed() {
		for t := 1; t <= maxFast; t++ {
			Label(g.lbl(fmt.Sprintf("rows%d", t)))
			g.fastRows(t)
		}
	}
}

// slot allocates an 8-byte stack slot.
func slot() Mem { return AllocLocal(8) }

func (g *win) prologue() {
	for _, m := range []*Mem{&g.src, &g.dst, &g.idx, &g.pl, &g.planes, &g.zS, &g.zD, &g.zX, &g.z, &g.zI, &g.rS, &g.rD, &g.rX, &g.r, &g.rI} {
		*m = slot()
	}
	for _, p := range []struct {
		name string
		m    Mem
	}{{"src", g.src}, {"dst", g.dst}, {"idx", g.idx}, {"planes", g.planes}} {
		t := GP64()
		Load(Param(p.name), t)
		MOVQ(t, p.m)
	}
	MOVQ(U32(0), g.pl)

	v := g.v
	switch {
	case g.detects():
		g.fill = g.keep(v.negInf())
		if v.z {
			g.nanK = K()
		} else {
			g.nanV = v.vec()
		}
	case g.max():
		g.fill = g.keep(v.negInf())
	default:
		z := v.vec()
		v.zero(z)
		g.zero = g.keep(z)
		g.fill = g.zero
		g.fD, g.fH, g.vol = g.keep(g.floatField("fD")), g.keep(g.floatField("fH")), g.keep(g.floatField("vol"))
		g.recD, g.recH = g.keep(g.floatField("rD")), g.keep(g.floatField("rH"))
		g.oneD, g.oneH = g.isOne("fD"), g.isOne("fH")
		g.absMask, g.loBits = g.keep(v.constBits(^uint64(0)>>1>>uint(64-8*v.es))), g.keep(g.bitsField("qLo"))
		span := g.bitsField("qSpan")
		if !v.z { // AVX2 compares signed: both sides biased by the sign bit
			g.signBit = g.keep(v.constBits(uint64(1) << (8*v.es - 1)))
			VPXOR(g.signBit, span, span)
		}
		g.spanBits = g.keep(span)
	}
	switch {
	case g.ints() && g.k.S == 2:
		g.low = g.keep(v.constBits(0x00ff00ff))
		if v.z {
			r := v.vec()
			VMOVDQU64(qwordUnpack, r)
			g.unpk = r
		}
	case v.z && g.k.S == 2:
		g.even, g.odd = v.vec(), v.vec()
		g.perms(g.even, 0)
		g.perms(g.odd, 1)
	}
	if g.ints() && !v.z {
		Comment("The staging area of edge loads: the fill, a vector, the fill.")
		g.stage = AllocLocal(96)
		f := v.vec()
		v.mov(g.fill, f)
		VMOVDQU(f, g.stage)
		VMOVDQU(f, g.stage.Offset(64))
	}
	if g.withIdx() {
		r := v.vec()
		g.iotaConst(r, g.k.S)
		g.iotaS = g.keep(r)
	}
	if !v.z && !g.ints() {
		m := AllocLocal(32)
		t := v.vec()
		g.iotaConst(t, 1)
		VMOVDQU(t, m)
		g.iota = m
	}
}

// keep makes v available for the rest of the kernel: in its register with
// AVX-512 (32 of them), in a stack slot with AVX2, whose kernels must fit in
// Y0-Y15 (checkAVX2 verifies it).
func (g *win) keep(v VecVirtual) Op {
	if g.v.z {
		return v
	}
	m := AllocLocal(32)
	VMOVUPS(v, m)
	return m
}

// bitsField broadcasts an int64 field of the winArgs as the bits of a T.
func (g *win) bitsField(name string) VecVirtual {
	v, r := g.v, g.v.vec()
	switch {
	case v.f64() && v.z:
		VPBROADCASTQ(g.field(name), r)
	case v.f64():
		VPBROADCASTQ(g.field(name), r)
	default:
		VPBROADCASTD(g.field(name), r)
	}
	return r
}

// isOne returns a stack slot holding 1 when the float64 field name is 1.
func (g *win) isOne(name string) Mem {
	m, x, one, t := slot(), XMM(), XMM(), GP64()
	MOVSD(g.field(name), x)
	MOVQ(U64(math.Float64bits(1)), t)
	MOVQ(t, one)
	XORQ(t, t)
	UCOMISD(one, x)
	SETEQ(t.As8())
	MOVQ(t, m)
	return m
}

// floatField broadcasts a float64 field of the winArgs as T.
func (g *win) floatField(name string) VecVirtual {
	r := g.v.vec()
	if g.v.f64() {
		VBROADCASTSD(g.field(name), r)
		return r
	}
	x := XMM()
	VCVTSD2SS(g.field(name), x, x)
	VBROADCASTSS(x, r)
	return r
}

// perms sets r to the VPERMT2PS/PD indices of the lanes 2j+phase of two vectors.
func (g *win) perms(r VecVirtual, phase int) {
	VMOVDQU64(constTable(g.v, "perm", 2, phase), r)
}

// iotaConst sets r to lane j = j*s in index lanes.
func (g *win) iotaConst(r VecVirtual, s int) {
	m := constTable(g.v, "iota", s, 0)
	if g.permuted() && s == 2 {
		m = constTable(g.v, "iotaP", s, 0)
	}
	if g.v.z {
		VMOVDQU64(m, r)
	} else {
		VMOVDQU(m, r)
	}
}

// The read-only tables of lane constants: lane j holds j*mul+add (or, "bit",
// 1<<j), in integers of the element size, one table per vector flavour. They are declared before
// any kernel (a GLOBL inside a function would end it).
var constTables = map[string]Mem{}

func constKey(v vx, name string, mul, add int) string {
	return fmt.Sprintf("%s%d_%d_L%dE%d", name, mul, add, v.L, v.es)
}

// declareTables declares the lane-constant tables of every vector flavour.
func declareTables() {
	for _, z := range []bool{false, true} {
		for _, es := range []int{4, 8} {
			v := newVX(z, es)
			for _, c := range []struct {
				name     string
				mul, add int
			}{{"iota", 1, 0}, {"iota", 2, 0}, {"perm", 2, 0}, {"perm", 2, 1}} {
				lane := func(j int) uint64 { return uint64(j*c.mul + c.add) }
				declareTable(v, constKey(v, c.name, c.mul, c.add), lane)
			}
			declareTable(v, constKey(v, "bit", 0, 0), func(j int) uint64 { return 1 << j })
			if !z { // j*2 in the lane order of AVX2's even/odd splits (see permuted)
				declareTable(v, constKey(v, "iotaP", 2, 0), func(j int) uint64 {
					q := v.L / 4 // lanes per 64-bit quarter
					return uint64(2 * ([4]int{0, 2, 1, 3}[j/q]*q + j%q))
				})
			}
		}
	}
}

// declareTable declares one table of v's lanes, lane j holding lane(j).
func declareTable(v vx, key string, lane func(j int) uint64) {
	m := GLOBL(key, RODATA|NOPTR)
	for j := 0; j < v.L; j++ {
		if v.es == 8 {
			DATA(8*j, U64(lane(j)))
		} else {
			DATA(4*j, U32(uint32(lane(j))))
		}
	}
	constTables[key] = m
}

func constTable(v vx, name string, mul, add int) Mem {
	m, ok := constTables[constKey(v, name, mul, add)]
	if !ok {
		panic("no table " + constKey(v, name, mul, add))
	}
	return m
}

// planeLoop emits the loops over planes, slabs and rows.
func (g *win) planeLoop() {
	lbl := g.lbl
	Label(lbl("plane"))
	t := GP64()
	MOVQ(g.pl, t)
	CMPQ(t, g.planes)
	JGE(LabelRef(lbl("done")))
	// Slab bases: the plane's bases plus the class's offsets.
	for _, p := range []struct {
		plane, slab Mem
		off         string
	}{{g.src, g.zS, "srcOff"}, {g.dst, g.zD, "dstOff"}, {g.idx, g.zX, "idxOff"}} {
		b := GP64()
		MOVQ(p.plane, b)
		ADDQ(g.field(p.off), b)
		MOVQ(b, p.slab)
	}
	n := GP64()
	MOVQ(g.field("slabs"), n)
	MOVQ(n, g.z)
	MOVQ(U32(0), g.zI)

	Label(lbl("slab"))
	for _, p := range [][2]Mem{{g.zS, g.rS}, {g.zD, g.rD}, {g.zX, g.rX}, {g.zI, g.rI}} {
		b := GP64()
		MOVQ(p[0], b)
		MOVQ(b, p[1])
	}
	n = GP64()
	MOVQ(g.field("rows"), n)
	MOVQ(n, g.r)

	Label(lbl("row"))
	if g.detects() {
		if g.v.z {
			KXORW(g.nanK, g.nanK, g.nanK)
		} else {
			VPXOR(g.nanV, g.nanV, g.nanV)
		}
	}
	g.rowChunks()
	if g.detects() {
		Comment("A NaN in the row's inputs: the caller computes the plane.")
		g.nanTest()
		JNE(LabelRef(lbl("leave")))
	}
	g.loopEnds(lbl, "Leave this plane to the caller.")
}

// loopEnds emits the ends of a window kernel's row, slab and plane loops
// (labels row, slab and plane), the exit leave (returning the plane number,
// for the caller to compute that plane; leave says why) and done.
func (g *win) loopEnds(lbl func(string) string, leave string) {
	Comment("Next row.")
	for _, p := range []struct {
		m     Mem
		field string
	}{{g.rS, "srcRow"}, {g.rD, "dstRow"}, {g.rX, "idxRow"}} {
		b := GP64()
		MOVQ(p.m, b)
		ADDQ(g.field(p.field), b)
		MOVQ(b, p.m)
	}
	b := GP64()
	MOVL(g.rI, b.As32())
	ADDL(g.field("rowIdx"), b.As32())
	MOVL(b.As32(), g.rI)
	DECQ(g.r)
	JNZ(LabelRef(lbl("row")))

	Comment("Next slab.")
	for _, p := range []struct {
		m     Mem
		field string
	}{{g.zS, "srcSlab"}, {g.zD, "dstSlab"}, {g.zX, "idxSlab"}} {
		b := GP64()
		MOVQ(p.m, b)
		ADDQ(g.field(p.field), b)
		MOVQ(b, p.m)
	}
	b = GP64()
	MOVL(g.zI, b.As32())
	ADDL(g.field("slabIdx"), b.As32())
	MOVL(b.As32(), g.zI)
	DECQ(g.z)
	JNZ(LabelRef(lbl("slab")))

	Comment("Next plane.")
	for _, p := range []struct {
		m     Mem
		field string
	}{{g.src, "srcPlane"}, {g.dst, "dstPlane"}, {g.idx, "idxPlane"}} {
		b := GP64()
		MOVQ(p.m, b)
		ADDQ(g.field(p.field), b)
		MOVQ(b, p.m)
	}
	INCQ(g.pl)
	JMP(LabelRef(lbl("plane")))

	Label(lbl("leave"))
	Comment(leave)
	r := GP64()
	MOVQ(g.pl, r)
	Store(r, ReturnIndex(0))
	VZEROUPPER()
	RET()

	Label(lbl("done"))
	r = GP64()
	MOVQ(g.planes, r)
	Store(r, ReturnIndex(0))
}

// nanTest sets the flags so that JNE jumps when the row met a NaN.
func (g *win) nanTest() {
	if g.v.z {
		KORTESTW(g.nanK, g.nanK)
	} else {
		VPTEST(g.nanV, g.nanV)
	}
}

// chunkRegs are the registers of the chunk loop.
type chunkRegs struct {
	c      GPVirtual // chunk number
	cS, cD GPVirtual // the chunk's block start in the row's input, its first output
	cX     GPVirtual // its first index output (max with index)
	col    GPVirtual // c*s*L: the column of the block start
}

// rowChunks emits the chunk loops of one row.
func (g *win) rowChunks() {
	lbl := g.lbl
	cr := chunkRegs{c: GP64(), cS: GP64(), cD: GP64(), col: GP64()}
	if g.withIdx() {
		cr.cX = GP64()
		MOVQ(g.rX, cr.cX)
	}
	XORQ(cr.c, cr.c)
	XORQ(cr.col, cr.col)
	MOVQ(g.rS, cr.cS)
	MOVQ(g.rD, cr.cD)
	loop := func(name, end string, edge bool) {
		Label(lbl(name))
		CMPQ(cr.c, g.field(end))
		JGE(LabelRef(lbl(name + "Done")))
		Label(lbl(name + "Body"))
		g.chunk(&cr, edge, name)
		INCQ(cr.c)
		ADDQ(U32(g.k.S*g.v.L), cr.col)
		ADDQ(U32(g.k.S*g.v.L*g.v.es), cr.cS)
		ADDQ(U32(g.v.L*g.v.es), cr.cD)
		if g.withIdx() {
			ADDQ(U32(g.v.L*8), cr.cX)
		}
		JMP(LabelRef(lbl(name)))
		Label(lbl(name + "Done"))
	}
	loop("left", "c0", true)
	loop("inner", "c1", false)
	Comment("An interior chunk at output tail, overlapping the previous one, ends the row: once, with c = c1.")
	CMPQ(cr.c, g.field("c1"))
	JNE(LabelRef(lbl("noTail")))
	t := GP64()
	MOVQ(g.field("tail"), t)
	TESTQ(t, t)
	JS(LabelRef(lbl("noTail")))
	v := g.v
	MOVQ(t, cr.col)
	IMUL3Q(U32(g.k.S), cr.col, cr.col)
	MOVQ(g.rS, cr.cS)
	LEAQ(Mem{Base: cr.cS, Index: cr.col, Scale: uint8(v.es)}, cr.cS)
	MOVQ(g.rD, cr.cD)
	LEAQ(Mem{Base: cr.cD, Index: t, Scale: uint8(v.es)}, cr.cD)
	if g.withIdx() {
		MOVQ(g.rX, cr.cX)
		LEAQ(Mem{Base: cr.cX, Index: t, Scale: 8}, cr.cX)
	}
	g.chunk(&cr, false, "tail")
	JMP(LabelRef(lbl("rowDone")))
	Label(lbl("noTail"))
	loop("right", "nc", true)
	Label(lbl("rowDone"))
}

// chunk emits one chunk: every vertical tap, then the store.
func (g *win) chunk(cr *chunkRegs, edge bool, name string) {
	v := g.v
	lbl := func(s string) string { return g.lbl(name + "_" + s) }
	var masks *edgeMasks
	// edgeNum returns, in a new register, the chunk's edge number: c below
	// c0, else c0 + c - c1.
	edgeNum := func() GPVirtual {
		e := GP64()
		MOVQ(cr.c, e)
		if name == "right" {
			SUBQ(g.field("c1"), e)
			ADDQ(g.field("c0"), e)
		}
		return e
	}
	if edge {
		if g.ints() && !v.z {
			g.lastChunkBack(cr)
		}
		masks = g.newEdgeMasks(cr.col, edgeNum())
	}
	acc := v.vec()
	v.mov(g.fill, acc)
	var accI, rowI VecVirtual
	var cb []Op // max with index: the column index of each tap's lanes
	if g.withIdx() {
		accI, rowI = v.vec(), v.vec()
		cb = g.colIdx(cr.col)
		t := GP64()
		MOVL(g.rI, t.As32())
		v.ibcast(t, rowI)
		Comment("The index of tap (0, 0), for a window of -inf.")
		g.tapIdxVec(g.field("tapIdx"), rowI, accI)
		v.iadd(cb[0], accI, accI)
	}
	// tap emits vertical tap u of the group starting at tap tv.
	tv := GP64()
	tap := func(u int) {
		T := GP64()
		MOVQ(g.field("tapOff").Idx(tv, 8).Offset(8*u), T)
		ADDQ(cr.cS, T)
		var rb VecVirtual
		if g.withIdx() {
			rb = v.vec()
			g.tapIdxVec(g.field("tapIdx").Idx(tv, 4).Offset(4*u), rowI, rb)
		}
		g.taps(Mem{Base: T}, masks, edge || name == "tail", cb, func(x VecVirtual, ci Op) {
			g.combine(x, ci, acc, accI, rb)
		})
	}
	Comment("For every vertical tap (row of the window), in groups, then one by one:")
	XORQ(tv, tv)
	if G := g.group(); G > 1 {
		end := GP64()
		Label(lbl("group"))
		LEAQ(Mem{Base: tv, Disp: G}, end)
		CMPQ(end, g.field("ntaps"))
		JGT(LabelRef(lbl("single")))
		for u := range G {
			tap(u)
		}
		MOVQ(end, tv)
		JMP(LabelRef(lbl("group")))
	}
	Label(lbl("single"))
	CMPQ(tv, g.field("ntaps"))
	JGE(LabelRef(lbl("tapsDone")))
	tap(0)
	INCQ(tv)
	JMP(LabelRef(lbl("single")))
	Label(lbl("tapsDone"))
	g.unpermute(acc, accI)

	if !g.max() {
		off := GP64()
		MOVQ(cr.cD, off)
		SUBQ(g.rD, off)
		g.divide(acc, off)
	}
	var sm *storeMask
	if edge {
		sm = g.newStoreMask(edgeNum())
		if g.withIdx() {
			Comment("An edge maximum of -inf may carry a padding index: the caller computes the plane.")
			g.testNegInf(acc, sm)
			JNE(LabelRef(g.lbl("leave")))
		}
	}
	g.storeVal(acc, Mem{Base: cr.cD}, sm)
	if g.withIdx() {
		g.storeIdx(accI, Mem{Base: cr.cX}, sm)
	}
}

// lastChunkBack moves a chunk whose outputs run past the row's end back, to
// end at the row's last output (bytes with AVX2, which has no byte-masked
// stores: the chunk recomputes outputs of the previous one, the same values,
// and stores whole; the plan gives these kernels rows of at least L inputs
// and outputs).
func (g *win) lastChunkBack(cr *chunkRegs) {
	v := g.v
	ok := g.lbl(fmt.Sprintf("full%d", labelSeq()))
	t, cur := GP64(), GP64()
	MOVQ(g.field("wo"), t)
	SUBQ(U32(v.L), t)
	MOVQ(cr.cD, cur)
	SUBQ(g.rD, cur)
	CMPQ(cur, t)
	JLE(LabelRef(ok))
	MOVQ(g.rD, cr.cD)
	ADDQ(t, cr.cD)
	IMUL3Q(U32(g.k.S), t, cr.col)
	MOVQ(g.rS, cr.cS)
	ADDQ(cr.col, cr.cS)
	Label(ok)
}

// group is the number of vertical taps a chunk's loop takes at a time: the
// kernel's horizontal taps (square windows), at most 4; 3 for one tap.
func (g *win) group() int {
	if g.k.K == 1 { // the vertical pass of two-pass max: 3 or 9 rows
		return 3
	}
	return min(max(g.k.K, 2), 4)
}

// tapIdxVec sets dst to the plane index of column 0 of a vertical tap row:
// tapIdx (the int32 at m) plus the row's index base rowI.
func (g *win) tapIdxVec(m Mem, rowI Op, dst VecVirtual) {
	v := g.v
	if v.f64() {
		t := GP64()
		MOVLQSX(m, t)
		v.ibcast(t, dst)
	} else {
		VPBROADCASTD(m, dst)
	}
	v.iadd(rowI, dst, dst)
}

// combine folds a tap (vector x, column indices ci) of the current vertical
// tap (row index base rb) into the accumulators.
func (g *win) combine(x VecVirtual, ci Op, acc, accI, rb VecVirtual) {
	v := g.v
	switch g.k.Op {
	case table.Sum:
		v.add(x, acc)
	case table.SumSq:
		sq := v.vec()
		v.mul(x, x, sq)
		v.add(sq, acc)
	case table.Max:
		v.max(x, acc)
	case table.MaxIdx:
		c := ci
		if v.z {
			k := K()
			if v.f64() {
				VCMPPD(Imm(0x1e), acc, x, k) // x > acc
				VPADDQ(c, rb, k, accI)
			} else {
				VCMPPS(Imm(0x1e), acc, x, k)
				VPADDD(c, rb, k, accI)
			}
			v.max(x, acc)
			return
		}
		m, ti := v.vec(), v.vec()
		if v.f64() {
			VCMPPD(Imm(0x1e), acc, x, m)
		} else {
			VCMPPS(Imm(0x1e), acc, x, m)
		}
		v.iadd(c, rb, ti)
		if v.f64() {
			VBLENDVPD(m, ti, accI, accI)
		} else {
			VBLENDVPS(m, ti, accI, accI)
		}
		v.max(x, acc)
	}
}

// colIdx returns, for max with index, the column index vectors of the fixed
// taps of the chunk whose block starts at column col (lane j of tap t:
// col + j*s + t*d - p); for any taps one vector, of tap 0, which anyTaps
// steps itself.
func (g *win) colIdx(col GPVirtual) []Op {
	v := g.v
	base := v.vec()
	v.ibcast(col, base)
	v.iadd(g.iotaS, base, base)
	if !g.fixed() {
		p := GP64()
		MOVQ(g.field("p"), p)
		NEGQ(p)
		c0 := v.vec()
		v.ibcast(p, c0)
		v.iadd(base, c0, c0)
		return []Op{g.keep(c0)}
	}
	var cb []Op
	for _, o := range g.offsets() {
		r := v.vec()
		if o == 0 {
			v.mov(base, r)
		} else {
			t := GP64()
			MOVQ(I32(int32(o)), t)
			v.ibcast(t, r)
			v.iadd(base, r, r)
		}
		cb = append(cb, g.keep(r))
	}
	return cb
}

// edgeMasks are the masks of an edge chunk's loads: a bitmap of the columns
// inside the row (winArgs.ebits: bit i for column col+lo+i, lo the kernel's
// reach), from which each load's mask is shifted out; and the chunk's
// block-start column, for the loads of any taps, whose masks are computed at
// run time.
type edgeMasks struct {
	col  GPVirtual
	bits GPVirtual // nil: any taps
	lo   int
	k    map[int]OpmaskVirtual // AVX-512: the mask of each load offset of fixed taps
	m    map[int]Mem           // AVX2: the vector mask of each, in a stack slot
}

// newEdgeMasks loads the column bitmap of edge chunk e, whose block starts at
// column col.
func (g *win) newEdgeMasks(col, e GPVirtual) *edgeMasks {
	em := &edgeMasks{col: col, k: map[int]OpmaskVirtual{}, m: map[int]Mem{}}
	if !g.fixed() || g.ints() && !g.v.z { // AVX2 bytes: staged loads (see stagedLoad)
		return em
	}
	if g.ints() {
		g.wideMasks(em, e)
		return em
	}
	em.lo, _ = g.k.Reach()
	em.bits = GP64()
	MOVQ(g.field("ebits").Idx(e, 8), em.bits)
	Comment("The masks of the chunk's loads, once for all its vertical taps.")
	for _, l := range g.k.Loads() {
		if l.Bcast {
			continue
		}
		if g.v.z {
			k := K()
			KMOVW(em.maskBits(l.Off).As32(), k)
			em.k[l.Off] = k
		} else {
			m := AllocLocal(32)
			VMOVDQU(bitsVec(g.v, em.maskBits(l.Off)), m)
			em.m[l.Off] = m
		}
	}
	return em
}

// wideMasks loads the opmasks of the loads of edge chunk e of a byte kernel
// (AVX-512) from winArgs.ebitsWide: the L = 64 bits from load offset off
// are bits [off-lo, off-lo+64) of the chunk's 192-bit bitmap.
func (g *win) wideMasks(em *edgeMasks, e GPVirtual) {
	lo, _ := g.k.Reach()
	row := GP64()
	IMUL3Q(U32(24), e, row) // 3 words per edge chunk
	base := g.field("ebitsWide")
	word := func(q int) Mem { return Mem{Base: base.Base, Disp: base.Disp + 8*q, Index: row, Scale: 1} }
	Comment("The masks of the chunk's loads, once for all its vertical taps.")
	for _, l := range g.k.Loads() {
		q, r := (l.Off-lo)/64, (l.Off-lo)%64
		m := GP64()
		MOVQ(word(q), m)
		if r > 0 {
			h := GP64()
			MOVQ(word(q+1), h)
			SHRQ(U8(r), h, m) // SHRD: m = (h:m) >> r
		}
		k := K()
		KMOVQ(m, k)
		em.k[l.Off] = k
	}
}

// maskBits returns, in a new register, the bits of the L columns from load
// offset off (bit j: column off+j inside the row).
func (em *edgeMasks) maskBits(off int) GPVirtual {
	m := GP64()
	MOVQ(em.bits, m)
	if sh := off - em.lo; sh > 0 {
		SHRQ(U8(sh), m)
	}
	return m
}

// laneMask returns the opmask of the lanes l with 0 <= x+l < w.
func (g *win) laneMask(x GPVirtual) OpmaskVirtual {
	L := g.v.L
	clamp := func(r GPVirtual) {
		z, l := GP64(), GP64()
		XORQ(z, z)
		CMPQ(r, z)
		CMOVQLT(z, r)
		MOVQ(U32(L), l)
		CMPQ(r, l)
		CMOVQGT(l, r)
	}
	hi, lo := GP64(), GP64()
	MOVQ(g.field("w"), hi)
	SUBQ(x, hi)
	clamp(hi)
	MOVQ(x, lo)
	NEGQ(lo)
	clamp(lo)
	ones, mh, ml := GP64(), GP64(), GP64()
	MOVQ(I32(-1), ones)
	BZHIQ(hi, ones, mh)
	BZHIQ(lo, ones, ml)
	ANDNQ(mh, ml, mh)
	k := K()
	switch L {
	case 64:
		KMOVQ(mh, k)
	case 32:
		KMOVD(mh.As32(), k)
	default:
		KMOVW(mh.As32(), k)
	}
	return k
}

// laneVec returns the AVX2 vector mask of the lanes l with 0 <= x+l < w.
func (g *win) laneVec(x GPVirtual) VecVirtual {
	v := g.v
	vx, wv, ones := v.vec(), v.vec(), v.vec()
	v.ibcast(x, vx)
	v.iadd(g.iota, vx, vx)
	w := GP64()
	MOVQ(g.field("w"), w)
	v.ibcast(w, wv)
	VPCMPEQD(ones, ones, ones)
	m1, m2 := v.vec(), v.vec()
	if v.f64() {
		VPCMPGTQ(ones, vx, m1) // x+l > -1
		VPCMPGTQ(vx, wv, m2)   // w > x+l
	} else {
		VPCMPGTD(ones, vx, m1)
		VPCMPGTD(vx, wv, m2)
	}
	VPAND(m1, m2, m1)
	return m1
}

// loadAt loads L columns from T+off*es into a new register; in an edge chunk
// the columns outside the row read the fill value. mk gives the mask when the
// caller has it (nil: computed here from the chunk's column).
func (g *win) loadAt(T Mem, off int, offReg GPVirtual, em *edgeMasks) VecVirtual {
	v := g.v
	m := T.Offset(off * v.es)
	if offReg != nil {
		m = Mem{Base: T.Base, Index: offReg, Scale: 1}
	}
	x := v.vec()
	if em == nil {
		v.load(m, x)
		return x
	}
	colOf := func() GPVirtual {
		c := GP64()
		if offReg != nil {
			MOVQ(offReg, c)
			SARQ(U8(shift(v.es)), c)
			ADDQ(em.col, c)
		} else {
			LEAQ(Mem{Base: em.col, Disp: off}, c)
		}
		return c
	}
	if v.z {
		k, ok := em.k[off]
		if !ok || offReg != nil {
			k = g.laneMask(colOf())
		}
		v.mov(g.fill, x)
		switch {
		case v.bytes():
			VMOVDQU8(m, k, x)
		case v.f64():
			VMOVUPD(m, k, x)
		default:
			VMOVUPS(m, k, x)
		}
		return x
	}
	if v.bytes() {
		g.stagedLoad(m, colOf(), x)
		return x
	}
	var mv VecVirtual
	if mm, ok := em.m[off]; ok && offReg == nil {
		mv = v.vec()
		VMOVDQU(mm, mv)
	} else {
		mv = g.laneVec(colOf())
	}
	if v.f64() {
		VMASKMOVPD(m, mv, x)
	} else {
		VMASKMOVPS(m, mv, x)
	}
	if g.max() {
		t := v.vec() // the fill in the lanes off the mask (VMASKMOV zeroed them)
		VPANDN(g.fill, mv, t)
		VPOR(t, x, x)
	}
	return x
}

// stagedLoad loads into x the L bytes of an edge load at m, whose lane 0 is
// column c of the row, the lanes outside [0, w) the fill: AVX2 has no
// byte-masked loads. It loads the L bytes of the row nearest to them,
// columns [v0, v0+L) with v0 = clamp(c, 0, w-L) (inside the row, which has at
// least L columns), stores them between the fill in the staging area, and
// reloads the lanes shifted by c - v0 (clamped to L either way: all fill).
func (g *win) stagedLoad(m Mem, c GPVirtual, x VecVirtual) {
	v := g.v
	L := v.L
	v0, hi, d := GP64(), GP64(), GP64()
	MOVQ(c, v0)
	XORQ(d, d)
	CMPQ(v0, d)
	CMOVQLT(d, v0)
	MOVQ(g.field("w"), hi)
	SUBQ(U32(L), hi)
	CMPQ(v0, hi)
	CMOVQGT(hi, v0)
	MOVQ(v0, d)
	SUBQ(c, d) // v0 - c: where the row's vector lies from m
	p := GP64()
	LEAQ(m, p)
	VMOVDQU(Mem{Base: p, Index: d, Scale: 1}, x)
	VMOVDQU(x, g.stage.Offset(L))
	sh := GP64() // L - d, clamped to [0, 2L]
	MOVQ(U32(L), sh)
	SUBQ(d, sh)
	z, top := GP64(), GP64()
	XORQ(z, z)
	CMPQ(sh, z)
	CMOVQLT(z, sh)
	MOVQ(U32(2*L), top)
	CMPQ(sh, top)
	CMOVQGT(top, sh)
	st := GP64()
	LEAQ(g.stage, st)
	VMOVDQU(Mem{Base: st, Index: sh, Scale: 1}, x)
}

// bcastAt broadcasts column off of the tap row at T into a new register; in
// an edge chunk a column outside the row is the fill value.
func (g *win) bcastAt(T Mem, off int, em *edgeMasks) VecVirtual {
	v := g.v
	x := v.vec()
	if em == nil {
		v.bcast(T.Offset(off*v.es), x)
		return x
	}
	out := g.lbl(fmt.Sprintf("bc%d", labelSeq()))
	v.mov(g.fill, x)
	if em.bits != nil {
		BTQ(U8(off-em.lo), em.bits)
		JCC(LabelRef(out))
	} else {
		c := GP64()
		LEAQ(Mem{Base: em.col, Disp: off}, c)
		CMPQ(c, U32(0))
		JLT(LabelRef(out))
		CMPQ(c, g.field("w"))
		JGE(LabelRef(out))
	}
	v.bcast(T.Offset(off*v.es), x)
	Label(out)
	return x
}

var seq int

func labelSeq() int { seq++; return seq }

func shift(es int) int { return log2(es) }

// evenOdd splits the 2L columns of a and b into their even or odd (phase)
// columns.
func (g *win) evenOdd(a, b VecVirtual, phase int) VecVirtual {
	v := g.v
	if v.bytes() { // the even (low) or odd (high) byte of each 16-bit lane, packed
		ta, tb, r := v.vec(), v.vec(), v.vec()
		switch {
		case phase == 0 && v.z:
			VPANDQ(g.low, a, ta)
			VPANDQ(g.low, b, tb)
		case phase == 0:
			VPAND(g.low, a, ta)
			VPAND(g.low, b, tb)
		default:
			VPSRLW(U8(8), a, ta)
			VPSRLW(U8(8), b, tb)
		}
		VPACKUSWB(tb, ta, r)
		return r
	}
	if v.z {
		r := v.vec()
		idx := g.even
		if phase == 1 {
			idx = g.odd
		}
		v.mov(a, r)
		if v.f64() {
			VPERMT2PD(b, idx, r)
		} else {
			VPERMT2PS(b, idx, r)
		}
		return r
	}
	t := v.vec()
	if v.f64() {
		if phase == 0 {
			VUNPCKLPD(b, a, t)
		} else {
			VUNPCKHPD(b, a, t)
		}
	} else {
		VSHUFPS(Imm(uint64(0x88+0x55*phase)), b, a, t)
	}
	return t
}

// permuted reports whether the kernel's tap vectors hold their lanes in the
// order that the in-lane splits leave them (evenOdd, AVX2 and bytes): lane i
// holds output perm[i] of the chunk, perm swapping the middle two 64-bit
// quarters with AVX2 ([0 1 4 5 2 3 6 7] for float32, [0 2 1 3] for
// float64), and with AVX-512 bytes taking the 64-bit quarters as
// [0 2 4 6 1 3 5 7] (each 128-bit lane packs 8 bytes of either vector). The
// taps of a chunk all come out so, their lane-wise maxima and sums too, and
// unpermute puts a chunk's result in order once, instead of each split
// doing it.
func (g *win) permuted() bool { return g.k.S == 2 && (!g.v.z || g.ints()) }

// unpermute puts the chunk's accumulators in output order (see permuted).
func (g *win) unpermute(acc, accI VecVirtual) {
	if !g.permuted() {
		return
	}
	if g.v.z {
		VPERMQ(acc, g.unpk, acc)
		return
	}
	VPERMPD(Imm(0xd8), acc, acc)
	if accI != nil {
		VPERMPD(Imm(0xd8), accI, accI)
	}
}

// align shifts phase vector ph by sh lanes (+1 or -1), the lane it lacks taken
// from the broadcast x (AVX-512).
func (g *win) align(ph, x VecVirtual, sh int) VecVirtual {
	v := g.v
	r := v.vec()
	imm, lo, hi := Imm(uint64(v.L-1)), x, ph // sh = -1: lane 0 from x
	if sh == 1 {
		imm, lo, hi = Imm(1), ph, x
	}
	if v.f64() {
		VALIGNQ(imm, lo, hi, r)
	} else {
		VALIGND(imm, lo, hi, r)
	}
	return r
}

// taps emits the horizontal taps of the tap row whose chunk block starts at T,
// calling use(x, ci) for each tap in order (ci: its column indices, from cb,
// for max with index); for max it also folds every loaded vector into the
// NaN detector.
func (g *win) taps(T Mem, em *edgeMasks, all bool, cb []Op, use func(x VecVirtual, ci Op)) {
	if !g.fixed() {
		g.anyTaps(T, em, cb, use)
		return
	}
	v := g.v
	var loaded []loadedVec
	vecs := map[int]VecVirtual{}
	get := func(off int) VecVirtual {
		if x, ok := vecs[off]; ok {
			return x
		}
		x := g.loadAt(T, off, nil, em)
		vecs[off] = x
		loaded = append(loaded, loadedVec{x: x, k: em.maskOf(off), off: off})
		return x
	}
	var phases [2]VecVirtual
	phase := func(ph int) VecVirtual {
		if phases[ph] == nil {
			phases[ph] = g.evenOdd(get(0), get(v.L), ph)
		}
		return phases[ph]
	}
	for t, o := range g.offsets() {
		var x VecVirtual
		switch sh := o >> 1; {
		case g.k.S == 1:
			x = get(o)
		case sh == 0:
			x = phase(o & 1)
		case v.z && !v.bytes() && (sh == -1 || sh == 1):
			boff := o
			if sh == 1 {
				boff = 2*v.L - 2 + o
			}
			b := g.bcastAt(T, boff, em)
			if sh == 1 { // a column of the next block, which may not be a chunk's
				loaded = append(loaded, loadedVec{x: b, bcast: true})
			}
			x = g.align(phase(o&1), b, sh)
		default:
			x = g.evenOdd(get(o), get(o+v.L), 0)
		}
		var ci Op
		if cb != nil {
			ci = cb[t]
		}
		use(x, ci)
	}
	if g.detects() {
		g.detectNaN(g.checked(loaded, all))
	}
}

// checked returns the loaded vectors of a tap row that the NaN detector must
// see: all of them in an edge chunk or the tail (all), else those that tile
// the row from chunk to chunk: the load at the least offset (stride 1), or
// the block (stride 2). The row's columns that interior chunks read and do
// not check are the edges' or the tail's, which check all (a row ends with one
// of them: see winArgs).
func (g *win) checked(loaded []loadedVec, all bool) []loadedVec {
	if all {
		return loaded
	}
	var xs []loadedVec
	for _, l := range loaded {
		if !l.bcast && (g.k.S == 1 && l.off == g.offsets()[0] || g.k.S == 2 && (l.off == 0 || l.off == g.v.L)) {
			xs = append(xs, l)
		}
	}
	if len(xs) != g.k.S {
		panic(fmt.Sprintf("%s: %d vectors tile a tap row, want %d", g.k.Name(), len(xs), g.k.S))
	}
	return xs
}

// loadedVec is a vector a tap row loaded, for the NaN detector: in an edge
// chunk with the mask of its columns inside the row (AVX-512), or, bcast, a
// broadcast column.
type loadedVec struct {
	x     VecVirtual
	k     OpmaskVirtual
	off   int // the load's column offset from the chunk's block start
	bcast bool
}

// maskOf returns the opmask of load offset off (nil: none, or not AVX-512).
func (em *edgeMasks) maskOf(off int) OpmaskVirtual {
	if em == nil {
		return nil
	}
	return em.k[off]
}

// detectNaN records the lanes of the loaded vectors xs that hold a NaN: their
// sum (a tree of adds, so that no chain runs from chunk to chunk) is NaN where
// one of them is, or where infinities of both signs meet (a false alarm that
// only costs time); one unordered compare of it is or-ed into the row's
// mask. Columns outside the row hold the fill, -inf, which adds no NaN.
func (g *win) detectNaN(xs []loadedVec) {
	v := g.v
	t := xs[0].x
	for i := 1; i < len(xs); i++ {
		s := v.vec()
		if v.f64() {
			VADDPD(xs[i].x, t, s)
		} else {
			VADDPS(xs[i].x, t, s)
		}
		t = s
	}
	if v.z {
		k := K()
		if v.f64() {
			VCMPPD(Imm(3), t, t, k) // unordered
		} else {
			VCMPPS(Imm(3), t, t, k)
		}
		KORW(k, g.nanK, g.nanK)
		return
	}
	m := v.vec()
	if v.f64() {
		VCMPPD(Imm(3), t, t, m)
	} else {
		VCMPPS(Imm(3), t, t, m)
	}
	VPOR(m, g.nanV, g.nanV)
}

// anyTaps emits taps read at run time (K = 0): a loop over winArgs.k taps at
// offsets o = t*d - p, each the L columns from o (stride 1) or the even ones
// of the 2L columns from o (stride 2).
func (g *win) anyTaps(T Mem, em *edgeMasks, cb []Op, use func(x VecVirtual, ci Op)) {
	v := g.v
	lbl := g.lbl(fmt.Sprintf("h%d", labelSeq()))
	tt, oB := GP64(), GP64()
	MOVQ(g.field("k"), tt)
	MOVQ(g.field("p"), oB)
	NEGQ(oB)
	SHLQ(U8(shift(v.es)), oB)
	var ci, step VecVirtual
	if cb != nil {
		ci, step = v.vec(), v.vec()
		v.mov(cb[0], ci)
		d := GP64()
		MOVQ(g.field("d"), d)
		v.ibcast(d, step)
	}
	Label(lbl)
	var x VecVirtual
	if g.k.S == 1 {
		x = g.loadAt(T, 0, oB, em)
		if g.detects() {
			g.detectNaN([]loadedVec{{x: x}})
		}
	} else {
		hiB := GP64()
		LEAQ(Mem{Base: oB, Disp: v.L * v.es}, hiB)
		a, b := g.loadAt(T, 0, oB, em), g.loadAt(T, 0, hiB, em)
		if g.detects() {
			g.detectNaN([]loadedVec{{x: a}, {x: b}})
		}
		x = g.evenOdd(a, b, 0)
	}
	var cio Op
	if ci != nil {
		cio = ci
	}
	use(x, cio)
	if ci != nil {
		v.iadd(step, ci, ci)
	}
	dB := GP64()
	MOVQ(g.field("d"), dB)
	SHLQ(U8(shift(v.es)), dB)
	ADDQ(dB, oB)
	DECQ(tt)
	JNZ(LabelRef(lbl))
}

// divide turns the sum in acc into the output as winArgs.post says; off is
// the chunk's first output's byte offset in its row.
func (g *win) divide(acc VecVirtual, off GPVirtual) {
	v := g.v
	lbl := g.lbl
	seqs := fmt.Sprint(labelSeq())
	end := lbl("postDone" + seqs)
	Comment("The divisor of each output column and its reciprocal, then the post-processing.")
	dp, rp := GP64(), GP64()
	MOVQ(g.field("div"), dp)
	MOVQ(g.field("rcp"), rp)
	d, r := Mem{Base: dp, Index: off, Scale: 1}, Mem{Base: rp, Index: off, Scale: 1}
	CMPL(g.field("post"), U8(int(postSuccessive)))
	JEQ(LabelRef(lbl("succ" + seqs)))
	CMPL(g.field("pow2"), U8(0))
	JEQ(LabelRef(lbl("rcp" + seqs)))
	Comment("Every divisor a power of two: multiplying by its reciprocal is exact.")
	v.mul(r, acc, acc)
	JMP(LabelRef(lbl("quot" + seqs)))
	Label(lbl("rcp" + seqs))
	slow, quotEnd := lbl("div"+seqs), lbl("divEnd"+seqs)
	g.inRange(acc, slow)
	g.quotient(acc, d, r)
	JMP(LabelRef(quotEnd))
	Label(slow)
	v.div(d, acc, acc)
	Label(quotEnd)
	Label(lbl("quot" + seqs))
	v.add(g.zero, acc)
	CMPL(g.field("post"), U8(int(postLp1)))
	JLT(LabelRef(end))
	v.mul(g.vol, acc, acc)
	JEQ(LabelRef(end))
	v.sqrt(acc, acc)
	JMP(LabelRef(end))
	Label(lbl("succ" + seqs))
	slow = lbl("succSlow" + seqs)
	g.inRange(acc, slow)
	for _, f := range []struct {
		one    Mem
		fr, rr Op
	}{{g.oneD, g.fD, g.recD}, {g.oneH, g.fH, g.recH}} {
		skip := lbl(fmt.Sprintf("skip%d", labelSeq()))
		CMPQ(f.one, U8(0))
		JNE(LabelRef(skip))
		g.quotient(acc, f.fr, f.rr)
		Label(skip)
	}
	g.quotient(acc, d, r)
	JMP(LabelRef(end))
	Label(slow)
	v.div(g.fD, acc, acc)
	v.div(g.fH, acc, acc)
	v.div(d, acc, acc)
	Label(end)
}

// inRange jumps to slow unless every lane of the sum acc is zero or has its
// |acc| in the range of the reciprocal quotient (winArgs.qLo, qSpan).
func (g *win) inRange(acc VecVirtual, slow string) {
	v := g.v
	Comment("Every lane's |sum| in the quotient's range, or 0: the reciprocal and one exact correction.")
	t := v.vec()
	if v.f64() {
		VPANDQ(g.absMask, acc, t)
	} else {
		VPANDD(g.absMask, acc, t)
	}
	if v.z {
		kz, kr := K(), K()
		if v.f64() {
			VPTESTNMQ(t, t, kz) // zero
			VPSUBQ(g.loBits, t, t)
			VPCMPUQ(Imm(1), g.spanBits, t, kr) // (bits - lo) < span, unsigned
		} else {
			VPTESTNMD(t, t, kz)
			VPSUBD(g.loBits, t, t)
			VPCMPUD(Imm(1), g.spanBits, t, kr)
		}
		KORW(kz, kr, kr)
		if v.f64() { // CF set when every lane is in range
			KORTESTB(kr, kr)
		} else {
			KORTESTW(kr, kr)
		}
		JCC(LabelRef(slow))
		return
	}
	z, m, sp := v.vec(), v.vec(), v.vec()
	v.zero(z)
	VMOVDQU(g.spanBits, sp)
	if v.f64() {
		VPCMPEQQ(z, t, z) // zero
		VPSUBQ(g.loBits, t, t)
		VPXOR(g.signBit, t, t) // unsigned compare as signed
		VPCMPGTQ(t, sp, m)     // span > bits - lo
	} else {
		VPCMPEQD(z, t, z)
		VPSUBD(g.loBits, t, t)
		VPXOR(g.signBit, t, t)
		VPCMPGTD(t, sp, m)
	}
	VPOR(z, m, m)
	VPCMPEQD(z, z, z)
	VPTEST(z, m) // CF set when m has every bit of z: all lanes in range
	JCC(LabelRef(slow))
}

// quotient sets acc to acc/d, correctly rounded, from r = RN(1/d): q0 =
// RN(acc*r), e = acc - q0*d (exact, one FMA), q = RN(q0 + e*r), which is the
// correctly rounded quotient for an integer divisor up to 4096 when no step
// under- or overflows (Markstein's theorem; inRange keeps |acc| where none
// does; TestReciprocalQuotient in the root package checks it over every
// such divisor).
func (g *win) quotient(acc VecVirtual, d, r Op) {
	v := g.v
	q, e := v.vec(), v.vec()
	v.mul(r, acc, q)
	v.mov(acc, e)
	if v.f64() {
		VFNMADD231PD(d, q, e) // e = acc - q*d
		VFMADD231PD(r, e, q)  // q += e*r
	} else {
		VFNMADD231PS(d, q, e)
		VFMADD231PS(r, e, q)
	}
	v.mov(q, acc)
}

// The values of winArgs.post (winargs.go); checkRoot verifies them.
const (
	postAvg = iota
	postSuccessive
	postLp1
	postLp2
)

// storeMask is the mask of an edge chunk's outputs inside the row.
type storeMask struct {
	k OpmaskVirtual // AVX-512
	m VecVirtual    // AVX2
}

// newStoreMask loads the mask of edge chunk e's outputs inside the row.
func (g *win) newStoreMask(e GPVirtual) *storeMask {
	v := g.v
	switch {
	case v.z && v.L == 64:
		k := K()
		KMOVQ(g.field("emask").Idx(e, 8), k)
		return &storeMask{k: k}
	case v.z:
		k := K()
		KMOVW(g.field("emask").Idx(e, 8), k)
		return &storeMask{k: k}
	case v.bytes(): // see lastChunkBack: every store is whole
		return nil
	}
	m := GP64()
	MOVQ(g.field("emask").Idx(e, 8), m)
	return &storeMask{m: bitsVec(g.v, m)}
}

func log2(n int) int {
	l := 0
	for 1<<l < n {
		l++
	}
	return l
}

// testNegInf sets the flags so that JNE jumps when an output of the edge
// chunk is -inf.
func (g *win) testNegInf(acc VecVirtual, sm *storeMask) {
	v := g.v
	if v.z {
		k := K()
		if v.f64() {
			VCMPPD(Imm(0), g.fill, acc, sm.k, k)
		} else {
			VCMPPS(Imm(0), g.fill, acc, sm.k, k)
		}
		KORTESTW(k, k)
		return
	}
	t := v.vec()
	if v.f64() {
		VCMPPD(Imm(0), g.fill, acc, t)
	} else {
		VCMPPS(Imm(0), g.fill, acc, t)
	}
	VPAND(sm.m, t, t)
	VPTEST(t, t)
}

// storeVal stores the chunk's outputs (under the mask in an edge chunk).
func (g *win) storeVal(x VecVirtual, m Mem, sm *storeMask) {
	v := g.v
	switch {
	case sm == nil:
		v.store(x, m)
	case v.z && v.bytes():
		VMOVDQU8(x, sm.k, m)
	case v.z && v.f64():
		VMOVUPD(x, sm.k, m)
	case v.z:
		VMOVUPS(x, sm.k, m)
	case v.f64():
		VMASKMOVPD(x, sm.m, m)
	default:
		VMASKMOVPS(x, sm.m, m)
	}
}

// storeIdx stores the chunk's indices as int64 (under the mask in an edge
// chunk): float32 index lanes are widened, in two halves.
func (g *win) storeIdx(x VecVirtual, at Mem, sm *storeMask) {
	if sm == nil {
		storeIndices(g.v, x, nil, at, nil, nil)
		return
	}
	storeIndices(g.v, x, nil, at, sm.k, sm.m)
}

// maxFast is the most vertical taps the fast loops take.
const maxFast = 4

// fastRows emits the loops of a kernel of fixed taps for windows of n
// vertical taps, row by row: the n tap rows' pointers and the output
// pointers in registers, stepping by constant strides from row to row, slab
// to slab and plane to plane; in a row, every address of a chunk indexed by
// one offset (do, the chunk's first output's byte offset in its row; its input
// block is at do*s), and the chunks as runs: the leading edge chunks, the
// interior ones, then the tail chunk or the trailing edge chunks.
func (g *win) fastRows(n int) {
	v, s := g.v, g.k.S
	lbl := func(x string) string { return g.lbl(fmt.Sprintf("r%d_%s", n, x)) }
	slabAdj, planeAdj, dSlabAdj, dPlaneAdj := slot(), slot(), slot(), slot()
	xSlabAdj, xPlaneAdj, iSlabAdj, zS := slot(), slot(), slot(), slot()
	adj := func(dst Mem, big, small, count string) {
		t, c := GP64(), GP64()
		MOVQ(g.field(small), t)
		MOVQ(g.field(count), c)
		IMULQ(c, t)
		NEGQ(t)
		ADDQ(g.field(big), t)
		MOVQ(t, dst)
	}
	adj(slabAdj, "srcSlab", "srcRow", "rows")
	adj(dSlabAdj, "dstSlab", "dstRow", "rows")
	adj(xSlabAdj, "idxSlab", "idxRow", "rows")
	adj(planeAdj, "srcPlane", "srcSlab", "slabs")
	adj(dPlaneAdj, "dstPlane", "dstSlab", "slabs")
	adj(xPlaneAdj, "idxPlane", "idxSlab", "slabs")
	if g.withIdx() {
		t, c := GP64(), GP64()
		MOVL(g.field("rowIdx"), t.As32())
		MOVQ(g.field("rows"), c)
		IMULL(c.As32(), t.As32())
		NEGL(t.As32())
		ADDL(g.field("slabIdx"), t.As32())
		MOVL(t.As32(), iSlabAdj)
	}
	T := make([]GPVirtual, n)
	for i := range T {
		T[i] = GP64()
		MOVQ(g.src, T[i])
		ADDQ(g.field("srcOff"), T[i])
		ADDQ(g.field("tapOff").Offset(8*i), T[i])
	}
	D := GP64()
	MOVQ(g.dst, D)
	ADDQ(g.field("dstOff"), D)
	var X GPVirtual
	var rowI Mem // max with index: the row's index base (int32)
	var step Op  // max with index: s*L in every lane
	if g.withIdx() {
		X = GP64()
		MOVQ(g.idx, X)
		ADDQ(g.field("idxOff"), X)
		rowI = slot()
		st := v.vec()
		t := GP64()
		MOVQ(U32(s*v.L), t)
		v.ibcast(t, st)
		step = g.keep(st)
	}

	Label(lbl("plane"))
	t := GP64()
	MOVQ(g.pl, t)
	CMPQ(t, g.planes)
	JGE(LabelRef(g.lbl("done")))
	if g.withIdx() {
		MOVL(U32(0), rowI)
	}
	t = GP64()
	MOVQ(g.field("slabs"), t)
	MOVQ(t, zS)
	Label(lbl("slab"))
	r := GP64()
	MOVQ(g.field("rows"), r)
	Label(lbl("row"))
	if g.detects() {
		if v.z {
			KXORW(g.nanK, g.nanK, g.nanK)
		} else {
			VPXOR(g.nanV, g.nanV, g.nanV)
		}
	}
	do, e := GP64(), GP64()
	XORQ(do, do)
	XORQ(e, e)
	var rowV, colv VecVirtual // max with index: the row's index base; lane j's column, do/size*s + j*s
	var offs []Op             // max with index: each tap's column offset t*d - p, in every lane
	if g.withIdx() {
		rowV, colv = v.vec(), v.vec()
		t := GP64()
		MOVL(rowI, t.As32())
		v.ibcast(t, rowV)
		v.mov(g.iotaS, colv)
		for _, o := range g.offsets() {
			c := v.vec()
			MOVQ(I32(int32(o)), t)
			v.ibcast(t, c)
			offs = append(offs, g.keep(c)) // AVX2: on the stack, written once a row
		}
	}
	// body emits one chunk at do (an edge chunk, e, when edge; all: its NaN
	// detector checks every load, see checked).
	body := func(edge, all bool) {
		var em *edgeMasks
		var sm *storeMask
		if edge {
			var col GPVirtual // AVX2 bytes: the block's column, for the staged loads
			if g.ints() && !v.z {
				t := GP64() // see lastChunkBack
				MOVQ(g.field("wo"), t)
				SUBQ(U32(v.L), t)
				CMPQ(do, t)
				CMOVQGT(t, do)
				col = GP64()
				IMUL3Q(U32(s), do, col)
			}
			em = g.newEdgeMasks(col, e)
			sm = g.newStoreMask(e)
		}
		acc := v.vec()
		v.mov(g.fill, acc)
		var accI, rowC VecVirtual // max with index: rowC the row's index base plus the lanes' columns
		if g.withIdx() {
			accI, rowC = v.vec(), v.vec()
			v.iadd(colv, rowV, rowC)
			g.tapIdxVec(g.field("tapIdx"), rowC, accI)
			v.iadd(offs[0], accI, accI)
		}
		for i := range n {
			var rb VecVirtual
			if g.withIdx() {
				rb = v.vec()
				g.tapIdxVec(g.field("tapIdx").Offset(4*i), rowC, rb)
			}
			g.taps(Mem{Base: T[i], Index: do, Scale: uint8(s)}, em, all, offs, func(x VecVirtual, ci Op) {
				g.combine(x, ci, acc, accI, rb)
			})
		}
		g.unpermute(acc, accI)
		if !g.max() {
			g.divide(acc, do)
		}
		if edge && g.withIdx() {
			Comment("An edge maximum of -inf may carry a padding index: the caller computes the plane.")
			g.testNegInf(acc, sm)
			JNE(LabelRef(g.lbl("leave")))
		}
		g.storeVal(acc, Mem{Base: D, Index: do, Scale: 1}, sm)
		if g.withIdx() {
			g.storeIdx(accI, Mem{Base: X, Index: do, Scale: uint8(8 / v.es)}, sm)
			v.iadd(step, colv, colv)
		}
		ADDQ(U32(v.L*v.es), do)
		if edge {
			INCQ(e)
		}
	}
	// run emits a loop of body over the chunks [from, to) (fields; from ""
	// is 0).
	run := func(name, from, to string, edge bool) {
		c := GP64()
		MOVQ(g.field(to), c)
		if from != "" {
			SUBQ(g.field(from), c)
		}
		Label(lbl(name))
		TESTQ(c, c)
		JLE(LabelRef(lbl(name + "Done")))
		body(edge, edge)
		DECQ(c)
		JMP(LabelRef(lbl(name)))
		Label(lbl(name + "Done"))
	}
	run("left", "", "c0", true)
	run("inner", "c0", "c1", false)
	Comment("The tail chunk at output tail, overlapping the previous one, or the trailing edges.")
	t = GP64()
	MOVQ(g.field("tail"), t)
	TESTQ(t, t)
	JS(LabelRef(lbl("right")))
	MOVQ(t, do)
	SHLQ(U8(log2(v.es)), do)
	if g.withIdx() {
		c := GP64()
		MOVQ(t, c)
		IMUL3Q(U32(s), c, c)
		v.ibcast(c, colv)
		v.iadd(g.iotaS, colv, colv)
	}
	body(false, true)
	JMP(LabelRef(lbl("rowEnd")))
	Label(lbl("right"))
	run("rightLoop", "c1", "nc", true)
	Label(lbl("rowEnd"))
	if g.detects() {
		g.nanTest()
		JNE(LabelRef(g.lbl("leave")))
	}
	Comment("Next row, slab, plane.")
	for _, t := range T {
		ADDQ(g.field("srcRow"), t)
	}
	ADDQ(g.field("dstRow"), D)
	if g.withIdx() {
		ADDQ(g.field("idxRow"), X)
		t := GP64()
		MOVL(rowI, t.As32())
		ADDL(g.field("rowIdx"), t.As32())
		MOVL(t.As32(), rowI)
	}
	DECQ(r)
	JNZ(LabelRef(lbl("row")))
	for _, t := range T {
		ADDQ(slabAdj, t)
	}
	ADDQ(dSlabAdj, D)
	if g.withIdx() {
		ADDQ(xSlabAdj, X)
		t := GP64()
		MOVL(rowI, t.As32())
		ADDL(iSlabAdj, t.As32())
		MOVL(t.As32(), rowI)
	}
	DECQ(zS)
	JNZ(LabelRef(lbl("slab")))
	for _, t := range T {
		ADDQ(planeAdj, t)
	}
	ADDQ(dPlaneAdj, D)
	if g.withIdx() {
		ADDQ(xPlaneAdj, X)
	}
	INCQ(g.pl)
	JMP(LabelRef(lbl("plane")))
}
