package onnxsuite

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/simdpool/simdpool/onnx"
)

// attrs are a case's attributes, decoded by their ONNX names.
type attrs struct {
	autoPad                          string
	kernel, pads, strides, dilations []int
	ceilMode, countIncludePad        int
	storageOrder                     int
	p                                *int
}

// opAttrs lists the attributes each operator takes.
var opAttrs = map[string][]string{
	"MaxPool":           {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"},
	"AveragePool":       {"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"},
	"LpPool":            {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "p", "pads", "strides"},
	"GlobalMaxPool":     {},
	"GlobalAveragePool": {},
	"GlobalLpPool":      {"p"},
	"MaxUnpool":         {"kernel_shape", "pads", "strides"},
}

// parseAttrs decodes the attributes of a node of op; an attribute op does
// not take, or of the wrong type, is an error.
func parseAttrs(op string, raw map[string]json.RawMessage) (attrs, error) {
	var a attrs
	names, ok := opAttrs[op]
	if !ok {
		return a, fmt.Errorf("unknown operator %q", op)
	}
	for name, v := range raw {
		if !slices.Contains(names, name) {
			return a, fmt.Errorf("%s takes no attribute %q", op, name)
		}
		var dst any
		switch name {
		case "auto_pad":
			dst = &a.autoPad
		case "kernel_shape":
			dst = &a.kernel
		case "pads":
			dst = &a.pads
		case "strides":
			dst = &a.strides
		case "dilations":
			dst = &a.dilations
		case "ceil_mode":
			dst = &a.ceilMode
		case "count_include_pad":
			dst = &a.countIncludePad
		case "storage_order":
			dst = &a.storageOrder
		case "p":
			dst = &a.p
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return a, fmt.Errorf("attribute %s: %w", name, err)
		}
	}
	return a, nil
}

// Check runs case c on the workers w (nil: the caller's goroutine) and
// compares its outputs with the expected ones.
func Check(c *Case, w *onnx.Workers) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if c.Invalid != nil {
		return c.Invalid
	}
	a, err := parseAttrs(c.Op, c.Attributes)
	if err != nil {
		return err
	}
	if len(c.Inputs) == 0 || len(c.Outputs) == 0 {
		return fmt.Errorf("%d inputs and %d outputs", len(c.Inputs), len(c.Outputs))
	}
	switch x := c.Inputs[0]; x.Dtype {
	case "float32":
		return run[float32](c, &a, w)
	case "float64":
		return run[float64](c, &a, w)
	case "uint8":
		return runMaxPool[uint8](c, &a, w)
	case "int8":
		return runMaxPool[int8](c, &a, w)
	default:
		return fmt.Errorf("input %s of dtype %s", x.Name, x.Dtype)
	}
}

// run checks a case of float inputs.
func run[T onnx.Float](c *Case, a *attrs, w *onnx.Workers) error {
	x := c.Inputs[0]
	var p *onnx.Plan[T]
	var err error
	switch c.Op {
	case "MaxPool":
		return runMaxPool[T](c, a, w)
	case "MaxUnpool":
		return runMaxUnpool[T](c, a, w)
	case "AveragePool":
		p, err = onnx.NewAveragePool[T](x.Shape, onnx.AveragePoolAttrs{AutoPad: a.autoPad, KernelShape: a.kernel, Pads: a.pads,
			Strides: a.strides, Dilations: a.dilations, CeilMode: a.ceilMode, CountIncludePad: a.countIncludePad})
	case "LpPool":
		p, err = onnx.NewLpPool[T](x.Shape, onnx.LpPoolAttrs{AutoPad: a.autoPad, KernelShape: a.kernel, Pads: a.pads,
			Strides: a.strides, Dilations: a.dilations, CeilMode: a.ceilMode, P: a.p})
	case "GlobalMaxPool":
		p, err = onnx.NewGlobalMaxPool[T](x.Shape)
	case "GlobalAveragePool":
		p, err = onnx.NewGlobalAveragePool[T](x.Shape)
	case "GlobalLpPool":
		p, err = onnx.NewGlobalLpPool[T](x.Shape, onnx.GlobalLpPoolAttrs{P: a.p})
	}
	if err != nil {
		return err
	}
	y := make([]T, len(c.Outputs[0].Floats)+len(c.Outputs[0].Ints))
	if err := checkShape("Y", p.OutputShape(), c.Outputs[0]); err != nil {
		return err
	}
	if err := p.RunOn(w, y, values[T](x)); err != nil {
		return err
	}
	return compare(y, c.Outputs[0], c.Op == "GlobalMaxPool", c.Tolerance)
}

// runMaxPool checks a MaxPool case, with Indices when the node has them.
func runMaxPool[T onnx.Elem](c *Case, a *attrs, w *onnx.Workers) error {
	if c.Op != "MaxPool" {
		return fmt.Errorf("%s on input %s of dtype %s", c.Op, c.Inputs[0].Name, c.Inputs[0].Dtype)
	}
	x := c.Inputs[0]
	p, err := onnx.NewMaxPool[T](x.Shape, onnx.MaxPoolAttrs{AutoPad: a.autoPad, KernelShape: a.kernel, Pads: a.pads,
		Strides: a.strides, Dilations: a.dilations, CeilMode: a.ceilMode, StorageOrder: a.storageOrder})
	if err != nil {
		return err
	}
	if err := checkShape("Y", p.OutputShape(), c.Outputs[0]); err != nil {
		return err
	}
	y := make([]T, shapeLen(p.OutputShape()))
	if len(c.Outputs) == 1 {
		if err := p.RunOn(w, y, values[T](x)); err != nil {
			return err
		}
		return compare(y, c.Outputs[0], true, c.Tolerance)
	}
	if err := checkShape("Indices", p.OutputShape(), c.Outputs[1]); err != nil {
		return err
	}
	idx := make([]int64, len(y))
	if err := p.RunWithIndicesOn(w, y, idx, values[T](x)); err != nil {
		return err
	}
	if err := compare(y, c.Outputs[0], true, c.Tolerance); err != nil {
		return err
	}
	return compare(idx, c.Outputs[1], true, c.Tolerance)
}

// runMaxUnpool checks a MaxUnpool case. The suite's expected outputs come
// from ONNX's reference implementation, which reads the indices as
// positions in the inferred shape when output_shape is given: the case runs
// with that reading (onnx.MaxUnpoolAttrs.IndexInferredShape), which is not
// package onnx's default.
func runMaxUnpool[T onnx.Float](c *Case, a *attrs, w *onnx.Workers) error {
	if len(c.Inputs) < 2 {
		return fmt.Errorf("MaxUnpool with %d inputs", len(c.Inputs))
	}
	x, idx := c.Inputs[0], c.Inputs[1]
	if idx.Dtype != "int64" {
		return fmt.Errorf("indices of dtype %s", idx.Dtype)
	}
	var outShape []int
	if len(c.Inputs) > 2 {
		for _, v := range c.Inputs[2].Ints {
			outShape = append(outShape, int(v))
		}
	}
	p, err := onnx.NewMaxUnpool[T](x.Shape, outShape, onnx.MaxUnpoolAttrs{KernelShape: a.kernel, Pads: a.pads, Strides: a.strides,
		IndexInferredShape: outShape != nil})
	if err != nil {
		return err
	}
	if err := checkShape("output", p.OutputShape(), c.Outputs[0]); err != nil {
		return err
	}
	y := make([]T, shapeLen(p.OutputShape()))
	if err := p.RunOn(w, y, values[T](x), idx.Ints); err != nil {
		return err
	}
	return compare(y, c.Outputs[0], true, c.Tolerance)
}

func shapeLen(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// checkShape compares an output's shape with the expected one.
func checkShape(name string, got []int, want *Tensor) error {
	if !slices.Equal(got, want.Shape) {
		return fmt.Errorf("%s shape %v, want %v", name, got, want.Shape)
	}
	return nil
}

// values converts a tensor's values to T.
func values[T onnx.Elem](t *Tensor) []T {
	out := make([]T, len(t.Floats)+len(t.Ints))
	for i, f := range t.Floats {
		out[i] = T(f)
	}
	for i, v := range t.Ints {
		out[i] = T(v)
	}
	return out
}

// compare checks got against the expected tensor want: bit for bit when
// exact (a NaN equals any NaN), else within tol; NaN and infinities must
// match exactly either way.
func compare[T onnx.Elem | int64](got []T, want *Tensor, exact bool, tol Tolerance) error {
	if n := len(want.Floats) + len(want.Ints); len(got) != n {
		return fmt.Errorf("%s: %d values, want %d", want.Name, len(got), n)
	}
	if want.Ints != nil {
		for i, v := range want.Ints {
			if int64(got[i]) != v {
				return fmt.Errorf("%s[%d] = %v, want %d", want.Name, i, got[i], v)
			}
		}
		return nil
	}
	for i, wf := range want.Floats {
		g := float64(got[i])
		w := float64(T(wf)) // the expected value in T (exact for float32)
		switch {
		case math.IsNaN(w) || math.IsNaN(g):
			if math.IsNaN(w) != math.IsNaN(g) {
				return fmt.Errorf("%s[%d] = %v, want %v", want.Name, i, g, w)
			}
		case exact || math.IsInf(w, 0):
			if math.Float64bits(g) != math.Float64bits(w) {
				return fmt.Errorf("%s[%d] = %v, want %v exactly", want.Name, i, g, w)
			}
		case math.Abs(g-w) > tol.Atol+tol.Rtol*math.Abs(w):
			return fmt.Errorf("%s[%d] = %v, want %v (rtol %g, atol %g)", want.Name, i, g, w, tol.Rtol, tol.Atol)
		}
	}
	return nil
}
