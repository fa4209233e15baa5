package simdpool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/pool"
)

// BenchmarkSuite times every case of the standard suite (internal/suite/suite.json)
// with every implementation this machine runs, as BenchmarkSuite/S1/impl=avx512
// (on two workers, BenchmarkSuite/S1/threads=2/impl=avx512, on float64,
// BenchmarkSuite/S1/dtype=float64/impl=avx512, the backward of the cases of
// suite.BackwardCases, BenchmarkSuite/S1/pass=backward/impl=avx512, and
// channels-last, BenchmarkSuite/S1/layout=nhwc/impl=avx512, with the cases
// of suite.ChannelsLastCases after the suite's), next to
// impl=memcpy: a copy (libc's memcpy with cgo, else Go's copy()) of
// (in+out)/2 bytes, the same traffic and footprint as the operator. Bytes per op are input plus output bytes, so the
// MB/s column is the effective bandwidth. Compare runs with benchstat:
//
//	go test -run '^$' -bench Suite -benchtime 200ms -count 6 > new.txt
//	benchstat old.txt new.txt              # before/after a change
//	benchstat -col /impl new.txt           # implementations side by side
func BenchmarkSuite(b *testing.B) {
	for _, c := range suite.Cases() {
		b.Run(c.Name, func(b *testing.B) {
			all := benchCase(b, c)
			b.Run("dtype=float64", func(b *testing.B) { benchFloat64(b, c, all.In) })
			if c.HasBackward() {
				b.Run("pass=backward", func(b *testing.B) { benchBackward(b, c) })
			}
			b.Run("layout=nhwc", func(b *testing.B) { benchCase(b, c.In(pool.ChannelsLast)) })
		})
	}
	for _, c := range suite.ChannelsLastCases() {
		b.Run(c.Name, func(b *testing.B) {
			b.Run("layout=nhwc", func(b *testing.B) { benchCase(b, c) })
		})
	}
}

// BenchmarkSweep times suite.SweepCases, max 3x3 s2 p1 and average 3x3 s1 p1
// over planes of 14 to 448 and batches 1 and 8, with every implementation
// this machine runs and the memory copy of the same bytes, as
// BenchmarkSweep/max3s2/p56/n8/impl=avx512:
//
//	go test -run '^$' -bench Sweep -benchtime 100ms -count 6 . > sweep.txt
//	benchstat -col /impl sweep.txt
func BenchmarkSweep(b *testing.B) {
	for _, c := range suite.SweepCases() {
		b.Run(c.Name, func(b *testing.B) {
			all, err := suite.New(c)
			if err != nil {
				b.Fatal(err)
			}
			for _, isa := range simdpool.Available() {
				b.Run("impl="+string(isa), func(b *testing.B) { benchOp(b, all, isa, nil) })
			}
			b.Run("impl=memcpy", func(b *testing.B) { benchCopy(b, all.Bytes()) })
		})
	}
}

// benchCase times case c with every implementation, on one and two workers,
// and the memory copy of the same bytes; it returns c's operator.
func benchCase(b *testing.B, c suite.Case) *suite.Operator {
	all, err := suite.New(c)
	if err != nil {
		b.Fatal(err)
	}
	for _, isa := range simdpool.Available() {
		b.Run("impl="+string(isa), func(b *testing.B) { benchOp(b, all, isa, nil) })
	}
	b.Run("threads=2", func(b *testing.B) {
		w, err := pool.NewWorkers(2)
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		for _, isa := range simdpool.Available() {
			b.Run("impl="+string(isa), func(b *testing.B) { benchOp(b, all, isa, w) })
		}
	})
	b.Run("impl=memcpy", func(b *testing.B) { benchCopy(b, all.Bytes()) })
	return all
}

// benchCopy times the memory-copy reference of nbytes of traffic.
func benchCopy(b *testing.B, nbytes int64) {
	cp := suite.NewCopy(nbytes)
	b.SetBytes(cp.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		cp.Run()
	}
}

// benchOp times op planned for isa, on the workers w (nil: one goroutine).
func benchOp(b *testing.B, all *suite.Operator, isa simdpool.ISA, w *pool.Workers) {
	op, err := all.For(isa)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(op.Bytes())
	b.ReportAllocs()
	for b.Loop() {
		if err := op.RunOn(w); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFloat64 times case c on float64, its input the float32 input in32,
// with every implementation this machine runs.
func benchFloat64(b *testing.B, c suite.Case, in32 []float32) {
	in := make([]float64, len(in32))
	for i, v := range in32 {
		in[i] = float64(v)
	}
	prev := simdpool.Current()
	defer func() { require.NoError(b, simdpool.Use(prev)) }()
	for _, isa := range simdpool.Available() {
		b.Run("impl="+string(isa), func(b *testing.B) {
			require.NoError(b, simdpool.Use(isa))
			p, err := suite.PlanOf[float64](c)
			require.NoError(b, err)
			n := 1
			for _, d := range p.OutputShape() {
				n *= d
			}
			out := make([]float64, n)
			b.SetBytes(int64(8 * (len(in) + len(out))))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Run(out, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
