package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The global mean kernels: per plane of n floats, ATen's AVX2 cascade sum
// (mean_generic.go's cascadeSum, read its comment first) divided by
// float32(n), bit for bit, on both ISAs.
//
// Order. A plane is read as vectors x_0, x_1, ... of 8 floats; a row is 4 of
// them (32 floats) and R = n/32 rows feed 4 accumulators a_0..a_3 (a_i gets
// x_{4j+i}) through the cascade; the E = (n/8)%4 vectors after the rows go
// into a_0, then a_1, a_2, a_3 do; the k = n%8 tail floats are summed from +0
// (tau), then the 8 lanes of a_0 are added to tau one by one. n < 8 is ATen's
// scalar path (the same structure with single floats).
//
// Aligned loads. Planes start anywhere (n = 49 puts every plane 4 bytes on
// from the last), and loads that straddle cache lines halve the read rate of
// data streamed from L2. So the kernels read only aligned vectors V_0, V_1,
// ... of 8 floats and keep the plane's lanes rotated: with the plane starting
// r floats into V_0 (r = (address%32)/4), lane l of x_m is lane (r+l)%8 of
// V_m when r+l < 8 and of V_{m+1} otherwise. Every sum is lane-wise, so
// blend(V_m, V_{m+1}) (lanes < r from V_{m+1}) is x_m rotated, and sums of
// blends are blends of sums: the rows run as five chains S_c = sum over rows
// j of V_{4j+c}, c = 0..4, a_i being blend(S_i, S_{i+1}) (fold gives the two
// ways to a_0). a_0 comes out rotated by r and is unrotated by a permute of
// the lane indices r, r+1, ... Zeros that a chain adds where ATen adds a
// reset accumulator only change the sign of a zero sum, which tau (from +0)
// turns into +0 as ATen's sum does.
//
// Reads past the plane: the aligned vectors that hold the plane's first and
// last floats may reach up to 28 bytes outside it, never across a page.
// V_{4R+E} holds none of the plane when r = 0 and k = 0; it is then read only
// where it is the next plane's, or clamped to the plane's last vector (a
// value the blend ignores), as is the last row chain's vector past the rows.
//
// Paths, chosen per call from n (mean_group.go, mean_cascade.go):
//   - n < 8: ATen's scalar path, 8 planes at a time (then one at a time).
//   - 8 <= n < 32*16 (fewer rows than the cascade's first step): groups of 8
//     planes, then the rest of the planes one at a time on the cascade path.
//   - larger n: one plane at a time through the cascade.

const (
	meanRowBytes = 128 // a row: 4 vectors of 8 float32
	meanMinPower = 4   // ATen's smallest log2 of the cascade step
	meanSmallN   = 32 << meanMinPower
	meanTinyN    = 8  // below this, ATen's scalar path
	meanYBytes   = 32 // an aligned 8-float vector
)

// lanes8Tab holds 8 all-ones int32 then 8 zeros: the 8 int32 at byte offset
// 32-4r are the lane mask "lane < r" (AVX2 blends).
var lanes8Tab Mem

func lanes8() {
	if lanes8Tab.Symbol.Name != "" {
		return
	}
	lanes8Tab = GLOBL("lanes8", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		v := uint32(0)
		if i < 8 {
			v = 0xffffffff
		}
		DATA(4*i, U32(v))
	}
}

// meanGen emits one global mean kernel.
type meanGen struct {
	is                  isa
	dst, src, planes, n GPVirtual

	// Per-call values, on the stack.
	rows, extra, tail Mem // n/32, (n/8)%4, n%8
	vecB              Mem // 4*(n &^ 7): bytes of the whole vectors of a plane
	n4                Mem // 4n: bytes of a plane
	lastOff           Mem // 4n-4: offset of a plane's last float
	fn                Mem // float32(n), 8 copies
}

func globalMean(is isa) {
	lanes8()
	pairTable()
	name := "globalMean" + is.name
	TEXT(name, 0, "func(dst, src *float32, planes, n int)")
	Pragma("noescape")
	Doc(
		fmt.Sprintf("%s writes to dst[p] the mean of each of planes planes of n floats at src:", name),
		"ATen's AVX2 cascade sum (cascadeSum) divided by float32(n), bit for bit.",
	)
	g := &meanGen{is: is}
	g.dst, g.src, g.planes, g.n = GP64(), GP64(), GP64(), GP64()
	Load(Param("dst"), g.dst)
	Load(Param("src"), g.src)
	Load(Param("planes"), g.planes)
	Load(Param("n"), g.n)
	g.rows, g.extra, g.tail = AllocLocal(8), AllocLocal(8), AllocLocal(8)
	g.vecB, g.n4, g.lastOff = AllocLocal(8), AllocLocal(8), AllocLocal(8)
	g.fn = AllocLocal(meanYBytes)
	g.prologue()

	CMPQ(g.n, U32(meanTinyN))
	JLT(LabelRef("tiny"))
	CMPQ(g.n, U32(meanSmallN))
	JGE(LabelRef("cascade"))
	g.groups()
	g.cascade()
	g.tiny()
	Label("done")
	VZEROUPPER()
	RET()
}

// prologue stores the per-call values.
func (g *meanGen) prologue() {
	Comment("Per-call values: rows, extra vectors, tail floats, byte sizes, float32(n).")
	t := GP64()
	MOVQ(g.n, t)
	SHRQ(U8(5), t)
	MOVQ(t, g.rows)
	MOVQ(g.n, t)
	SHRQ(U8(3), t)
	ANDQ(U8(3), t)
	MOVQ(t, g.extra)
	MOVQ(g.n, t)
	ANDQ(U8(7), t)
	MOVQ(t, g.tail)
	MOVQ(g.n, t)
	SHLQ(U8(2), t)
	MOVQ(t, g.n4)
	SUBQ(U8(4), t)
	MOVQ(t, g.lastOff)
	MOVQ(g.n, t)
	ANDQ(I32(-8), t)
	SHLQ(U8(2), t)
	MOVQ(t, g.vecB)
	f := XMM()
	VCVTSI2SSQ(g.n, f, f)
	fy := YMM()
	VBROADCASTSS(f, fy)
	VMOVUPS(fy, g.fn)
}

// tiny emits the planes of fewer than 8 floats, ATen's scalar path: n < 4
// sums from +0 in order; 4 <= n < 8 keeps four accumulators x0..x3, adds
// x4.. into the first and then the other three: +0 + ((((x0 + x4) + ...) +
// x1) + x2) + x3. Groups of 8 planes load one plane per vector (masked to n
// floats) and transpose, so that those sums run on vectors of 8 planes (one
// group loop per n); the planes after the last whole group run in scalar.
func (g *meanGen) tiny() {
	Label("tiny")
	ngroups := GP64()
	MOVQ(g.planes, ngroups)
	SHRQ(U8(3), ngroups)
	JZ(LabelRef("tinyPlane"))
	ANDQ(U8(meanGroup-1), g.planes)
	var m Op
	if g.is.z {
		t, k := GP32(), K()
		MOVL(U32(0xff), t)
		BZHIL(g.n.As32(), t, t)
		KMOVB(t, k)
		m = k
	} else {
		t, v := GP64(), YMM()
		LEAQ(lanes8Tab.Offset(meanYBytes), t)
		SUBQ(g.n4, t)
		VMOVUPS(Mem{Base: t}, v)
		m = v
	}
	for n := 1; n < meanTinyN; n++ {
		CMPQ(g.n, U8(n))
		JEQ(LabelRef(fmt.Sprintf("tinyGroup%d", n)))
	}
	for n := 1; n < meanTinyN; n++ {
		g.tinyGroups(n, m, ngroups)
	}

	Label("tinyPlane")
	s, a := XMM(), XMM()
	p := GP64()
	TESTQ(g.planes, g.planes)
	JZ(LabelRef("done"))
	VXORPS(s, s, s)
	CMPQ(g.n, U8(4))
	JGE(LabelRef("tinyQuad"))
	MOVQ(g.n, p)
	Label("tinySeq")
	VADDSS(Mem{Base: g.src}, s, s)
	ADDQ(U8(4), g.src)
	DECQ(p)
	JNZ(LabelRef("tinySeq"))
	JMP(LabelRef("tinyStore"))
	Label("tinyQuad")
	VMOVSS(Mem{Base: g.src}, a)
	MOVQ(U32(4), p)
	Label("tinyRest")
	CMPQ(p, g.n)
	JGE(LabelRef("tinyFold"))
	VADDSS(Mem{Base: g.src, Index: p, Scale: 4}, a, a)
	INCQ(p)
	JMP(LabelRef("tinyRest"))
	Label("tinyFold")
	for i := 1; i < 4; i++ {
		VADDSS(Mem{Base: g.src, Disp: 4 * i}, a, a)
	}
	VADDSS(a, s, s)
	ADDQ(g.n4, g.src)
	Label("tinyStore")
	VDIVSS(g.fn, s, s)
	VMOVSS(s, Mem{Base: g.dst})
	ADDQ(U8(4), g.dst)
	DECQ(g.planes)
	JMP(LabelRef("tinyPlane"))
}

// tinyGroups is the group loop of the planes of n < 8 floats (m: the mask of
// n lanes): then jumps to the scalar loop for the rest.
func (g *meanGen) tinyGroups(n int, m Op, ngroups GPVirtual) {
	loop := fmt.Sprintf("tinyGroup%d", n)
	Label(loop)
	X := make([]VecVirtual, meanGroup)
	for j := range X {
		X[j] = YMM()
		if g.is.z {
			VMOVUPS_Z(Mem{Base: g.src}, m, X[j])
		} else {
			VMASKMOVPS(Mem{Base: g.src}, m, X[j])
		}
		ADDQ(g.n4, g.src)
	}
	L := g.transpose8(X, nil)
	Comment("ATen's scalar order on 8 planes at once, from +0.")
	s := YMM()
	VXORPS(s, s, s)
	if n < 4 {
		for e := 0; e < n; e++ {
			VADDPS(L[e], s, s)
		}
	} else {
		a := L[0]
		for _, e := range []int{4, 5, 6, 1, 2, 3} {
			if e < 4 || e < n {
				VADDPS(L[e], a, a)
			}
		}
		VADDPS(a, s, s)
	}
	VDIVPS(g.fn, s, s)
	VMOVUPS(s, Mem{Base: g.dst})
	ADDQ(U8(4*meanGroup), g.dst)
	DECQ(ngroups)
	JNZ(LabelRef(loop))
	JMP(LabelRef("tinyPlane"))
}

// blend sets dst to the lanes < r of hi and the others of lo, m being the
// mask of those lanes: an opmask (AVX-512) or a vector (AVX2).
func (g *meanGen) blend(m, hi, lo, dst Op) {
	if g.is.z {
		VBLENDMPS(hi, lo, m, dst)
		return
	}
	VBLENDVPS(m, hi, lo, dst)
}

// fold sets S[0] to a_0, rotated, from the five row chains S and the extra
// vectors: ext(i) holds V_{4R+i}, i = 0..e (e = E; ext(e), the vector after
// the plane's whole ones, may be a clamped stand-in); m is the blend mask.
//
// Two ways, the same sums. AVX-512 blends first and adds once: a_i =
// blend(S_i, S_{i+1}), x_i = blend(V_{4R+i}, V_{4R+i+1}), then a_0 + x_0 +
// ... + a_1 + a_2 + a_3; its opmask blends run on port 0 or 5 beside the
// additions on ports 1 and 5. AVX2's variable blend costs more than an
// addition, so it runs the chain twice and blends once: H = S_0 + V_{4R} ..
// + S_1 + S_2 + S_3, Lo = S_1 + V_{4R+1} .. + S_2 + S_3 + S_4.
func (g *meanGen) fold(m Op, S []VecVirtual, e int, ext func(int) Op) {
	if g.is.z {
		for c := 0; c < 4; c++ { // S[c+1] is read before it becomes a_{c+1}
			g.blend(m, S[c+1], S[c], S[c])
		}
		x := YMM()
		for i := 0; i < e; i++ {
			lo, ok := ext(i).(VecVirtual)
			if !ok {
				VMOVAPS(ext(i), x)
				lo = x
			}
			g.blend(m, ext(i+1), lo, x)
			VADDPS(x, S[0], S[0])
		}
		for c := 1; c < 4; c++ {
			VADDPS(S[c], S[0], S[0])
		}
		return
	}
	H, Lo := S[0], YMM()
	for i := 0; i < e; i++ {
		VADDPS(ext(i), H, H)
	}
	if e == 0 {
		VADDPS(S[2], S[1], Lo)
	} else {
		VADDPS(ext(1), S[1], Lo)
		for i := 2; i <= e; i++ {
			VADDPS(ext(i), Lo, Lo)
		}
		VADDPS(S[2], Lo, Lo)
	}
	for c := 1; c < 4; c++ {
		VADDPS(S[c], H, H)
	}
	VADDPS(S[3], Lo, Lo)
	VADDPS(S[4], Lo, Lo)
	g.blend(m, Lo, H, H)
}
