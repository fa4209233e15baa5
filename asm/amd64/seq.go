package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"github.com/simdpool/simdpool/asm/table"
)

// The token-rows kernels of package seqpool (kind TokenRows; their contracts
// are seqpool's sum_kernel.go and max_kernel.go):
//
//	func(acc, rows, w *byte, stride, n, cols int, fresh bool)
//
// fold the n rows rows[j*stride : j*stride+cols] (elements), in order, into
// the cols values at acc. Each column is one lane, so the order over the rows
// is the scalar one and the results are its bits. The columns go in strips of
// tokenStrip vectors held in registers while the rows stream past, then one
// vector at a time, then the last cols%L under a mask (AVX-512 opmasks, AVX2
// VMASKMOV): nothing outside the rows and acc is read or written.
//
//   - sum: acc += row 0 + row 1 + ..., or when fresh acc + (((+0 + row 0) +
//     row 1) + ...); sumProd the same with row j times w[j], each product
//     rounded (VMULPS, then VADDPS: no FMA).
//   - div: acc / w[0], one division per value (VDIVPS, correctly rounded).
//   - max: torch.max's rule, acc = x when acc is not NaN and !(x <= acc). A
//     strip takes acc = max(x, acc) with VMAXPS's operand order, which keeps
//     acc on ties (zeros of either sign included) and when acc is NaN, but
//     drops a NaN in x; so it also adds the products of pairs of rows (one
//     FMA per two loads) into sums that turn NaN when a row holds one (or,
//     harmlessly, on 0*inf and inf-inf), and when they do, leaves acc as it
//     was and folds the strip again vector by vector with the rule itself (two
//     compares and a blend per row). The single vectors and the tail always
//     take the rule.

// tokenStrip is the number of vectors of columns a strip keeps in registers:
// eight independent chains of adds hide the latency of VADDPS (four cycles)
// at two per cycle, and leave AVX2 room for the max's NaN sums.
const tokenStrip = 8

// tokenRows is the generation state of one token-rows kernel.
type tokenRows struct {
	k table.Kernel
	v vx
	// The arguments: stride is in bytes, cols counts down as the strips go;
	// rows, stride and n not for div, w only for sumProd and div, fresh only
	// for the sums.
	acc, rows, w, stride, n, cols GPVirtual
	fresh                         GPVirtual
	d                             VecVirtual // div: w[0] in every lane
	lbl                           func(string) string
}

// tokenIota32 and tokenIota64 hold lane j's index j, as int32 and int64: the
// AVX2 tail masks compare them with the number of columns left.
var tokenIota32, tokenIota64 Mem

func tokenTables() {
	tokenIota32 = GLOBL("iota32", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	tokenIota64 = GLOBL("iota64", RODATA|NOPTR)
	for i := 0; i < 4; i++ {
		DATA(8*i, U64(uint64(i)))
	}
}

// generateTokenRows emits package seqpool's kernels.
func generateTokenRows() {
	ConstraintExpr("!purego")
	tokenTables()
	for _, k := range table.TokenRowKernels("amd64") {
		tokenRowsKernel(k)
	}
	Generate()
}

func tokenRowsKernel(k table.Kernel) {
	TEXT(k.Name(), NOSPLIT, "func(acc, rows, w *byte, stride, n, cols int, fresh bool)")
	Pragma("noescape")
	Doc(k.Doc())
	g := &tokenRows{k: k, v: newVX(k.ISA == table.AVX512, k.Size), lbl: labeler(k.Name())}
	args := []struct {
		name string
		r    *GPVirtual
	}{{"acc", &g.acc}, {"cols", &g.cols}}
	if k.Op != table.Div { // the division has no rows
		args = append(args, []struct {
			name string
			r    *GPVirtual
		}{{"rows", &g.rows}, {"stride", &g.stride}, {"n", &g.n}}...)
	}
	for _, p := range args {
		*p.r = GP64()
		Load(Param(p.name), *p.r)
	}
	if k.Op == table.SumProd || k.Op == table.Div {
		g.w = GP64()
		Load(Param("w"), g.w)
	}
	if k.Op == table.Sum || k.Op == table.SumProd { // fresh: the sums'
		g.fresh = GP8()
		Load(Param("fresh"), g.fresh)
	}
	if k.Op == table.Div {
		g.d = g.v.vec()
		g.v.bcast(Mem{Base: g.w}, g.d)
	}
	if g.stride != nil {
		SHLQ(U8(shift(g.v.es)), g.stride)
	}
	L := g.v.L

	Commentf("Strips of %d vectors.", tokenStrip)
	Label(g.lbl("strip"))
	CMPQ(g.cols, U32(tokenStrip*L))
	JLT(LabelRef(g.lbl("vector")))
	switch k.Op {
	case table.Max:
		g.maxStrip()
	case table.Div:
		g.divStrip(tokenStrip, nil)
	default:
		g.sumStrip(tokenStrip, nil)
	}
	JMP(LabelRef(g.lbl("strip")))

	Comment("One vector at a time.")
	Label(g.lbl("vector"))
	CMPQ(g.cols, U32(L))
	JLT(LabelRef(g.lbl("tail")))
	switch k.Op {
	case table.Max:
		g.maxVector(nil)
	case table.Div:
		g.divStrip(1, nil)
	default:
		g.sumStrip(1, nil)
	}
	JMP(LabelRef(g.lbl("vector")))

	Comment("The last cols%L columns, under a mask.")
	Label(g.lbl("tail"))
	TESTQ(g.cols, g.cols)
	JZ(LabelRef(g.lbl("done")))
	m := g.tailMask()
	switch k.Op {
	case table.Max:
		g.maxVector(m)
	case table.Div:
		g.divStrip(1, m)
	default:
		g.sumStrip(1, m)
	}
	Label(g.lbl("done"))
	VZEROUPPER()
	RET()
}

// tailMask returns the mask of the lanes below cols (1 <= cols < L): an
// opmask with AVX-512, a vector of all-ones lanes with AVX2.
func (g *tokenRows) tailMask() Op {
	v := g.v
	if v.z {
		t := GP64()
		MOVQ(I32(-1), t)
		BZHIQ(g.cols, t, t)
		k := K()
		KMOVW(t.As32(), k)
		return k
	}
	c, m := v.vec(), v.vec()
	v.ibcast(g.cols, c)
	if v.f64() {
		VPCMPGTQ(tokenIota64, c, m)
	} else {
		VPCMPGTD(tokenIota32, c, m)
	}
	return m
}

// load loads the vector at m, under mask (nil: whole) with the lanes off it
// zero.
func (g *tokenRows) load(m Mem, mask Op, dst VecVirtual) {
	v := g.v
	switch {
	case mask == nil:
		v.load(m, dst)
	case v.z && v.f64():
		VMOVUPD_Z(m, mask, dst)
	case v.z:
		VMOVUPS_Z(m, mask, dst)
	case v.f64():
		VMASKMOVPD(m, mask, dst)
	default:
		VMASKMOVPS(m, mask, dst)
	}
}

// store stores src to m, under mask (nil: whole).
func (g *tokenRows) store(src VecVirtual, m Mem, mask Op) {
	v := g.v
	switch {
	case mask == nil:
		v.store(src, m)
	case v.z && v.f64():
		VMOVUPD(src, mask, m)
	case v.z:
		VMOVUPS(src, mask, m)
	case v.f64():
		VMASKMOVPD(src, mask, m)
	default:
		VMASKMOVPS(src, mask, m)
	}
}

// advance moves acc and rows past the s vectors of a strip.
func (g *tokenRows) advance(s int) {
	b := s * g.v.L * g.v.es
	ADDQ(U32(b), g.acc)
	if g.rows != nil {
		ADDQ(U32(b), g.rows)
	}
	SUBQ(U32(s*g.v.L), g.cols)
}

// rowLoop emits a walk over the n rows of the current strip, two at a time
// then the odd last one: pair(r) handles the rows at r and r+stride, one(r)
// the row at r, where r is the row's pointer at the strip's first column.
func (g *tokenRows) rowLoop(pair func(r GPVirtual), one func(r GPVirtual)) {
	id := labelSeq()
	lp, odd, end := g.lbl(fmt.Sprintf("pairs%d", id)), g.lbl(fmt.Sprintf("odd%d", id)), g.lbl(fmt.Sprintf("rowsEnd%d", id))
	r, j := GP64(), GP64()
	MOVQ(g.rows, r)
	MOVQ(g.n, j)
	Label(lp)
	CMPQ(j, U8(2))
	JLT(LabelRef(odd))
	pair(r)
	LEAQ(Mem{Base: r, Index: g.stride, Scale: 2}, r)
	SUBQ(U8(2), j)
	JMP(LabelRef(lp))
	Label(odd)
	TESTQ(j, j)
	JZ(LabelRef(end))
	one(r)
	Label(end)
}

// sumStrip emits the sum (or sumProd) of the rows over s vectors of columns
// (s = 1 under mask in the tail), then advances past them.
func (g *tokenRows) sumStrip(s int, mask Op) {
	v, L, es := g.v, g.v.L, g.v.es
	id := labelSeq()
	zero, rows := g.lbl(fmt.Sprintf("zero%d", id)), g.lbl(fmt.Sprintf("sumRows%d", id))
	a := make([]VecVirtual, s)
	for i := range a {
		a[i] = v.vec()
	}
	Comment("The sums start from acc, or from +0 when fresh.")
	TESTB(g.fresh, g.fresh)
	JNZ(LabelRef(zero))
	for i := range a {
		g.load(Mem{Base: g.acc, Disp: i * L * es}, mask, a[i])
	}
	JMP(LabelRef(rows))
	Label(zero)
	for i := range a {
		v.zero(a[i])
	}
	Label(rows)
	var wp GPVirtual
	if g.k.Op == table.SumProd {
		wp = GP64()
		MOVQ(g.w, wp)
	}
	// add adds the row at m into the sums (times its weight, rounded).
	add := func(m Mem) {
		var wv VecVirtual
		if wp != nil {
			wv = v.vec()
			v.bcast(Mem{Base: wp}, wv)
			ADDQ(U8(es), wp)
		}
		for i := range a {
			x := Mem{Base: m.Base, Index: m.Index, Scale: m.Scale, Disp: i * L * es}
			var t Op = x
			if mask != nil || wv != nil {
				y := v.vec()
				g.load(x, mask, y)
				if wv != nil {
					v.mul(wv, y, y)
				}
				t = y
			}
			v.add(t, a[i])
		}
	}
	g.rowLoop(func(r GPVirtual) {
		add(Mem{Base: r})
		add(Mem{Base: r, Index: g.stride, Scale: 1})
	}, func(r GPVirtual) { add(Mem{Base: r}) })
	Comment("When fresh, acc + the sums.")
	done := g.lbl(fmt.Sprintf("sumStore%d", id))
	TESTB(g.fresh, g.fresh)
	JZ(LabelRef(done))
	for i := range a {
		t := v.vec()
		g.load(Mem{Base: g.acc, Disp: i * L * es}, mask, t)
		v.add(a[i], t) // acc + a: acc's value first, as the contract adds
		v.mov(t, a[i])
	}
	Label(done)
	for i := range a {
		g.store(a[i], Mem{Base: g.acc, Disp: i * L * es}, mask)
	}
	if mask == nil {
		g.advance(s)
	}
}

// divStrip emits the division of s vectors of acc by w[0] (s = 1 under mask
// in the tail), then advances past them.
func (g *tokenRows) divStrip(s int, mask Op) {
	v, L, es := g.v, g.v.L, g.v.es
	for i := range s {
		x := v.vec()
		m := Mem{Base: g.acc, Disp: i * L * es}
		g.load(m, mask, x)
		v.div(g.d, x, x)
		g.store(x, m, mask)
	}
	if mask == nil {
		g.advance(s)
	}
}

// maxStrip emits the max over a strip of tokenStrip vectors: VMAXPS with the
// NaN sums, then, if they are NaN, the rule vector by vector; and advances.
func (g *tokenRows) maxStrip() {
	v, L, es, S := g.v, g.v.L, g.v.es, tokenStrip
	id := labelSeq()
	m := make([]VecVirtual, S)
	for i := range m {
		m[i] = v.vec()
		v.load(Mem{Base: g.acc, Disp: i * L * es}, m[i])
	}
	nan := make([]VecVirtual, S/2) // two chains of FMAs per sum: latency hidden behind the maxima
	for i := range nan {
		nan[i] = v.vec()
		v.zero(nan[i])
	}
	g.rowLoop(func(r GPVirtual) {
		for i := range m {
			x, y := v.vec(), v.vec()
			v.load(Mem{Base: r, Disp: i * L * es}, x)
			v.load(Mem{Base: r, Index: g.stride, Scale: 1, Disp: i * L * es}, y)
			v.max(x, m[i])
			v.max(y, m[i])
			v.fma(x, y, nan[i%len(nan)])
		}
	}, func(r GPVirtual) {
		for i := range m {
			x := v.vec()
			v.load(Mem{Base: r, Disp: i * L * es}, x)
			v.max(x, m[i])
			v.fma(x, x, nan[i%len(nan)])
		}
	})
	Comment("A NaN sum: fold the strip again with the rule.")
	t := nan[0]
	for _, s := range nan[1:] {
		v.add(s, t)
	}
	exact := g.lbl(fmt.Sprintf("exactStrip%d", id))
	if v.z {
		k := K()
		if v.f64() {
			VCMPPD(Imm(3), t, t, k) // unordered
		} else {
			VCMPPS(Imm(3), t, t, k)
		}
		KORTESTW(k, k)
		JNZ(LabelRef(exact))
	} else {
		if v.f64() {
			VCMPPD(Imm(3), t, t, t)
		} else {
			VCMPPS(Imm(3), t, t, t)
		}
		VPTEST(t, t)
		JNZ(LabelRef(exact))
	}
	for i := range m {
		v.store(m[i], Mem{Base: g.acc, Disp: i * L * es})
	}
	g.advance(S)
	next := g.lbl(fmt.Sprintf("stripEnd%d", id))
	JMP(LabelRef(next))
	Label(exact)
	left := GP64()
	MOVQ(U32(S), left)
	again := g.lbl(fmt.Sprintf("exactVector%d", id))
	Label(again)
	g.maxVector(nil)
	DECQ(left)
	JNZ(LabelRef(again))
	Label(next)
}

// maxVector emits torch.max's rule over one vector of columns (under mask
// in the tail, else advancing past it), row by row.
func (g *tokenRows) maxVector(mask Op) {
	v := g.v
	m := v.vec()
	g.load(Mem{Base: g.acc}, mask, m)
	id := labelSeq()
	lp, end := g.lbl(fmt.Sprintf("ruleRows%d", id)), g.lbl(fmt.Sprintf("ruleEnd%d", id))
	r, j := GP64(), GP64()
	MOVQ(g.rows, r)
	MOVQ(g.n, j)
	Label(lp)
	TESTQ(j, j)
	JZ(LabelRef(end))
	x := v.vec()
	g.load(Mem{Base: r}, mask, x)
	// x replaces m where !(x <= m) (predicate NLE_UQ, true for a NaN in
	// either) and m is ordered (ORD_Q): a NaN in m stays.
	if v.z {
		k1, k2 := K(), K()
		if v.f64() {
			VCMPPD(Imm(0x16), m, x, k1)
			VCMPPD(Imm(7), m, m, k1, k2)
			VMOVAPD(x, k2, m)
		} else {
			VCMPPS(Imm(0x16), m, x, k1)
			VCMPPS(Imm(7), m, m, k1, k2)
			VMOVAPS(x, k2, m)
		}
	} else {
		c, o := v.vec(), v.vec()
		if v.f64() {
			VCMPPD(Imm(0x16), m, x, c)
			VCMPPD(Imm(7), m, m, o)
			VANDPD(o, c, c)
			VBLENDVPD(c, x, m, m)
		} else {
			VCMPPS(Imm(0x16), m, x, c)
			VCMPPS(Imm(7), m, m, o)
			VANDPS(o, c, c)
			VBLENDVPS(c, x, m, m)
		}
	}
	ADDQ(g.stride, r)
	DECQ(j)
	JMP(LabelRef(lp))
	Label(end)
	g.store(m, Mem{Base: g.acc}, mask)
	if mask == nil {
		g.advance(1)
	}
}
