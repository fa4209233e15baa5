package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/asm/table"
)

var gen struct {
	once sync.Once
	// The command's output: package simdpool's pool_arm64.s and .go, package
	// seqpool's rows_arm64.s and .go.
	asm, stubs, rowsAsm, rowsStubs []byte
	err                            error
}

// generated returns what the command writes to pool_arm64.s, pool_arm64.go,
// seqpool/rows_arm64.s and seqpool/rows_arm64.go.
func generated(t *testing.T) (asm string, stubs []byte, rowsAsm string, rowsStubs []byte) {
	t.Helper()
	gen.once.Do(func() {
		l, err := loadLayout()
		if err != nil {
			gen.err = err
			return
		}
		if gen.asm, gen.stubs, gen.err = generate(l); gen.err != nil {
			return
		}
		gen.rowsAsm, gen.rowsStubs, gen.err = generateRows()
	})
	require.NoError(t, gen.err)
	return string(gen.asm), gen.stubs, string(gen.rowsAsm), gen.rowsStubs
}

// generatedAsm returns both assembly files the command writes, by name.
func generatedAsm(t *testing.T) map[string]string {
	asm, _, rowsAsm, _ := generated(t)
	return map[string]string{"pool_arm64.s": asm, "seqpool/rows_arm64.s": rowsAsm}
}

// TestGeneratedUpToDate checks that the committed files are what the
// generator writes (cd asm && go run ./neon).
func TestGeneratedUpToDate(t *testing.T) {
	asm, stubs, rowsAsm, rowsStubs := generated(t)
	dir := t.TempDir()
	require.NoError(t, table.WriteGo(filepath.Join(dir, "table"), "arm64", cmdLine))
	require.NoError(t, table.WriteTokenRowsGo(filepath.Join(dir, "rows_table"), "arm64", cmdLine))
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return b
	}
	want := map[string][]byte{
		"pool_arm64.s": []byte(asm), "pool_arm64.go": stubs, "table_arm64.go": read("table"),
		"seqpool/rows_arm64.s": []byte(rowsAsm), "seqpool/rows_arm64.go": rowsStubs, "seqpool/table_arm64.go": read("rows_table"),
	}
	require.Len(t, want, len(generatedFiles))
	for _, name := range generatedFiles {
		got, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.True(t, string(got) == string(want[name]), "%s is stale: run cd asm && go run ./neon", name)
	}
}

var wordRE = regexp.MustCompile(`^\tWORD \$0x([0-9a-f]{8}) // (.*)$`)

// TestWordsMatchComments re-encodes the comment of every WORD in the
// generated assembly and checks that it gives the word; and that FMAXNM,
// which does not propagate NaN, never appears.
func TestWordsMatchComments(t *testing.T) {
	for file, asm := range generatedAsm(t) {
		n := 0
		for _, line := range strings.Split(asm, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "WORD") {
				continue
			}
			m := wordRE.FindStringSubmatch(line)
			require.NotNil(t, m, "%s: WORD without an instruction comment: %q", file, line)
			w, _ := strconv.ParseUint(m[1], 16, 32)
			require.Equal(t, uint32(w), encode(t, m[2]).Enc, "%s: %q: the comment does not encode to the word", file, line)
			require.False(t, w&0xbfa0fc00 == 0x0e20c400 || strings.Contains(line, "fmaxnm"), "%s: FMAXNM in %q", file, line)
			n++
		}
		require.NotZero(t, n, "%s: no WORD lines", file)
	}
}

// TestEveryKernelGenerated checks that each NEON kernel of the table has its
// code and its Go declaration, in its package's files.
func TestEveryKernelGenerated(t *testing.T) {
	asm, stubs, rowsAsm, rowsStubs := generated(t)
	for _, f := range []struct {
		ks         []table.Kernel
		asm, stubs string
	}{
		{table.Arch("arm64"), asm, string(stubs)},
		{table.TokenRowKernels("arm64"), rowsAsm, string(rowsStubs)},
	} {
		require.NotEmpty(t, f.ks)
		for _, k := range f.ks {
			assert.Contains(t, f.asm, fmt.Sprintf("\nTEXT ·%s(SB), ", k.Name()))
			assert.Contains(t, f.stubs, fmt.Sprintf("\nfunc %s(", k.Name()))
		}
		assert.Equal(t, len(f.ks), strings.Count(f.asm, "\nTEXT "), "kernels not in the table")
	}
}

var (
	textRE  = regexp.MustCompile(`^TEXT ·(\w+)\(SB\), (?:NOSPLIT, )?\$(\d+)-(\d+)$`)
	rspRE   = regexp.MustCompile(`(-?\d+)\(RSP\)|\$(\d+), RSP`)
	regRE   = regexp.MustCompile(`\bR(\d+)\b`)
	lrUseRE = regexp.MustCompile(`^\t(MOVD R30, \d+\(RSP\)|MOVD \d+\(RSP\), R30|B \(R30\))$`)
)

// TestRegistersAndFrame checks the generated code against the platform's
// and Go's reserved registers (R18 the platform register, R27 the
// assembler's temporary, R28 g, R29 the frame pointer; R30, the link
// register, only saved, restored and returned through by the subroutines),
// and every stack slot and buffer address against its function's frame:
// locals lie in [8, 8+frame) from RSP, 0(RSP) holding the saved LR.
func TestRegistersAndFrame(t *testing.T) {
	for _, asm := range generatedAsm(t) {
		checkRegistersAndFrame(t, asm)
	}
}

func checkRegistersAndFrame(t *testing.T, asm string) {
	fn, frame := "", 0
	for _, line := range strings.Split(asm, "\n") {
		if m := textRE.FindStringSubmatch(line); m != nil {
			fn = m[1]
			frame, _ = strconv.Atoi(m[2])
			continue
		}
		code, _, _ := strings.Cut(line, "//")
		for _, m := range regRE.FindAllStringSubmatch(code, -1) {
			r, _ := strconv.Atoi(m[1])
			require.False(t, r == 18 || r >= 27 && r <= 29, "%s: reserved register in %q", fn, line)
			require.False(t, r == 30 && !lrUseRE.MatchString(code), "%s: LR used in %q", fn, line)
		}
		for _, m := range rspRE.FindAllStringSubmatch(code, -1) {
			off, _ := strconv.Atoi(m[1] + m[2])
			require.True(t, off >= 8 && off < 8+frame, "%s: %d(RSP) outside the frame of %d bytes: %q", fn, off, frame, line)
		}
	}
}
