//go:build !purego

package simdpool

import "golang.org/x/sys/cpu"

// The amd64 kernels need, besides the vector width:
//   - AVX2: AVX2 (VEX-encoded float and integer ops, gathers), FMA (the exact
//     quotients of the sums), and BMI2 (PEXT);
//   - AVX-512: F (the kernels proper), DQ (VPMOVD2M), BW (the int8 and
//     uint8 kernels: byte max, byte masks, 64-bit opmasks; every AVX-512 CPU
//     but the Xeon Phi has it), and BMI2 (BZHI, SHRX and PEXT for the load
//     masks). x/sys/cpu reports AVX-512 only when the OS saves the ZMM and
//     opmask state.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasBMI1 && cpu.X86.HasBMI2
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW
)

// supported reports whether this machine and build can run isa.
func supported(isa ISA) bool {
	switch isa {
	case AVX2:
		return hasAVX2
	case AVX512:
		return hasAVX512
	}
	return false
}
