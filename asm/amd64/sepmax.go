package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The separable max kernels: the hot geometries of max pooling (stride 1 or
// 2, small kernels) get a kernel of their own, with the horizontal taps
// (kernel k, dilation d) fixed at generation time.
//
// A row of outputs is computed from blocks of s*L input columns, block c
// starting at column c*s*L (aligned loads when the row is): the vertical
// maximum of the block over the window's rows (j.rowOff) is taken once, and
// the horizontal taps of chunk c (L outputs, windows starting p columns
// before block c) are then read from the vertical maxima of blocks c-1, c and
// c+1 by register permutes with immediate shifts. Block maxima carry over to
// the next chunk; when the taps do not reach block c+1 (stride 2 with kernel
// 2 and padding 0, or kernel 3 and padding 1: most of the suite), the loop
// computes each block just before its chunk.
//
// NaN and zeros: VMAXPS drops a NaN in its first operand and picks either
// zero for the maximum of +0 and -0, where the generic kernel keeps the first
// zero in row-major order. So the vertical step checks each block for NaN (one
// ordered compare per two loads), and each chunk's outputs are checked for
// zeros: a chunk whose blocks hold a NaN, or with a zero output, is computed by
// the exact row-major code of the window kernels (windowMax*), bit for bit the
// generic result except for a NaN's payload. Data without NaN and zero maxima
// never takes that path; windows of zeros (say, after a ReLU) do.

// sepCombos are the (stride, kernel, dilation, padding) that get a separable
// kernel.
var sepCombos = [][4]int{
	{2, 2, 1, 0}, {2, 2, 1, 1}, {2, 3, 1, 0}, {2, 3, 1, 1}, // S2, S8; S1, S7, S9, S11
	{1, 2, 1, 0}, {1, 2, 1, 1}, {1, 3, 1, 0}, {1, 3, 1, 1}, {1, 3, 2, 0}, {1, 3, 2, 1}, // S12
}

// block is the vertical maxima of one block of columns: for stride 2 the even
// and the odd columns (e, o), for stride 1 the columns (e).
type block struct {
	e, o VecVirtual
}

func sepMax(is isa, s, k, d, p int) {
	g := &wgen{is: is, fam: famMax, mode: s, L: is.L}
	name := fmt.Sprintf("windowMaxS%dK%dD%dP%d%s", s, k, d, p, is.name)
	TEXT(name, NOSPLIT, "func(j *rowJob)")
	Pragma("noescape")
	Doc(
		fmt.Sprintf("%s computes the maximum of every window (NaN if the window holds one)", name),
		fmt.Sprintf("for stride %d, %d horizontal taps %d apart and padding %d, %d outputs at a time, vertical maximum first.", s, k, d, p, is.L),
	)
	g.jp = GP64()
	Load(Param("j"), g.jp)
	g.prologue()
	if is.z && s == 2 {
		g.oddIdx = ZMM()
		VMOVDQU32(oddTab, g.oddIdx)
	}
	g.rowLoops(func() { g.sepRow(s, k, d, p) })
	VZEROUPPER()
	RET()
}

// sepRow computes one output row, block by block. Block b holds the columns
// from b*s*L on (aligned loads when the row is), so chunk c's windows start
// p columns before block c: its taps come from blocks c-1, c and c+1.
// flags: bit 0, 1, 2 set when the previous, current, next block holds a NaN.
// The block loop is written out once per number of vertical taps (1 to 4, and
// any), so that the choice is made once per row.
func (g *wgen) sepRow(s, k, d, p int) {
	L := g.L
	bw := s * L // columns per block
	st := &sepState{x: GP64(), ow0B: GP64(), b: GP64(), flags: GP64(), zero: g.is.vec()}
	reach := (k-1)*d - p // the last tap's column offset from a chunk's block
	st.look = (s == 2 && reach >= 2) || (s == 1 && reach >= 1)
	VXORPS(st.zero, st.zero, st.zero)
	Comment(fmt.Sprintf("x: byte offset of block b (%d columns); ow0B: of the chunk's first output.", bw))
	XORQ(st.x, st.x)
	XORQ(st.ow0B, st.ow0B)
	XORQ(st.b, st.b)
	XORQ(st.flags, st.flags)
	newBlock := func() block {
		blk := block{e: g.is.vec()}
		if s == 2 {
			blk.o = g.is.vec()
		}
		return blk
	}
	st.prev, st.cur, st.nxt = newBlock(), newBlock(), newBlock()
	if p > 0 {
		Comment("The block before the row: padding, -inf.")
		VMOVAPS(g.negInf, st.prev.e)
		if s == 2 {
			VMOVAPS(g.negInf, st.prev.o)
		}
	}
	Comment("The loop for this job's number of vertical taps.")
	g.sepDispatch("rows")
	for _, nr := range sepRowCounts {
		Label(fmt.Sprintf("rows%d", nr))
		g.sepBlocks(s, k, d, p, nr, st)
	}

	Label("exact")
	Comment("A chunk with a NaN or a zero: colB, the byte offset of its first window start.")
	saveX, saveB, saveF := AllocLocal(8), AllocLocal(8), AllocLocal(8)
	MOVQ(st.x, saveX)
	MOVQ(st.b, saveB)
	MOVQ(st.flags, saveF)
	colB := GP64()
	MOVQ(st.x, colB)
	if st.look {
		SUBQ(U32(4*(bw+p)), colB) // the current block is at x-4*bw
	} else if p > 0 {
		SUBQ(U32(4*p), colB) // the current block is at x
	}
	g.chunk(true, st.ow0B, colB)
	MOVQ(saveX, st.x)
	MOVQ(saveB, st.b)
	MOVQ(saveF, st.flags)
	n := GP64()
	MOVQ(g.f("woB"), n)
	SUBQ(st.ow0B, n)
	CMPQ(n, U32(4*L))
	JLT(LabelRef("rowEnd"))
	g.sepDispatch("nextChunk")
}

// sepRowCounts are the numbers of vertical taps with a block loop of their
// own (straight code); 0 is the loop for any other number.
var sepRowCounts = []int{3, 2, 4, 1, 0}

// sepState holds the registers of a separable row.
type sepState struct {
	x, ow0B, b, flags GPVirtual
	prev, cur, nxt    block
	look              bool       // the taps reach the next block
	zero              VecVirtual // +0
}

// sepDispatch jumps to label+N for the job's number of vertical taps N (label+0
// for any other).
func (g *wgen) sepDispatch(label string) {
	n := GP64()
	MOVQ(g.f("nrows"), n)
	for _, nr := range sepRowCounts {
		if nr == 0 {
			JMP(LabelRef(label + "0"))
			break
		}
		CMPQ(n, U32(nr))
		JEQ(LabelRef(fmt.Sprintf("%s%d", label, nr)))
	}
}

// sepBlocks emits the block loop of a row for nr vertical taps (0: any).
func (g *wgen) sepBlocks(s, k, d, p, nr int, st *sepState) {
	z, L := g.is.z, g.L
	prev, cur, nxt := st.prev, st.cur, st.nxt
	lbl := func(l string) string { return fmt.Sprintf("%s%d", l, nr) }
	Label(lbl("block"))
	used := 6 // flags of the current and next blocks (bits 1, 2)
	if st.look {
		g.vert(s, st.x, st.b, st.flags, nxt, nr, 4)
		TESTQ(st.b, st.b)
		JNZ(LabelRef(lbl("outputs")))
		Comment("Block 0 only starts the row.")
		g.rotate(s, p, prev, cur, nxt, st.x, st.b, st.flags, false)
		JMP(LabelRef(lbl("block")))
	} else {
		Comment("The taps do not reach the next block: the chunk's own block, then its outputs.")
		CMPQ(st.ow0B, g.f("woB"))
		JGE(LabelRef("rowEnd"))
		g.vert(s, st.x, st.b, st.flags, cur, nr, 2)
		used = 2
	}

	Label(lbl("outputs"))
	if p > 0 {
		used |= 1 // and the previous one
	}
	Comment("A chunk whose blocks hold a NaN: the exact row-major code.")
	TESTQ(U32(used), st.flags)
	JNZ(LabelRef("exact"))
	Comment("The chunk's outputs: horizontal taps are shifts of the blocks' maxima.")
	var out VecVirtual
	for kw := 0; kw < k; kw++ {
		o := kw*d - p // column of the tap relative to the current block, lane 0
		from := [2]block{cur, nxt}
		sh := o
		if s == 2 {
			sh = o >> 1 // floor
		}
		if sh < 0 {
			from, sh = [2]block{prev, cur}, sh+L
		}
		xc, xn := from[0].e, from[1].e
		if s == 2 && o&1 == 1 {
			xc, xn = from[0].o, from[1].o
		}
		if !st.look && from[1] == nxt && sh > 0 {
			panic("tap beyond the current block without lookahead")
		}
		tap := g.shift(xc, xn, sh)
		switch kw {
		case 0:
			out = tap
		case 1:
			t0 := out
			out = g.is.vec()
			VMAXPS(tap, t0, out)
		default:
			VMAXPS(tap, out, out)
		}
	}
	if k == 1 {
		t0 := out
		out = g.is.vec()
		g.mov(t0, out)
	}
	Comment("A zero output takes its sign from the first zero of its window: the exact code.")
	zero := st.zero
	if z {
		kz := K()
		VCMPPS(U8(0), zero, out, kz) // out == 0
		KORTESTW(kz, kz)
		JNZ(LabelRef("exact"))
	} else {
		mz := YMM()
		VCMPPS(U8(0), zero, out, mz)
		VPTEST(mz, mz)
		JNZ(LabelRef("exact"))
	}

	Comment("Store, under a mask for the last chunk.")
	pd, n := GP64(), GP64()
	MOVQ(g.dstR, pd)
	MOVQ(g.f("woB"), n)
	SUBQ(st.ow0B, n)
	CMPQ(n, U32(4*L))
	JLT(LabelRef(lbl("tailStore")))
	VMOVUPS(out, Mem{Base: pd, Index: st.ow0B, Scale: 1})
	Label(lbl("nextChunk"))
	ADDQ(U32(4*L), st.ow0B)
	if st.look {
		g.rotate(s, p, prev, cur, nxt, st.x, st.b, st.flags, true)
	} else {
		if p > 0 {
			g.mov(cur.e, prev.e)
			if s == 2 {
				g.mov(cur.o, prev.o)
			}
		}
		SHRQ(U8(1), st.flags)
		ADDQ(U32(4*s*L), st.x)
		INCQ(st.b)
	}
	JMP(LabelRef(lbl("block")))
	Label(lbl("tailStore"))
	SHRQ(U8(2), n)
	if z {
		t := GP64()
		MOVQ(I32(-1), t)
		BZHIQ(n, t, t)
		km := K()
		KMOVW(t.As32(), km)
		VMOVUPS(out, km, Mem{Base: pd, Index: st.ow0B, Scale: 1})
	} else {
		nm := YMM()
		bcast32(g.is, n, nm)
		VPCMPGTD(iotaTab, nm, nm)
		VMASKMOVPS(out, nm, Mem{Base: pd, Index: st.ow0B, Scale: 1})
	}
	JMP(LabelRef("rowEnd"))
}

// rotate moves on by a block: the current block becomes the previous one
// (when the taps reach back, p > 0, and it was a chunk's), the next the
// current one; flags follow.
func (g *wgen) rotate(s, p int, prev, cur, nxt block, x, b, flags GPVirtual, keepPrev bool) {
	if p > 0 && keepPrev {
		g.mov(cur.e, prev.e)
		if s == 2 {
			g.mov(cur.o, prev.o)
		}
	}
	g.mov(nxt.e, cur.e)
	if s == 2 {
		g.mov(nxt.o, cur.o)
	}
	SHRQ(U8(1), flags)
	if p > 0 && !keepPrev {
		ANDQ(U32(2), flags) // block 0 was no chunk's: the previous block is padding
	}
	ADDQ(U32(4*s*g.L), x)
	INCQ(b)
}

// mov copies a vector register.
func (g *wgen) mov(src, dst VecVirtual) {
	VMOVAPS(src, dst)
}

// shift returns lanes sh..sh+L-1 of the concatenation of cur and nxt.
func (g *wgen) shift(cur, nxt VecVirtual, sh int) VecVirtual {
	L := g.L
	switch {
	case sh == 0:
		return cur
	case sh == L:
		return nxt
	case sh > L:
		panic("shift beyond the next block")
	}
	r := g.is.vec()
	if g.is.z {
		VALIGND(U8(sh), cur, nxt, r)
		return r
	}
	h := YMM()
	VPERM2F128(U8(0x21), nxt, cur, h) // cur's high half, nxt's low half
	switch {
	case sh < 4:
		VPALIGNR(U8(4*sh), cur, h, r)
	case sh == 4:
		return h
	default:
		VPALIGNR(U8(4*(sh-4)), h, nxt, r)
	}
	return r
}

// vert computes into blk the vertical maxima of block b (at byte offset x
// of the current output row), and sets bit in flags when the block holds a
// NaN.
func (g *wgen) vert(s int, x, b, flags GPVirtual, blk block, nr int, bit uint32) {
	z := g.is.z
	lbl := func(l string) string { return fmt.Sprintf("%s%d", l, nr) }
	base := GP64()
	MOVQ(g.srcR, base)
	ADDQ(x, base)
	m := make([]VecVirtual, s) // maxima of the block's vectors
	for i := range m {
		m[i] = g.is.vec()
	}
	var kok OpmaskVirtual // AVX-512: lanes with no NaN yet
	var u VecVirtual      // AVX2: all ones where a NaN was seen
	if z {
		kok = K()
	} else {
		u = YMM()
	}
	Comment("Which columns of the block lie inside the row: block 0 has lmask, blocks from rfirst rmask.")
	bits := GP64()
	TESTQ(b, b)
	JZ(LabelRef(lbl("left")))
	CMPQ(b, g.f("rfirst"))
	JGE(LabelRef(lbl("right")))
	Label(lbl("inner"))
	g.vertRows(s, base, m, kok, u, nil, nil, nr, lbl("inner"))
	JMP(LabelRef(lbl("vdone")))

	Label(lbl("left"))
	MOVQ(g.f("lmask"), bits)
	t := GP64()
	MOVQ(U64(uint64(1)<<(s*g.L)-1), t)
	CMPQ(bits, t)
	JEQ(LabelRef(lbl("inner")))
	JMP(LabelRef(lbl("masked")))
	Label(lbl("right"))
	t = GP64()
	MOVQ(b, t)
	SUBQ(g.f("rfirst"), t)
	LEAQ(g.f("rmask"), bits)
	MOVQ(Mem{Base: bits, Index: t, Scale: 8}, bits)
	TESTQ(bits, bits)
	JNZ(LabelRef(lbl("masked")))
	Comment("A block wholly outside the row: -inf.")
	for i := range m {
		VMOVAPS(g.negInf, m[i])
	}
	JMP(LabelRef(lbl("vpermute")))

	Label(lbl("masked"))
	Comment("Columns outside the row read -inf.")
	var km []OpmaskVirtual
	var vm []Op
	if z {
		km = make([]OpmaskVirtual, s)
		for i := range km {
			km[i] = K()
			KMOVW(bits.As32(), km[i])
			if i+1 < s {
				SHRQ(U8(16), bits)
			}
		}
	} else {
		vm = make([]Op, s)
		for i := range vm {
			mv := YMM()
			bcast32(g.is, bits, mv)
			VPAND(bitsTab, mv, mv)
			VPCMPEQD(bitsTab, mv, mv)
			vm[i] = g.keep(mv)
			if i+1 < s {
				SHRQ(U8(8), bits)
			}
		}
	}
	g.vertRows(s, base, m, kok, u, km, vm, nr, lbl("edge"))

	Label(lbl("vdone"))
	Comment("Flag a block with a NaN.")
	if z {
		KORTESTW(kok, kok)
		JCS(LabelRef(lbl("vpermute"))) // all lanes clean
	} else {
		VPTEST(u, u)
		JZ(LabelRef(lbl("vpermute")))
	}
	ORQ(U32(bit), flags)

	Label(lbl("vpermute"))
	if s == 2 {
		Comment("Even and odd columns.")
		if z {
			g.mov(m[0], blk.e)
			VPERMT2PS(m[1], g.evenIdx, blk.e)
			VPERMT2PS(m[1], g.oddIdx, m[0])
			g.mov(m[0], blk.o)
		} else {
			VSHUFPS(U8(0x88), m[1], m[0], blk.e)
			VPERMPD(U8(0xd8), blk.e, blk.e)
			VSHUFPS(U8(0xdd), m[1], m[0], blk.o)
			VPERMPD(U8(0xd8), blk.o, blk.o)
		}
	} else {
		g.mov(m[0], blk.e)
	}
}

// vertRows takes the maximum over the window's rows: straight code for nr
// rows (1 to 4), a loop over pairs for nr = 0 (any number). The loads are checked for NaN, into kok
// (AVX-512, lanes still clean) or u (AVX2, all ones where not).
// km/vm: load masks, nil inside the row.
func (g *wgen) vertRows(s int, base GPVirtual, m []VecVirtual, kok OpmaskVirtual, u VecVirtual, km []OpmaskVirtual, vm []Op, nr int, sfx string) {
	z, L := g.is.z, g.L
	lbl := func(l string) string { return l + "_" + sfx }
	load := func(addr Mem, i int) VecVirtual {
		v := g.is.vec()
		switch {
		case km != nil:
			VMOVAPS(g.negInf, v)
			VMOVUPS(addr, km[i], v)
		case vm != nil:
			mask := g.reg(vm[i])
			VMASKMOVPS(addr, mask, v)
			VBLENDVPS(mask, v, g.negInf, v)
		default:
			VMOVUPS(addr, v)
		}
		return v
	}
	// check folds the loads vs into the NaN check, one ordered compare per
	// two loads (AVX-512) or an unordered compare per load (AVX2); first
	// starts it.
	check := func(vs []VecVirtual, first bool) {
		for i, v := range vs {
			if z {
				switch {
				case i%2 == 1:
					if first && i == 1 {
						VCMPPS(U8(7), v, vs[i-1], kok) // both ordered
					} else {
						VCMPPS(U8(7), v, vs[i-1], kok, kok)
					}
				case i == len(vs)-1:
					if first && i == 0 {
						VCMPPS(U8(7), v, v, kok)
					} else {
						VCMPPS(U8(7), v, v, kok, kok)
					}
				}
			} else if first && i == 0 {
				VCMPPS(U8(3), v, v, u)
			} else {
				VCMPPS(U8(3), u, v, u)
			}
		}
	}
	// rows folds the rows at R into m, the first one when init.
	rows := func(R []GPVirtual, init bool) {
		var vs []VecVirtual
		for i := range m {
			var first VecVirtual
			for r := range R {
				a := load(Mem{Base: R[r], Disp: 4 * L * i}, i)
				switch {
				case init && r == 0 && len(R) == 1:
					VMOVAPS(a, m[i])
				case init && r == 0:
					first = a // the maximum starts with the first two rows
				case init && r == 1:
					VMAXPS(a, first, m[i])
				default:
					VMAXPS(a, m[i], m[i])
				}
				vs = append(vs, a)
			}
		}
		check(vs, init)
	}
	addr := func(disp int) GPVirtual {
		r := GP64()
		MOVQ(g.f("rowOff").Offset(disp), r)
		ADDQ(base, r)
		return r
	}
	if nr > 0 {
		R := make([]GPVirtual, nr)
		for r := range R {
			R[r] = addr(8 * r)
		}
		rows(R, true)
		return
	}
	Comment("Any number of rows: pairs, then a single one.")
	n := GP64()
	MOVQ(g.f("nrows"), n)
	for i := range m {
		VMOVAPS(g.negInf, m[i])
	}
	if z {
		KXNORW(kok, kok, kok)
	} else {
		VXORPS(u, u, u)
	}
	TP := GP64()
	LEAQ(g.f("rowOff"), TP)
	Label(lbl("pair"))
	CMPQ(n, Imm(2))
	JLT(LabelRef(lbl("single")))
	R1, R2 := GP64(), GP64()
	MOVQ(Mem{Base: TP}, R1)
	ADDQ(base, R1)
	MOVQ(Mem{Base: TP, Disp: 8}, R2)
	ADDQ(base, R2)
	rows([]GPVirtual{R1, R2}, false)
	ADDQ(Imm(16), TP)
	SUBQ(Imm(2), n)
	JMP(LabelRef(lbl("pair")))
	Label(lbl("single"))
	TESTQ(n, n)
	JZ(LabelRef(lbl("end")))
	R1 = GP64()
	MOVQ(Mem{Base: TP}, R1)
	ADDQ(base, R1)
	rows([]GPVirtual{R1}, false)
	Label(lbl("end"))
}
