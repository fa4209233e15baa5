package main

import (
	"fmt"
	"strings"
)

// Emitter collects lines of Go arm64 assembler. Instructions the Go
// assembler knows are written as text; the vector ones it lacks (floating
// point arithmetic and compares, SMIN and the across-lanes reductions) are
// written as WORD $0x... with the instruction spelled in ARM syntax in a
// comment, by the encoders below (each checked against llvm-mc in
// emit_test.go, and every WORD of the output re-encoded from its comment).
type Emitter struct {
	b strings.Builder
}

// I emits one instruction in Go syntax.
func (e *Emitter) I(format string, args ...any) {
	fmt.Fprintf(&e.b, "\t"+format+"\n", args...)
}

// Label emits a label.
func (e *Emitter) Label(l string) { fmt.Fprintf(&e.b, "%s:\n", l) }

// Comment emits a comment line.
func (e *Emitter) Comment(format string, args ...any) {
	fmt.Fprintf(&e.b, "\t// "+format+"\n", args...)
}

// Raw emits text as is.
func (e *Emitter) Raw(s string) { e.b.WriteString(s) }

// Word emits an encoded instruction.
func (e *Emitter) Word(in Inst) {
	fmt.Fprintf(&e.b, "\tWORD $0x%08x // %s\n", in.Enc, in.Asm)
}

// String returns the text emitted so far.
func (e *Emitter) String() string { return e.b.String() }

// Inst is an instruction encoded by hand: its 32-bit word and its spelling in
// ARM syntax.
type Inst struct {
	Enc uint32
	Asm string
}

// V is a SIMD register number, 0..31.
type V int

func (v V) check() {
	if v < 0 || v > 31 {
		panic(fmt.Sprintf("neon: bad vector register %d", int(v)))
	}
}

// Arr is a vector arrangement: four 32-bit or two 64-bit lanes of a Q register.
type Arr string

const (
	S4  Arr = "4s"
	D2  Arr = "2d"
	B16 Arr = "16b"
)

// arrOf is the arrangement of elements of es bytes.
func arrOf(es int) Arr {
	if es == 8 {
		return D2
	}
	return S4
}

// goArr is the arrangement's Go assembler suffix.
func (a Arr) goArr() string {
	return map[Arr]string{S4: "S4", D2: "D2", B16: "B16"}[a]
}

// threeSame are the three-register instructions on .4s: base | Rm<<16 |
// Rn<<5 | Rd. The floating-point ones take .2d with bit 22 (sz) set; smin
// has no .2d form.
var threeSame = map[string]uint32{
	"fmax":  0x4e20f400,
	"fadd":  0x4e20d400,
	"fmul":  0x6e20dc00,
	"fdiv":  0x6e20fc00,
	"fcmgt": 0x6ea0e400,
	"fcmge": 0x6e20e400,
	"fcmeq": 0x4e20e400,
	"facgt": 0x6ea0ec00, // |vn| > |vm|
	"smin":  0x4ea06c00,
}

// twoReg are the two-register instructions on .4s: base | Rn<<5 | Rd (fsqrt
// also on .2d, with bit 22 set).
var twoReg = map[string]uint32{
	"fsqrt": 0x6ea1f800,
}

// acrossLanes reduce the four 32-bit lanes of a register to a scalar (s
// register): base | Rn<<5 | Rd.
var acrossLanes = map[string]uint32{
	"fmaxv": 0x6e30f800,
	"sminv": 0x4eb1a800,
	"uminv": 0x6eb1a800,
	"umaxv": 0x6eb0a800,
}

const szBit = 1 << 22

func sized(op string, base uint32, a Arr) uint32 {
	switch {
	case a == S4:
		return base
	case a == D2 && op != "smin":
		return base | szBit
	}
	panic(fmt.Sprintf("neon: %s has no .%s form", op, a))
}

// Three encodes op vd, vn, vm (ARM operand order: vd = vn op vm).
func Three(op string, a Arr, d, n, m V) Inst {
	base, ok := threeSame[op]
	if !ok {
		panic("neon: unknown instruction " + op)
	}
	d.check()
	n.check()
	m.check()
	return Inst{
		Enc: sized(op, base, a) | uint32(m)<<16 | uint32(n)<<5 | uint32(d),
		Asm: fmt.Sprintf("%s v%d.%s, v%d.%s, v%d.%s", op, d, a, n, a, m, a),
	}
}

// Two encodes op vd, vn.
func Two(op string, a Arr, d, n V) Inst {
	base, ok := twoReg[op]
	if !ok {
		panic("neon: unknown instruction " + op)
	}
	d.check()
	n.check()
	return Inst{Enc: sized(op, base, a) | uint32(n)<<5 | uint32(d), Asm: fmt.Sprintf("%s v%d.%s, v%d.%s", op, d, a, n, a)}
}

// Across encodes op sd, vn.4s.
func Across(op string, d, n V) Inst {
	base, ok := acrossLanes[op]
	if !ok {
		panic("neon: unknown instruction " + op)
	}
	d.check()
	n.check()
	return Inst{Enc: base | uint32(n)<<5 | uint32(d), Asm: fmt.Sprintf("%s s%d, v%d.4s", op, d, n)}
}

// Go-syntax register names for the instructions the assembler has.

func (v V) B16() string       { return fmt.Sprintf("V%d.B16", int(v)) }
func (v V) A(a Arr) string    { return fmt.Sprintf("V%d.%s", int(v), a.goArr()) }
func (v V) F() string         { return fmt.Sprintf("F%d", int(v)) }
func (v V) Lane(i int) string { return fmt.Sprintf("V%d.S[%d]", int(v), i) }

// El is lane i of elements of es bytes (4: S, 8: D).
func (v V) El(es, i int) string {
	if es == 8 {
		return fmt.Sprintf("V%d.D[%d]", int(v), i)
	}
	return v.Lane(i)
}

// list formats the register list [Va, Va+1, ...] of n consecutive registers.
func list(first V, n int, a Arr) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = (first + V(i)).A(a)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
