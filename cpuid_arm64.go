//go:build !purego

package simdpool

import "golang.org/x/sys/cpu"

// hasNEON is read once: the kernels need Advanced SIMD (ASIMD), which every
// arm64 Go targets has, but the check keeps SIMDPOOL_ISA=neon honest.
var hasNEON = cpu.ARM64.HasASIMD

func supported(isa ISA) bool { return isa == NEON && hasNEON }
