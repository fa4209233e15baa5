package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// llvmEncodings were recorded with Debian's LLVM 14.0.6:
//
//	echo 'fmax v0.4s, v1.4s, v2.4s' | llvm-mc --triple=aarch64 --show-encoding
//
// (the four bytes it prints, little endian, read as one word).
var llvmEncodings = []struct {
	asm string
	enc uint32
}{
	{"fmax v0.4s, v1.4s, v2.4s", 0x4e22f420},
	{"fmax v31.2d, v17.2d, v9.2d", 0x4e69f63f},
	{"fadd v3.4s, v4.4s, v5.4s", 0x4e25d483},
	{"fadd v0.2d, v0.2d, v31.2d", 0x4e7fd400},
	{"fmul v6.4s, v7.4s, v8.4s", 0x6e28dce6},
	{"fmul v15.2d, v15.2d, v15.2d", 0x6e6fddef},
	{"fdiv v9.4s, v10.4s, v11.4s", 0x6e2bfd49},
	{"fdiv v2.2d, v2.2d, v28.2d", 0x6e7cfc42},
	{"fcmgt v12.4s, v13.4s, v14.4s", 0x6eaee5ac},
	{"fcmgt v20.2d, v8.2d, v0.2d", 0x6ee0e514},
	{"fcmge v3.4s, v4.4s, v5.4s", 0x6e25e483},
	{"fcmge v26.2d, v16.2d, v8.2d", 0x6e68e61a},
	{"facgt v24.4s, v0.4s, v31.4s", 0x6ebfec18},
	{"facgt v27.2d, v9.2d, v31.2d", 0x6effed3b},
	{"fcmeq v15.4s, v16.4s, v17.4s", 0x4e31e60f},
	{"fcmeq v21.2d, v8.2d, v8.2d", 0x4e68e515},
	{"smin v1.4s, v2.4s, v3.4s", 0x4ea36c41},
	{"smin v4.4s, v4.4s, v30.4s", 0x4ebe6c84},
	{"fsqrt v27.4s, v28.4s", 0x6ea1fb9b},
	{"fsqrt v0.2d, v0.2d", 0x6ee1f800},
	{"fmaxv s0, v0.4s", 0x6e30f800},
	{"fmaxv s29, v30.4s", 0x6e30fbdd},
	{"sminv s4, v5.4s", 0x4eb1a8a4},
	{"sminv s31, v4.4s", 0x4eb1a89f},
	{"uminv s6, v7.4s", 0x6eb1a8e6},
	{"uminv s28, v28.4s", 0x6eb1ab9c},
	{"umaxv s12, v12.4s", 0x6eb0a98c},
	{"umaxv s0, v31.4s", 0x6eb0abe0},
}

var operandRE = regexp.MustCompile(`^[vs](\d+)(?:\.(4s|2d))?$`)

// encode parses an instruction in ARM syntax and encodes it with Three, Two
// or Across.
func encode(t *testing.T, asm string) Inst {
	t.Helper()
	op, rest, _ := strings.Cut(asm, " ")
	var regs []V
	arr := S4
	for _, r := range strings.Split(rest, ",") {
		m := operandRE.FindStringSubmatch(strings.TrimSpace(r))
		require.NotNil(t, m, "%q: bad operand %q", asm, r)
		n, _ := strconv.Atoi(m[1])
		regs = append(regs, V(n))
		if m[2] != "" {
			arr = Arr(m[2])
		}
	}
	_, across := acrossLanes[op]
	switch {
	case across && len(regs) == 2:
		return Across(op, regs[0], regs[1])
	case len(regs) == 3:
		return Three(op, arr, regs[0], regs[1], regs[2])
	case len(regs) == 2:
		return Two(op, arr, regs[0], regs[1])
	}
	require.Failf(t, "bad instruction", "%q: %d operands", asm, len(regs))
	return Inst{}
}

func TestEncodingsMatchLLVM(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range llvmEncodings {
		in := encode(t, c.asm)
		assert.Equal(t, c.enc, in.Enc, "%s: encoded %#08x, llvm-mc %#08x", c.asm, in.Enc, c.enc)
		assert.Equal(t, c.asm, in.Asm)
		op, rest, _ := strings.Cut(c.asm, " ")
		arr := "4s"
		if strings.Contains(rest, ".2d") {
			arr = "2d"
		}
		seen[op+"."+arr] = true
	}
	// Every encoder, in every arrangement it takes, is checked at least once.
	for op := range threeSame {
		assert.True(t, seen[op+".4s"], "%s.4s has no recorded llvm-mc encoding", op)
		if op != "smin" {
			assert.True(t, seen[op+".2d"], "%s.2d has no recorded llvm-mc encoding", op)
		}
	}
	for op := range twoReg {
		assert.True(t, seen[op+".4s"] && seen[op+".2d"], "%s has no recorded llvm-mc encoding in both arrangements", op)
	}
	for op := range acrossLanes {
		assert.True(t, seen[op+".4s"], "%s has no recorded llvm-mc encoding", op)
	}
}

func TestBadOperandsPanic(t *testing.T) {
	assert.Panics(t, func() { Three("fmax", S4, 32, 0, 0) }, "register 32")
	assert.Panics(t, func() { Three("smin", D2, 0, 1, 2) }, "smin has no .2d")
	assert.Panics(t, func() { Three("fmaxnm", S4, 0, 1, 2) }, "unknown instruction")
	assert.Panics(t, func() { Across("fmaxv", 0, -1) }, "register -1")
}
