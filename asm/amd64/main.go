// Command amd64 generates pool_amd64.s and its Go declarations pool_amd64.go
// in the root package: the AVX2 and AVX-512 pooling kernels.
//
//	cd asm && go run ./amd64      # as make generate does
//
// (avo's flags -out, -stubs and -pkg may be given instead, e.g. to print the
// assembly to standard output.)
//
// Every kernel is written out twice, once per ISA, from the same description:
// window.go holds the window kernels (max, max with index, sums for avg and
// LP), global.go the whole-plane reductions. kernels_amd64.go in the root
// package says how the hooks use them.
package main

import (
	"flag"
	"log"
	"os"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
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
	iotaTab Mem // int32 0, 1, ..., 15, then 16..31 (AVX2 uses 8 and 8..15)
	evenTab Mem // int32 0, 2, ..., 30: VPERMT2PS indices keeping the even inputs of two vectors
	oddTab  Mem // int32 1, 3, ..., 31: the odd ones
	bitsTab Mem // int32 1, 2, 4, ..., 128: lane j's bit of a mask
)

func tables() {
	iotaTab = GLOBL("iota32", RODATA|NOPTR)
	for i := 0; i < 32; i++ {
		DATA(4*i, U32(uint32(i)))
	}
	evenTab = GLOBL("even32", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(2*i)))
	}
	oddTab = GLOBL("odd32", RODATA|NOPTR)
	for i := 0; i < 16; i++ {
		DATA(4*i, U32(uint32(2*i+1)))
	}
	bitsTab = GLOBL("bits32", RODATA|NOPTR)
	for i := 0; i < 8; i++ {
		DATA(4*i, U32(1<<i))
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
	generate()
	for tmp, dst := range final {
		if err := os.Rename(tmp, dst); err != nil {
			log.Fatal(err)
		}
	}
}

func generate() {
	// avo reads the declaration of rowJob, the window kernels' argument, from
	// the root package (tools.go keeps it in go.mod).
	Package("github.com/simdpool/simdpool")
	ConstraintExpr("!purego")
	tables()
	for _, is := range []isa{avx2, avx512} {
		for _, fam := range []family{famMax, famMaxIdx, famSum, famSumSq} {
			for _, mode := range []int{1, 2, 0} {
				window(is, fam, mode)
			}
		}
		for _, c := range sepCombos {
			sepMax(is, c[0], c[1], c[2], c[3])
		}
		for _, fam := range []family{famSum, famSumSq} {
			for _, c := range fixSumCombos {
				fixSum(is, fam, c[0], c[1])
			}
		}
		if is.z {
			for _, pair := range []bool{false, true} {
				for _, c := range fixSumCombos {
					sumCols(c[0], c[1], pair)
				}
			}
		}
		globalMax(is)
		globalMean(is)
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

func check(err error) {
	if err != nil {
		panic(err)
	}
}

// allOnes sets every bit of v.
func allOnes(is isa, v VecVirtual) {
	if is.z {
		VPTERNLOGD(Imm(0xff), v, v, v)
	} else {
		VPCMPEQD(v, v, v)
	}
}
