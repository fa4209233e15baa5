package main

import (
	"fmt"
	"strings"
)

// Emitter collects lines of Go arm64 assembler. Instructions the Go
// assembler knows are written as text; the vector floating-point ones it lacks
// are written as WORD $0x... with the instruction spelled in a comment, by the
// encoders below (each checked against llvm-mc in emit_test.go).
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

// Three-register same-type vector instructions on .4S (ORN on .16B):
// base | Rm<<16 | Rn<<5 | Rd.
var threeSame = map[string]uint32{
	"fmax":  0x4e20f400,
	"fmin":  0x4ea0f400,
	"fadd":  0x4e20d400,
	"fsub":  0x4ea0d400,
	"fmul":  0x6e20dc00,
	"fdiv":  0x6e20fc00,
	"fcmgt": 0x6ea0e400,
	"fcmge": 0x6e20e400,
	"fcmeq": 0x4e20e400,
	"fmaxp": 0x6e20f400,
	"faddp": 0x6e20d400,
	"orn":   0x4ee01c00,
}

// Two-register vector instructions: base | Rn<<5 | Rd.
var twoReg = map[string]uint32{
	"fsqrt": 0x6ea1f800, // fsqrt vd.4s, vn.4s
	"fmaxv": 0x6e30f800, // fmaxv sd, vn.4s
	"scvtf": 0x4e21d800, // scvtf vd.4s, vn.4s
}

// Three encodes op vd, vn, vm (ARM operand order: vd = vn op vm).
func Three(op string, d, n, m V) Inst {
	base, ok := threeSame[op]
	if !ok {
		panic("neon: unknown instruction " + op)
	}
	d.check()
	n.check()
	m.check()
	arr := "4s"
	if op == "orn" {
		arr = "16b"
	}
	return Inst{
		Enc: base | uint32(m)<<16 | uint32(n)<<5 | uint32(d),
		Asm: fmt.Sprintf("%s v%d.%s, v%d.%s, v%d.%s", op, d, arr, n, arr, m, arr),
	}
}

// Two encodes op vd, vn.
func Two(op string, d, n V) Inst {
	base, ok := twoReg[op]
	if !ok {
		panic("neon: unknown instruction " + op)
	}
	d.check()
	n.check()
	asm := fmt.Sprintf("%s v%d.4s, v%d.4s", op, d, n)
	if op == "fmaxv" {
		asm = fmt.Sprintf("%s s%d, v%d.4s", op, d, n)
	}
	return Inst{Enc: base | uint32(n)<<5 | uint32(d), Asm: asm}
}

// Convenience emitters, ARM operand order (destination first).

func (e *Emitter) FMAX(d, n, m V)  { e.Word(Three("fmax", d, n, m)) }
func (e *Emitter) FADD(d, n, m V)  { e.Word(Three("fadd", d, n, m)) }
func (e *Emitter) FMUL(d, n, m V)  { e.Word(Three("fmul", d, n, m)) }
func (e *Emitter) FDIV(d, n, m V)  { e.Word(Three("fdiv", d, n, m)) }
func (e *Emitter) FCMGT(d, n, m V) { e.Word(Three("fcmgt", d, n, m)) }
func (e *Emitter) FCMEQ(d, n, m V) { e.Word(Three("fcmeq", d, n, m)) }
func (e *Emitter) ORN(d, n, m V)   { e.Word(Three("orn", d, n, m)) }
func (e *Emitter) FSQRT(d, n V)    { e.Word(Two("fsqrt", d, n)) }
func (e *Emitter) FMAXV(d, n V)    { e.Word(Two("fmaxv", d, n)) }

// Go-syntax helpers for the instructions the assembler has (Go operand order:
// sources first, destination last).

func (v V) S4() string  { return fmt.Sprintf("V%d.S4", int(v)) }
func (v V) S2() string  { return fmt.Sprintf("V%d.S2", int(v)) }
func (v V) D2() string  { return fmt.Sprintf("V%d.D2", int(v)) }
func (v V) B16() string { return fmt.Sprintf("V%d.B16", int(v)) }

// list formats a register list [Va.S4, Vb.S4, ...] of consecutive registers.
func list(first V, n int, arr string) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = fmt.Sprintf("V%d.%s", int(first)+i, arr)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// MOV copies vector register n to d.
func (e *Emitter) MOV(d, n V) { e.I("VMOV %s, %s", n.B16(), d.B16()) }
