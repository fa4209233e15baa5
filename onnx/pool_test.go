package onnx

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/simdpool/simdpool/pool"
	"github.com/stretchr/testify/require"
)

// Differential tests against package pool (PyTorch's semantics) wherever the
// two coincide: symmetric padding of at most half the kernel (given as pads,
// or as auto_pad SAME_* when its total padding is even, or VALID),
// count_include_pad set explicitly, LP over inputs >= 0 without padding.
// Every value and index must be the same bit for bit, on every ISA.

// symWindow draws attributes whose padding is symmetric and at most half
// the kernel on every axis, through any of the four auto_pad values; false
// when the draw (SAME_* with an odd total, or an axis too short) does not
// qualify.
func symWindow(r *rand.Rand, n int, dilate bool) (window, []int, []int, bool) {
	w := window{kernel: make([]int, n), strides: make([]int, n), dilations: make([]int, n)}
	shape := []int{1 + r.IntN(2), 1 + r.IntN(3)}
	for i := range n {
		w.kernel[i], w.strides[i], w.dilations[i] = 1+r.IntN(5), 1+r.IntN(3), 1
		if dilate && r.IntN(3) == 0 {
			w.dilations[i] = 1 + r.IntN(3)
		}
		shape = append(shape, (w.kernel[i]-1)*w.dilations[i]+1+r.IntN([]int{40, 14, 7}[n-1]))
	}
	w.autoPad = []string{NotSet, SameUpper, SameLower, Valid}[r.IntN(4)]
	pad := make([]int, n)
	switch w.autoPad {
	case NotSet:
		w.pads = make([]int, 2*n)
		for i := range n {
			pad[i] = r.IntN(w.kernel[i]/2 + 1)
			w.pads[i], w.pads[n+i] = pad[i], pad[i]
		}
		w.ceilMode = r.IntN(2)
	case SameUpper, SameLower:
		_, axes, err := w.axes("MaxPool", shape)
		if err != nil {
			return w, nil, nil, false
		}
		for i, a := range axes {
			if a.Pad != a.PadEnd || a.Pad > a.Kernel/2 {
				return w, nil, nil, false
			}
			pad[i] = a.Pad
		}
	}
	return w, shape, pad, true
}

func TestMaxPoolAgainstPool(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for tested := 0; tested < 250; {
			n := 1 + tested%3
			w, shape, pad, ok := symWindow(r, n, true)
			if !ok {
				continue
			}
			tested++
			x := Tensor[float32]{Shape: shape, Data: randData[float32](r, shapeLen(shape), true)}
			y, idx, err := MaxPoolWithIndices(x, maxAttrs(w, 0))
			require.NoError(t, err)
			o := pool.MaxPoolOptions{KernelSize: w.kernel, Stride: w.strides, Padding: pad, Dilation: w.dilations, CeilMode: w.ceilMode == 1, ReturnIndices: true}
			var want pool.Tensor[float32]
			var wantIdx []int64
			px := pool.Tensor[float32]{Shape: shape, Data: x.Data}
			switch n {
			case 1:
				want, wantIdx, err = pool.MaxPool1d(px, o)
			case 2:
				want, wantIdx, err = pool.MaxPool2d(px, o)
			default:
				want, wantIdx, err = pool.MaxPool3d(px, o)
			}
			name := fmt.Sprintf("%v %+v", shape, w)
			require.NoError(t, err, name)
			require.Equal(t, want.Shape, y.Shape, name)
			requireSame(t, want.Data, y.Data, "%s", name)
			inPlane, outPlane := shapeLen(shape[2:]), shapeLen(y.Shape[2:])
			for i, v := range wantIdx {
				if v >= 0 {
					v += int64(i / outPlane * inPlane) // pool's indices are flat in their plane
				}
				require.Equal(t, v, idx.Data[i], "%s index [%d]", name, i)
			}
		}
	})
}

func TestAveragePoolAgainstPool(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for tested := 0; tested < 250; {
			n := 1 + tested%3
			w, shape, pad, ok := symWindow(r, n, false) // PyTorch's average windows have no dilation
			if !ok {
				continue
			}
			tested++
			x := Tensor[float64]{Shape: shape, Data: randData[float64](r, shapeLen(shape), true)}
			include := r.IntN(2)
			y, err := AveragePool(x, avgAttrs(w, include))
			require.NoError(t, err)
			o := pool.AvgPoolOptions{KernelSize: w.kernel, Stride: w.strides, Padding: pad, CeilMode: w.ceilMode == 1, CountIncludePad: pool.Bool(include == 1)}
			px := pool.Tensor[float64]{Shape: shape, Data: x.Data}
			var want pool.Tensor[float64]
			switch n {
			case 1:
				want, err = pool.AvgPool1d(px, o)
			case 2:
				want, err = pool.AvgPool2d(px, o)
			default:
				want, err = pool.AvgPool3d(px, o)
				if err != nil { // avg_pool3d rejects an input smaller than the kernel
					continue
				}
			}
			name := fmt.Sprintf("%v %+v include=%d", shape, w, include)
			require.NoError(t, err, name)
			require.Equal(t, want.Shape, y.Shape, name)
			requireSame(t, want.Data, y.Data, "%s", name)
		}
	})
}

func TestLpPoolAgainstPool(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for i := range 150 {
			n := 1 + i%3
			w := window{kernel: make([]int, n), strides: make([]int, n), ceilMode: r.IntN(2)}
			shape := []int{1 + r.IntN(2), 1 + r.IntN(3)}
			for a := range n {
				w.kernel[a], w.strides[a] = 1+r.IntN(4), 1+r.IntN(3)
				shape = append(shape, w.kernel[a]+r.IntN([]int{40, 12, 6}[n-1]))
			}
			x := Tensor[float32]{Shape: shape, Data: randData[float32](r, shapeLen(shape), false)}
			for j, v := range x.Data { // lp_pool raises x, not |x|
				x.Data[j] = max(v, -v)
			}
			p := 1 + r.IntN(4)
			y, err := LpPool(x, lpAttrs(w, p))
			require.NoError(t, err)
			o := pool.LpPoolOptions{NormType: float64(p), KernelSize: w.kernel, Stride: w.strides, CeilMode: w.ceilMode == 1}
			px := pool.Tensor[float32]{Shape: shape, Data: x.Data}
			var want pool.Tensor[float32]
			switch n {
			case 1:
				want, err = pool.LpPool1d(px, o)
			case 2:
				want, err = pool.LpPool2d(px, o)
			default:
				want, err = pool.LpPool3d(px, o)
			}
			name := fmt.Sprintf("%v %+v p=%d", shape, w, p)
			require.NoError(t, err, name)
			require.Equal(t, want.Shape, y.Shape, name)
			requireSame(t, want.Data, y.Data, "%s", name)
		}
	})
}

func TestGlobalAgainstPool(t *testing.T) {
	forEachISA(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for i := range 40 {
			shape := []int{1 + r.IntN(2), 1 + r.IntN(4), 1 + r.IntN(20), 1 + r.IntN(20)}
			x := Tensor[float32]{Shape: shape, Data: randData[float32](r, shapeLen(shape), i%2 == 0)}
			px := pool.Tensor[float32]{Shape: shape, Data: x.Data}
			y, err := GlobalMaxPool(x)
			require.NoError(t, err)
			want, err := pool.GlobalMaxPool2d(px)
			require.NoError(t, err)
			requireSame(t, want.Data, y.Data, "GlobalMaxPool %v", shape)
			require.Equal(t, want.Shape, y.Shape)

			y, err = GlobalAveragePool(x)
			require.NoError(t, err)
			want, err = pool.GlobalAvgPool2d(px)
			require.NoError(t, err)
			requireSame(t, want.Data, y.Data, "GlobalAveragePool %v", shape)

			for j, v := range x.Data {
				x.Data[j] = max(v, -v)
			}
			p := 1 + r.IntN(3)
			y, err = GlobalLpPool(x, GlobalLpPoolAttrs{P: Int(p)})
			require.NoError(t, err)
			want, err = pool.GlobalLpPool2d(px, float64(p))
			require.NoError(t, err)
			requireSame(t, want.Data, y.Data, "GlobalLpPool %v p=%d", shape, p)
		}
	})
}

// TestMaxUnpoolAgainstPool unpools MaxPool's outputs into the pooled
// input's shape, given as output_shape (read as PyTorch reads output_size)
// or, where it is the inferred shape, not given, as pool does with its
// per-plane indices.
func TestMaxUnpoolAgainstPool(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 100 {
		n := 1 + i%3
		k, s := make([]int, n), make([]int, n)
		shape := []int{1 + r.IntN(2), 1 + r.IntN(3)}
		for a := range n {
			k[a], s[a] = 1+r.IntN(3), 1+r.IntN(3)
			shape = append(shape, k[a]+r.IntN(10))
		}
		x := Tensor[float32]{Shape: shape, Data: randData[float32](r, shapeLen(shape), false)}
		y, idx, err := MaxPoolWithIndices(x, MaxPoolAttrs{KernelShape: k, Strides: s})
		require.NoError(t, err)
		inferred := true
		for a := range n {
			inferred = inferred && (y.Shape[2+a]-1)*s[a]+k[a] == shape[2+a]
		}
		outShape := shape
		if inferred && i%2 == 0 {
			outShape = nil
		}
		got, err := MaxUnpool(y, idx, outShape, MaxUnpoolAttrs{KernelShape: k, Strides: s})
		require.NoError(t, err)
		require.Equal(t, shape, got.Shape)

		inPlane, xPlane := shapeLen(y.Shape[2:]), shapeLen(shape[2:])
		planeIdx := make([]int64, len(idx.Data))
		for j, v := range idx.Data {
			planeIdx[j] = v - int64(j/inPlane*xPlane)
		}
		o := pool.MaxUnpoolOptions{KernelSize: k, Stride: s, OutputSize: shape[2:]}
		py := pool.Tensor[float32]{Shape: y.Shape, Data: y.Data}
		var want pool.Tensor[float32]
		switch n {
		case 1:
			want, err = pool.MaxUnpool1d(py, planeIdx, o)
		case 2:
			want, err = pool.MaxUnpool2d(py, planeIdx, o)
		default:
			want, err = pool.MaxUnpool3d(py, planeIdx, o)
		}
		require.NoError(t, err)
		require.Equal(t, want.Shape, got.Shape)
		requireSame(t, want.Data, got.Data, "%v k %v s %v output_shape %v", shape, k, s, outShape)
	}
}
