package seqpool

import "math"

// maskedValue is what sentence-transformers writes into the masked positions
// before the max: token_embeddings[input_mask_expanded == 0] = -1e9.
const maskedValue = -1e9

// minCount is torch.clamp(sum_mask, min=1e-9)'s bound, rounded to float32.
const minCount = float32(1e-9)

// planSums chooses the orders of the sums of the mean-type operations (see
// "Exactness" in the package documentation).
func (p *plan[T]) planSums(floatMask bool) {
	if p.h == 1 {
		p.cascadeCols, p.tailOrder = 0, orderContiguous
	} else {
		p.cascadeCols, p.tailOrder = cascadeColumns(p.h, avx2Lanes[T]()), orderRowSum
	}
	// mask.float() copies every mask but a float32 one into a new (B, T, H)
	// tensor; so does the product with the position weights.
	copied := !floatMask || p.op == WeightedMean
	switch {
	case p.h == 1 || (!copied && p.t >= maxLanes):
		p.countSplit, p.countHi = 0, orderContiguous
	case copied:
		p.countSplit, p.countLo, p.countHi = cascadeColumns(p.h, maxLanes), orderCascade, orderRowSum
	default: // a float32 mask broadcast along H with T < 8: scalar_outer_sum
		p.countSplit, p.countLo, p.countHi = p.h/4*4, orderCascade, orderRowSum
	}
}

// run pools every sequence of the batch; the lengths are checked.
func run[T Float, N maskNum](p *plan[T], dst, x []T, mask []N) {
	h, t := p.h, p.t
	for b := range p.b {
		out := dst[b*h : (b+1)*h]
		xs := x[b*t*h : (b+1)*t*h]
		ms := mask[b*t : (b+1)*t]
		switch p.op {
		case Mean, SqrtMean, WeightedMean:
			meanRow(p, out, xs, ms)
		case Max:
			maxRow(p.kernels.max, out, xs, ms)
		case CLS:
			copy(out, xs[:h])
		case LastToken:
			lastTokenRow(p.opts.Padding, out, xs, ms)
		}
		if p.opts.Normalize {
			l2Normalize(out)
		}
	}
}

// meanRow is sum(x * w, tokens) / clamp(sum(w, tokens), min=1e-9) for one
// sequence (over the square root of the clamped count for SqrtMean).
func meanRow[T Float, N maskNum](p *plan[T], out, xs []T, ms []N) {
	positional := p.op == WeightedMean
	h, n := p.h, p.t
	sumTokens(p.kernels, out[:p.cascadeCols], xs, h, ms, positional)
	for c := p.cascadeCols; c < h; c++ {
		out[c] = orderedSum(p.tailOrder, n, avx2Lanes[T](), func(t int) T {
			return T(xs[t*h+c] * T(tokenWeight(ms[t], t, positional)))
		})
	}
	whole, isWhole := integerCount(ms, positional)
	count := func(o order) float32 {
		if isWhole {
			return whole
		}
		return orderedSum(o, n, maxLanes, func(t int) float32 { return tokenWeight(ms[t], t, positional) })
	}
	if p.countSplit > 0 {
		divide(p.kernels.div, out[:p.countSplit], divisor[T](p.op, count(p.countLo)))
	}
	if p.countSplit < h {
		divide(p.kernels.div, out[p.countSplit:], divisor[T](p.op, count(p.countHi)))
	}
}

// divisor is the clamped token count (its float32 square root for
// SqrtMean), converted to T as PyTorch promotes float32 in a float64 division.
func divisor[T Float](op Op, count float32) T {
	if count < minCount { // a NaN count stays NaN, as in torch.clamp
		count = minCount
	}
	if op == SqrtMean {
		return T(float32(math.Sqrt(float64(count))))
	}
	return T(count)
}

// maxRow is sentence-transformers' max pooling for one sequence: masked
// positions become -1e9, then torch.max over the tokens. The masked
// positions all hold the same -1e9 and the max rule does not depend on where
// they are, so the kept tokens are folded first and -1e9 once at the end.
func maxRow[T Float, N maskNum](k rowKernel, out, xs []T, ms []N) {
	h := len(out)
	first, masked := true, false
	for t := 0; t < len(ms); {
		if ms[t] == 0 {
			masked = true
			t++
			continue
		}
		e := t + 1
		for e < len(ms) && ms[e] != 0 {
			e++
		}
		rows := xs[t*h : e*h]
		if first {
			copy(out, rows[:h])
			rows, first = rows[h:], false
		}
		maxTokens(k, out, rows)
		t = e
	}
	switch {
	case first: // every token masked
		for i := range out {
			out[i] = maskedValue
		}
	case masked:
		for i, m := range out {
			out[i] = maxRule(m, maskedValue)
		}
	}
}

// lastTokenRow copies the last token: the last one whose mask is non-zero
// (zeros when there is none) for right padding, the final position for left
// padding.
func lastTokenRow[T Float, N maskNum](pad Padding, out, xs []T, ms []N) {
	h := len(out)
	t := len(ms) - 1
	if pad == PadRight {
		for t >= 0 && ms[t] == 0 {
			t--
		}
		if t < 0 {
			clear(out)
			return
		}
	}
	copy(out, xs[t*h:(t+1)*h])
}
