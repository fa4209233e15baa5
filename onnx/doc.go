// Package onnx provides ONNX's pooling operators with the semantics of the
// ONNX specification: MaxPool (outputs Y and Indices), AveragePool, LpPool,
// GlobalMaxPool, GlobalAveragePool, GlobalLpPool and MaxUnpool, in 1 to 3
// spatial dimensions, on contiguous row-major (N, C, D1, ..., Dn) tensors of
// float32 and float64, and for MaxPool also int8 and uint8. They run on the
// same prepared SIMD kernels as package pool (PyTorch's semantics).
//
// # Two ways to call
//
// Servers make a plan once per input shape and run it many times:
//
//	plan, err := onnx.NewMaxPool[float32]([]int{1, 64, 112, 112}, onnx.MaxPoolAttrs{
//		AutoPad: onnx.SameUpper, KernelShape: []int{3, 3}, Strides: []int{2, 2},
//	})
//	...
//	err = plan.Run(y, x) // or plan.RunWithIndices(y, indices, x)
//
// A constructor validates every attribute and precomputes what depends only
// on the shape (output shape, padding, window bounds, divisors). Run checks
// the slice lengths, never allocates, and is safe for concurrent use; RunOn
// computes the same outputs, bit for bit, on a set of Workers. Scripts call
// the one-call forms, which allocate: y, err := onnx.MaxPool(x, attrs).
//
// Attributes carry their ONNX names (KernelShape is kernel_shape, and so on)
// and ONNX's defaults as Go's zero values, except p, whose default is 2 (nil;
// Int(3) sets 3). Every attribute combination the specification forbids, a
// wrong length, a negative pad, p < 1, a value other than 0 or 1 for a flag,
// an unknown auto_pad, and wrong slice lengths give an *Error naming the
// operator and the attribute (or input, or output); nothing panics, and a
// Run that fails writes nothing.
//
// # Semantics
//
// Along each spatial axis, with ext = (kernel-1)*dilation + 1 the window's
// extent, output o's window starts at o*stride - pad_begin and its taps are
// dilation apart; those outside [0, in) are padding.
//
//   - pads (any values >= 0, all begins then all ends) give out =
//     floor((in + begin + end - ext)/stride) + 1, or with ceil_mode the
//     ceiling, less one when the last window would start in the end padding
//     or beyond it (so the last window may run past the padding). An output
//     size below 1 is an error.
//   - auto_pad SAME_UPPER and SAME_LOWER pad in total (ceil(in/stride)-1)*
//     stride + ext - in (at least 0), half at each end, the odd pixel at the
//     end (UPPER) or at the beginning (LOWER); the output size is then
//     ceil(in/stride). VALID pads nothing. pads must not be given with them.
//     Both the padding (with ext, the dilated extent) and the output size
//     then follow the explicit-padding rule above, ceil_mode included, as
//     ONNX's shape inference and onnxruntime compute them; this differs from
//     the operator's documentation only for VALID with ceil_mode, whose
//     ceiling can keep one more window. (ONNX's reference implementation
//     refuses ceil_mode with auto_pad and ignores dilation in SAME's padding.)
//   - MaxPool: the maximum of the window's elements inside the input; padding
//     is never a candidate. The first maximum in row-major window order wins
//     a tie (as in ONNX's reference), and a NaN propagates: a window holding
//     a NaN gives a NaN, and its index is that of the window's last NaN, as in
//     package pool and PyTorch. (ONNX leaves NaN open; its reference drops
//     NaNs in one code path and keeps a leading one in another, onnxruntime
//     drops them.) Indices are flat over the whole input tensor:
//     (n*C + c)*prod(spatial) + the spatial position, row-major, or with
//     storage_order 1 column-major (the first spatial axis varying fastest:
//     h + w*H in 2d). The storage order only changes how the index is
//     written, not which element is chosen. int8 and uint8 inputs pool the
//     same way.
//   - AveragePool sums the window's elements inside the input in the element
//     type, row-major from +0, and divides once: with count_include_pad 0 by
//     the number of those elements, with 1 by the number of window taps inside
//     the padded extent [-begin, in + end) (explicit or auto_pad padding
//     counts; the part of a ceil_mode window beyond it does not), the product
//     of the per-axis counts. A NaN propagates (the reference drops NaNs from
//     averages with count_include_pad 0).
//   - LpPool and GlobalLpPool compute, as ONNX's reference does (it follows
//     PyTorch's lp_pool), (volume * avg)^(1/p) with avg the average of |x|^p
//     over the window's taps inside the padded extent, the padding counting
//     as zeros, and volume the product of kernel_shape. The powers are those
//     PyTorch 1.13 computes for |x|.pow(p) on an x86-64 CPU with AVX2, bit for
//     bit (see package pool), so that where ONNX's LpPool and PyTorch's
//     lp_pool coincide (no padding, inputs >= 0 or p even) the results are
//     PyTorch's bit for bit. ONNX's reference computes the same formula in
//     numpy (numpy's powers and pairwise sums), a few ulp away.
//   - GlobalAveragePool is the mean of each plane, summed in the order of
//     PyTorch's mean (ATen's cascade sum) and divided once; GlobalMaxPool is
//     MaxPool's rule over the plane; GlobalLpPool is LpPool with the kernel
//     covering the plane. They take any number of spatial dimensions.
//   - float32 results match ONNX's expected outputs exactly for the max-type
//     operators and within ONNX's tolerance (rtol 1e-3, atol 1e-7; in practice
//     a few ulp) for the sums, which numpy computes in another order.
//
// Where ONNX leaves a result open, this package chooses:
//
//   - A window that holds no input element (pads or dilation larger than the
//     kernel can make one): MaxPool gives -inf (int8: -128, uint8: 0) and the
//     index -1; AveragePool with count_include_pad 0 gives NaN (0/0, numpy's
//     mean of nothing), with 1 gives +0; LpPool gives +0.
//   - MaxUnpool writes the inputs in input order, so with duplicate indices
//     the last one wins, as in ONNX's reference loop and PyTorch's serial
//     loop; every index is checked before anything is written. Indices are
//     flat over the whole output tensor, N and C included; RunOn shares the
//     work by planes when every index lies in its own (n, c) plane (as
//     MaxPool's do) and otherwise runs on the caller.
//   - MaxUnpool's output_shape: the indices are positions in the output_shape
//     tensor (the operator's documentation: they are MaxPool's indices over
//     an input of that shape; also PyTorch and onnxruntime), and pads are
//     then ignored, as the specification says. ONNX's reference and its test
//     test_maxunpool_export_with_output_shape read them instead as positions
//     in the inferred shape, which is then zero-extended to output_shape;
//     MaxUnpoolAttrs.IndexInferredShape selects that reading (and then
//     requires output_shape at least the inferred shape).
//   - AutoPad "" is NOTSET (the attribute absent).
//
// # Workers and kernels
//
// RunOn and RunWithIndicesOn share whole (n, c) planes among a caller-owned
// set of workers, exactly as package pool does: the outputs are those of Run
// for any number of workers. Plan.Kernels names the root package's kernels a
// plan runs: AVX2 or AVX-512 on amd64 (float32, float64, and for MaxPool
// int8 and uint8), NEON on arm64 for the floats (int8 and uint8 run the
// pure-Go kernels there), chosen for the CPU when the plan is made;
// SIMDPOOL_ISA=generic forces the pure-Go kernels, which compute the same
// values bit for bit.
package onnx
