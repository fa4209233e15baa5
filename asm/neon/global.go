package main

import (
	"fmt"

	"github.com/simdpool/simdpool/asm/table"
)

// globalKernel emits a global kernel, func(dst, src *byte, planes, n int):
// dst[p] = the maximum or the mean of plane p, n float32s.
func globalKernel(e *Emitter, k table.Kernel) {
	switch k.Op {
	case table.Max:
		globalMax(e, k)
	case table.Mean:
		globalMean(e, k)
	default:
		panic("neon: no global kernel for " + k.Name())
	}
}

// globalMax: four FMAX accumulators (FMAX propagates NaN; the root package
// rescans a plane whose maximum is a zero or a NaN for the generic sign and
// payload), the last n%4 floats as the four ending the plane (max is
// idempotent), planes under 4 floats with scalar FMAX.
func globalMax(e *Emitter, k table.Kernel) {
	n := k.Name()
	l := func(s string) string { return n + "_" + s }
	fmax := func(d, a, b V) { e.Word(Three("fmax", S4, d, a, b)) }
	e.Raw(fmt.Sprintf("\n// %s\nTEXT ·%s(SB), NOSPLIT, $0-32\n", k.Doc(), n))
	e.I("MOVD dst+0(FP), R0")
	e.I("MOVD src+8(FP), R1")
	e.I("MOVD planes+16(FP), R2")
	e.I("MOVD n+24(FP), R3")
	e.Label(l("plane"))
	e.I("CBZ R2, %s", l("done"))
	e.I("CMP $4, R3")
	e.I("BLT %s", l("small"))
	e.I("VLD1.P 16(R1), [V0.S4]")
	for u := V(1); u < 4; u++ {
		e.I("VMOV V0.B16, %s", u.B16())
	}
	e.I("SUB $4, R3, R4")
	e.Label(l("loop16"))
	e.I("CMP $16, R4")
	e.I("BLT %s", l("loop4"))
	e.I("VLD1.P 64(R1), %s", list(4, 4, S4))
	for u := V(0); u < 4; u++ {
		fmax(u, u, u+4)
	}
	e.I("SUB $16, R4")
	e.I("B %s", l("loop16"))
	e.Label(l("loop4"))
	e.I("CMP $4, R4")
	e.I("BLT %s", l("tail"))
	e.I("VLD1.P 16(R1), [V4.S4]")
	fmax(0, 0, 4)
	e.I("SUB $4, R4")
	e.I("B %s", l("loop4"))
	e.Label(l("tail"))
	e.I("CBZ R4, %s", l("reduce"))
	e.I("ADD R4<<2, R1")
	e.I("SUB $16, R1, R5")
	e.I("VLD1 (R5), [V4.S4]")
	fmax(1, 1, 4)
	e.Label(l("reduce"))
	fmax(0, 0, 1)
	fmax(2, 2, 3)
	fmax(0, 0, 2)
	e.Word(Across("fmaxv", 0, 0))
	e.I("FMOVS.P F0, 4(R0)")
	e.I("SUB $1, R2")
	e.I("B %s", l("plane"))
	e.Label(l("small"))
	e.I("FMOVS.P 4(R1), F0")
	e.I("SUB $1, R3, R4")
	e.Label(l("smallLoop"))
	e.I("CBZ R4, %s", l("smallDone"))
	e.I("FMOVS.P 4(R1), F1")
	e.I("FMAXS F1, F0, F0")
	e.I("SUB $1, R4")
	e.I("B %s", l("smallLoop"))
	e.Label(l("smallDone"))
	e.I("FMOVS.P F0, 4(R0)")
	e.I("SUB $1, R2")
	e.I("B %s", l("plane"))
	e.Label(l("done"))
	e.I("RET")
}

// globalMean: the mean of each plane, summed in the order of ATen's AVX2
// cascade sum as the root package's cascadeSum (mean_generic.go) does, bit
// for bit (only additions, in the same order, and one division).
//
// n >= 8: rows of 32 floats go into the 32 level-0 accumulators (V0-V7);
// every 2^power rows level 0 moves into level 1 (V8-V15) and on into levels
// 2 and 3 (on the stack) as the row count's bits say; rows after the last
// whole group go into level 0, which then takes levels 1-3 (skipped when no
// group ran: adding +0 to a sum that started at +0 changes nothing). Then
// the n%32/8 leftover 8-float vectors go into accumulator 0 (V0, V1), which
// takes accumulators 1-3; a scalar from +0 takes the n%8 last floats in
// order, then accumulator 0's eight lanes in order. n < 8: the same over
// single floats (four scalar accumulators, rows of 4).
func globalMean(e *Emitter, k table.Kernel) {
	n := k.Name()
	l := func(s string) string { return n + "_" + s }
	fadd := func(d, a, b V) { e.Word(Three("fadd", S4, d, a, b)) }
	const lv2, lv3 = 8, 8 + 128 // the stack slots of levels 2 and 3
	zero := func(v V) { e.I("VEOR %s, %s, %s", v.B16(), v.B16(), v.B16()) }
	levelIO := func(op string, slot int, first V) {
		e.I("ADD $%d, RSP, R13", slot)
		if op == "load" {
			e.I("VLD1.P 64(R13), %s", list(first, 4, S4))
			e.I("VLD1 (R13), %s", list(first+4, 4, S4))
		} else {
			e.I("VST1.P %s, 64(R13)", list(first, 4, S4))
			e.I("VST1 %s, (R13)", list(first+4, 4, S4))
		}
	}
	addRows := func(label string) { // R12 rows from R1 into level 0
		e.Label(l(label))
		e.I("VLD1.P 64(R1), %s", list(16, 4, S4))
		e.I("VLD1.P 64(R1), %s", list(20, 4, S4))
		for v := V(0); v < 8; v++ {
			fadd(v, v, 16+v)
		}
		e.I("SUBS $1, R12")
		e.I("BNE %s", l(label))
	}
	e.Raw(fmt.Sprintf("\n// %s\nTEXT ·%s(SB), $%d-32\n", k.Doc(), n, 256))
	e.I("MOVD dst+0(FP), R0")
	e.I("MOVD src+8(FP), R1")
	e.I("MOVD planes+16(FP), R2")
	e.I("MOVD n+24(FP), R3")
	e.Comment("rows = n/32; power = max(4, ceilLog2(rows)/4) (ceilLog2(x) = 1 for x <= 2); step = 1<<power.")
	e.I("LSR $5, R3, R4")
	e.I("SUB $1, R4, R5")
	e.I("CLZ R5, R5")
	e.I("MOVD $64, R6")
	e.I("SUB R5, R6, R5")
	e.I("MOVD $1, R6")
	e.I("CMP $2, R4")
	e.I("CSEL LE, R6, R5, R5")
	e.I("LSR $2, R5, R5")
	e.I("MOVD $4, R6")
	e.I("CMP $4, R5")
	e.I("CSEL LT, R6, R5, R5")
	e.I("MOVD $1, R6")
	e.I("LSL R5, R6, R6")   // step
	e.I("SUB $1, R6, R7")   // mask
	e.I("LSL R5, R7, R10")  // mask << power
	e.I("LSL R5, R10, R11") // mask << 2*power

	e.Label(l("plane"))
	e.I("CBZ R2, %s", l("done"))
	e.I("CMP $8, R3")
	e.I("BLT %s", l("small"))
	for v := V(0); v < 8; v++ {
		zero(v)
	}
	e.I("MOVD ZR, R8") // rows consumed
	e.I("CMP R6, R4")
	e.I("BLT %s", l("rest"))
	for v := V(8); v < 16; v++ {
		zero(v)
	}
	zero(16)
	for off := 0; off < 256; off += 32 {
		e.I("FSTPQ (F16, F16), %d(RSP)", lv2+off)
	}
	e.Label(l("group"))
	e.I("ADD R6, R8, R9")
	e.I("CMP R4, R9")
	e.I("BGT %s", l("groupsDone"))
	e.I("MOVD R6, R12")
	addRows("groupRows")
	e.I("MOVD R9, R8")
	e.Comment("level 1 += level 0; level 0 = 0")
	for v := V(0); v < 8; v++ {
		fadd(8+v, 8+v, v)
		zero(v)
	}
	e.I("TST R10, R8")
	e.I("BNE %s", l("group"))
	e.Comment("level 2 += level 1; level 1 = 0")
	levelIO("load", lv2, 16)
	for v := V(0); v < 8; v++ {
		fadd(16+v, 16+v, 8+v)
		zero(8 + v)
	}
	levelIO("store", lv2, 16)
	e.I("TST R11, R8")
	e.I("BNE %s", l("group"))
	e.Comment("level 3 += level 2; level 2 = 0")
	levelIO("load", lv3, 24)
	for v := V(0); v < 8; v++ {
		fadd(24+v, 24+v, 16+v)
		zero(16 + v)
	}
	levelIO("store", lv3, 24)
	levelIO("store", lv2, 16)
	e.I("B %s", l("group"))

	e.Label(l("groupsDone"))
	e.Comment("The rows after the last group into level 0, then level 0 += levels 1, 2, 3.")
	e.I("SUBS R8, R4, R12")
	e.I("BEQ %s", l("levels"))
	addRows("groupRest")
	e.Label(l("levels"))
	for v := V(0); v < 8; v++ {
		fadd(v, v, 8+v)
	}
	for _, slot := range []int{lv2, lv3} {
		levelIO("load", slot, 16)
		for v := V(0); v < 8; v++ {
			fadd(v, v, 16+v)
		}
	}
	e.I("B %s", l("vecs"))

	e.Label(l("rest"))
	e.Comment("Fewer rows than a group: all into level 0.")
	e.I("MOVD R4, R12")
	e.I("CBZ R12, %s", l("vecs"))
	addRows("restRows")

	e.Label(l("vecs"))
	e.Comment("The leftover 8-float vectors into accumulator 0, then accumulators 1-3 into it.")
	e.I("UBFX $3, R3, $2, R12") // (n%32)/8
	e.I("CBZ R12, %s", l("fold"))
	e.Label(l("vecLoop"))
	e.I("VLD1.P 32(R1), [V16.S4, V17.S4]")
	fadd(0, 0, 16)
	fadd(1, 1, 17)
	e.I("SUBS $1, R12")
	e.I("BNE %s", l("vecLoop"))
	e.Label(l("fold"))
	for a := V(1); a < 4; a++ {
		fadd(0, 0, 2*a)
		fadd(1, 1, 2*a+1)
	}
	e.Comment("The scalar: +0, the last n%8 floats in order, then the eight lanes in order.")
	zero(16)
	e.I("AND $7, R3, R12")
	e.I("CBZ R12, %s", l("lanes"))
	e.Label(l("tailLoop"))
	e.I("FMOVS.P 4(R1), F17")
	e.I("FADDS F17, F16, F16")
	e.I("SUBS $1, R12")
	e.I("BNE %s", l("tailLoop"))
	e.Label(l("lanes"))
	for _, v := range []V{0, 1} {
		for j := range 4 {
			if j == 0 {
				e.I("FADDS %s, F16, F16", v.F())
				continue
			}
			e.I("VDUP %s, V17.S4", v.Lane(j))
			e.I("FADDS F17, F16, F16")
		}
	}
	e.I("SCVTFS R3, F18") // float32(n), one rounding
	e.I("FDIVS F18, F16, F16")
	e.I("FMOVS.P F16, 4(R0)")
	e.I("SUB $1, R2")
	e.I("B %s", l("plane"))

	e.Label(l("small"))
	e.Comment("n < 8: ATen's scalar path, the same cascade over single floats (rows of 4).")
	for v := V(0); v < 4; v++ {
		zero(v)
	}
	e.I("MOVD R3, R12")
	e.I("CMP $4, R3")
	e.I("BLT %s", l("smallVecs"))
	for v := V(0); v < 4; v++ {
		e.I("FMOVS.P 4(R1), F16")
		e.I("FADDS F16, %s, %s", v.F(), v.F())
	}
	e.I("SUB $4, R12")
	e.Label(l("smallVecs"))
	e.I("CBZ R12, %s", l("smallFold"))
	e.I("FMOVS.P 4(R1), F16")
	e.I("FADDS F16, F0, F0")
	e.I("SUB $1, R12")
	e.I("B %s", l("smallVecs"))
	e.Label(l("smallFold"))
	for v := V(1); v < 4; v++ {
		e.I("FADDS %s, F0, F0", v.F())
	}
	zero(16)
	e.I("FADDS F0, F16, F16")
	e.I("SCVTFS R3, F18") // float32(n), one rounding
	e.I("FDIVS F18, F16, F16")
	e.I("FMOVS.P F16, 4(R0)")
	e.I("SUB $1, R2")
	e.I("B %s", l("plane"))
	e.Label(l("done"))
	e.I("RET")
}
