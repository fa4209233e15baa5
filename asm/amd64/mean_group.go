package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The small-plane path of the global mean (8 <= n < 512): groups of 8
// planes. Each plane's a_0 stays in a register (no cascade step fits in
// fewer than 16 rows); then one 8x8 transpose makes vector l hold lane l of
// the 8 planes, and tau + lane 0 + ... + lane 7 is 8 vector additions, one
// division and one store for the group. ymm only, so that AVX-512 keeps port
// 1 for vector work.
//
// A group spans 8n floats, a multiple of 32 bytes, so every group has its
// first group's alignment: each slot's blend mask and unrotation indices are
// computed once per call. The code of a group is specialised by the number of
// rows (0, 1, more) and by E = (n/8)%4, so that a slot runs no branch but its
// row loop's; the tails of the 8 planes are gathered and summed once per
// group. Every plane of a group but the call's last has the next plane after
// it, so V_{4R+E} can always be read; the last group is left to the cascade
// path when that vector may lie past the input (n%8 = 0 and slot 7 aligned),
// as are the planes after the last whole group.

const meanGroup = 8

// groupRegs are the per-call registers and tables of the small-plane path.
type groupRegs struct {
	p       GPVirtual // the plane of the slot (advanced by 4n per slot)
	n4      GPVirtual // 4n
	vecB    GPVirtual // 4*(n &^ 7): from a plane to its tail
	rows128 GPVirtual // 128R: from a plane's aligned base to V_{4R}
	tail    GPVirtual // k
	ngroups GPVirtual
	low     GPVirtual // 31: a & ^low is a's aligned vector
	mask    Mem       // 8 x 32 (AVX2) or 8 x 8 (AVX-512, a byte): lanes < r of slot j
	perm    Mem       // AVX2: 8 x 32, the unrotation indices r, r+1, ... of slot j
	// AVX-512: the indices of the VPERMT2PS that unrotate slots 2i and 2i+1
	// and interleave them (the transpose's first step): pair[2i] their
	// lanes 0, 1, 4, 5, pair[2i+1] their lanes 2, 3, 6, 7.
	pair []VecVirtual
}

func (g *meanGen) groups() {
	gr := &groupRegs{p: g.src, n4: GP64(), vecB: GP64(), rows128: GP64(), tail: GP64(), ngroups: GP64(), low: GP64()}
	if g.is.z {
		gr.mask = AllocLocal(8 * meanGroup)
		for range meanGroup {
			gr.pair = append(gr.pair, YMM())
		}
	} else {
		gr.mask, gr.perm = AllocLocal(meanYBytes*meanGroup), AllocLocal(meanYBytes*meanGroup)
	}
	MOVQ(g.planes, gr.ngroups)
	SHRQ(U8(3), gr.ngroups)
	JZ(LabelRef("cascade"))
	ANDQ(U8(meanGroup-1), g.planes)
	g.slotTables(gr)
	MOVQ(g.n4, gr.n4)
	MOVQ(g.vecB, gr.vecB)
	MOVQ(g.rows, gr.rows128)
	SHLQ(U8(7), gr.rows128)
	MOVQ(g.tail, gr.tail)
	MOVQ(U32(meanYBytes-1), gr.low)

	Comment("One group loop per shape of the fold: 0, 1 or more rows, E extra vectors.")
	for rows := 0; rows < 2; rows++ {
		CMPQ(g.rows, U8(rows))
		JNE(LabelRef(fmt.Sprintf("groupNot%d", rows)))
		v := groupVariant{rows: rows}
		v.dispatch(g)
		Label(fmt.Sprintf("groupNot%d", rows))
	}
	v := groupVariant{rows: 2}
	v.dispatch(g)
	for rows := 0; rows < 3; rows++ {
		for e := 0; e < 4; e++ {
			if rows == 0 && e == 0 {
				continue // n >= 8: without rows there is at least one vector
			}
			v := &groupVariant{g: g, gr: gr, rows: rows, e: e}
			v.emit()
		}
	}
	Label("groupsDone")
	Comment("The planes after the last whole group, one at a time.")
}

// slotTables fills the slots' masks and unrotation indices from the first
// plane's address, and leaves the last group to the cascade path when its
// last plane's V_{4R+E} may lie past the input.
func (g *meanGen) slotTables(gr *groupRegs) {
	Comment("The slots' masks and unrotation indices, the same in every group.")
	off, rb, t, prev := GP64(), GP64(), GP64(), GP64()
	var kodd OpmaskVirtual
	pt := GP64() // pairTab (AVX-512), iota32 (AVX2)
	if g.is.z {
		kodd = K()
		MOVL(U32(0xaa), t.As32())
		KMOVB(t.As32(), kodd)
		LEAQ(pairTab, pt)
	} else {
		LEAQ(iotaTab, pt)
	}
	MOVQ(g.src, off)
	for j := 0; j < meanGroup; j++ {
		Commentf("Slot %d.", j)
		MOVQ(off, rb)
		ANDQ(U8(meanYBytes-1), rb)
		if g.is.z {
			SHRQ(U8(2), rb)
			MOVL(U32(0xff), t.As32())
			BZHIL(rb.As32(), t.As32(), t.As32())
			MOVQ(t, gr.mask.Offset(8*j))
			if j%2 == 0 {
				MOVQ(rb, prev)
			} else {
				g.pairIndices(gr.pair[j-1], gr.pair[j], prev, rb, kodd, pt)
			}
		} else {
			v := YMM()
			VMOVUPS(Mem{Base: pt, Index: rb, Scale: 1}, v)
			VMOVUPS(v, gr.perm.Offset(meanYBytes*j))
			LEAQ(lanes8Tab.Offset(meanYBytes), t)
			SUBQ(rb, t)
			VMOVUPS(Mem{Base: t}, v)
			VMOVUPS(v, gr.mask.Offset(meanYBytes*j))
		}
		if j+1 < meanGroup {
			ADDQ(g.n4, off)
		}
	}
	Comment("n%8 = 0 and slot 7 aligned: the last group's V_{4R+E} would lie past the input.")
	ORQ(g.tail, rb) // rb: slot 7's r (or 4r)
	JNZ(LabelRef("slotsDone"))
	ADDQ(U8(meanGroup), g.planes)
	DECQ(gr.ngroups)
	JZ(LabelRef("cascade"))
	Label("slotsDone")
}

// pairTab holds, for pairIndices, the int32 vectors: the lanes of the two
// sources that unpcklps takes (0 0 1 1 4 4 5 5), those of unpckhps (2 2 3 3
// 6 6 7 7), the table bit of VPERMT2PS (0 8 0 8 ...), and 7s.
var pairTab Mem

func pairTable() {
	if pairTab.Symbol.Name != "" {
		return
	}
	pairTab = GLOBL("meanpair", RODATA|NOPTR)
	rows := [4][8]uint32{
		{0, 0, 1, 1, 4, 4, 5, 5},
		{2, 2, 3, 3, 6, 6, 7, 7},
		{0, 8, 0, 8, 0, 8, 0, 8},
		{7, 7, 7, 7, 7, 7, 7, 7},
	}
	for i, row := range rows {
		for l, v := range row {
			DATA(4*(8*i+l), U32(v))
		}
	}
}

// pairIndices sets lo and hi to the VPERMT2PS indices that unrotate slots
// with offsets r0 and r1 (floats) and interleave them: lane p takes lane
// (r + e_p)%8 of slot p%2, e_p = 0 0 1 1 4 4 5 5 (lo) or 2 2 3 3 6 6 7 7 (hi).
func (g *meanGen) pairIndices(lo, hi VecVirtual, r0, r1 GPVirtual, kodd OpmaskVirtual, pt GPVirtual) {
	R, v := YMM(), YMM()
	VPBROADCASTD(r0.As32(), R)
	VPBROADCASTD(r1.As32(), v)
	VPBLENDMD(v, R, kodd, R)
	for i, x := range []VecVirtual{lo, hi} {
		VPADDD(Mem{Base: pt, Disp: meanYBytes * i}, R, x)
		VPANDD(Mem{Base: pt, Disp: meanYBytes * 3}, x, x)
		VPORD(Mem{Base: pt, Disp: meanYBytes * 2}, x, x)
	}
}

// groupVariant is the group loop for one shape of the fold.
type groupVariant struct {
	g    *meanGen
	gr   *groupRegs
	rows int // 0, 1, or 2 for more
	e    int // E
}

func (v *groupVariant) name() string {
	return fmt.Sprintf("groupR%dE%d", v.rows, v.e)
}

// dispatch jumps to the variant of v.rows for the call's E.
func (v groupVariant) dispatch(g *meanGen) {
	first := 0
	if v.rows == 0 {
		first = 1
	}
	for e := first; e < 3; e++ {
		v.e = e
		CMPQ(g.extra, U8(e))
		JEQ(LabelRef(v.name()))
	}
	v.e = 3
	JMP(LabelRef(v.name()))
}

func (v *groupVariant) emit() {
	g := v.g
	loop := v.name()
	Label(loop)
	Commentf("Groups of 8 planes with %d rows (2: more), E = %d.", v.rows, v.e)
	A := make([]VecVirtual, meanGroup)
	for j := range A {
		A[j] = YMM()
		v.slot(j, A[j])
	}
	tau := v.tails()
	s := g.groupSums(A, tau, v.gr.pair)
	VMOVUPS(s, Mem{Base: g.dst})
	ADDQ(U8(4*meanGroup), g.dst)
	DECQ(v.gr.ngroups)
	JNZ(LabelRef(loop))
	JMP(LabelRef("groupsDone"))
}

// slot computes slot j's plane (at gr.p) into A, its a_0 (unrotated on AVX2;
// AVX-512 leaves that to groupSums' pair permutes), and moves gr.p to the
// next plane.
func (v *groupVariant) slot(j int, A VecVirtual) {
	g, gr := v.g, v.gr
	lbl := func(s string) string { return fmt.Sprintf("%s%s%d", v.name(), s, j) }
	Commentf("Plane %d of the group.", j)
	a := GP64()
	ANDNQ(gr.p, gr.low, a)
	V := func(i int) Mem { return Mem{Base: a, Disp: meanYBytes * i} }
	X := func(i int) Mem { return Mem{Base: a, Index: gr.rows128, Scale: 1, Disp: meanYBytes * i} }
	last := Mem{Base: a, Index: gr.vecB, Scale: 1}
	m := v.laneMask(j)
	H := A // AVX-512: a_0 stays rotated until groupSums
	if !g.is.z {
		H = YMM()
	}
	if v.rows == 0 {
		v.noRows(m, H, V, last)
	} else {
		S := []VecVirtual{H, YMM(), YMM(), YMM(), YMM()}
		for c := 0; c < 4; c++ {
			VMOVAPS(V(c), S[c])
		}
		// S4's last vector: V_{4R}, the first extra one, or last when E = 0.
		s4 := last
		if v.e > 0 {
			s4 = X(0)
		}
		if v.rows == 1 {
			VMOVAPS(s4, S[4])
		} else {
			v.rowChains(lbl, S, a, s4)
		}
		// V_{4R+i}: S4 holds V_{4R} when R = 1.
		ext := func(i int) Op {
			switch {
			case i == v.e:
				return last
			case i == 0 && v.rows == 1:
				return S[4]
			}
			return X(i)
		}
		g.fold(m, S, v.e, ext)
	}
	if !g.is.z {
		Comment("Unrotate: lane l of a_0 is lane (r+l)%8.")
		idx := YMM()
		VMOVUPS(gr.perm.Offset(meanYBytes*j), idx)
		VPERMPS(H, idx, A)
	}
	ADDQ(gr.n4, gr.p)
}

// laneMask loads slot j's mask of the lanes < r: an opmask (AVX-512) or a
// vector (AVX2).
func (v *groupVariant) laneMask(j int) Op {
	if v.g.is.z {
		k := K()
		KMOVB(v.gr.mask.Offset(8*j), k)
		return k
	}
	m := YMM()
	VMOVUPS(v.gr.mask.Offset(meanYBytes*j), m)
	return m
}

// noRows sets H to a_0 (rotated) of a plane without rows: x_0 + ... +
// x_{E-1}, x_e being V_e's and V_{e+1}'s blend (V_E at last), in fold's two
// ways.
func (v *groupVariant) noRows(m Op, H VecVirtual, V func(int) Mem, last Mem) {
	next := func(e int) Mem {
		if e+1 == v.e {
			return last
		}
		return V(e + 1)
	}
	if v.g.is.z {
		VMOVAPS(V(0), H)
		v.g.blend(m, next(0), H, H)
		x := YMM()
		for e := 1; e < v.e; e++ {
			VMOVAPS(V(e), x)
			v.g.blend(m, next(e), x, x)
			VADDPS(x, H, H)
		}
		return
	}
	Lo := YMM()
	VMOVAPS(V(0), H)
	VMOVAPS(next(0), Lo)
	for e := 1; e < v.e; e++ {
		VADDPS(V(e), H, H)
		VADDPS(next(e), Lo, Lo)
	}
	v.g.blend(m, Lo, H, H)
}

// rowChains adds rows 1..R-1 (R >= 2) to the chains S0..S3 (which hold row
// 0) and sets S4 = V_4 + V_8 + ... + V_{4R}, the last one at s4.
func (v *groupVariant) rowChains(lbl func(string) string, S []VecVirtual, a GPVirtual, s4 Mem) {
	g := v.g
	q, cnt := GP64(), GP64()
	LEAQ(Mem{Base: a, Disp: meanRowBytes}, q)
	MOVQ(g.rows, cnt)
	DECQ(cnt)
	row := func(first bool) {
		x := YMM()
		VMOVAPS(Mem{Base: q}, x)
		if first {
			VMOVAPS(x, S[4])
		} else {
			VADDPS(x, S[4], S[4])
		}
		VADDPS(x, S[0], S[0])
		for c := 1; c < 4; c++ {
			VADDPS(Mem{Base: q, Disp: meanYBytes * c}, S[c], S[c])
		}
		ADDQ(U8(meanRowBytes), q)
		DECQ(cnt)
	}
	row(true)
	JZ(LabelRef(lbl("rowsEnd")))
	Label(lbl("row"))
	row(false)
	JNZ(LabelRef(lbl("row")))
	Label(lbl("rowsEnd"))
	VADDPS(s4, S[4], S[4])
}

// tails returns tau of the group's 8 planes (the 8 before gr.p):
// +0 + t_0 + ... + t_{k-1} lane by lane, t_i gathered from the 8 planes.
func (v *groupVariant) tails() VecVirtual {
	gr, loop := v.gr, v.name()+"tail"
	Comment("tau of the 8 planes: their tail floats t_0, t_1, ... gathered and added from +0.")
	tau := YMM()
	VXORPS(tau, tau, tau)
	TESTQ(gr.tail, gr.tail)
	JZ(LabelRef(loop + "End"))
	// Planes 0, 1, 2, 4 from b0 (n4 scaled by 0, 1, 2, 4); 3, 5, 7 from b3; 6 from b2.
	b0, b2, b3, i := GP64(), GP64(), GP64(), GP64()
	MOVQ(gr.n4, b0)
	SHLQ(U8(3), b0)
	NEGQ(b0)
	ADDQ(gr.p, b0)
	ADDQ(gr.vecB, b0)
	LEAQ(Mem{Base: b0, Index: gr.n4, Scale: 2}, b2)
	LEAQ(Mem{Base: b2, Index: gr.n4, Scale: 1}, b3)
	MOVQ(gr.tail, i)
	at := []Mem{
		{Base: b0}, {Base: b0, Index: gr.n4, Scale: 1}, {Base: b0, Index: gr.n4, Scale: 2}, {Base: b3},
		{Base: b0, Index: gr.n4, Scale: 4}, {Base: b3, Index: gr.n4, Scale: 2}, {Base: b2, Index: gr.n4, Scale: 4}, {Base: b3, Index: gr.n4, Scale: 4},
	}
	Label(loop)
	t := YMM()
	if v.g.is.z {
		// Inserts (VBLENDPS has no EVEX form for the upper 16 registers).
		h := []VecVirtual{XMM(), XMM()}
		for j, m := range at {
			x := h[j/4]
			if j%4 == 0 {
				VMOVSS(m, x)
			} else {
				VINSERTPS(U8((j%4)<<4), m, x, x)
			}
		}
		VINSERTF32X4(U8(1), h[1], h[0].AsY(), t)
	} else {
		// Broadcast loads and blends (any vector port; an insert takes port 5).
		b := YMM()
		VBROADCASTSS(at[0], t)
		for j := 1; j < len(at); j++ {
			VBROADCASTSS(at[j], b)
			VBLENDPS(U8(1<<j), b, t, t)
		}
	}
	VADDPS(t, tau, tau)
	for _, b := range []GPVirtual{b0, b2, b3} {
		ADDQ(U8(4), b)
	}
	DECQ(i)
	JNZ(LabelRef(loop))
	Label(loop + "End")
	return tau
}

// groupSums returns the 8 means of the group whose a_0 are A (rotated on
// AVX-512, where pair unrotates them) and whose tau is tau: vector l of the
// transpose holds lane l of every plane, and tau + lane 0 + ... + lane 7 is
// then 8 vector additions, divided by float32(n).
func (g *meanGen) groupSums(A []VecVirtual, tau VecVirtual, pair []VecVirtual) VecVirtual {
	L := g.transpose8(A, pair)
	Comment("tau + lane 0 + ... + lane 7, then / float32(n).")
	s := YMM()
	VADDPS(L[0], tau, s)
	for l := 1; l < len(L); l++ {
		VADDPS(L[l], s, s)
	}
	VDIVPS(g.fn, s, s)
	return s
}

// transpose8 returns L, L[l] holding lane l of the 8 vectors A (A is
// clobbered). With pair (AVX-512), A's vectors are rotated and the first
// step unrotates them (pairIndices).
func (g *meanGen) transpose8(A, pair []VecVirtual) []VecVirtual {
	Comment("Transpose: L[l] = lane l of the 8 vectors.")
	t := make([]VecVirtual, 8)
	for i := 0; i < 8; i += 2 {
		if pair != nil {
			t[i], t[i+1] = YMM(), A[i]
			VMOVAPS(A[i], t[i])
			VPERMT2PS(A[i+1], pair[i], t[i])
			VPERMT2PS(A[i+1], pair[i+1], t[i+1])
		} else {
			t[i], t[i+1] = YMM(), YMM()
			VUNPCKLPS(A[i+1], A[i], t[i])
			VUNPCKHPS(A[i+1], A[i], t[i+1])
		}
	}
	// t[h], t[h+2]: lanes 0,1 (4,5) of vectors h..h+3; t[h+1], t[h+3]: lanes 2,3 (6,7).
	u := make([]VecVirtual, 8)
	for h := 0; h < 8; h += 4 {
		for i := 0; i < 2; i++ {
			u[h+2*i], u[h+2*i+1] = YMM(), YMM()
			VSHUFPS(U8(0x44), t[h+i+2], t[h+i], u[h+2*i])
			VSHUFPS(U8(0xee), t[h+i+2], t[h+i], u[h+2*i+1])
		}
	}
	// u[i] (i < 4): lane i (low half) and lane i+4 (high half) of vectors 0..3; u[i+4] of vectors 4..7.
	L := make([]VecVirtual, 8)
	for i := 0; i < 4; i++ {
		L[i], L[i+4] = YMM(), YMM()
		if g.is.z {
			VSHUFF32X4(U8(0x0), u[i+4], u[i], L[i])
			VSHUFF32X4(U8(0x3), u[i+4], u[i], L[i+4])
		} else {
			VPERM2F128(U8(0x20), u[i+4], u[i], L[i])
			VPERM2F128(U8(0x31), u[i+4], u[i], L[i+4])
		}
	}
	return L
}
