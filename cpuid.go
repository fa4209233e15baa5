package simdpool

import (
	"fmt"
	"os"
	"strings"
)

// ISA names a kernel implementation: the generic Go code or an instruction set.
type ISA string

// The ISAs simdpool knows. Available tells which of them this build can run here.
const (
	Generic ISA = "generic"
	AVX2    ISA = "avx2"
	AVX512  ISA = "avx512"
	NEON    ISA = "neon"
)

// The ISA in use for the Programs made from now on. At most one is true;
// none means generic.
var useAVX2, useAVX512, useNEON bool

// isaErr records an unusable SIMDPOOL_ISA.
var isaErr error

func init() {
	best := Available()
	isa := best[len(best)-1]
	if env := strings.TrimSpace(os.Getenv("SIMDPOOL_ISA")); env != "" { // empty means unset
		isa = ISA(strings.ToLower(env))
	}
	if err := Use(isa); err != nil {
		isaErr = fmt.Errorf("simdpool: SIMDPOOL_ISA: %w", err)
	}
}

// ISAError reports a SIMDPOOL_ISA that names an ISA this build or machine
// cannot run (nil when the variable is unset, empty or usable). Package pool returns
// it from every plan constructor rather than silently falling back.
func ISAError() error { return isaErr }

// Available lists the ISAs this build can run on this machine, generic first
// and the best last.
func Available() []ISA {
	isas := []ISA{Generic}
	for _, isa := range []ISA{AVX2, AVX512, NEON} {
		if supported(isa) {
			isas = append(isas, isa)
		}
	}
	return isas
}

// Current reports the ISA the kernels use.
func Current() ISA {
	switch {
	case useAVX512:
		return AVX512
	case useAVX2:
		return AVX2
	case useNEON:
		return NEON
	}
	return Generic
}

// Use switches to isa the kernels of the Programs made from now on, for tests
// and benchmarks that compare implementations: a Program keeps the kernels of
// the ISA in use when it was made. It is not safe to call while Programs are
// being made.
func Use(isa ISA) error {
	if isa != Generic && !supported(isa) {
		return fmt.Errorf("ISA %q is not available here (available: %v)", isa, Available())
	}
	useAVX2, useAVX512, useNEON = isa == AVX2, isa == AVX512, isa == NEON
	return nil
}
