package seqpool_test

import (
	"fmt"

	"github.com/simdpool/simdpool/seqpool"
)

// An embedding server plans once per batch shape and pools every batch into
// its own buffer, without allocating, from any number of goroutines. Here:
// sentence-transformers' mean pooling followed by L2 normalisation, over the
// model's last hidden state (B, T, H) and the tokenizer's int64 attention
// mask (B, T).
func ExampleNewPlan() {
	const batch, tokens, hidden = 2, 4, 3
	plan, err := seqpool.NewPlan[float32, int64](seqpool.Mean, []int{batch, tokens, hidden}, seqpool.Options{Normalize: true})
	if err != nil {
		panic(err)
	}
	hiddenState := []float32{ // from the model
		1, 2, 2, 3, 4, 4, 5, 6, 6, 9, 9, 9,
		1, 0, 0, 1, 0, 0, 7, 7, 7, 7, 7, 7,
	}
	attentionMask := []int64{1, 1, 1, 0, 1, 1, 0, 0} // from the tokenizer
	embeddings := make([]float32, batch*hidden)
	if err := plan.Run(embeddings, hiddenState, attentionMask); err != nil {
		panic(err)
	}
	fmt.Printf("%.4f\n", embeddings)
	// Output: [0.4685 0.6247 0.6247 1.0000 0.0000 0.0000]
}

// The one-call form allocates its output.
func ExamplePool() {
	x := seqpool.Tensor[float32]{Shape: []int{3, 2}, Data: []float32{1, 10, 3, 30, 100, 1000}} // (T, H)
	mask := seqpool.Tensor[bool]{Shape: []int{3}, Data: []bool{true, true, false}}
	for _, op := range []seqpool.Op{seqpool.Mean, seqpool.Max, seqpool.CLS, seqpool.LastToken, seqpool.WeightedMean} {
		out, err := seqpool.Pool(op, x, mask, seqpool.Options{})
		if err != nil {
			panic(err)
		}
		fmt.Println(op, out.Shape, out.Data)
	}
	// Output:
	// masked_mean [2] [2 20]
	// masked_max [2] [3 30]
	// cls [2] [1 10]
	// last_token [2] [3 30]
	// weighted_mean [2] [2.3333333 23.333334]
}

// Decoder-style embedding models pad on the left and take the final
// position; Options.Padding says so.
func ExampleOptions_padLeft() {
	x := seqpool.Tensor[float32]{Shape: []int{1, 3, 2}, Data: []float32{0, 0, 1, 2, 3, 4}}
	mask := seqpool.Tensor[int32]{Shape: []int{1, 3}, Data: []int32{0, 1, 1}}
	out, err := seqpool.Pool(seqpool.LastToken, x, mask, seqpool.Options{Padding: seqpool.PadLeft})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Data)
	// Output: [3 4]
}

// A sequence whose tokens are all masked: the mean is 0 (the count is
// clamped to 1e-9), the max is sentence-transformers' -1e9, the last token
// of a right-padded batch is zeros.
func ExamplePool_allMasked() {
	x := seqpool.Tensor[float32]{Shape: []int{2, 2}, Data: []float32{5, 6, 7, 8}}
	mask := seqpool.Tensor[int64]{Shape: []int{2}, Data: []int64{0, 0}}
	for _, op := range []seqpool.Op{seqpool.Mean, seqpool.Max, seqpool.LastToken} {
		out, _ := seqpool.Pool(op, x, mask, seqpool.Options{})
		fmt.Println(op, out.Data)
	}
	// Output:
	// masked_mean [0 0]
	// masked_max [-1e+09 -1e+09]
	// last_token [0 0]
}

// Invalid arguments give an *Error naming the argument and the rule.
func ExampleError() {
	_, err := seqpool.NewPlan[float32, int64](seqpool.Mean, []int{8, 0, 384}, seqpool.Options{})
	fmt.Println(err)
	// Output: seqpool: masked_mean: input token count T must be greater than zero, got shape [8 0 384]
}
