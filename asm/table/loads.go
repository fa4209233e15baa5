package table

// Load is one load a window kernel makes for each tap row of a chunk: L
// columns (or, Bcast, one column broadcast; or, Deint, the 2L columns split
// into their even and odd columns) from Off columns after the chunk's block
// start (c*s*L).
type Load struct {
	Off   int
	Bcast bool
	Deint bool // NEON stride 2: LD2 of 2L columns, the even ones tap Off, the odd ones tap Off+1
}

// Offsets returns the fixed taps' column offsets from a chunk's block start,
// t*d - p for each tap t.
func (k Kernel) Offsets() []int {
	o := make([]int, k.K)
	for t := range o {
		o[t] = t*k.D - k.P
	}
	return o
}

// Loads lists, for a kernel with fixed taps, the loads of one tap row of a
// chunk, in order and without repeats: the plan the amd64 emitter follows
// and from which Reach derives the columns a chunk reads.
//
//   - stride 1: tap t is the L columns from its offset o.
//   - stride 2: the 2L columns of the block are loaded once and split into
//     their even and odd columns; tap t, at offset o, is one of these shifted
//     by o>>1 lanes: unshifted, or (AVX-512, but for bytes) shifted by one
//     lane with the missing column broadcast, or else the even columns of
//     the 2L columns from o.
//   - NEON: stride 1 as above; stride 2 by LD2 loads (Deint) of the 2L
//     columns from x, whose even columns are tap x and odd ones tap x+1:
//     each tap o not yet covered takes the load at o-1 when that starts no
//     left of the first tap (so that the reach does not grow), else at o.
func (k Kernel) Loads() []Load {
	var ls []Load
	add := func(l Load) {
		for _, x := range ls {
			if x == l {
				return
			}
		}
		ls = append(ls, l)
	}
	L := k.Lanes()
	if k.ISA == NEON && k.S == 2 {
		o := k.Offsets()
		covered := func(t int) bool {
			for _, l := range ls {
				if t == l.Off || t == l.Off+1 {
					return true
				}
			}
			return false
		}
		for _, t := range o {
			if covered(t) {
				continue
			}
			x := t
			if t-1 >= o[0] {
				x = t - 1
			}
			add(Load{Off: x, Deint: true})
		}
		return ls
	}
	for _, o := range k.Offsets() {
		if k.S == 1 {
			add(Load{Off: o})
			continue
		}
		switch sh := o >> 1; {
		case sh == 0:
			add(Load{Off: 0})
			add(Load{Off: L})
		case k.ISA == AVX512 && k.Size > 1 && sh == -1: // bytes: no lane shift across 128-bit lanes
			add(Load{Off: 0})
			add(Load{Off: L})
			add(Load{Off: o, Bcast: true})
		case k.ISA == AVX512 && k.Size > 1 && sh == 1:
			add(Load{Off: 0})
			add(Load{Off: L})
			add(Load{Off: 2*L - 2 + o, Bcast: true})
		default:
			add(Load{Off: o})
			add(Load{Off: o + L})
		}
	}
	return ls
}

// Reach returns the columns [lo, hi) a chunk of the kernel reads (an expand
// kernel: writes), from its block start: exactly its taps for the pure-Go
// kernels (one output per chunk), the union of its Loads for the SIMD ones;
// (0, 0) for a kernel of any taps, whose reach the root package derives from
// the taps at run time.
func (k Kernel) Reach() (lo, hi int) {
	if k.Kind != Window || k.K == 0 {
		return 0, 0
	}
	if k.Op.Expand() { // the columns a chunk writes
		return -k.P, k.S*k.Lanes() - k.P
	}
	if k.ISA == Go {
		o := k.Offsets()
		return min(0, o[0]), max(1, o[len(o)-1]+1)
	}
	for i, l := range k.Loads() {
		n := k.Lanes()
		switch {
		case l.Bcast:
			n = 1
		case l.Deint:
			n = 2 * k.Lanes()
		}
		if i == 0 || l.Off < lo {
			lo = l.Off
		}
		hi = max(hi, l.Off+n)
	}
	return min(lo, 0), hi
}
