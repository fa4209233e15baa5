package seqpool

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The token-rows kernels (kernels.go) against their definitions, written
// value by value (the division: acc[c] / d for random d), for every kernel set this machine has (the Go loops
// included): every column count from 1 to 70 and around the strips of eight
// vectors, row counts around the two-row step, strides wider than the rows,
// misaligned starts, and guard values around acc that must stay untouched.

// rowKernelColumns are the column counts the kernel tests cover.
func rowKernelColumns() []int {
	var cs []int
	for c := 1; c <= 70; c++ {
		cs = append(cs, c)
	}
	return append(cs, 127, 128, 129, 135, 255, 256, 257, 300)
}

var rowKernelCounts = []int{0, 1, 2, 3, 4, 15, 16}

// addRowsDef and maxRowsDef are the kernels' definitions (for addRowsDef,
// w = nil: weights of 1). No rows leave acc as it is.
func addRowsDef[T Float](acc, rows, w []T, stride, n int, fresh bool) {
	if n == 0 {
		return
	}
	for c := range acc {
		var a T
		if !fresh {
			a = acc[c]
		}
		for j := range n {
			x := rows[j*stride+c]
			if w != nil {
				x = T(x * w[j])
			}
			a += x
		}
		if fresh {
			a = acc[c] + a
		}
		acc[c] = a
	}
}

func maxRowsDef[T Float](m, rows []T, stride, n int) {
	for c := range m {
		for j := range n {
			m[c] = maxRule(m[c], rows[j*stride+c])
		}
	}
}

// specialValues are the values whose handling differs between max
// instructions and torch.max: NaN, zeros of both signs (ties), infinities
// (whose product with a zero is NaN: the max kernels' false alarm).
var specialValues = []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1, -1, 1}

// rowData fills x with adversarial sums (see adversarial), or with values
// drawn from specialValues when special; in some rows and strips no special
// value at all, so that both paths of the max kernels run.
func rowData[T Float](r *rand.Rand, x []T, special bool) {
	adversarial(r, x, false)
	if !special {
		return
	}
	density := []int{0, 2, 50}[r.IntN(3)]
	for i := range x {
		if density > 0 && r.IntN(density) == 0 {
			x[i] = T(specialValues[r.IntN(len(specialValues))])
		} else if density == 2 {
			x[i] = T(r.IntN(3) - 1) // ties
		}
	}
}

// withGuards returns n elements at a random misaligned start between guard
// values, and a check that the guards are intact.
func withGuards[T Float](r *rand.Rand, n int) ([]T, func() bool) {
	const guard = 4
	off := guard + r.IntN(16)
	buf := make([]T, off+n+guard)
	for i := range buf {
		buf[i] = 12345.5
	}
	return buf[off : off+n : off+n], func() bool {
		for i, v := range buf {
			if (i < off || i >= off+n) && v != 12345.5 {
				return false
			}
		}
		return true
	}
}

func testRowKernels[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(21, uint64(elemSize[T]())))
	forEachKernelSet[T](t, func(t *testing.T, k kernelSet) {
		for _, cols := range rowKernelColumns() {
			for _, n := range rowKernelCounts {
				stride := cols + r.IntN(3)*r.IntN(9)
				rows := make([]T, max(0, (n-1)*stride+cols)+r.IntN(16))
				rows = rows[r.IntN(len(rows)-max(0, (n-1)*stride+cols)+1):] // misaligned
				special := r.IntN(2) == 0
				rowData(r, rows, special)
				w := make([]T, n)
				for j := range w {
					w[j] = T(float32(r.Float64()*2.5 - 0.5))
				}
				for _, op := range []rowOp{kSum, kSumProd, kMax, kDiv} {
					for _, fresh := range []bool{false, true} {
						if (op == kMax || op == kDiv) && fresh {
							continue
						}
						acc, intact := withGuards[T](r, cols)
						rowData(r, acc, special)
						want := append([]T(nil), acc...)
						switch op {
						case kSum:
							addRowsDef(want, rows, nil, stride, n, fresh)
							addRows(k.sum, acc, rows, stride, n, fresh)
						case kSumProd:
							addRowsDef(want, rows, w, stride, n, fresh)
							addProducts(k.sumProd, acc, rows, stride, w, fresh)
						case kMax:
							maxRowsDef(want, rows, stride, n)
							maxRows(k.max, acc, rows, stride, n)
						case kDiv:
							d := T(float32(r.Float64()*3 + 1e-9))
							for c := range want {
								want[c] /= d
							}
							divide(k.div, acc, d)
						}
						require.True(t, intact(), "op %d cols=%d n=%d: a guard value changed", op, cols, n)
						for c := range want {
							require.True(t, sameBits(acc[c], want[c]), "op %d cols=%d n=%d stride=%d fresh=%v: column %d: got %v, want %v",
								op, cols, n, stride, fresh, c, acc[c], want[c])
						}
					}
				}
			}
		}
	})
}

func TestRowKernels(t *testing.T) {
	t.Run("float32", testRowKernels[float32])
	t.Run("float64", testRowKernels[float64])
}

// TestMaxKernelNaNInOneStrip puts one NaN in one row of a wide row of
// columns: the strip that holds it folds again with the rule, the others
// keep their fast maxima, and every column is torch.max's.
func TestMaxKernelNaNInOneStrip(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	const cols, n = 300, 16
	for trial := range 50 {
		rows := make([]float32, n*cols)
		for i := range rows {
			rows[i] = float32(r.IntN(7) - 3)
		}
		nanAt := r.IntN(len(rows))
		rows[nanAt] = float32(math.NaN())
		start := make([]float32, cols)
		for i := range start {
			start[i] = float32(r.IntN(7)-3) + 0.5
		}
		want := append([]float32(nil), start...)
		maxRowsDef(want, rows, cols, n)
		forEachKernelSet[float32](t, func(t *testing.T, k kernelSet) {
			got := append([]float32(nil), start...)
			maxRows(k.max, got, rows, cols, n)
			for c := range want {
				require.True(t, sameBits(got[c], want[c]), "trial %d, NaN at row %d column %d: column %d: got %v, want %v",
					trial, nanAt/cols, nanAt%cols, c, got[c], want[c])
			}
			require.True(t, math.IsNaN(float64(got[nanAt%cols])), "the NaN's column")
		})
	}
}

// TestMaxKernelsKeepNaNPayloads holds the max kernels to the Go loop's exact
// bits where sameBits lets any NaN pass: torch.max returns one of its
// values, so the NaN that wins (the first of its column, quiet or
// signalling, of either sign) must come out as it went in.
func TestMaxKernelsKeepNaNPayloads(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	nan := func() float32 {
		quiet := uint32(r.IntN(2)) << 22
		return math.Float32frombits(uint32(r.IntN(2))<<31 | 0x7f800000 | quiet | uint32(1+r.IntN(1<<20)))
	}
	forEachKernelSet[float32](t, func(t *testing.T, k kernelSet) {
		for range 400 {
			cols, n := 1+r.IntN(70), 1+r.IntN(maxChunk)
			rows := make([]float32, n*cols)
			for i := range rows {
				rows[i] = float32(r.IntN(5) - 2)
				if r.IntN(6) == 0 {
					rows[i] = nan()
				}
			}
			start := make([]float32, cols)
			for i := range start {
				start[i] = float32(r.IntN(5) - 2)
				if r.IntN(10) == 0 {
					start[i] = nan()
				}
			}
			want := append([]float32(nil), start...)
			maxRows(0, want, rows, cols, n)
			got := append([]float32(nil), start...)
			maxRows(k.max, got, rows, cols, n)
			for c := range want {
				require.Equal(t, math.Float32bits(want[c]), math.Float32bits(got[c]), "cols=%d n=%d column %d: got %#08x, want %#08x",
					cols, n, c, math.Float32bits(got[c]), math.Float32bits(want[c]))
			}
		}
	})
}
