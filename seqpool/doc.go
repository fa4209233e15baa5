// Package seqpool pools the token states of a transformer into one vector
// per sequence, as sentence-embedding models do after their last layer:
// masked mean, masked max, CLS, last token, mean over the square root of the
// length and position-weighted mean, each optionally L2-normalised, with the
// exact CPU results of the PyTorch 1.13 expressions of sentence-transformers'
// Pooling module.
//
// # Two ways to call
//
// Servers make a plan once per batch shape and run it for every batch:
//
//	plan, err := seqpool.NewPlan[float32, int64](seqpool.Mean, []int{batch, tokens, hidden},
//		seqpool.Options{Normalize: true})
//	...
//	err = plan.Run(embeddings, hiddenState, attentionMask)
//
// NewPlan validates the operation, the options and the shape; Run checks the
// slice lengths (and that a float32 mask is finite), never allocates, and is
// safe for concurrent use by any number of goroutines. Scripts and tests call
// Pool, which checks the mask's shape against the states' and allocates the
// output: out, err := seqpool.Pool(seqpool.Max, x, mask, seqpool.Options{}).
//
// The token states x are contiguous row-major (B, T, H) (batch, tokens,
// hidden), or (T, H) for one sequence, of float32 or float64. The attention
// mask is (B, T), or (T), of int64, int32, bool or float32. A token takes part
// when its mask value is non-zero; the mean-type operations also weight it by
// the value, as PyTorch's product with the mask does. The output is (B, H),
// or (H).
//
// # Errors
//
// A shape that is not (B, T, H) or (T, H), a B, T or H that is not positive,
// an unknown operation or padding side, slices whose lengths disagree with
// the shape, a mask whose shape disagrees with the states' (Pool), and a NaN
// or infinite float32 mask give an *Error naming the argument ("input", "op",
// "padding", "x", "mask", "dst") and the rule. Nothing panics, and a Run that
// fails writes nothing.
//
// # Operations
//
// With m = mask.unsqueeze(-1).expand(x.size()).float() (sentence-transformers'
// input_mask_expanded), every operation computes what this PyTorch expression
// computes:
//
//   - Mean: torch.sum(x * m, 1) / torch.clamp(m.sum(1), min=1e-9).
//     A sequence with no token gives 0 (0 / 1e-9); a NaN or infinite state at
//     a masked position still makes its column NaN (NaN * 0), as in PyTorch.
//   - SqrtMean: torch.sum(x * m, 1) / torch.sqrt(torch.clamp(m.sum(1),
//     min=1e-9)), sentence-transformers' pooling_mode_mean_sqrt_len_tokens.
//   - WeightedMean: with w = torch.arange(1, T+1) as float32, broadcast like
//     m, and mw = m * w: torch.sum(x * mw, 1) / torch.clamp(mw.sum(1),
//     min=1e-9). This is sentence-transformers' weightedmean, the position
//     weighting of SGPT (Muennighoff 2022) with the clamp; SGPT's own code
//     computes (x * m) * w, which rounds the same for 0/1 masks, and divides
//     without the clamp, so that a sequence with no token is NaN there and 0
//     here. The weights are the positions t+1 whatever the padding side.
//   - Max: x[m == 0] = -1e9, then torch.max(x, 1).values: sentence-
//     transformers' rule, kept exactly. A sequence with no token gives -1e9
//     in every column; a kept value below -1e9 loses to the -1e9 of any
//     masked position of its sequence; a NaN state at a kept position wins
//     (NaN propagates), at a masked position it is overwritten; among equal
//     values the first token's wins, so -0 before +0 gives -0.
//   - CLS: x[:, 0], the first position, whatever the mask (which is still
//     validated), as sentence-transformers takes it.
//   - LastToken, right padding (the default): the last token whose mask is
//     non-zero, i.e. x[arange(B), T-1 - (mask != 0).flip(1).int().max(1).indices],
//     and zeros for a sequence with no token. Left padding
//     (Options.Padding = PadLeft, as decoder-style embedding models batch):
//     x[:, -1], the final position, whatever the mask. The state is copied,
//     not multiplied by its mask value. sentence-transformers' lasttoken
//     (v2) takes the token before the first zero of the mask and gathers it
//     from x * m: the same for right-padded masks without holes, except that
//     a NaN or infinite first state of an empty sequence gives NaN there.
//
// Options.Normalize then applies torch.nn.functional.normalize(v, p=2,
// dim=1): v / v.norm(2, 1, keepdim=True).clamp_min(1e-12), with 1e-12
// rounded to the element type; a zero vector stays zero and a NaN norm gives
// NaN.
//
// For float64 states the expressions are kept as written: .float() makes m,
// w and so the token count float32, so the weights and the count (and its
// square root, taken in float32) are float32 values that PyTorch promotes in
// the float64 product and division.
//
// # Exactness
//
// For float32 and float64 the results are those of PyTorch 1.13 on the CPU
// bit for bit (any NaN equals any NaN): testdata/record.py records 420 cases
// from Debian's python3-torch (the AVX2 kernels that PyTorch dispatches to
// on x86-64 by default; one thread; all-masked rows, left and right padding,
// H = 1 to 1024, T up to 4100, NaN, infinities, overflow, every mask type)
// and the tests require every bit. What PyTorch computes is fixed by these
// details, which seqpool reproduces:
//
//   - Products and divisions are rounded one at a time (the product x * m is
//     a tensor of its own before the sum; no fused multiply-add), square
//     roots and divisions are correctly rounded, and the clamp keeps NaN.
//   - torch.sum over the tokens is ATen's cascade_sum (SumKernel.cpp), whose
//     order of additions depends on the column. For H > 1 the columns
//     h < 32*floor(H/32) (float64: 16*floor(H/16); H below 8 float32 or 4
//     float64 lanes: 4*floor(H/4)) are each summed by multi_row_sum: the
//     values of 2^p consecutive tokens are added in order into level 0,
//     which is then added into level 1 and reset; every 2^(2p) tokens level 1
//     moves on into level 2, every 2^(3p) level 2 into level 3; the tokens
//     after the last whole group go into level 0, and the sum is ((level 0 +
//     level 1) + level 2) + level 3, with p = max(4, ceil(log2 T)/4), so
//     groups of 16 tokens up to T = 2^19. The other columns are summed by
//     row_sum: token t goes into partial sum t mod 4, each partial being
//     multi_row_sum over the whole quads, the last T mod 4 tokens go into
//     partial 0, and the sum is ((p0 + p1) + p2) + p3. For H = 1 the tokens
//     are contiguous and summed as one vector: row_sum over the whole 8-lane
//     (float64: 4-lane) vectors, lane by lane, then from +0 the tokens after
//     the last whole vector and then the lanes in order (row_sum when T is
//     below a vector).
//   - The token count m.sum(1): for an int64, int32 or bool mask, and for the
//     weighted mean, .float() and the product with w make a new float32
//     (B, T, H) tensor, summed like the states with the float32 column rule
//     above. A float32 mask is used as it is, a broadcast view whose tokens
//     are contiguous: for T >= 8 its count is the one-vector sum of the H = 1
//     case in every column; for T < 8 the columns h < 4*floor(H/4) add the
//     tokens in order and the others by row_sum. The order matters only for
//     masks whose values are not small integers.
//   - torch.max over the tokens scans them in order, keeping the first of
//     equal maxima and stopping at the first NaN.
//   - The float32 norm is ATen's AVX2 norm kernel as GCC compiled it: eight
//     lanes accumulate x*x over the whole 8-element blocks with fused
//     multiply-adds, the lanes are added in order, then of the H mod 8 other
//     elements the first four (when there are four) are squared and added
//     without fusion and the rest with fused multiply-adds. The float64 norm
//     is a chain of fused multiply-adds from +0.
//
// PyTorch's results for these expressions do not depend on its thread count
// (its reductions split the work only across outputs), but they do depend on
// its build: with AVX-512 dispatch (ATEN_CPU_CAPABILITY=avx512) or on other
// architectures the sums and the norm add in other orders, so the last bits
// of the mean-type and normalised results can differ from these; max, CLS
// and last token cannot.
//
// # Kernels
//
// The work is in two kernels with documented contracts, sumTokens (the
// masked sum over tokens, vectorised along H) and maxTokens (the masked max),
// whose inner loops fold a chunk of token rows into a row of accumulators.
// Those loops are AVX2 and AVX-512 assembly on amd64 and NEON assembly on
// arm64 (float32 and float64, generated from the kernel table asm/table like
// the root package's kernels) and Go elsewhere, with -tags purego, and under
// SIMDPOOL_ISA=generic;
// every one of them gives the same bits (each column is one vector lane,
// added or compared in the tokens' order, products rounded before the sum).
// A plan picks the kernels of the ISA in use when it is made, as package
// pool's plans do: the best this machine has, the one SIMDPOOL_ISA names (an
// ISA that cannot run makes NewPlan fail), or the one simdpool.Use chose
// before. The means read every token (a masked token's NaN must propagate);
// the max reads only the kept ones.
package seqpool
