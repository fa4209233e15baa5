package main

import (
	"flag"
	"slices"
	"strings"

	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/pool"
)

// layoutUsage is the help text of the -layout flags.
const layoutUsage = "run in `LAYOUT`: nchw (channels-first) or nhwc (channels-last)"

// parseLayout reads a -layout flag: nchw or nhwc.
func parseLayout(name string) (pool.Layout, error) {
	l, ok := map[string]pool.Layout{"nchw": pool.ChannelsFirst, "nhwc": pool.ChannelsLast}[name]
	if !ok {
		return 0, usagef("-layout must be nchw or nhwc, got %q", name)
	}
	return l, nil
}

// caseFlags are the flags that describe one custom operator, shared by
// bench and info.
type caseFlags struct {
	op, shape, kernel, stride, padding, dilation, outputSize string
	ceil, countPad                                           bool
	divisor                                                  int
	norm                                                     float64
}

// newCaseFlags registers the custom-operator flags on fs.
func newCaseFlags(fs *flag.FlagSet) *caseFlags {
	cf := &caseFlags{}
	fs.StringVar(&cf.op, "op", "", "custom case: the operator, one of "+strings.Join(suite.Ops, ", "))
	fs.StringVar(&cf.shape, "shape", "", "custom case: the input shape, e.g. 1x64x112x112 (N, C, spatial...), or 32x512x1024 (B, T, H) for a sequence pooling")
	fs.StringVar(&cf.kernel, "kernel", "", "custom case: kernel_size, e.g. 3 or 3,3")
	fs.StringVar(&cf.stride, "stride", "", "custom case: stride (default: kernel_size)")
	fs.StringVar(&cf.padding, "padding", "", "custom case: padding")
	fs.StringVar(&cf.dilation, "dilation", "", "custom case: dilation (max pooling)")
	fs.StringVar(&cf.outputSize, "output-size", "", "custom case: output_size (adaptive pooling)")
	fs.BoolVar(&cf.ceil, "ceil", false, "custom case: ceil_mode")
	fs.BoolVar(&cf.countPad, "count-include-pad", true, "custom case: count_include_pad (average pooling)")
	fs.IntVar(&cf.divisor, "divisor", 0, "custom case: divisor_override (average pooling)")
	fs.Float64Var(&cf.norm, "norm", 0, "custom case: norm_type (LP pooling)")
	return cf
}

// customFlags are the flags that only a custom case takes (besides -op).
var customFlags = []string{"shape", "kernel", "stride", "padding", "dilation", "output-size", "ceil", "count-include-pad", "divisor", "norm"}

// unused fails when a custom-case flag is set without -op (set: the flags
// given).
func (cf *caseFlags) unused(set map[string]bool) error {
	for _, f := range customFlags {
		if set[f] {
			return usagef("-%s describes a custom case: give -op and -shape too", f)
		}
	}
	return nil
}

// build makes the custom case the flags describe (set: the flags given).
func (cf *caseFlags) build(set map[string]bool) (suite.Case, error) {
	op, shape := cf.op, cf.shape
	if !slices.Contains(suite.Ops, op) {
		return suite.Case{}, usagef("-op %q: not one of %s", op, strings.Join(suite.Ops, ", "))
	}
	if shape == "" {
		return suite.Case{}, usagef("-op needs -shape, e.g. -shape 1x64x112x112")
	}
	c := suite.Case{Name: "custom", What: "custom case from flags", Op: op, Seed: 1}
	var err error
	ints := func(name, s string) []int {
		if err != nil {
			return nil
		}
		var v []int
		v, err = suite.ParseInts(s)
		if err != nil {
			err = usagef("-%s: %v", name, err)
		}
		return v
	}
	c.InputShape = ints("shape", shape)
	c.Args.KernelSize = ints("kernel", cf.kernel)
	c.Args.Stride = ints("stride", cf.stride)
	c.Args.Padding = ints("padding", cf.padding)
	c.Args.Dilation = ints("dilation", cf.dilation)
	c.Args.OutputSize = ints("output-size", cf.outputSize)
	if err != nil {
		return suite.Case{}, err
	}
	if set["ceil"] {
		c.Args.CeilMode = cf.ceil
	}
	if set["count-include-pad"] {
		c.Args.CountIncludePad = &cf.countPad
	}
	if set["divisor"] {
		c.Args.DivisorOverride = &cf.divisor
	}
	if set["norm"] {
		c.Args.NormType = &cf.norm
	}
	if err := c.Check(); err != nil {
		return suite.Case{}, usagef("%v", err)
	}
	return c, nil
}
