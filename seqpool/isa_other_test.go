//go:build purego || !(amd64 || arm64)

package seqpool

import "github.com/simdpool/simdpool"

// simdISAs are the ISAs with token-rows kernels in this build: none.
var simdISAs = map[simdpool.ISA]bool{}
