// Command amd64 generates the AVX2 and AVX-512 kernels: pool_amd64.s and its
// Go declarations pool_amd64.go in the root package (-pkg simdpool, the
// default), or rows_amd64.s and rows_amd64.go in package seqpool (-pkg
// seqpool). avo builds one file per process, so make generate runs it once
// per package:
//
//	cd asm && go run ./amd64 -pkg simdpool -out ../pool_amd64.s -stubs ../pool_amd64.go
//	cd asm && go run ./amd64 -pkg seqpool -out ../seqpool/rows_amd64.s -stubs ../seqpool/rows_amd64.go
//
// (avo's flags -out, -stubs and -pkg; -out alone prints no stubs, e.g. to
// read the assembly.)
//
// It makes the amd64 kernels of the table (asm/table), each from the one
// description of its kind written for every ISA and element size: win.go
// holds the window kernels (max, max with index, sums for avg and LP),
// global.go the whole-plane reductions, seq.go seqpool's token-rows kernels;
// vec.go the instructions of each vector flavour. It also writes the Go side
// of the package's table: table_amd64.go in the root package or in seqpool.
package main

import (
	"flag"
	"fmt"
	"go/constant"
	"go/types"
	"log"
	"os"
	"regexp"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"

	"golang.org/x/tools/go/packages"

	"github.com/simdpool/simdpool/asm/table"
)

// The Go side of the amd64 kernel table in the root package and in seqpool.
const (
	tableFile    = "../table_amd64.go"
	seqTableFile = "../seqpool/table_amd64.go"
)

// isa is one vector instruction set: its lane count and register kind.
type isa struct {
	name string
	L    int  // float32 lanes per vector
	z    bool // AVX-512 (ZMM registers, opmasks); otherwise AVX2
}

var (
	avx512 = isa{name: "AVX512", L: 16, z: true}
	avx2   = isa{name: "AVX2", L: 8}
)

// vec returns a new virtual vector register of the ISA's width.
func (i isa) vec() VecVirtual {
	if i.z {
		return ZMM()
	}
	return YMM()
}

// Read-only tables shared by the kernels.
var (
	iotaTab     Mem // int32 0, 1, ..., 31 (AVX2 uses 0..7 and 8..15)
	qwordUnpack Mem // int64 0, 2, 4, 6, 1, 3, 5, 7: VPERMQ indices of the AVX-512 byte kernels' unpermute
)

func tables() {
	iotaTab = GLOBL("iota32", RODATA|NOPTR)
	for i := 0; i < 32; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	qwordUnpack = GLOBL("qwordUnpack", RODATA|NOPTR)
	for i, q := range []uint64{0, 2, 4, 6, 1, 3, 5, 7} {
		DATA(8*i, U64(q))
	}
}

func main() {
	// avo truncates its -out and -stubs files before it generates: write to
	// temporary files and move them in place only once generation succeeded,
	// so that a failed run leaves the root package as it was. The header of
	// the generated files still names the real command line (os.Args).
	args := append([]string(nil), os.Args[1:]...)
	if len(args) == 0 {
		// The default run (make generate): the root package's files.
		args = []string{"-pkg", "simdpool", "-out", "../pool_amd64.s", "-stubs", "../pool_amd64.go"}
	}
	final := map[string]string{}
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-out" || args[i] == "-stubs" {
			final[args[i+1]+".tmp"] = args[i+1]
			args[i+1] += ".tmp"
		}
	}
	if err := flag.CommandLine.Parse(args); err != nil {
		log.Fatal(err)
	}
	seq := false
	switch pkg := flag.Lookup("pkg").Value.String(); pkg {
	case "simdpool", "": // "": avo's -out alone, printing the root package's kernels
	case "seqpool":
		seq = true
	default:
		log.Fatalf("-pkg %q: the kernels are for package simdpool or seqpool", pkg)
	}
	if seq {
		generateTokenRows()
	} else {
		if err := checkRoot(); err != nil {
			log.Fatal(err)
		}
		generate()
	}
	for tmp := range final {
		if strings.HasSuffix(tmp, ".s.tmp") {
			if err := checkAVX2(tmp); err != nil {
				log.Fatal(err)
			}
		}
	}
	var err error
	if seq {
		err = table.WriteTokenRowsGo(seqTableFile, "amd64", "asm/amd64 -pkg seqpool (make generate)")
	} else {
		err = table.WriteGo(tableFile, "amd64", "asm/amd64 (cd asm && go run ./amd64)")
	}
	if err != nil {
		log.Fatal(err)
	}
	for tmp, dst := range final {
		if err := os.Rename(tmp, dst); err != nil {
			log.Fatal(err)
		}
	}
}

func generate() {
	// avo reads the declaration of winArgs, the window kernels' argument, from
	// the root package (tools.go keeps it in go.mod).
	Package("github.com/simdpool/simdpool")
	ConstraintExpr("!purego")
	tables()
	declareTables()
	declareBackTables()
	for _, k := range table.Arch("amd64") {
		if only := os.Getenv("GEN_ONLY"); only != "" && !strings.Contains(k.Name(), only) {
			continue
		}
		switch {
		case k.Op.Expand():
			expandKernel(k)
		case k.Op == table.MeanBwd:
			meanFill(k)
		case k.Kind == table.Window:
			windowKernel(k)
		case k.Kind == table.Channels:
			chanKernel(k)
		case k.Kind == table.Global:
			is := avx2
			if k.ISA == table.AVX512 {
				is = avx512
			}
			if k.Op == table.Max {
				globalMax(k, is)
			} else {
				globalMean(k, is)
			}
		}
	}
	Generate()
}

// bcast32 broadcasts the low 32 bits of a general register to every lane.
func bcast32(is isa, r Register, dst VecVirtual) {
	if is.z {
		VPBROADCASTD(r.(GPVirtual).As32(), dst)
		return
	}
	x := XMM()
	VMOVQ(r, x)
	VPBROADCASTD(x, dst)
}

// constVec returns a register holding the 32-bit constant c in every lane.
func constVec(is isa, c uint32) VecVirtual {
	t := GP32()
	MOVL(U32(c), t)
	v := is.vec()
	if is.z {
		VPBROADCASTD(t, v)
	} else {
		x := XMM()
		VMOVD(t, x)
		VPBROADCASTD(x, v)
	}
	return v
}

// checkRoot fails when the root package's constants that the kernels mirror
// (the winArgs.post values) are not the ones this generator emits.
func checkRoot() error {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo, Dir: ".."}, "github.com/simdpool/simdpool")
	if err != nil {
		return err
	}
	if len(pkgs) != 1 || pkgs[0].Types == nil {
		return fmt.Errorf("loading the root package: %v", pkgs)
	}
	scope := pkgs[0].Types.Scope()
	for name, want := range map[string]int64{"postAvg": postAvg, "postSuccessive": postSuccessive, "postLp1": postLp1, "postLp2": postLp2} {
		c, ok := scope.Lookup(name).(*types.Const)
		if !ok {
			return fmt.Errorf("root package: no constant %s", name)
		}
		if got, ok := constant.Int64Val(c.Val()); !ok || got != want {
			return fmt.Errorf("root package: %s = %v, the generator emits %d", name, c.Val(), want)
		}
	}
	return nil
}

// checkAVX2 fails when an AVX2 kernel of the assembly at path uses what only
// AVX-512 has: a register beyond the 16 of AVX2 (avo's allocator may pick
// Y16-Y31, which the assembler then encodes with EVEX), an opmask, a ZMM
// register, or an EVEX-only instruction.
func checkAVX2(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	evexReg := regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)
	evexOp := regexp.MustCompile(`^\s*(VPTERNLOG|VPERMT2|VPERMI2|VALIGN|VEXTRACT.32X|VMOVDQU(8|16|32|64)|K[A-Z]+)`)
	fn := ""
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "TEXT ") {
			fn = line
			continue
		}
		if !strings.Contains(fn, "AVX2(SB)") {
			continue
		}
		code, _, _ := strings.Cut(line, "//")
		if evexReg.MatchString(code) || evexOp.MatchString(code) {
			return fmt.Errorf("%s:%d: an AVX2 kernel uses AVX-512: %s (in %s)", path, i+1, strings.TrimSpace(code), fn)
		}
	}
	return nil
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func labeler(prefix string) func(string) string {
	return func(s string) string { return fmt.Sprintf("%s_%s", prefix, s) }
}
