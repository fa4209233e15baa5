package simdpool

// The kernel table. Which kernels exist is decided in one place, the table of
// the generators (asm/table): from it they generate the kernels themselves
// (pool_amd64.s, pool_arm64.s) and, here, the lists of kernelInfo and the
// switches that call a kernel by its kernelID (table_go.go for the pure-Go
// kernels on every GOARCH, table_amd64.go and table_arm64.go for the
// assembly). A Program picks its kernels from these lists once, when it is
// made: find returns the best kernel of the ISA in use for an operation.
//
// Kernel names say what they compute, then for what: op, kind, horizontal
// taps, element type, ISA. maxWinS2K3D1P1F32AVX512 is the max window kernel
// for stride 2, 3 taps, dilation 1 and padding 1 on float32 with AVX-512; a 0
// (S0, K0) means any value (read from winArgs at run time).

// kernelID names a kernel of the table; 0 is none.
type kernelID uint16

const noKernel kernelID = 0

// kernelKind is the calling convention of a kernel.
type kernelKind uint8

const (
	kindWindow   kernelKind = iota + 1 // func(a *winArgs, src, dst, idx unsafe.Pointer, planes int) int
	kindGlobal                         // func(dst, src unsafe.Pointer, planes, n int)
	kindChannels                       // func(a *chanArgs, src, dst, idx unsafe.Pointer, images int) int
)

// kernelOp is what a kernel reduces.
type kernelOp uint8

const (
	kMax     kernelOp = iota + 1 // maximum (windows: NaN may be left to the caller)
	kMaxIdx                      // maximum and its index
	kSum                         // sum, then winArgs.post
	kSumSq                       // sum of squares, then winArgs.post
	kMean                        // global (channels-last: per channel): ATen's cascade sum divided by n
	kMaxBwd                      // backward of max, windows that do not overlap: expand (see backRef)
	kAvgBwd                      // backward of average, windows that do not overlap: expand (see backRef)
	kMeanBwd                     // global: backward of the mean, each plane filled with its gradient / n
)

// kernelInfo describes one kernel of the table.
type kernelInfo struct {
	name       string
	kind       kernelKind
	op         kernelOp
	isa        ISA
	size       int  // element size in bytes: 4 (float32), 8 (float64) or 1 (int8, uint8)
	unsigned   bool // for bytes: uint8 (else int8)
	lanes      int  // outputs per chunk (window kernels)
	s, k, d, p int  // window kernels: the horizontal taps it is made for; 0: any
	// Window kernels of fixed taps: the columns [lo, hi) a chunk reads from
	// its block start (both 0: any taps, see chunkReach).
	lo, hi int
}

// find returns the kernel of isa for op on elements e: for window
// kernels the one made for the horizontal taps (s, k, d, p), else one made for
// stride s and any taps, else one made for any stride; noKernel if none fits.
// The pure-Go kernels have the IDs 1..len(goKernels), the assembly ones the
// IDs after them, in the order of their lists.
func find(kind kernelKind, op kernelOp, isa ISA, e elemKey, s, k, d, p int) kernelID {
	best, rank := noKernel, 0
	for id := kernelID(1); int(id) <= len(goKernels)+len(asmKernels); id++ {
		ki := info(id)
		if ki.kind != kind || ki.op != op || ki.isa != isa || ki.size != e.size || ki.unsigned != e.unsigned {
			continue
		}
		r := 1 // global kernels, and window kernels for any stride
		switch {
		case kind != kindWindow:
		case ki.s == s && ki.k == k && ki.d == d && ki.p == p:
			r = 3
		case ki.s == s && ki.k == 0:
			r = 2
		case ki.s != 0:
			continue
		}
		if r > rank {
			best, rank = id, r
		}
	}
	return best
}

// info describes kernel id.
func info(id kernelID) *kernelInfo {
	if int(id) <= len(goKernels) {
		return &goKernels[id-1]
	}
	return &asmKernels[int(id)-len(goKernels)-1]
}
