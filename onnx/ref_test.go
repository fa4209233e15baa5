package onnx

import (
	"math"
	"math/rand/v2"
	"unsafe"
)

// The ONNX semantics written out tap by tap, from the attributes, in the
// test: the oracle the package is checked against on every ISA.

// refAxis is one spatial axis of a reference window: output size, begin
// and end padding.
type refAxis struct{ in, k, s, d, pb, pe, out int }

// refAxes computes the axes from the attributes with the specification's
// formulas (SAME: the output size ceil(in/s) directly).
func refAxes(w window, spatial []int) []refAxis {
	n := len(spatial)
	axes := make([]refAxis, n)
	for i, in := range spatial {
		a := refAxis{in: in, k: w.kernel[i], s: 1, d: 1}
		if w.strides != nil {
			a.s = w.strides[i]
		}
		if w.dilations != nil {
			a.d = w.dilations[i]
		}
		if w.pads != nil {
			a.pb, a.pe = w.pads[i], w.pads[n+i]
		}
		ext := (a.k-1)*a.d + 1
		switch w.autoPad {
		case SameUpper, SameLower:
			a.out = int(math.Ceil(float64(in) / float64(a.s)))
			total := max(0, (a.out-1)*a.s+ext-in)
			a.pb, a.pe = total/2, total-total/2
			if w.autoPad == SameLower {
				a.pb, a.pe = a.pe, a.pb
			}
		default:
			f := float64(in+a.pb+a.pe-ext)/float64(a.s) + 1
			if w.ceilMode == 1 {
				a.out = int(math.Ceil(f))
				if (a.out-1)*a.s >= in+a.pb {
					a.out--
				}
			} else {
				a.out = int(math.Floor(f))
			}
		}
		axes[i] = a
	}
	return axes
}

// refTap is one tap of a window: its flat position in the plane (-1 in the
// padding) and whether it lies inside the padded extent.
type refTap struct {
	at     int
	padded bool
	coords []int
}

// refWindows calls f for each output of a plane (row-major) with the taps
// of its window, row-major.
func refWindows(axes []refAxis, f func(taps []refTap)) {
	n := len(axes)
	o := make([]int, n)
	for {
		var taps []refTap
		t := make([]int, n)
		for {
			tap := refTap{at: 0, padded: true, coords: make([]int, n)}
			for i, a := range axes {
				x := o[i]*a.s - a.pb + t[i]*a.d
				tap.coords[i] = x
				if x < 0 || x >= a.in {
					tap.at = -1
				}
				if x < -a.pb || x >= a.in+a.pe {
					tap.padded = false
				}
				if tap.at >= 0 {
					tap.at = tap.at*a.in + x
				}
			}
			taps = append(taps, tap)
			if !next(t, func(i int) int { return axes[i].k }) {
				break
			}
		}
		f(taps)
		if !next(o, func(i int) int { return axes[i].out }) {
			return
		}
	}
}

// next steps a row-major multi-index below the sizes lim; false past the
// last.
func next(ix []int, lim func(i int) int) bool {
	for i := len(ix) - 1; i >= 0; i-- {
		if ix[i]++; ix[i] < lim(i) {
			return true
		}
		ix[i] = 0
	}
	return false
}

// refMaxPool is MaxPool: values and Indices over the whole tensor.
func refMaxPool[T Elem](x []T, shape []int, a MaxPoolAttrs) ([]T, []int64) {
	spatial := shape[2:]
	axes := refAxes(a.window(), spatial)
	inPlane := len(x) / max(shape[0]*shape[1], 1)
	var y []T
	var idx []int64
	for pl := range shape[0] * shape[1] {
		refWindows(axes, func(taps []refTap) {
			best, at := T(0), -1
			var coords []int
			for _, t := range taps {
				if t.at < 0 {
					continue
				}
				if v := x[pl*inPlane+t.at]; at < 0 || v > best || v != v {
					best, at, coords = v, t.at, t.coords
				}
			}
			if at < 0 {
				best = lowestOf[T]()
				y, idx = append(y, best), append(idx, -1)
				return
			}
			if a.StorageOrder == 1 {
				at = 0
				for i := len(coords) - 1; i >= 0; i-- {
					at = at*spatial[i] + coords[i]
				}
			}
			y, idx = append(y, best), append(idx, int64(pl*inPlane+at))
		})
	}
	return y, idx
}

// lowestOf is MaxPool's value of a window of padding only.
func lowestOf[T Elem]() T {
	var z T
	if unsafe.Sizeof(z) != 1 {
		return T(math.Inf(-1))
	}
	if z-1 > z { // uint8
		return z
	}
	least := math.MinInt8
	return T(least)
}

// refAveragePool is AveragePool: the sum in T, row-major from +0, divided
// once by the count.
func refAveragePool[T Float](x []T, shape []int, a AveragePoolAttrs) []T {
	axes := refAxes(a.window(), shape[2:])
	inPlane := len(x) / max(shape[0]*shape[1], 1)
	var y []T
	for pl := range shape[0] * shape[1] {
		refWindows(axes, func(taps []refTap) {
			var sum T
			n := 0
			for _, t := range taps {
				if t.at >= 0 {
					sum += x[pl*inPlane+t.at]
				}
				if t.at >= 0 || (a.CountIncludePad == 1 && t.padded) {
					n++
				}
			}
			y = append(y, 0+sum/T(n))
		})
	}
	return y
}

// refLpPool is LpPool in float64: (volume * avg(|x|^p))^(1/p), the average
// over the taps inside the padded extent.
func refLpPool(x []float64, shape []int, a LpPoolAttrs) []float64 {
	axes := refAxes(a.window(), shape[2:])
	p, vol := 2.0, 1.0
	if a.P != nil {
		p = float64(*a.P)
	}
	for _, k := range a.KernelShape {
		vol *= float64(k)
	}
	inPlane := len(x) / max(shape[0]*shape[1], 1)
	var y []float64
	for pl := range shape[0] * shape[1] {
		refWindows(axes, func(taps []refTap) {
			sum, n := 0.0, 0
			for _, t := range taps {
				if t.at >= 0 {
					sum += math.Pow(math.Abs(x[pl*inPlane+t.at]), p)
				}
				if t.padded {
					n++
				}
			}
			y = append(y, math.Pow(vol*sum/float64(n), 1/p))
		})
	}
	return y
}

// randWindow draws ONNX attributes for n spatial axes: any auto_pad, pads
// of any size (with NOTSET), strides, dilations, ceil_mode.
func randWindow(r *rand.Rand, n int) window {
	w := window{kernel: make([]int, n)}
	for i := range w.kernel {
		w.kernel[i] = 1 + r.IntN(4)
	}
	if r.IntN(2) == 0 {
		w.strides = make([]int, n)
		for i := range w.strides {
			w.strides[i] = 1 + r.IntN(3)
		}
	}
	if r.IntN(3) == 0 {
		w.dilations = make([]int, n)
		for i := range w.dilations {
			w.dilations[i] = 1 + r.IntN(3)
		}
	}
	switch r.IntN(6) {
	case 0:
		w.autoPad = SameUpper
	case 1:
		w.autoPad = SameLower
	case 2:
		w.autoPad = Valid
	default:
		w.autoPad = []string{"", NotSet}[r.IntN(2)]
		if r.IntN(3) > 0 {
			w.pads = make([]int, 2*n)
			for i := range w.pads {
				w.pads[i] = r.IntN(4)
			}
		}
	}
	w.ceilMode = r.IntN(2)
	return w
}

// randShape draws an input shape (N, C, spatial) for n axes, each spatial
// size at least what the window spans, less the padding.
func randShape(r *rand.Rand, n int, w window) []int {
	shape := []int{1 + r.IntN(2), 1 + r.IntN(3)}
	for i := range n {
		d := 1
		if w.dilations != nil {
			d = w.dilations[i]
		}
		ext := (w.kernel[i]-1)*d + 1
		hi := []int{40, 14, 7}[n-1]
		shape = append(shape, max(ext, 1)+r.IntN(hi))
	}
	return shape
}
