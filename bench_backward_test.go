package simdpool_test

import (
	"testing"

	"github.com/simdpool/simdpool/internal/suite"
)

// benchBackward times the backward of case c with every implementation
// (BenchmarkSuite/S1/pass=backward/impl=avx512), next to impl=memcpy of the
// same traffic: the gradient of the output, the indices (max-type) or the
// input (LP) read, the gradient of the input written.
func benchBackward(b *testing.B, c suite.Case) {
	all, err := suite.NewBackward(c)
	if err != nil {
		b.Fatal(err)
	}
	for _, isa := range all.ISAs() {
		b.Run("impl="+string(isa), func(b *testing.B) {
			op, err := all.For(isa)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(op.Bytes())
			b.ReportAllocs()
			for b.Loop() {
				if err := op.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=memcpy", func(b *testing.B) { benchCopy(b, all.Bytes()) })
}
