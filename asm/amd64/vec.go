package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// vx is one vector flavour: an ISA (AVX2 or AVX-512) and an element size (4:
// float32, 8: float64, 1: int8 or uint8). Its methods emit the instruction
// of that flavour, so that a kernel's generator is written once: the AVX-512
// forms take opmasks (K registers), the AVX2 forms vector masks.
type vx struct {
	z        bool // AVX-512: ZMM registers and opmasks; else AVX2 (YMM)
	es       int  // element size in bytes
	L        int  // lanes
	unsigned bool // bytes: uint8 (else int8)
}

func newVX(avx512 bool, es int) vx {
	w := 32
	if avx512 {
		w = 64
	}
	return vx{z: avx512, es: es, L: w / es}
}

func (v vx) f64() bool { return v.es == 8 }

// bytes reports whether the elements are int8 or uint8.
func (v vx) bytes() bool { return v.es == 1 }

// vec returns a new vector register.
func (v vx) vec() VecVirtual {
	if v.z {
		return ZMM()
	}
	return YMM()
}

func (v vx) load(m Op, dst VecVirtual) {
	if v.bytes() {
		v.movInt(m, dst)
		return
	}
	if v.f64() {
		VMOVUPD(m, dst)
	} else {
		VMOVUPS(m, dst)
	}
}

func (v vx) store(src VecVirtual, m Mem) {
	if v.bytes() {
		v.movInt(src, m)
		return
	}
	if v.f64() {
		VMOVUPD(src, m)
	} else {
		VMOVUPS(src, m)
	}
}

// mov copies a register or loads a (possibly unaligned) vector into dst.
func (v vx) mov(src Op, dst VecVirtual) {
	if v.bytes() {
		v.movInt(src, dst)
		return
	}
	if v.f64() {
		VMOVUPD(src, dst)
	} else {
		VMOVUPS(src, dst)
	}
}

// movInt moves a whole integer vector, unmasked.
func (v vx) movInt(src, dst Op) {
	if v.z {
		VMOVDQU64(src, dst)
	} else {
		VMOVDQU(src, dst)
	}
}

// bcast broadcasts one element from memory.
func (v vx) bcast(m Mem, dst VecVirtual) {
	if v.f64() {
		VBROADCASTSD(m, dst)
	} else {
		VBROADCASTSS(m, dst)
	}
}

// max sets acc to x where x > acc: the first maximum wins ties, a NaN in x
// is dropped (VMAXPS returns its second operand, here acc, unless the first is
// greater).
func (v vx) max(x, acc VecVirtual) {
	switch {
	case v.bytes() && v.unsigned:
		VPMAXUB(acc, x, acc)
		return
	case v.bytes():
		VPMAXSB(acc, x, acc)
		return
	}
	if v.f64() {
		VMAXPD(acc, x, acc)
	} else {
		VMAXPS(acc, x, acc)
	}
}

func (v vx) add(x Op, acc VecVirtual) {
	if v.f64() {
		VADDPD(x, acc, acc)
	} else {
		VADDPS(x, acc, acc)
	}
}

func (v vx) mul(x Op, y, dst VecVirtual) {
	if v.f64() {
		VMULPD(x, y, dst)
	} else {
		VMULPS(x, y, dst)
	}
}

// div sets dst = num / den.
func (v vx) div(den Op, num, dst VecVirtual) {
	if v.f64() {
		VDIVPD(den, num, dst)
	} else {
		VDIVPS(den, num, dst)
	}
}

func (v vx) sqrt(x, dst VecVirtual) {
	if v.f64() {
		VSQRTPD(x, dst)
	} else {
		VSQRTPS(x, dst)
	}
}

// fma sets acc += a*b.
func (v vx) fma(a, b Op, acc VecVirtual) {
	if v.f64() {
		VFMADD231PD(b, a, acc)
	} else {
		VFMADD231PS(b, a, acc)
	}
}

func (v vx) zero(r VecVirtual) {
	if v.f64() {
		VXORPD(r, r, r)
	} else {
		VXORPS(r, r, r)
	}
}

// constBits broadcasts a constant of the element size, given as its bits,
// into a new register (bytes: a 32-bit pattern, broadcast as such).
func (v vx) constBits(bits uint64) VecVirtual {
	r := v.vec()
	t := GP64()
	MOVQ(U64(bits), t)
	if v.f64() {
		if v.z {
			VPBROADCASTQ(t, r)
		} else {
			x := XMM()
			VMOVQ(t, x)
			VPBROADCASTQ(x, r)
		}
		return r
	}
	if v.z {
		VPBROADCASTD(t.As32(), r)
	} else {
		x := XMM()
		VMOVD(t.As32(), x)
		VPBROADCASTD(x, r)
	}
	return r
}

// negInf returns a register of -inf in every lane (bytes: the least value,
// -128 or 0).
func (v vx) negInf() VecVirtual {
	if v.bytes() {
		if v.unsigned {
			return v.constBits(0)
		}
		return v.constBits(0x80808080)
	}
	if v.f64() {
		return v.constBits(0xfff0000000000000)
	}
	return v.constBits(0xff800000)
}

// Index vectors hold one integer per lane, of the element size (int32 for
// float32, int64 for float64), so that a float compare masks them directly.

// ibcast broadcasts a general register into every index lane.
func (v vx) ibcast(r GPVirtual, dst VecVirtual) {
	switch {
	case v.z && v.f64():
		VPBROADCASTQ(r, dst)
	case v.z:
		VPBROADCASTD(r.As32(), dst)
	default:
		x := XMM()
		if v.f64() {
			VMOVQ(r, x)
			VPBROADCASTQ(x, dst)
		} else {
			VMOVD(r.As32(), x)
			VPBROADCASTD(x, dst)
		}
	}
}

// iadd sets dst = a + b on index lanes.
func (v vx) iadd(a, b Op, dst VecVirtual) {
	if v.f64() {
		VPADDQ(a, b, dst)
	} else {
		VPADDD(a, b, dst)
	}
}

// storeIndices stores the index lanes of x as int64 at at, plus base (an
// int64 vector; nil: none), under the store mask k (AVX-512) or ms (AVX2: a
// lane mask as wide as x's lanes) when there is one: int64 lanes as they
// are, int32 lanes (float32 kernels) widened in two halves.
func storeIndices(v vx, x, base VecVirtual, at Mem, k OpmaskVirtual, ms VecVirtual) {
	masked := k != nil || ms != nil
	if v.f64() {
		if base != nil {
			VPADDQ(base, x, x)
		}
		switch {
		case !masked && v.z:
			VMOVDQU64(x, at)
		case !masked:
			VMOVDQU(x, at)
		case v.z:
			VMOVDQU64(x, k, at)
		default:
			VPMASKMOVQ(x, ms, at)
		}
		return
	}
	lo, hi := v.vec(), v.vec()
	widen := func() {
		if base != nil {
			VPADDQ(base, lo, lo)
			VPADDQ(base, hi, hi)
		}
	}
	if v.z {
		h := YMM()
		VEXTRACTI32X8(Imm(1), x, h)
		VPMOVSXDQ(x.AsY(), lo)
		VPMOVSXDQ(h, hi)
		widen()
		if !masked {
			VMOVDQU64(lo, at)
			VMOVDQU64(hi, at.Offset(64))
			return
		}
		kh := K()
		KSHIFTRW(Imm(8), k, kh)
		VMOVDQU64(lo, k, at)
		VMOVDQU64(hi, kh, at.Offset(64))
		return
	}
	h := XMM()
	VEXTRACTI128(Imm(1), x, h)
	VPMOVSXDQ(x.AsX(), lo)
	VPMOVSXDQ(h, hi)
	widen()
	if !masked {
		VMOVDQU(lo, at)
		VMOVDQU(hi, at.Offset(32))
		return
	}
	mlo, mhi, mh := v.vec(), v.vec(), XMM()
	VEXTRACTI128(Imm(1), ms, mh)
	VPMOVSXDQ(ms.AsX(), mlo)
	VPMOVSXDQ(mh, mhi)
	VPMASKMOVQ(lo, mlo, at)
	VPMASKMOVQ(hi, mhi, at.Offset(32))
}

// bitsVec returns the AVX2 vector mask of the low L bits of m: lane j all
// ones when bit j is set.
func bitsVec(v vx, m GPVirtual) VecVirtual {
	r := v.vec()
	v.ibcast(m, r)
	bit := constTable(v, "bit", 0, 0)
	VPAND(bit, r, r)
	if v.f64() {
		VPCMPEQQ(bit, r, r)
	} else {
		VPCMPEQD(bit, r, r)
	}
	return r
}
