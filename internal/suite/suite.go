// Package suite is the standard benchmark suite (S1..S12 of suite.json, the
// project's copy of ../shared/bench/suite.json) and custom cases, turned into
// runnable float32 operators built from package pool plans, or from package
// seqpool plans for the sequence poolings (seq.go). The benchmarks of the root
// package and of seqpool and the simdpool bench command all use it, so they
// time exactly the same work.
package suite

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/layout"
	"github.com/simdpool/simdpool/pool"
	"github.com/simdpool/simdpool/seqpool"
)

//go:embed suite.json
var suiteJSON []byte

// Args are the torch.nn.functional keyword arguments of a case, as suite.json
// spells them. Nil / zero fields take PyTorch's defaults.
type Args struct {
	KernelSize      []int    `json:"kernel_size,omitempty"`
	Stride          []int    `json:"stride,omitempty"`
	Padding         []int    `json:"padding,omitempty"`
	Dilation        []int    `json:"dilation,omitempty"`
	CeilMode        bool     `json:"ceil_mode,omitempty"`
	CountIncludePad *bool    `json:"count_include_pad,omitempty"`
	DivisorOverride *int     `json:"divisor_override,omitempty"`
	OutputSize      []int    `json:"output_size,omitempty"`
	NormType        *float64 `json:"norm_type,omitempty"`
}

// Case is one benchmark case: a pooling operator on a float32 input shape.
type Case struct {
	Name       string `json:"name"`
	What       string `json:"what"`
	Op         string `json:"op"`
	InputShape []int  `json:"input_shape"`
	Args       Args   `json:"args"`
	// Seed of the input data: the case's 1-based position in the suite, as
	// the peers' harness uses (../shared/peers), so both fill identical data.
	Seed uint64 `json:"-"`
	// Layout is the layout the case runs in (In): InputShape stays the
	// logical (N, C, spatial...) shape, and a channels-last plan's input is
	// (N, spatial..., C), filled with the same values in memory order.
	Layout pool.Layout `json:"-"`
}

// In returns the case run in layout l.
func (c Case) In(l pool.Layout) Case {
	c.Layout = l
	return c
}

// PlanShape is the input shape the case's plan takes: InputShape, or its
// channels-last form.
func (c Case) PlanShape() []int {
	if c.Layout == pool.ChannelsLast {
		return layout.Shape(c.InputShape, c.dims())
	}
	return c.InputShape
}

// dims is the number of spatial dimensions of the case's operator.
func (c Case) dims() int {
	for d := 1; d <= 3; d++ {
		if strings.HasSuffix(c.Op, strconv.Itoa(d)+"d") {
			return d
		}
	}
	return len(c.InputShape) - 2
}

// ChannelsLastCases are cases beyond the suite that only the channels-last
// layout makes interesting: C3, the ResNet stem's max pooling on an image's
// three channels (the narrow kernels' case).
func ChannelsLastCases() []Case {
	return []Case{{Name: "C3", What: "max pool over an image's 3 channels", Op: "max_pool2d", InputShape: []int{1, 3, 224, 224},
		Args: Args{KernelSize: []int{3, 3}, Stride: []int{2, 2}, Padding: []int{1, 1}}, Seed: 13, Layout: pool.ChannelsLast}}
}

// SweepPlanes and SweepBatches are the plane sizes and batches of SweepCases.
var (
	SweepPlanes  = []int{14, 28, 56, 112, 224, 448}
	SweepBatches = []int{1, 8}
)

// SweepCases are the suite's two commonest windows over square planes of
// every size in SweepPlanes and the batches of SweepBatches, 16 channels:
// max 3x3 stride 2 padding 1 (S1's) and average 3x3 stride 1 padding 1
// (S4's, the padding excluded), named e.g. max3s2/p56/n8.
func SweepCases() []Case {
	exclude := false
	var cs []Case
	for _, op := range []struct {
		name, op string
		args     Args
	}{
		{"max3s2", "max_pool2d", Args{KernelSize: []int{3}, Stride: []int{2}, Padding: []int{1}}},
		{"avg3s1", "avg_pool2d", Args{KernelSize: []int{3}, Stride: []int{1}, Padding: []int{1}, CountIncludePad: &exclude}},
	} {
		for _, p := range SweepPlanes {
			for _, n := range SweepBatches {
				cs = append(cs, Case{Name: fmt.Sprintf("%s/p%d/n%d", op.name, p, n), What: "sweep", Op: op.op,
					InputShape: []int{n, 16, p, p}, Args: op.args, Seed: uint64(len(cs) + 1)})
			}
		}
	}
	return cs
}

// Ops lists the operators a case may name: the pooling operators, then the
// sequence poolings.
var Ops = append([]string{
	"max_pool1d", "max_pool2d", "max_pool3d",
	"avg_pool1d", "avg_pool2d", "avg_pool3d",
	"lp_pool1d", "lp_pool2d", "lp_pool3d",
	"adaptive_avg_pool2d",
}, seqOps()...)

// Cases returns the standard suite, in order. The embedded file is checked by
// the tests, so an error here means a broken build.
func Cases() []Case {
	cs, err := parse(suiteJSON)
	if err != nil {
		panic(err)
	}
	return cs
}

func parse(data []byte) ([]Case, error) {
	var f struct {
		About string `json:"about"`
		Cases []Case `json:"cases"`
	}
	// Strict: an argument this package does not know must not be ignored.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("suite.json: %w", err)
	}
	if len(f.Cases) == 0 {
		return nil, fmt.Errorf("suite.json: no cases")
	}
	for i := range f.Cases {
		f.Cases[i].Seed = uint64(i + 1)
	}
	return f.Cases, nil
}

// Select returns the suite cases named in a comma-separated list (e.g.
// "S1,S4"; case-insensitive, in the order given), or all of them for "".
func Select(names string) ([]Case, error) { return SelectIn(names, pool.ChannelsFirst) }

// SelectIn is Select with the cases in layout l; channels-last, the cases of
// ChannelsLastCases follow the suite's.
func SelectIn(names string, l pool.Layout) ([]Case, error) {
	all := Cases()
	if l == pool.ChannelsLast {
		all = append(all, ChannelsLastCases()...)
	}
	for i := range all {
		all[i].Layout = l
	}
	if strings.TrimSpace(names) == "" {
		return all, nil
	}
	var out []Case
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		i := slices.IndexFunc(all, func(c Case) bool { return strings.EqualFold(c.Name, n) })
		if i < 0 {
			known := make([]string, len(all))
			for j, c := range all {
				known[j] = c.Name
			}
			return nil, fmt.Errorf("unknown case %q (the suite has %s)", n, strings.Join(known, ","))
		}
		if slices.ContainsFunc(out, func(c Case) bool { return c.Name == all[i].Name }) {
			continue
		}
		out = append(out, all[i])
	}
	return out, nil
}

// ParseInts parses a size list: "3", "3,3" or "3x3" (spaces ignored).
func ParseInts(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == 'x' || r == 'X' || r == ' ' })
	if len(f) == 0 {
		return nil, fmt.Errorf("%q is not a list of integers", s)
	}
	v := make([]int, len(f))
	for i, t := range f {
		n, err := strconv.Atoi(t)
		if err != nil {
			return nil, fmt.Errorf("%q is not a list of integers (like 3,3 or 1x64x56x56)", s)
		}
		v[i] = n
	}
	return v, nil
}

// Shape formats a shape as 1x64x112x112.
func Shape(s []int) string {
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "x")
}

// Check reports whether the case can be planned, without allocating its buffers.
func (c Case) Check() error {
	var err error
	if c.isSeq() && c.Layout == pool.ChannelsLast {
		return fmt.Errorf("%s is a sequence pooling: it has no channels-last layout", c.Op)
	}
	if c.isSeq() {
		_, err = c.SeqPlan()
	} else {
		_, err = c.Plan()
	}
	return err
}

// Plan builds the pool plan of a case for float32 (not of a sequence pooling:
// see SeqPlan).
func (c Case) Plan() (*pool.Plan[float32], error) { return PlanOf[float32](c) }

// PlanOf builds the pool plan of a case for elements of type T.
func PlanOf[T pool.Float](c Case) (*pool.Plan[T], error) {
	a := c.Args
	maxo := pool.MaxPoolOptions{KernelSize: a.KernelSize, Stride: a.Stride, Padding: a.Padding, Dilation: a.Dilation, CeilMode: a.CeilMode, Layout: c.Layout}
	avgo := pool.AvgPoolOptions{KernelSize: a.KernelSize, Stride: a.Stride, Padding: a.Padding, CeilMode: a.CeilMode,
		CountIncludePad: a.CountIncludePad, DivisorOverride: a.DivisorOverride, Layout: c.Layout}
	var lpo pool.LpPoolOptions
	if strings.HasPrefix(c.Op, "lp_pool") {
		if a.NormType == nil {
			return nil, fmt.Errorf("%s: norm_type is required", c.Op)
		}
		lpo = pool.LpPoolOptions{NormType: *a.NormType, KernelSize: a.KernelSize, Stride: a.Stride, CeilMode: a.CeilMode, Layout: c.Layout}
	}
	if c.isSeq() {
		return nil, fmt.Errorf("%s is a sequence pooling: see SeqPlan", c.Op)
	}
	if err := c.checkArgs(); err != nil {
		return nil, err
	}
	s := c.PlanShape()
	switch c.Op {
	case "max_pool1d":
		return pool.NewMaxPool1d[T](s, maxo)
	case "max_pool2d":
		return pool.NewMaxPool2d[T](s, maxo)
	case "max_pool3d":
		return pool.NewMaxPool3d[T](s, maxo)
	case "avg_pool1d":
		return pool.NewAvgPool1d[T](s, avgo)
	case "avg_pool2d":
		return pool.NewAvgPool2d[T](s, avgo)
	case "avg_pool3d":
		return pool.NewAvgPool3d[T](s, avgo)
	case "lp_pool1d":
		return pool.NewLpPool1d[T](s, lpo)
	case "lp_pool2d":
		return pool.NewLpPool2d[T](s, lpo)
	case "lp_pool3d":
		return pool.NewLpPool3d[T](s, lpo)
	case "adaptive_avg_pool2d":
		return pool.NewAdaptiveAvgPool2d[T](s, pool.AdaptiveAvgPoolOptions{OutputSize: a.OutputSize, Layout: c.Layout})
	}
	return nil, fmt.Errorf("unknown op %q (known: %s)", c.Op, strings.Join(Ops, ", "))
}

// checkArgs rejects arguments the op does not take, so that a custom case
// never silently ignores a flag.
func (c Case) checkArgs() error {
	a := c.Args
	var bad []string
	isMax := strings.HasPrefix(c.Op, "max_pool")
	isAvg := strings.HasPrefix(c.Op, "avg_pool")
	isLp := strings.HasPrefix(c.Op, "lp_pool")
	isAdaptive := strings.HasPrefix(c.Op, "adaptive_")
	isSeq := c.isSeq()
	if (isAdaptive || isSeq) && (a.KernelSize != nil || a.Stride != nil || a.CeilMode) {
		bad = append(bad, "kernel_size/stride/ceil_mode")
	}
	if !isAdaptive && a.OutputSize != nil {
		bad = append(bad, "output_size")
	}
	if (isLp || isAdaptive || isSeq) && a.Padding != nil {
		bad = append(bad, "padding")
	}
	if !isMax && a.Dilation != nil {
		bad = append(bad, "dilation")
	}
	if !isAvg && (a.CountIncludePad != nil || a.DivisorOverride != nil) {
		bad = append(bad, "count_include_pad/divisor_override")
	}
	if !isLp && a.NormType != nil {
		bad = append(bad, "norm_type")
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s does not take %s", c.Op, strings.Join(bad, ", "))
	}
	return nil
}

// ArgString is a short human form of the arguments: "k3 s2 p1".
func (c Case) ArgString() string {
	a := c.Args
	var b []string
	add := func(p string, v []int) {
		if v != nil {
			b = append(b, p+Shape(v))
		}
	}
	add("k", a.KernelSize)
	add("s", a.Stride)
	add("p", a.Padding)
	add("d", a.Dilation)
	add("out", a.OutputSize)
	if a.NormType != nil {
		b = append(b, "norm"+strconv.FormatFloat(*a.NormType, 'g', -1, 64))
	}
	if a.CeilMode {
		b = append(b, "ceil")
	}
	if a.CountIncludePad != nil && !*a.CountIncludePad {
		b = append(b, "excl-pad")
	}
	if a.DivisorOverride != nil {
		b = append(b, "div"+strconv.Itoa(*a.DivisorOverride))
	}
	return strings.Join(b, " ")
}

// Operator is a case ready to run: its plan (Plan, or Seq for a sequence
// pooling), its input (deterministic uniform [-2, 2)), the attention mask of a
// sequence pooling (all ones: every token is real, so every token is read) and
// its output, allocated once.
type Operator struct {
	Case Case
	Plan *pool.Plan[float32]           // nil for a sequence pooling
	Seq  *seqpool.Plan[float32, int64] // nil for a pooling operator
	In   []float32
	Mask []int64
	Out  []float32
}

// New plans a case and allocates and fills its buffers.
func New(c Case) (*Operator, error) {
	o := &Operator{Case: c}
	var in, out []int
	if c.isSeq() {
		p, err := c.SeqPlan()
		if err != nil {
			return nil, err
		}
		o.Seq, in, out = p, p.InputShape(), p.OutputShape()
		o.Mask = make([]int64, numel(p.MaskShape()))
		for i := range o.Mask {
			o.Mask[i] = 1
		}
	} else {
		p, err := c.Plan()
		if err != nil {
			return nil, err
		}
		o.Plan, in, out = p, p.InputShape(), p.OutputShape()
	}
	seed := c.Seed
	if seed == 0 {
		seed = 1
	}
	o.In, o.Out = make([]float32, numel(in)), make([]float32, numel(out))
	Fill(o.In, seed)
	if err := o.Run(); err != nil { // touch the output pages; check the sizes once
		return nil, err
	}
	return o, nil
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// For returns a copy of o planned for isa, sharing o's buffers: a plan keeps
// the kernels of the ISA in use when it was made.
func (o *Operator) For(isa simdpool.ISA) (*Operator, error) {
	c := *o
	err := withISA(isa, func() (err error) {
		if o.Seq != nil {
			c.Seq, err = o.Case.SeqPlan()
		} else {
			c.Plan, err = o.Case.Plan()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// planFor plans c with the kernels of isa.
func planFor(c Case, isa simdpool.ISA) (p *pool.Plan[float32], err error) {
	err = withISA(isa, func() error {
		p, err = c.Plan()
		return err
	})
	return p, err
}

// withISA runs f with isa the ISA of the plans it makes.
func withISA(isa simdpool.ISA, f func() error) error {
	prev := simdpool.Current()
	defer func() { _ = simdpool.Use(prev) }()
	if err := simdpool.Use(isa); err != nil {
		return err
	}
	return f()
}

// Run pools In (under Mask) into Out once. It does not allocate.
func (o *Operator) Run() error { return o.RunOn(nil) }

// RunOn pools In (under Mask) into Out once on the workers w (nil: the
// caller's goroutine; a sequence pooling always runs there).
func (o *Operator) RunOn(w *pool.Workers) error {
	if o.Seq != nil {
		return o.Seq.Run(o.Out, o.In, o.Mask)
	}
	return o.Plan.RunOn(w, o.Out, o.In)
}

// ISAs lists the implementations the operator is timed with: every ISA this
// machine runs.
func (o *Operator) ISAs() []simdpool.ISA {
	return simdpool.Available()
}

// InBytes, MaskBytes and OutBytes are the sizes of the input, the mask and
// the output.
func (o *Operator) InBytes() int64   { return int64(len(o.In)) * 4 }
func (o *Operator) MaskBytes() int64 { return int64(len(o.Mask)) * 8 }
func (o *Operator) OutBytes() int64  { return int64(len(o.Out)) * 4 }

// Bytes is the traffic counted for GB/s: input, mask and output bytes.
func (o *Operator) Bytes() int64 { return o.InBytes() + o.MaskBytes() + o.OutBytes() }

// Fill writes deterministic uniform [-2, 2) floats: the xorshift64* generator
// of the peers' harness (../shared/peers/src/bwref.c, pb_fill_random), so a
// case gets the same input here, in compare/torch_bench.py and in the peers.
func Fill(p []float32, seed uint64) {
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range p {
		x ^= x >> 12
		x ^= x << 25
		x ^= x >> 27
		r := x * 0x2545F4914F6CDD1D
		p[i] = float32(float64(r>>40)/float64(1<<24)*4.0 - 2.0)
	}
}

// Copy is the memory-copy reference of an operator: a copy (MemcpyName) of
// (in+out)/2 bytes, i.e. in+out bytes of read+write traffic and an in+out
// byte footprint, the same traffic and footprint as the pooling operator
// (as the peers' memcpy reference).
type Copy struct {
	Src, Dst []byte
}

// NewCopy allocates the copy reference of nbytes of traffic (half of it read,
// half written), with the source filled with data.
func NewCopy(nbytes int64) *Copy {
	h := nbytes / 2
	c := &Copy{Src: make([]byte, h), Dst: make([]byte, h)}
	f := make([]float32, h/4)
	Fill(f, 99)
	for i, v := range f {
		binary.LittleEndian.PutUint32(c.Src[4*i:], math.Float32bits(v))
	}
	c.Run()
	return c
}

// Run copies Src to Dst once.
func (c *Copy) Run() { memcpy(c.Dst, c.Src) }

// Bytes is the traffic counted for GB/s: the bytes read plus the bytes written.
func (c *Copy) Bytes() int64 { return 2 * int64(len(c.Src)) }
