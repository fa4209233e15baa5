package seqpool

import (
	"errors"
	"math"
	"testing"

	"github.com/simdpool/simdpool"
)

// fuzzBytes hands out fuzz input a byte at a time (zeros when it runs out).
type fuzzBytes []byte

func (f *fuzzBytes) next() int {
	if len(*f) == 0 {
		return 0
	}
	v := int((*f)[0])
	*f = (*f)[1:]
	return v
}

var fuzzValues = []float64{0, 1, -1, 2.5, -0.5, 1e8, -1e8, 3e38, -2e9, 1e-40, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}

// FuzzPlans makes plans from random (often invalid) shapes, operations and
// options, for float32 and float64 and every mask type. Invalid ones must
// fail with an *Error and nothing panics; valid ones run on random states and
// masks, with the token-rows kernels of every ISA this machine has, and must
// match the literal definitions below, which bypass the kernels, bit for bit.
func FuzzPlans(f *testing.F) {
	// op, rank-1, sizes+1, padding, normalize, dtypes, then data.
	f.Add([]byte{1, 2, 3, 6, 10, 0, 1, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13})
	f.Add([]byte{2, 2, 2, 18, 34, 1, 0, 6, 10, 1, 13, 2, 0, 0, 7})
	f.Add([]byte{4, 1, 10, 2, 1, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{6, 2, 3, 33, 8, 0, 0, 5, 3, 3, 3, 12, 11})
	f.Add([]byte{0, 3, 0, 0, 0, 2, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := fuzzBytes(b)
		op := Op(in.next() % 8) // 0 and 7 are not operations
		shape := make([]int, 1+in.next()%4)
		for i := range shape {
			shape[i] = in.next()%40 - 1
		}
		o := Options{Padding: Padding(in.next() % 3), Normalize: in.next()%2 == 1}
		switch in.next() % 8 {
		case 0:
			fuzzPlan[float32, int64](t, op, shape, o, &in)
		case 1:
			fuzzPlan[float32, int32](t, op, shape, o, &in)
		case 2:
			fuzzPlan[float32, bool](t, op, shape, o, &in)
		case 3:
			fuzzPlan[float32, float32](t, op, shape, o, &in)
		case 4:
			fuzzPlan[float64, int64](t, op, shape, o, &in)
		case 5:
			fuzzPlan[float64, int32](t, op, shape, o, &in)
		case 6:
			fuzzPlan[float64, bool](t, op, shape, o, &in)
		default:
			fuzzPlan[float64, float32](t, op, shape, o, &in)
		}
	})
}

func fuzzPlan[T Float, M Mask](t *testing.T, op Op, shape []int, o Options, in *fuzzBytes) {
	p, err := NewPlan[T, M](op, shape, o)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("NewPlan(%v, %v, %+v): %v is not an *Error", op, shape, o, err)
		}
		return
	}
	q := &p.p
	x := make([]T, q.b*q.t*q.h)
	for i := range x {
		x[i] = T(fuzzValues[in.next()%len(fuzzValues)] * float64(1+in.next()%7))
	}
	mask := make([]M, q.b*q.t)
	for i := range mask {
		v := in.next()
		switch m := any(&mask[i]).(type) {
		case *bool:
			*m = v%3 != 0
		case *float32:
			*m = []float32{0, 1, 1, 0.5, 2, -1, 1e-3}[v%7]
		case *int64:
			*m = int64(v % 4 % 3)
		case *int32:
			*m = int32(v % 4 % 3)
		}
	}
	got := make([]T, q.b*q.h)
	if err := p.Run(got[1:], x, mask); err == nil && len(got) > 0 {
		t.Fatalf("Run accepted a short dst")
	}
	var want []T
	switch m := any(mask).(type) {
	case []bool:
		want = literalPool(q, x, boolBytes(m))
	case []int64:
		want = literalPool(q, x, m)
	case []int32:
		want = literalPool(q, x, m)
	case []float32:
		want = literalPool(q, x, m)
	}
	for _, isa := range simdpool.Available() {
		q.kernels = pickKernels[T](isa)
		if err := p.Run(got, x, mask); err != nil {
			t.Fatalf("Run(%v, %v, %+v): %v", op, shape, o, err)
		}
		for i := range want {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("%v %v %+v, %s: output %d is %v, the definition gives %v", op, shape, o, isa, i, got[i], want[i])
			}
		}
	}
}

// literalPool computes a plan's output from the definitions, without the
// kernels: every column summed in its order through orderedSum, the max
// scanned token by token with -1e9 written over the masked positions first.
func literalPool[T Float, N maskNum](q *plan[T], x []T, mask []N) []T {
	h, n := q.h, q.t
	out := make([]T, q.b*h)
	for b := range q.b {
		xs, ms, o := x[b*n*h:(b+1)*n*h], mask[b*n:(b+1)*n], out[b*h:(b+1)*h]
		positional := q.op == WeightedMean
		for c := range o {
			value := func(t int) T {
				if q.op == Max && ms[t] == 0 {
					return maskedValue
				}
				return xs[t*h+c]
			}
			switch q.op {
			case Mean, SqrtMean, WeightedMean:
				ord, cord := q.tailOrder, q.countHi
				if c < q.cascadeCols {
					ord = orderCascade
				}
				if c < q.countSplit {
					cord = q.countLo
				}
				s := orderedSum(ord, n, avx2Lanes[T](), func(t int) T { return T(value(t) * T(tokenWeight(ms[t], t, positional))) })
				o[c] = s / divisor[T](q.op, orderedSum(cord, n, maxLanes, func(t int) float32 { return tokenWeight(ms[t], t, positional) }))
			case Max:
				m := value(0)
				for t := range n {
					m = maxRule(m, value(t))
				}
				o[c] = m
			case CLS:
				o[c] = value(0)
			case LastToken:
				t := n - 1
				for q.opts.Padding == PadRight && t >= 0 && ms[t] == 0 {
					t--
				}
				if t >= 0 {
					o[c] = value(t)
				}
			}
		}
		if q.opts.Normalize {
			l2Normalize(o)
		}
	}
	return out
}
