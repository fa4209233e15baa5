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
	once       sync.Once
	asm, stubs []byte
	err        error
}

// generated returns what the command writes to pool_arm64.s and pool_arm64.go.
func generated(t *testing.T) (asm string, stubs []byte) {
	t.Helper()
	gen.once.Do(func() {
		l, err := loadLayout()
		if err != nil {
			gen.err = err
			return
		}
		gen.asm, gen.stubs, gen.err = generate(l)
	})
	require.NoError(t, gen.err)
	return string(gen.asm), gen.stubs
}

// TestGeneratedUpToDate checks that the committed files are what the
// generator writes (cd asm && go run ./neon).
func TestGeneratedUpToDate(t *testing.T) {
	asm, stubs := generated(t)
	tab := filepath.Join(t.TempDir(), "table_arm64.go")
	require.NoError(t, table.WriteGo(tab, "arm64", cmdLine))
	wantTab, err := os.ReadFile(tab)
	require.NoError(t, err)
	for name, want := range map[string][]byte{"pool_arm64.s": []byte(asm), "pool_arm64.go": stubs, "table_arm64.go": wantTab} {
		got, err := os.ReadFile(filepath.Join("..", "..", name))
		require.NoError(t, err)
		assert.True(t, string(got) == string(want), "%s is stale: run cd asm && go run ./neon", name)
	}
}

var wordRE = regexp.MustCompile(`^\tWORD \$0x([0-9a-f]{8}) // (.*)$`)

// TestWordsMatchComments re-encodes the comment of every WORD in the
// generated assembly and checks that it gives the word; and that FMAXNM,
// which does not propagate NaN, never appears.
func TestWordsMatchComments(t *testing.T) {
	asm, _ := generated(t)
	n := 0
	for _, line := range strings.Split(asm, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "WORD") {
			continue
		}
		m := wordRE.FindStringSubmatch(line)
		require.NotNil(t, m, "WORD without an instruction comment: %q", line)
		w, _ := strconv.ParseUint(m[1], 16, 32)
		require.Equal(t, uint32(w), encode(t, m[2]).Enc, "%q: the comment does not encode to the word", line)
		require.False(t, w&0xbfa0fc00 == 0x0e20c400 || strings.Contains(line, "fmaxnm"), "FMAXNM in %q", line)
		n++
	}
	require.NotZero(t, n, "no WORD lines")
}

// TestEveryKernelGenerated checks that each NEON kernel of the table has its
// code and its Go declaration.
func TestEveryKernelGenerated(t *testing.T) {
	asm, stubs := generated(t)
	ks := table.Arch("arm64")
	require.NotEmpty(t, ks)
	for _, k := range ks {
		assert.Contains(t, asm, fmt.Sprintf("\nTEXT ·%s(SB), ", k.Name()))
		assert.Contains(t, string(stubs), fmt.Sprintf("\nfunc %s(", k.Name()))
	}
	assert.Equal(t, len(ks), strings.Count(asm, "\nTEXT "), "kernels not in the table")
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
	asm, _ := generated(t)
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
