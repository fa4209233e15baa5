//go:build !purego

package seqpool

import "github.com/simdpool/simdpool"

// simdISAs are the ISAs with token-rows kernels in this build.
var simdISAs = map[simdpool.ISA]bool{simdpool.NEON: true}
