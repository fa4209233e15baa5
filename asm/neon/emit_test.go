package main

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// llvmEncodings were recorded with Debian's LLVM 14.0.6:
//
//	echo 'fmax v0.4s, v1.4s, v2.4s' | llvm-mc --triple=aarch64 --show-encoding
//
// (the bytes it prints, little endian, read as one word).
var llvmEncodings = []struct {
	asm string
	enc uint32
}{
	{"fmax v0.4s, v1.4s, v2.4s", 0x4e22f420},
	{"fmax v31.4s, v17.4s, v9.4s", 0x4e29f63f},
	{"fmax v3.4s, v3.4s, v14.4s", 0x4e2ef463},
	{"fmin v5.4s, v6.4s, v7.4s", 0x4ea7f4c5},
	{"fadd v3.4s, v4.4s, v5.4s", 0x4e25d483},
	{"fadd v0.4s, v0.4s, v31.4s", 0x4e3fd400},
	{"fsub v1.4s, v2.4s, v3.4s", 0x4ea3d441},
	{"fmul v6.4s, v7.4s, v8.4s", 0x6e28dce6},
	{"fmul v15.4s, v15.4s, v15.4s", 0x6e2fddef},
	{"fdiv v9.4s, v10.4s, v11.4s", 0x6e2bfd49},
	{"fdiv v2.4s, v2.4s, v28.4s", 0x6e3cfc42},
	{"fcmgt v12.4s, v13.4s, v14.4s", 0x6eaee5ac},
	{"fcmgt v20.4s, v8.4s, v0.4s", 0x6ea0e514},
	{"fcmge v1.4s, v2.4s, v3.4s", 0x6e23e441},
	{"fcmeq v15.4s, v16.4s, v17.4s", 0x4e31e60f},
	{"fcmeq v21.4s, v8.4s, v8.4s", 0x4e28e515},
	{"fmaxp v18.4s, v19.4s, v20.4s", 0x6e34f672},
	{"faddp v21.4s, v22.4s, v23.4s", 0x6e37d6d5},
	{"orn v24.16b, v25.16b, v26.16b", 0x4efa1f38},
	{"orn v20.16b, v20.16b, v21.16b", 0x4ef51e94},
	{"fsqrt v27.4s, v28.4s", 0x6ea1fb9b},
	{"fsqrt v0.4s, v0.4s", 0x6ea1f800},
	{"fmaxv s29, v30.4s", 0x6e30fbdd},
	{"fmaxv s0, v0.4s", 0x6e30f800},
	{"scvtf v1.4s, v2.4s", 0x4e21d841},
}

var regRE = regexp.MustCompile(`^[vs](\d+)`)

// encode parses an instruction in ARM syntax and encodes it with Three or Two.
func encode(t *testing.T, asm string) Inst {
	t.Helper()
	op, rest, _ := strings.Cut(asm, " ")
	var regs []V
	for _, r := range strings.Split(rest, ",") {
		m := regRE.FindStringSubmatch(strings.TrimSpace(r))
		if m == nil {
			t.Fatalf("%q: bad operand %q", asm, r)
		}
		n, _ := strconv.Atoi(m[1])
		regs = append(regs, V(n))
	}
	switch len(regs) {
	case 3:
		return Three(op, regs[0], regs[1], regs[2])
	case 2:
		return Two(op, regs[0], regs[1])
	}
	t.Fatalf("%q: %d operands", asm, len(regs))
	return Inst{}
}

func TestEncodingsMatchLLVM(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range llvmEncodings {
		in := encode(t, c.asm)
		if in.Enc != c.enc || in.Asm != c.asm {
			t.Errorf("%s: encoded %#08x (%s), llvm-mc %#08x", c.asm, in.Enc, in.Asm, c.enc)
		}
		op, _, _ := strings.Cut(c.asm, " ")
		seen[op] = true
	}
	// every encoder is checked at least once
	for op := range threeSame {
		if !seen[op] {
			t.Errorf("%s has no recorded llvm-mc encoding", op)
		}
	}
	for op := range twoReg {
		if !seen[op] {
			t.Errorf("%s has no recorded llvm-mc encoding", op)
		}
	}
}

var wordRE = regexp.MustCompile(`WORD \$0x([0-9a-f]{8}) // (.*)`)

// TestWordsMatchComments re-encodes the comment of every WORD in the
// generated assembly and checks that it gives the word; and that FMAXNM,
// which does not propagate NaN, never appears.
func TestWordsMatchComments(t *testing.T) {
	src := genAsm()
	n := 0
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "WORD") {
			continue
		}
		m := wordRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("WORD without an instruction comment: %q", line)
		}
		w, _ := strconv.ParseUint(m[1], 16, 32)
		if in := encode(t, m[2]); in.Enc != uint32(w) {
			t.Errorf("%q: comment encodes to %#08x", line, in.Enc)
		}
		if w&0xffa0fc00 == 0x4e20c400 || strings.Contains(line, "fmaxnm") {
			t.Errorf("FMAXNM in %q", line)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no WORD lines")
	}
}

func TestBadRegisterPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Three("fmax", 32, 0, 0)
}

// TestGeneratedUpToDate checks that the committed files are what the
// generator writes (cd asm && go run ./neon).
func TestGeneratedUpToDate(t *testing.T) {
	goSrc, err := format.Source([]byte(genGo()))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"pool_arm64.s": genAsm(), "pool_arm64.go": string(goSrc)} {
		got, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s is stale: run cd asm && go run ./neon", name)
		}
	}
}

func TestGeneratedShape(t *testing.T) {
	s := genAsm()
	if !strings.HasPrefix(s, "// Code generated") || !strings.Contains(s, "DO NOT EDIT.") {
		t.Fatal("no generated-code header")
	}
	for _, k := range allRowKernels() {
		if !strings.Contains(s, fmt.Sprintf("TEXT ·%s(SB)", k.name())) {
			t.Errorf("no %s", k.name())
		}
	}
}
