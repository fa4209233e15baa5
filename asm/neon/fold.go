package main

import "github.com/simdpool/simdpool/asm/table"

// How a chunk's taps are reduced, by op (see winArgs in the root package).
//
// A chunk is four Q registers of outputs, V0-V3 (acc); the kernel's other
// vectors have fixed roles too (the constants below). For each tap row in order and
// each horizontal tap in order, the tap's four vectors are folded into acc:
//
//   - max (fast): acc = FMAX(acc, x), which propagates NaN as the contract
//     wants but makes max(-0, +0) = +0 in either order, where the contract
//     keeps the first zero. FMAX's result can differ only for a window whose
//     maximum is a zero and that holds a -0, so the kernel looks for -0 in
//     its taps: SMIN of their raw bits into V4-V7 (-0 is 0x80000000, the
//     least int32; a float64 -0 has it as its high word, and the rare other
//     float64 with it in a word only costs the exact pass), checked once per
//     slab (a class's rows of a plane); a slab that met one is computed again
//     by the exact fold (exactRow). Per tap that is 2 instructions, FMAX and
//     SMIN, whatever the data (inputs after ReLU, half +0, cost the same);
//     compare-and-select (FCMGT, BIT) is 2 as well but drops NaNs, and
//     finding those costs a third per tap (FMAX or FADD of the taps). For 2x2
//     stride 2 (16 outputs, 16 tap vectors): 12 FMAX + 16 SMIN against
//     24 + 16.
//   - max (exact): compare-and-select in tap order, acc = x where x > acc
//     (FCMGT, BIT), which keeps the first maximum of equal values, zeros
//     included; beside it V4-V7 = FMAX of the taps, and at the end acc takes
//     that where it is NaN (a window with a NaN gives a NaN).
//   - max with index: compare-and-select of acc and of the index lanes V4-V7
//     (the tap's column offset plus its row's plane index, a splat; the
//     chunk's columns are added at the store). NaNs fall out of the select,
//     so FMAX of the taps goes into V28/V29 and a slab that met one leaves
//     its plane to the caller (as does an edge chunk whose maximum is -inf).
//   - sum: acc = +0 + each tap in order, FADD; sum of squares: FMUL then
//     FADD (never fused: the square is rounded before it is added).

// foldOp is the fold a chunk body emits.
type foldOp int

const (
	foldMax foldOp = iota
	foldMaxExact
	foldMaxIdx
	foldSum
	foldSumSq
)

// Vector registers with fixed roles.
const (
	vAcc   V = 0  // V0-V3: the chunk's outputs
	vSec   V = 4  // V4-V7: max: -0 detector (SMIN); exact: FMAX of the taps; with index: the index lanes
	vLoad  V = 8  // V8-V15: tap vectors, two sets of four
	vTmp   V = 16 // V16-V19: squares, masks
	vDiv   V = 20 // V20-V23: sums: the divisors of the chunk's columns
	vSplat V = 14 // V14-V25: max with index, fast paths: tap index offsets, a splat per tap
	vIota  V = 26 // max with index: lane j holds j*s (index lanes)
	vIStep V = 27 // max with index: 4s (float32) or 2s (float64) in every index lane
	vNaN   V = 28 // V28, V29: max with index: FMAX of the taps (NaN detector)
	vBase  V = 30 // max with index: the column index base at the store
	vFill  V = 31 // max: -inf, what staged columns outside the row read
	vZero  V = 28 // sums: +0, also the staging fill
	vFD    V = 29 // sums: winArgs.fD, fH and vol as T, in every lane
	vFH    V = 30
	vVol   V = 31
)

// fillReg is the register whose lanes staged columns outside the row read.
func (g *win) fillReg() V {
	if g.isMax() {
		return vFill
	}
	return vZero
}

// accum is the emission-time state of a chunk's accumulators: for fast max,
// the register of each lane group's first tap while it waits for the second
// (FMAX of the two writes acc, with no copy).
type accum struct {
	op    foldOp
	pend  [4]V
	have  [4]bool // the first tap of lane group q was seen
	masks int     // alternates the mask temporaries
}

func newAccum(op foldOp) *accum {
	a := &accum{op: op}
	for i := range a.pend {
		a.pend[i] = -1
	}
	return a
}

// fold folds tap vector x of lane group q, at column offset o, into the
// accumulators. pendOK says that for fast max the first tap may wait in x:
// the next tap of q follows in the same straight-line code before x is
// overwritten. splat is, for max with index, the register of the tap's index
// offset.
func (g *win) fold(a *accum, q int, x V, o int, pendOK bool, splat V) {
	acc, sec := vAcc+V(q), vSec+V(q)
	first := !a.have[q]
	a.have[q] = true
	switch a.op {
	case foldSum:
		if first {
			g.v3("fadd", acc, vZero, x)
		} else {
			g.v3("fadd", acc, acc, x)
		}
	case foldSumSq:
		t := vTmp + V(q)
		g.v3("fmul", t, x, x)
		if first {
			g.v3("fadd", acc, vZero, t)
		} else {
			g.v3("fadd", acc, acc, t)
		}
	case foldMax:
		if g.detect && !g.covered(o) {
			g.smin(sec, sec, x)
		}
		switch {
		case first && pendOK:
			a.pend[q] = x
		case first:
			g.mov(acc, x)
		case a.pend[q] >= 0:
			g.v3("fmax", acc, a.pend[q], x)
			a.pend[q] = -1
		default:
			g.v3("fmax", acc, acc, x)
		}
	case foldMaxExact:
		if first {
			g.mov(acc, x)
			g.mov(sec, x)
			return
		}
		m := g.mask(a)
		g.v3("fcmgt", m, x, acc)
		g.I("VBIT %s, %s, %s", m.B16(), x.B16(), acc.B16())
		g.v3("fmax", sec, sec, x)
	case foldMaxIdx:
		if nan := vNaN + V(q&1); !g.covered(o) {
			g.v3("fmax", nan, nan, x)
		}
		if first {
			g.mov(acc, x)
			g.mov(sec, splat)
			return
		}
		m := g.mask(a)
		g.v3("fcmgt", m, x, acc)
		g.I("VBIT %s, %s, %s", m.B16(), x.B16(), acc.B16())
		g.I("VBIT %s, %s, %s", m.B16(), splat.B16(), sec.B16())
	}
}

// covered reports whether the -0 (max) or NaN (max with index) detector may
// skip the taps at column offset o: those left of the block start (o < 0)
// when the kernel has a tap at offset 0. That tap covers the chunk's whole block (its L columns, or with
// stride 2 the even and odd columns of its LD2), the blocks of a row's
// chunks cover every column its windows read from 0 on, and a tap left of
// the block reads only columns of this block, of blocks before it (chunks
// of the same row, whose own offset-0 taps are checked) or of the padding.
func (g *win) covered(o int) bool {
	if !g.fixed() || o >= 0 {
		return false
	}
	for _, x := range g.k.Offsets() {
		if x == 0 {
			return true
		}
	}
	return false
}

// mask returns the next mask temporary.
func (g *win) mask(a *accum) V {
	a.masks++
	return g.maskBase + V(a.masks&1)
}

// finish ends a chunk's fold: the exact max takes the NaNs of its FMAX.
func (g *win) finish(a *accum) {
	if a.op != foldMaxExact {
		return
	}
	for q := range 4 {
		m := vTmp + V(q)
		g.v3("fcmeq", m, vSec+V(q), vSec+V(q))
		g.I("VBIF %s, %s, %s", m.B16(), (vSec + V(q)).B16(), (vAcc + V(q)).B16())
	}
}

// v3 emits a three-register vector instruction on the kernel's arrangement.
func (g *win) v3(op string, d, n, m V) { g.Word(Three(op, g.arr, d, n, m)) }

// smin emits SMIN on 32-bit lanes (whatever the element size: see fold).
func (g *win) smin(d, n, m V) { g.Word(Three("smin", S4, d, n, m)) }

// mov copies vector register n to d.
func (g *win) mov(d, n V) {
	if d != n {
		g.I("VMOV %s, %s", n.B16(), d.B16())
	}
}

// foldOf is the fold of the kernel's op (fast for max).
func foldOf(op table.Op) foldOp {
	return map[table.Op]foldOp{table.Max: foldMax, table.MaxIdx: foldMaxIdx, table.Sum: foldSum, table.SumSq: foldSumSq}[op]
}
