package seqpool

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/guardpage"
)

// The kernels must not read or write outside their slices: here the rows,
// the accumulators, the weights, and a plan's states, mask and output lie
// against a PROT_NONE page, after them or before them (internal/guardpage),
// so that an access past either end faults.

func testRowKernelsGuarded[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(31, uint64(elemSize[T]())))
	forEachKernelSet[T](t, func(t *testing.T, k kernelSet) {
		for _, cols := range rowKernelColumns() {
			for _, n := range []int{1, 2, 3, 16} {
				stride := cols + r.IntN(3)
				for _, atEnd := range []bool{true, false} {
					rows := guardpage.Slice[T](t, (n-1)*stride+cols, atEnd)
					rowData(r, rows, r.IntN(2) == 0)
					w := guardpage.Slice[T](t, n, atEnd)
					for j := range w {
						w[j] = T(r.IntN(3))
					}
					acc := guardpage.Slice[T](t, cols, !atEnd)
					for _, op := range []rowOp{kSum, kSumProd, kMax, kDiv} {
						rowData(r, acc, false)
						want := append([]T(nil), acc...)
						switch op {
						case kSum:
							addRowsDef(want, rows, nil, stride, n, true)
							addRows(k.sum, acc, rows, stride, n, true)
						case kSumProd:
							addRowsDef(want, rows, w, stride, n, false)
							addProducts(k.sumProd, acc, rows, stride, w, false)
						case kMax:
							maxRowsDef(want, rows, stride, n)
							maxRows(k.max, acc, rows, stride, n)
						case kDiv:
							for c := range want {
								want[c] /= 3
							}
							divide(k.div, acc, 3)
						}
						for c := range want {
							require.True(t, sameBits(acc[c], want[c]), "op %d cols=%d n=%d: column %d: got %v, want %v", op, cols, n, c, acc[c], want[c])
						}
					}
				}
			}
		}
	})
}

func TestRowKernelsGuardPages(t *testing.T) {
	t.Run("float32", testRowKernelsGuarded[float32])
	t.Run("float64", testRowKernelsGuarded[float64])
}

func testPlansGuarded[T Float](t *testing.T, r *rand.Rand) {
	for _, op := range []Op{Mean, WeightedMean, Max} {
		for _, h := range []int{1, 5, 8, 31, 33, 64, 70, 129, 384} {
			for _, n := range []int{1, 17} {
				shape := []int{2, n, h}
				p, err := NewPlan[T, int64](op, shape, Options{})
				require.NoError(t, err)
				q := &p.p
				for _, atEnd := range []bool{true, false} {
					x := guardpage.Slice[T](t, 2*n*h, atEnd)
					rowData(r, x, r.IntN(2) == 0)
					mask := guardpage.Slice[int64](t, 2*n, atEnd)
					for i := range mask {
						mask[i] = int64(r.IntN(4) % 2)
					}
					dst := guardpage.Slice[T](t, 2*h, !atEnd)
					require.NoError(t, p.Run(dst, x, mask))
					want := literalPool(q, x, mask)
					name := fmt.Sprintf("%v %v", op, shape)
					for i := range want {
						require.True(t, sameBits(dst[i], want[i]), "%s: output %d: got %v, want %v", name, i, dst[i], want[i])
					}
				}
			}
		}
	}
}

func TestPlansGuardPages(t *testing.T) {
	forEachISA(t, func(t *testing.T, _ simdpool.ISA) {
		r := rand.New(rand.NewPCG(33, 34))
		t.Run("float32", func(t *testing.T) { testPlansGuarded[float32](t, r) })
		t.Run("float64", func(t *testing.T) { testPlansGuarded[float64](t, r) })
	})
}
