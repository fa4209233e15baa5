package seqpool

import (
	"unsafe"

	"github.com/simdpool/simdpool"
)

// The token-rows kernels: the inner loops of sumTokens and maxTokens, which
// fold a chunk of token rows into a row of accumulators. The kernel table
// (asm/table, kind TokenRows) lists the SIMD ones; asm/amd64 generates the
// AVX2 and AVX-512 ones into rows_amd64.s and their list and callRows into
// table_amd64.go, asm/neon the NEON ones into rows_arm64.s and
// table_arm64.go (see table_other.go for builds without them). A plan picks
// its kernels once, when it is made, for the ISA in use then
// (simdpool.Current(): the root package's probe, SIMDPOOL_ISA or
// simdpool.Use), as the root package's Programs do; under generic the Go
// loops of sum_kernel.go and max_kernel.go run. Every kernel computes its Go
// loop's bits.

// rowKernel names a token-rows kernel of the table: its position in
// rowKernels plus one; 0 is none (the Go loops).
type rowKernel uint8

// rowOp is what a token-rows kernel folds.
type rowOp uint8

const (
	kSum     rowOp = iota + 1 // addRows
	kSumProd                  // addProducts
	kMax                      // maxRows
	kDiv                      // divide
)

// rowKernelInfo describes one token-rows kernel of the table.
type rowKernelInfo struct {
	name string
	op   rowOp
	isa  simdpool.ISA
	size int // element size in bytes: 4 (float32) or 8 (float64)
}

// kernelSet is the token-rows kernels of a plan.
type kernelSet struct {
	sum, sumProd, max, div rowKernel
}

// pickKernels returns the table's token-rows kernels of isa for T (none
// where isa has none).
func pickKernels[T Float](isa simdpool.ISA) kernelSet {
	var s kernelSet
	for i, ki := range rowKernels {
		if ki.isa != isa || ki.size != elemSize[T]() {
			continue
		}
		id := rowKernel(i + 1)
		switch ki.op {
		case kSum:
			s.sum = id
		case kSumProd:
			s.sumProd = id
		case kMax:
			s.max = id
		case kDiv:
			s.div = id
		}
	}
	return s
}

// names names the kernels of the set ("" for the Go loops).
func (s kernelSet) names() []string {
	var ns []string
	for _, id := range []rowKernel{s.sum, s.sumProd, s.max, s.div} {
		n := ""
		if id != 0 {
			n = rowKernels[id-1].name
		}
		ns = append(ns, n)
	}
	return ns
}

func elemSize[T Float]() int {
	var zero T
	return int(unsafe.Sizeof(zero))
}

// addRows adds the n token rows rows[j*stride : j*stride+len(acc)], in order,
// into the sums acc; when fresh, the rows are summed from +0 and that sum is
// added to acc (acc's value first). No rows (n = 0) leave acc as it is.
// Kernel id runs it (0: the Go loops).
func addRows[T Float](id rowKernel, acc, rows []T, stride, n int, fresh bool) {
	if n == 0 || len(acc) == 0 {
		return
	}
	_ = rows[(n-1)*stride+len(acc)-1] // the last value read: the kernels trust it is there
	if id != 0 {
		callRows(id, unsafe.Pointer(&acc[0]), unsafe.Pointer(&rows[0]), nil, stride, n, len(acc), fresh)
		return
	}
	c := 0
	for ; c+8 <= len(acc); c += 8 {
		addRows8((*[8]T)(acc[c:]), rows[c:], stride, n, fresh)
	}
	for ; c < len(acc); c++ {
		var a T
		if !fresh {
			a = acc[c]
		}
		for j := range n {
			a += rows[j*stride+c]
		}
		if fresh {
			a = acc[c] + a
		}
		acc[c] = a
	}
}

// addProducts is addRows with row j scaled by w[j] (n = len(w)), each product
// rounded to T.
func addProducts[T Float](id rowKernel, acc, rows []T, stride int, w []T, fresh bool) {
	n := len(w)
	if n == 0 || len(acc) == 0 {
		return
	}
	_ = rows[(n-1)*stride+len(acc)-1]
	if id != 0 {
		callRows(id, unsafe.Pointer(&acc[0]), unsafe.Pointer(&rows[0]), unsafe.Pointer(&w[0]), stride, n, len(acc), fresh)
		return
	}
	c := 0
	for ; c+8 <= len(acc); c += 8 {
		addProducts8((*[8]T)(acc[c:]), rows[c:], stride, w, fresh)
	}
	for ; c < len(acc); c++ {
		var a T
		if !fresh {
			a = acc[c]
		}
		for j, wj := range w {
			a += T(rows[j*stride+c] * wj)
		}
		if fresh {
			a = acc[c] + a
		}
		acc[c] = a
	}
}

// maxRows folds the n token rows rows[j*stride : j*stride+len(m)], in order,
// into the maxima m with maxRule. Kernel id runs it (0: the Go loops).
func maxRows[T Float](id rowKernel, m, rows []T, stride, n int) {
	if n == 0 || len(m) == 0 {
		return
	}
	_ = rows[(n-1)*stride+len(m)-1]
	if id != 0 {
		callRows(id, unsafe.Pointer(&m[0]), unsafe.Pointer(&rows[0]), nil, stride, n, len(m), false)
		return
	}
	c := 0
	for ; c+8 <= len(m); c += 8 {
		maxRows8((*[8]T)(m[c:]), rows[c:], stride, n)
	}
	for ; c < len(m); c++ {
		for j := range n {
			m[c] = maxRule(m[c], rows[j*stride+c])
		}
	}
}

// divide divides every value of v by d. Kernel id runs it (0: the Go loop).
func divide[T Float](id rowKernel, v []T, d T) {
	if len(v) == 0 {
		return
	}
	if id != 0 {
		callRows(id, unsafe.Pointer(&v[0]), nil, unsafe.Pointer(&d), 0, 0, len(v), false)
		return
	}
	for i := range v {
		v[i] /= d
	}
}
