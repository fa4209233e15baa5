package pow

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/simdpool/simdpool/internal/pow/exact"
	"github.com/stretchr/testify/require"
)

// oracleRecord is one line of testdata/oracle.bin.gz (see its generator,
// testdata/oraclegen): kind 'g' glibc pow, 'd' Sleef_powd4_u10, 'f'
// Sleef_powf8_u10 (x, y, r float32 bits), and the generator's category.
type oracleRecord struct {
	kind, cat byte
	x, y, r   uint64
}

func readOracle(t *testing.T) []oracleRecord {
	f, err := os.Open("testdata/oracle.bin.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	br := bufio.NewReader(zr)
	var recs []oracleRecord
	for {
		var head [2]byte
		if _, err := io.ReadFull(br, head[:]); errors.Is(err, io.EOF) {
			return recs
		} else {
			require.NoError(t, err)
		}
		rec := oracleRecord{kind: head[0], cat: head[1]}
		for _, v := range []*uint64{&rec.x, &rec.y, &rec.r} {
			if rec.kind == 'f' {
				var u uint32
				require.NoError(t, binary.Read(br, binary.LittleEndian, &u))
				*v = uint64(u)
			} else {
				require.NoError(t, binary.Read(br, binary.LittleEndian, v))
			}
		}
		recs = append(recs, rec)
	}
}

// TestOracle compares Glibc, Sleef64 and Sleef32 with the results recorded
// from glibc and SLEEF: 0 ULP (the same bits, any NaN equal to any NaN).
func TestOracle(t *testing.T) {
	recs := readOracle(t)
	perKind := map[byte]int{}
	failures := 0
	for _, rec := range recs {
		perKind[rec.kind]++
		var ok bool
		var got uint64
		switch rec.kind {
		case 'g', 'd':
			x, y := math.Float64frombits(rec.x), math.Float64frombits(rec.y)
			f := Glibc
			if rec.kind == 'd' {
				f = Sleef64
			}
			v := f(x, y)
			got = math.Float64bits(v)
			ok = got == rec.r || (v != v && math.IsNaN(math.Float64frombits(rec.r)))
		case 'f':
			v := Sleef32(math.Float32frombits(uint32(rec.x)), math.Float32frombits(uint32(rec.y)))
			got = uint64(math.Float32bits(v))
			ok = got == rec.r || (v != v && math.IsNaN(float64(math.Float32frombits(uint32(rec.r)))))
		default:
			t.Fatalf("oracle record of unknown kind %q", rec.kind)
		}
		if !ok {
			if failures++; failures <= 20 {
				t.Errorf("%c/%c: pow(%#x, %#x) = %#x, oracle %#x", rec.kind, rec.cat, rec.x, rec.y, got, rec.r)
			}
		}
	}
	require.Zero(t, failures, "of %d records", len(recs))
	require.Greater(t, perKind['g'], 5000)
	require.Greater(t, perKind['d'], 3000)
	require.Greater(t, perKind['f'], 3000)
}

// TestGlibcRoundsCorrectlyAwayFromMidpoints checks Glibc on random inputs the
// table lacks, against math/big: glibc's error is below 0.54 ULP, so where the
// exact result lies farther than 0.05 ULP from a midpoint between two
// doubles, Glibc must return the correctly rounded result.
func TestGlibcRoundsCorrectlyAwayFromMidpoints(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for range n {
		x, y := randomInput(r)
		want, frac := roundedPow(x, y)
		if math.Abs(frac-0.5) < 0.05 || want == 0 || math.IsInf(want, 0) {
			continue
		}
		checked++
		require.Equal(t, want, Glibc(x, y), "pow(%x, %x)", x, y)
	}
	require.Greater(t, checked, n/2)
}

// TestSleefWithinOneULP checks Sleef64 and Sleef32 on random inputs against
// math/big: SLEEF's u10 functions promise an error below 1 ULP.
func TestSleefWithinOneULP(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range n {
		x, y := randomInput(r)
		want, _ := roundedPow(x, y)
		if want == 0 || math.IsInf(want, 0) || math.Abs(want) < 0x1p-1022 {
			continue
		}
		got := Sleef64(x, y)
		require.LessOrEqual(t, math.Abs(got-want), ulp(want), "Sleef64(%x, %x) = %x, exact %x", x, y, got, want)

		x32, y32 := float32(math.Ldexp(1+r.Float64(), r.IntN(60)-30)), float32(y)
		want32, _ := exact.Pow(float64(x32), float64(y32), 100).Float32()
		if want32 == 0 || math.IsInf(float64(want32), 0) || math.Abs(float64(want32)) < 0x1p-126 {
			continue
		}
		got32 := Sleef32(x32, y32)
		require.LessOrEqual(t, math.Abs(float64(got32-want32)), float64(math.Nextafter32(want32, float32(math.Inf(1)))-want32),
			"Sleef32(%x, %x) = %x, exact %x", x32, y32, got32, want32)
	}
}

// randomInput is a positive x in [1/16, 16) or a random double, and y in
// [-8, 8).
func randomInput(r *rand.Rand) (x, y float64) {
	x = math.Ldexp(1+r.Float64(), r.IntN(8)-4)
	if r.IntN(4) == 0 {
		x = math.Float64frombits(r.Uint64N(0x7fefffffffffffff) + 1)
	}
	return x, 16*r.Float64() - 8
}

// roundedPow is x**y (x > 0) rounded to nearest from math/big, and where the
// exact value lies between the two doubles around it, in ULPs.
func roundedPow(x, y float64) (float64, float64) {
	v := exact.Pow(x, y, 160)
	rounded, _ := v.Float64()
	e := v.MantExp(nil)
	t := new(big.Float).SetPrec(300).SetMantExp(v, -max(e-53, -1074))
	i, _ := t.Int(nil)
	frac, _ := t.Sub(t, new(big.Float).SetInt(i)).Float64()
	return rounded, frac
}

// ulp is the spacing of doubles at v.
func ulp(v float64) float64 {
	v = math.Abs(v)
	return math.Nextafter(v, math.Inf(1)) - v
}

func BenchmarkPow(b *testing.B) {
	x := make([]float64, 1024)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range x {
		x[i] = math.Ldexp(1+r.Float64(), r.IntN(40)-20)
	}
	x32 := make([]float32, len(x))
	for i, v := range x {
		x32[i] = float32(v)
	}
	var sink float64
	for _, f := range []struct {
		name string
		pow  func(x, y float64) float64
	}{
		{"math.Pow", math.Pow}, {"Glibc", Glibc}, {"Sleef64", Sleef64},
		{"Sleef32", func(x, y float64) float64 { return float64(Sleef32(float32(x), float32(y))) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				sink += f.pow(x[i%len(x)], 1.7)
			}
		})
	}
	_ = sink
}
