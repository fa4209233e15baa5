// Package pool provides every pooling operator of PyTorch 1.13, with its CPU
// semantics, on contiguous row-major float32 and float64 tensors: max, average
// and LP pooling in 1d, 2d and 3d; adaptive max and average pooling; fractional
// max pooling; max unpooling; global pooling; and stochastic pooling, which
// PyTorch lacks.
//
// # Two ways to call
//
// Servers make a plan once per input shape and run it many times:
//
//	plan, err := pool.NewMaxPool2d[float32]([]int{8, 64, 112, 112}, pool.MaxPoolOptions{
//		KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1},
//	})
//	...
//	err = plan.Run(dst, src) // or plan.RunWithIndices(dst, indices, src)
//
// A constructor validates every argument and precomputes what depends only on
// the shape and the options (output shape, window bounds, divisors). Run then
// checks the slice lengths, never allocates, and is safe for concurrent use by
// any number of goroutines. Scripts and tests call the one-call form, which
// allocates the output: out, indices, err := pool.MaxPool2d(x, opts).
//
// Inputs are (N, C, spatial...) or, unbatched, (C, spatial...), contiguous
// and row-major. Indices are int64, flat inside each (n, c) plane, as
// PyTorch's return_indices gives them (2d: h*W+w). Options carry PyTorch's
// argument names; every size argument takes one value for all spatial
// dimensions or one per dimension. Options whose PyTorch default is not Go's
// zero value are pointers: CountIncludePad (nil: true) and DivisorOverride
// (nil: none); Bool and Int make them. OutputSize entries of adaptive pooling
// may be None, PyTorch's "keep this size".
//
// # Layouts
//
// Every operator also takes channels-last tensors: Layout ChannelsLast in its
// options (global pooling: as its optional last argument) makes the input
// (N, spatial..., C) or unbatched (spatial..., C), TensorFlow's NWC, NHWC and
// NDHWC and the memory order of a PyTorch tensor in torch.channels_last or
// torch.channels_last_3d, and the output and the indices likewise. The
// results are the channels-first operator's on the same tensor, bit for bit
// on every ISA, laid out channels-last; indices keep their values (flat inside
// each (n, c) plane), at the output's channels-last positions. Max unpooling
// reads channels-last values and indices; fractional pooling's samples stay
// (N, C, dims); stochastic pooling draws the same numbers for a seed in both
// layouts. (Where PyTorch 1.13 itself sums a channels_last input in another
// order than a contiguous one, by one ULP or in which elements take glibc's
// pow: its mean, adaptive_avg_pool2d, lp_pool with a general p, simdpool
// gives the contiguous input's result in both layouts.) Max, average and LP
// pooling (p = 1 and 2), regular adaptive pooling and global max and average
// pooling run kernels vectorised over the channels; the other operators pool
// channels-first copies of their tensors, made in buffers the plan keeps.
//
// # Errors
//
// Every invalid argument, every configuration PyTorch rejects, wrong slice
// lengths, negative or overflowing sizes, out-of-range indices and a
// SIMDPOOL_ISA naming an ISA that cannot run here (empty means unset) give an
// *Error naming the operator, the argument and the rule; nothing panics, and a
// Run that fails writes nothing. A one-call form names x when x.Data does not
// hold the elements x.Shape gives, and finds it out before it plans or
// allocates anything; it allocates the output, the indices and what its plan
// needs (at most a few ints per output position), no more. NewTensor panics
// on a negative size or a shape beyond the limits below; MakeTensor returns
// the *Error instead.
//
// # Limits
//
// Size arguments go as far as PyTorch 1.13 takes them: up to the largest
// int (int64) for max_pool1d's kernel_size, stride, padding and dilation
// (with indices too, which PyTorch computes with C++ ints),
// avg_pool1d/2d's divisor_override, max unpooling's and fractional pooling's
// sizes and adaptive pooling's output_size; up to 2^31-1 where PyTorch passes
// them to a C++ int (max_pool2d/3d, avg_pool, lp_pool, avg_pool3d's
// divisor_override; stochastic pooling follows max_pool2d). Where the size
// arithmetic would overflow an int (the output size's L + 2*padding, plus
// stride-1 in ceil mode, with a margin of L for the kernels; max unpooling's
// default size; output_size*(L+1) in adaptive pooling; lp_pool3d's kernel
// volume), simdpool returns an error naming the argument; PyTorch, computing
// in int64, overflows there and gives a made-up output or fails.
//
// A tensor (input, output, indices) has at most 2^37 elements on 64-bit
// platforms (2^40 bytes of float64, which every 64-bit Go runtime can
// allocate), in all, in each (n, c) plane and in each dimension, even when it
// is empty: PyTorch takes larger sizes for an empty batch, simdpool does not.
// On 32-bit platforms, where int has 32 bits, the limit is 2^28-1 elements,
// every size argument is at most 2^31-1, and the overflow checks above apply
// to 32-bit arithmetic.
//
// # Semantics
//
// Results match PyTorch 1.13 on the CPU bit for bit for float32 (the repository
// checks 1840 cases recorded from PyTorch, errors included):
//
//   - Output size floor((L + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1, less
//     one in ceil mode when the last window would start beyond the input and
//     the left padding. Padding is at most half the kernel.
//   - Max pooling scans each window row-major over its elements inside the
//     input: NaN wins and reports the last NaN's index, ties keep the first
//     (so -0 and +0 keep the first), a window of -inf reports its first element.
//   - Average pooling sums in the element type, row-major from +0, and divides
//     once by divisor_override, or by the window size counting padding
//     (count_include_pad; a ceil-mode window past the right padding counts
//     less than the kernel), or by the elements inside the input. avg_pool3d
//     rejects an input smaller than the kernel, as PyTorch does.
//   - LP pooling is (sign(a)*relu(|a|) * kernel volume)^(1/p) with a the average
//     of x^p over the window clipped to the input, powers computed as PyTorch
//     computes them on an x86-64 CPU with AVX2, bit for bit (x*x for p = 2,
//     x*x*x for p = 3, sqrt for 1/2, otherwise SLEEF's pow on blocks of 16
//     float32 or 8 float64 elements and glibc's pow on a tensor's last
//     elements, as single-threaded PyTorch does). So negative inputs give NaN
//     for fractional p and signed results for p = 1. lp_pool3d, which PyTorch
//     1.13 lacks, uses the same formula.
//   - Adaptive windows run from floor(i*L/O) to ceil((i+1)*L/O); adaptive
//     average divides the sum by each axis' window size in turn, and when every
//     output size is 1 it is PyTorch's mean, whose cascade summation order is
//     reproduced exactly.
//
// Where PyTorch 1.13 is undefined, unsafe or inconsistent, simdpool chooses:
//
//   - A dilated max-pooling window can lie entirely in the padding (L=2, k=2,
//     p=1, d=3). PyTorch returns -inf with an index outside the window, even
//     outside the plane, and its backward then writes out of bounds. simdpool
//     returns -inf with index -1, which max unpooling rejects.
//   - max_pool1d without indices returns an empty tensor when the computed
//     output size is 0, while every other path raises; simdpool always
//     returns an error.
//   - avg_pool1d accepts DivisorOverride (PyTorch 1.13 has it only in 2d and 3d).
//
// # Fractional max pooling
//
// Along each dimension, window i starts at int((i+u)*alpha) - int(u*alpha) with
// alpha = (L-k)/(O-1), computed in the element type as PyTorch does, and the last
// window starts at L-k; with an output size of 1 the window is the last k
// elements. In 2d, sample 0 drives W and sample 1 drives H; in 3d, samples 0, 1
// and 2 drive D, H and W. An output size O needs O+k-1 <= L in 2d but O+k-1 < L
// in 3d (PyTorch's own asymmetry, kept). An output ratio r gives int(L*r) in
// float64. Samples are passed as PyTorch's _random_samples, (N, C, dims) or
// (1, C, dims) unbatched, or drawn from a seed: sample i depends only on the
// seed and i, so a seed gives the same windows however the work is split.
// simdpool is stricter than PyTorch: kernel_size must be positive (PyTorch reads
// outside the input), exactly one of output_size and output_ratio must be given
// (PyTorch ignores the ratio when both are), samples must lie in [0, 1) with
// one per (n, c) plane and dimension (PyTorch reads out of bounds with fewer),
// and a NaN or infinite ratio is rejected.
//
// # Max unpooling
//
// The output is zero except at each input's flat index inside its plane, where
// the input value is written in input order: with duplicate indices the last
// value wins, as in PyTorch's single-threaded loop (multi-threaded PyTorch
// races). Every index is checked to lie in [0, output plane size) before
// anything is written. The default output size is (in-1)*stride + kernel -
// 2*padding; an explicit OutputSize gives the spatial sizes or the full
// (N, C, ...) shape, each strictly between default-stride and default+stride.
// simdpool also requires positive kernel, stride and output sizes in every
// dimension (PyTorch checks stride only in 3d, and returns an empty tensor for
// an empty output without looking at the indices).
//
// # Stochastic pooling
//
// Stochastic pooling (Zeiler and Fergus 2013; PyTorch has none) follows Caffe.
// Its windows are max pooling's (kernel_size, stride, padding, ceil_mode, no
// dilation); padding contributes nothing and is never chosen. Each element a_i
// of a window is a probability weight. In training mode a window draws one
// uniform u in [0, 1) from the caller's seed and its flat output index
// (counter-based, so a seed gives the same result whatever
// StochasticPoolOptions.Threads is) and picks the first element, in row-major
// window order, whose running sum exceeds u*sum(a): element i with probability
// a_i/sum(a), never one of probability 0. The output is the chosen value and
// its index is flat in its (n, c) plane, as for max pooling. Inference mode
// returns the expectation sum(a_i^2)/sum(a_i) and no indices. A window whose
// sum is 0 gives +0 (training: the index of its first element inside the
// input). Negative inputs, NaN and +Inf are an error naming the first
// offending position, and nothing is written. ClampNegative instead treats
// negatives (-Inf included) as 0, as a ReLU before the pool would; NaN and
// +Inf stay errors. Sums are taken in the element type, in row-major order,
// with squares rounded before they are added (no fused multiply-add), so
// every GOARCH gives the same bits. Where a window's sums would overflow or
// become subnormal, the window is scaled by a power of two first (exact), so
// every finite input gives a finite, accurate output.
//
// # Backward
//
// Every plan also computes the gradient of a loss with respect to the
// operator's input, given its gradient with respect to the output: PyTorch
// 1.13's CPU autograd gradient, bit for bit for float32 (the repository
// checks the 1646 gradients recorded from PyTorch on every ISA). Plans run it
// into a caller's buffer without allocating, from any number of goroutines:
//
//	err = plan.RunWithIndices(dst, idx, src)        // forward, keeping the indices
//	err = plan.Backward(gradIn, gradOut, idx, nil)  // gradIn: the input's shape
//
// BackwardOn shares the work among Workers with the same results, and the
// one-call forms (MaxPool2dBackward, AvgPool2dBackward, ...) allocate the
// gradient. Lengths are checked as Run checks them, and the indices of a
// max-type operator before anything is written; a failed backward writes
// nothing. Each gradient starts at +0 and receives the contributions of the
// outputs in row-major output order, PyTorch's order, which decides the last
// bits where windows overlap:
//
//   - Max-type pooling (max, adaptive max, fractional max, global max) adds
//     each output's gradient at the index its forward returned; an index of
//     -1 (a window without elements inside the input) adds nothing, any
//     other index outside the input plane is an error.
//   - Average pooling divides each output's gradient once by that output's
//     divisor (the forward's rule) and adds the quotient to every element of
//     its window clipped to the input; adaptive average pooling divides by
//     the window's depth, then height, then width; when every output size is
//     1 (PyTorch's mean) every element gets the gradient divided by the plane
//     size.
//   - LP pooling follows autograd through (sign(a)*relu(|a|)*K)^(1/p), a =
//     avg_pool(x^p), and so needs the forward's input (BackwardNeedsInput):
//     a window whose a is 0 gets gradient 0 (the relu's mask), and since
//     torch.sign(NaN) is 0 a window holding a NaN gets NaN, or 0 for p = 1.
//     Its powers are computed as the forward's; the recorded gradients
//     match bit for bit, and the repository checks them within 1e-5 +
//     1e-4*|ref|, the golden README's tolerance.
//   - Max unpooling's gradient is a gather: each input gets the output
//     gradient at its index.
//   - Stochastic pooling in training mode sends each gradient to the element
//     chosen; in inference mode it differentiates sum(a^2)/sum(a) (see
//     StochasticPlan.Backward).
//   - An adaptive pooling with an empty output has a zero gradient, where
//     PyTorch raises.
//
// The SIMD kernels give the same bits: average pooling and max pooling whose
// windows do not overlap write each gradient row once (expand kernels),
// stride-1 average pooling runs the forward's sum kernels over the
// quotients, and overlapping max windows scatter in order.
//
// # Workers
//
// Run computes on the calling goroutine. RunOn computes the same outputs, bit
// for bit, on a set of workers the caller owns (NewWorkers): the calling
// goroutine and the set's goroutines that are idle when the run starts, each
// taking units of whole planes. One set can serve every plan and goroutine of
// a server, which bounds the cores all requests together use; runs too small
// to gain from sharing (less traffic than Workers.SetMinShare, one plane) run
// on their caller alone.
//
// # Kernels
//
// Plans run the kernels of the root package github.com/simdpool/simdpool,
// prepared once when the plan is made (Plan.Kernels names them): AVX2 or
// AVX-512 on amd64 and NEON on arm64, for float32 and float64, chosen for the
// CPU at run time, and pure-Go kernels otherwise. Every kernel computes what
// the generic Go code computes, bit for bit: max-type values (zeros' signs
// included) and indices, sums in PyTorch's order with correctly rounded
// divisions; SIMDPOOL_ISA=generic forces the pure-Go kernels.
package pool
