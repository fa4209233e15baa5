// Package table is the kernel table of simdpool: the one list of the kernels
// that exist. The generators make the kernels from it (asm/amd64 with avo,
// asm/neon with our emitter) and write the Go side that picks and calls them
// (the root package's table_go.go, table_amd64.go and table_arm64.go, and
// package seqpool's table_amd64.go and table_arm64.go); adding a kernel is
// adding it here (and, for a new shape, its emitter).
//
// The window and global kernels live in the root package (Arch lists the
// assembly ones, GoKernels the pure-Go ones); the token-rows kernels (Kind
// TokenRows) live in package seqpool, which calls them directly
// (TokenRowKernels).
package table

import (
	"fmt"
	"strings"
)

// Kind is a kernel's calling convention (the root package's kernelKind).
type Kind int

const (
	Window   Kind = iota + 1 // func(a *winArgs, src, dst, idx unsafe.Pointer, planes int) int
	Global                   // func(dst, src unsafe.Pointer, planes, n int)
	Channels                 // func(a *chanArgs, src, dst, idx unsafe.Pointer, images int) int (channels-last)
	// TokenRows kernels fold n token rows of cols values (row j at rows +
	// j*stride elements) into cols accumulators at acc, in the order of the
	// rows, column by column (Div only divides acc by w[0]); package
	// seqpool's kernels.go and kernel contracts (seqpool/sum_kernel.go,
	// max_kernel.go) say what each op computes.
	TokenRows // func(acc, rows, w unsafe.Pointer, stride, n, cols int, fresh bool)
)

// Op is what a kernel reduces (the root package's kernelOp).
type Op int

const (
	Max     Op = iota + 1 // maximum
	MaxIdx                // maximum and its index
	Sum                   // sum, then winArgs.post
	SumSq                 // sum of squares, then winArgs.post
	Mean                  // global: ATen's cascade sum divided by n
	SumProd               // rows: the sum of the rows scaled by their weights w, each product rounded
	Div                   // rows: acc divided by w[0] (the mean's last step)
	MaxBwd                // backward of max pooling without overlaps, from the indices (an expand kernel)
	AvgBwd                // backward of average pooling without overlaps (an expand kernel)
	MeanBwd               // global: backward of the mean, each plane filled with its gradient / n
)

var opNames = map[Op]string{Max: "max", MaxIdx: "maxIdx", Sum: "sum", SumSq: "sumSq", Mean: "mean", SumProd: "sumProd", Div: "div",
	MaxBwd: "maxBwd", AvgBwd: "avgBwd", MeanBwd: "meanBwd"}
var opConsts = map[Op]string{Max: "kMax", MaxIdx: "kMaxIdx", Sum: "kSum", SumSq: "kSumSq", Mean: "kMean",
	MaxBwd: "kMaxBwd", AvgBwd: "kAvgBwd", MeanBwd: "kMeanBwd"}

// Expand reports whether op is a backward window op: an expand kernel, which
// writes the gradient rows of the forward's input (the root package's
// backRef states the contract).
func (op Op) Expand() bool { return op == MaxBwd || op == AvgBwd }

// The ISAs (the root package's ISA values).
const (
	Go     = "generic"
	AVX2   = "avx2"
	AVX512 = "avx512"
	NEON   = "neon"
)

var isaNames = map[string]string{Go: "Go", AVX2: "AVX2", AVX512: "AVX512", NEON: "NEON"}
var isaConsts = map[string]string{Go: "Generic", AVX2: "AVX2", AVX512: "AVX512", NEON: "NEON"}

// Kernel is one kernel of the table.
type Kernel struct {
	Kind Kind
	Op   Op
	ISA  string
	Size int // element size: 4 (float32), 8 (float64) or 1 (int8, or uint8 when Unsigned)
	// Unsigned marks the kernels of uint8 elements (Size 1).
	Unsigned bool
	// Window kernels: the horizontal taps the kernel is made for (stride,
	// taps, dilation, left padding); K = 0: any taps of stride S, read at run
	// time; S = 0: any stride.
	S, K, D, P int
}

// Lanes is the number of outputs a window kernel computes per chunk: one
// vector with AVX2 and AVX-512; four Q registers with NEON (16 float32 or 8
// float64), so that a chunk's loop control, pointer updates and stores are
// paid once per 64 bytes of output, as with AVX-512.
func (k Kernel) Lanes() int {
	if k.Kind == Channels && k.ISA == NEON {
		return 16 / k.Size // channels-last: the lanes of one Q register
	}
	switch k.ISA {
	case AVX512:
		return 64 / k.Size
	case AVX2:
		return 32 / k.Size
	case NEON:
		return 4 * 16 / k.Size
	}
	return 1
}

// Name is the kernel's function name: op, kind, taps, element type, ISA
// (maxWinS2K3D1P1F32AVX512; S2K0 for any taps of stride 2, S0 for any stride).
func (k Kernel) Name() string {
	var b strings.Builder
	b.WriteString(opNames[k.Op])
	switch k.Kind {
	case Window:
		fmt.Fprintf(&b, "WinS%d", k.S)
		if k.S != 0 {
			if k.K == 0 {
				b.WriteString("K0")
			} else {
				fmt.Fprintf(&b, "K%dD%dP%d", k.K, k.D, k.P)
			}
		}
	case Global:
		b.WriteString("Global")
	case TokenRows:
		b.WriteString("TokenRows")
	case Channels:
		b.WriteString("Chan")
	}
	fmt.Fprintf(&b, "%s%s", k.Elem(), isaNames[k.ISA])
	return b.String()
}

// Elem is the element type in kernel names: F32, F64, I8 or U8.
func (k Kernel) Elem() string {
	switch {
	case k.Size == 1 && k.Unsigned:
		return "U8"
	case k.Size == 1:
		return "I8"
	}
	return fmt.Sprintf("F%d", 8*k.Size)
}

// GoType is the Go element type of the kernel.
func (k Kernel) GoType() string {
	switch {
	case k.Size == 1 && k.Unsigned:
		return "uint8"
	case k.Size == 1:
		return "int8"
	}
	return fmt.Sprintf("float%d", 8*k.Size)
}

// Doc says in one line what the kernel computes.
func (k Kernel) Doc() string {
	if k.Kind == TokenRows {
		what := map[Op]string{
			Sum:     "adds n token rows into the sums at acc (when fresh, sums them from +0 and adds that)",
			SumProd: "adds n token rows, row j times w[j] with each product rounded, into the sums at acc (when fresh, sums them from +0 and adds that)",
			Max:     "folds n token rows into the maxima at acc with torch.max's rule (a NaN wins and stays, ties keep the first)",
			Div:     "divides the values at acc by w[0] (no rows)",
		}[k.Op]
		return fmt.Sprintf("%s %s, in row order, cols columns at a time, on float%d with %s.", k.Name(), what, 8*k.Size, isaNames[k.ISA])
	}
	what := map[Op]string{
		Max:     "the maximum of every window (leaving a plane with a NaN to its caller)",
		MaxIdx:  "the maximum of every window and its index (leaving a plane with a NaN or an edge maximum of -inf to its caller)",
		Sum:     "the sum of every window in row-major order, divided as winArgs.post says",
		SumSq:   "the sum of the squares of every window in row-major order, divided as winArgs.post says",
		Mean:    "the mean of every plane, summed in the order of ATen's cascade sum",
		MaxBwd:  "the gradient of max pooling without overlapping windows from its indices, row by row (leaving a plane with an index outside its window to its caller)",
		AvgBwd:  "the gradient of average pooling without overlapping windows, row by row",
		MeanBwd: "the gradient of the mean of every plane: the plane filled with its gradient divided by n",
	}[k.Op]
	if k.Kind == Channels {
		what = map[Op]string{
			Max:    "the maximum of every window of channels-last images (leaving an image with a NaN to its caller)",
			MaxIdx: "the maximum of every window of channels-last images and its index (leaving an image with a NaN to its caller)",
			Sum:    "the sum of every window of channels-last images in row-major order, divided as chanArgs.post says",
			SumSq:  "the sum of the squares of every window of channels-last images in row-major order, divided as chanArgs.post says",
			Mean:   "the mean of every channel of channels-last images, summed in the order of ATen's cascade sum",
		}[k.Op]
	}
	if k.ISA == NEON && k.Op == Max && k.Kind == Window {
		what = "the maximum of every window (a window with a NaN gives a NaN)"
	}
	taps := "for any horizontal taps"
	switch {
	case k.Kind == Global:
		taps = "over whole planes"
	case k.Kind == Channels:
		taps = "vectorised over the channels"
	case k.S != 0 && k.K == 0:
		taps = fmt.Sprintf("for stride %d and any taps", k.S)
	case k.S != 0:
		taps = fmt.Sprintf("for stride %d, %d taps, dilation %d and padding %d", k.S, k.K, k.D, k.P)
	}
	if k.Size == 1 {
		what = "the maximum of every window" // integers have no NaN
	}
	return fmt.Sprintf("%s computes %s, %s, on %s with %s.", k.Name(), what, taps, k.GoType(), isaNames[k.ISA])
}

// Kernels are all the kernels, the pure-Go ones first: a kernel's ID in the
// root package is its position in GoKernels or, for the assembly of an
// architecture, len(GoKernels) plus its position in Arch(arch), plus one; a
// token-rows kernel's ID in package seqpool is its position in
// TokenRowKernels(arch) plus one.
func Kernels() []Kernel {
	ks := append(GoKernels(), append(Arch("amd64"), Arch("arm64")...)...)
	return append(ks, append(TokenRowKernels("amd64"), TokenRowKernels("arm64")...)...)
}

// GoKernels are the pure-Go kernels, on every GOARCH: for each element size
// and op, one for any taps (the reference, windowRef) and one for each shape
// of windowShapes the op has.
func GoKernels() []Kernel {
	var ks []Kernel
	for _, size := range []int{4, 8} {
		for _, op := range windowOps {
			ks = append(ks, Kernel{Kind: Window, Op: op, ISA: Go, Size: size})
			ks = append(ks, shapeKernels(op, Go, size)...)
		}
		for _, op := range []Op{MaxBwd, AvgBwd} { // any windows: backRef
			ks = append(ks, Kernel{Kind: Window, Op: op, ISA: Go, Size: size})
		}
	}
	return append(ks, channels(Go)...)
}

// channels lists the channels-last kernels of an ISA: the window
// reductions and, but for the pure-Go ISA (whose Programs compute means
// exactly), the mean.
func channels(isa string) []Kernel {
	var ks []Kernel
	for _, size := range []int{4, 8} {
		for _, op := range []Op{Max, MaxIdx, Sum, SumSq, Mean} {
			if op == Mean && isa == Go {
				continue
			}
			ks = append(ks, Kernel{Kind: Channels, Op: op, ISA: isa, Size: size})
		}
	}
	return ks
}

// GoFunc names the generic function of the root package that a pure-Go
// kernel calls, with its element type and op: chanRef for a channels-last
// kernel, windowRef for a window kernel of any taps,
// else the row loops of the kernel's stride, taps and dilation (winS2K3D1;
// the padding is read from winArgs).
func (k Kernel) GoFunc() string {
	switch {
	case k.Kind == Channels:
		return "chanRef"
	case k.Op.Expand():
		return "backRef"
	case k.K == 0:
		return "windowRef"
	}
	return fmt.Sprintf("winS%dK%dD%d", k.S, k.K, k.D)
}

// Arch lists the assembly kernels of an architecture.
func Arch(arch string) []Kernel {
	var ks []Kernel
	switch arch {
	case "amd64":
		for _, isa := range []string{AVX2, AVX512} {
			for _, size := range []int{4, 8} {
				ks = append(ks, windows(isa, size)...)
			}
			for _, op := range []Op{Max, Mean} {
				ks = append(ks, Kernel{Kind: Global, Op: op, ISA: isa, Size: 4})
			}
			for _, size := range []int{4, 8} {
				ks = append(ks, backward(isa, size)...)
			}
		}
		for _, isa := range []string{AVX2, AVX512} {
			ks = append(ks, byteWindows(isa)...)
		}
		ks = append(ks, append(channels(AVX2), channels(AVX512)...)...)
	case "arm64":
		for _, size := range []int{4, 8} {
			ks = append(ks, windows(NEON, size)...)
		}
		for _, op := range []Op{Max, Mean} {
			ks = append(ks, Kernel{Kind: Global, Op: op, ISA: NEON, Size: 4})
		}
		ks = append(ks, channels(NEON)...)
	}
	return ks
}

// TokenRowKernels lists package seqpool's token-rows kernels of an architecture:
// the masked sums (Sum for rows of weight 1, SumProd), the max, and the
// division of the sums by the token count (Div), for float32 and float64 on
// each ISA: AVX2 and AVX-512 on amd64 (emitted by asm/amd64), NEON on arm64
// (asm/neon).
func TokenRowKernels(arch string) []Kernel {
	isas := map[string][]string{"amd64": {AVX2, AVX512}, "arm64": {NEON}}[arch]
	var ks []Kernel
	for _, isa := range isas {
		for _, size := range []int{4, 8} {
			for _, op := range []Op{Sum, SumProd, Max, Div} {
				ks = append(ks, Kernel{Kind: TokenRows, Op: op, ISA: isa, Size: size})
			}
		}
	}
	return ks
}

// windowShapes are the horizontal taps (stride, taps, dilation, padding) with
// kernels of their own: PyTorch's common pooling windows.
var windowShapes = [][4]int{
	{2, 2, 1, 0}, {2, 3, 1, 1}, {2, 3, 1, 0},
	{1, 3, 1, 1}, {1, 2, 1, 0}, {1, 3, 2, 1},
	{1, 1, 1, 0}, // one tap: the vertical pass of two-pass max pooling, kernels (k, 1)
}

// windowOps are the ops of window kernels.
var windowOps = []Op{Max, MaxIdx, Sum, SumSq}

// shapeKernels lists the kernels of op for the shapes above on an ISA and
// element size: dilated shapes for max only (average and LP windows have
// none), padded ones not for the squares of LP, which has no padding.
func shapeKernels(op Op, isa string, size int) []Kernel {
	var ks []Kernel
	for _, sh := range windowShapes {
		if sh[2] > 1 && (op == Sum || op == SumSq) || sh[3] > 0 && op == SumSq {
			continue
		}
		ks = append(ks, Kernel{Kind: Window, Op: op, ISA: isa, Size: size, S: sh[0], K: sh[1], D: sh[2], P: sh[3]})
	}
	return ks
}

// byteWindows lists the max window kernels of an ISA for int8 and uint8
// (ONNX's 8-bit MaxPool): the shapes above, then any taps of stride 1 and of
// stride 2.
func byteWindows(isa string) []Kernel {
	var ks []Kernel
	for _, unsigned := range []bool{false, true} {
		for _, sh := range windowShapes {
			ks = append(ks, Kernel{Kind: Window, Op: Max, ISA: isa, Size: 1, Unsigned: unsigned, S: sh[0], K: sh[1], D: sh[2], P: sh[3]})
		}
		for _, s := range []int{1, 2} {
			ks = append(ks, Kernel{Kind: Window, Op: Max, ISA: isa, Size: 1, Unsigned: unsigned, S: s})
		}
	}
	return ks
}

// windows lists the window kernels of an ISA and element size: for each op,
// its shapes, then any taps of stride 1 and of stride 2.
func windows(isa string, size int) []Kernel {
	var ks []Kernel
	for _, op := range windowOps {
		ks = append(ks, shapeKernels(op, isa, size)...)
		for _, s := range []int{1, 2} {
			ks = append(ks, Kernel{Kind: Window, Op: op, ISA: isa, Size: size, S: s})
		}
	}
	return ks
}

// backward lists the backward kernels of an ISA and element size: the
// expand kernels of 2x2 stride-2 windows (the common non-overlapping ones;
// other non-overlapping windows run the pure-Go expand kernel), and the
// global mean's fill.
func backward(isa string, size int) []Kernel {
	return []Kernel{
		{Kind: Window, Op: MaxBwd, ISA: isa, Size: size, S: 2, K: 2, D: 1, P: 0},
		{Kind: Window, Op: AvgBwd, ISA: isa, Size: size, S: 2, K: 2, D: 1, P: 0},
		{Kind: Global, Op: MeanBwd, ISA: isa, Size: size},
	}
}
