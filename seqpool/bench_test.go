package seqpool_test

import (
	"testing"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/seqpool"
)

// BenchmarkSeqPool times every operation on float32 token states with an
// int64 mask of ones (every token real, so every token is read), once per
// ISA this machine has, as BenchmarkSeqPool/32x512x1024/op=masked_mean/impl=avx512,
// next to impl=memcpy: a copy (libc's memcpy with cgo, else Go's copy()) of
// the same traffic, timed in the same run. Bytes per op are input + mask +
// output bytes, so the MB/s column is the effective bandwidth and benchstat
// compares it with the copy's:
//
//	go test -run '^$' -bench SeqPool -count 6 ./seqpool > new.txt
//	benchstat -col /impl new.txt
func BenchmarkSeqPool(b *testing.B) {
	prev := simdpool.Current()
	defer func() {
		if err := simdpool.Use(prev); err != nil {
			b.Fatal(err)
		}
	}()
	for _, shape := range [][]int{{32, 512, 1024}, {1, 128, 384}} {
		b.Run(suite.Shape(shape), func(b *testing.B) {
			for _, op := range seqpool.Ops() {
				b.Run("op="+op.String(), func(b *testing.B) {
					var bytes int64
					for _, isa := range simdpool.Available() {
						b.Run("impl="+string(isa), func(b *testing.B) {
							if err := simdpool.Use(isa); err != nil {
								b.Fatal(err)
							}
							o, err := suite.New(suite.Case{Name: "bench", Op: op.String(), InputShape: shape, Seed: 1})
							if err != nil {
								b.Fatal(err)
							}
							bytes = o.Bytes()
							b.SetBytes(bytes)
							b.ReportAllocs()
							for b.Loop() {
								if err := o.Run(); err != nil {
									b.Fatal(err)
								}
							}
						})
					}
					b.Run("impl=memcpy", func(b *testing.B) {
						cp := suite.NewCopy(bytes)
						b.SetBytes(cp.Bytes())
						b.ReportAllocs()
						for b.Loop() {
							cp.Run()
						}
					})
				})
			}
		})
	}
}
