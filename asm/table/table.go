// Package table is the kernel table of simdpool: the one list of the kernels
// that exist. The generators make the kernels from it (asm/amd64 with avo,
// asm/neon with our emitter) and write the Go side that picks and calls them
// (the root package's table_go.go, table_amd64.go and table_arm64.go); adding
// a kernel is adding it here (and, for a new shape, its emitter).
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
)

// Op is what a kernel reduces (the root package's kernelOp).
type Op int

const (
	Max    Op = iota + 1 // maximum
	MaxIdx               // maximum and its index
	Sum                  // sum, then winArgs.post
	SumSq                // sum of squares, then winArgs.post
	Mean                 // global: ATen's cascade sum divided by n
)

var opNames = map[Op]string{Max: "max", MaxIdx: "maxIdx", Sum: "sum", SumSq: "sumSq", Mean: "mean"}
var opConsts = map[Op]string{Max: "kMax", MaxIdx: "kMaxIdx", Sum: "kSum", SumSq: "kSumSq", Mean: "kMean"}

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
	Size int // element size: 4 (float32) or 8 (float64)
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
	case Channels:
		b.WriteString("Chan")
	}
	fmt.Fprintf(&b, "F%d%s", 8*k.Size, isaNames[k.ISA])
	return b.String()
}

// Doc says in one line what the kernel computes.
func (k Kernel) Doc() string {
	what := map[Op]string{
		Max:    "the maximum of every window (leaving a plane with a NaN to its caller)",
		MaxIdx: "the maximum of every window and its index (leaving a plane with a NaN or an edge maximum of -inf to its caller)",
		Sum:    "the sum of every window in row-major order, divided as winArgs.post says",
		SumSq:  "the sum of the squares of every window in row-major order, divided as winArgs.post says",
		Mean:   "the mean of every plane, summed in the order of ATen's cascade sum",
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
	return fmt.Sprintf("%s computes %s, %s, on float%d with %s.", k.Name(), what, taps, 8*k.Size, isaNames[k.ISA])
}

// Kernels are all the kernels, the pure-Go ones first: a kernel's ID in the
// root package is its position in GoKernels or, for the assembly of an
// architecture, len(GoKernels) plus its position in Arch(arch), plus one.
func Kernels() []Kernel {
	return append(GoKernels(), append(Arch("amd64"), Arch("arm64")...)...)
}

// GoKernels are the pure-Go kernels, on every GOARCH.
func GoKernels() []Kernel {
	var ks []Kernel
	for _, size := range []int{4, 8} {
		for _, op := range []Op{Max, MaxIdx, Sum, SumSq} {
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

// windowShapes are the horizontal taps (stride, taps, dilation, padding) with
// kernels of their own: PyTorch's common pooling windows.
var windowShapes = [][4]int{
	{2, 2, 1, 0}, {2, 3, 1, 1}, {2, 3, 1, 0},
	{1, 3, 1, 1}, {1, 2, 1, 0}, {1, 3, 2, 1},
	{1, 1, 1, 0}, // one tap: the vertical pass of two-pass max pooling, kernels (k, 1)
}

// windows lists the window kernels of an ISA and element size: the shapes
// above (dilated ones for max only: average and LP windows have none; padded
// ones not for the squares of LP, which has no padding), then
// any taps of stride 1 and of stride 2.
func windows(isa string, size int) []Kernel {
	var ks []Kernel
	for _, op := range []Op{Max, MaxIdx, Sum, SumSq} {
		for _, sh := range windowShapes {
			if sh[2] > 1 && (op == Sum || op == SumSq) || sh[3] > 0 && op == SumSq {
				continue
			}
			ks = append(ks, Kernel{Kind: Window, Op: op, ISA: isa, Size: size, S: sh[0], K: sh[1], D: sh[2], P: sh[3]})
		}
		for _, s := range []int{1, 2} {
			ks = append(ks, Kernel{Kind: Window, Op: op, ISA: isa, Size: size, S: s})
		}
	}
	return ks
}
