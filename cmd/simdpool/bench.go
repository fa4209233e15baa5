package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/internal/table"
	"github.com/simdpool/simdpool/pool"
)

const benchUsage = `usage: simdpool bench [flags]

Times the standard suite (S1..S12) or one custom operator with every
implementation this machine runs (simdpool.Available; the sequence poolings
of package seqpool have only the generic one), next to a memory copy of the
same bytes (a copy of (in+out)/2 bytes: libc's memcpy when built with cgo,
else Go's copy(); the header says which) timed in the same rounds.
For each case and implementation: median ns/op over the rounds, GB/s =
(input+output bytes)/time (a sequence pooling's int64 mask counts as input),
the speedup over generic and the fraction of the memory copy (median over
rounds of t_memcpy/t_impl, paired within a round).

  simdpool bench                          # the whole suite
  simdpool bench -cases S1,S4 -json       # some cases, one JSON object per line
  simdpool bench -plot bench.svg          # also draw GB/s per case (SVG only)
  simdpool bench -layout nhwc             # the suite channels-last (and case C3)
  simdpool bench -op max_pool2d -shape 1x64x112x112 -kernel 3 -stride 2 -padding 1
  simdpool bench -op masked_mean -shape 32x512x1024   # (B, T, H), mask all ones
  simdpool bench -pass backward           # the gradients of S1,S2,S3,S4,S5,S8,S11
  simdpool bench -pass backward -list     # the cases timed backward

With -pass backward it times the gradient with respect to the input
(Plan.Backward) instead: its bytes are the gradient of the output, the
indices (max-type) or the input (LP) it reads and the gradient it writes.

flags:
`

// benchRow is one line of -json output: a case timed with one implementation
// (impl "memcpy" is the copy reference of the same case).
type benchRow struct {
	Case             string  `json:"case"`
	Op               string  `json:"op"`
	Shape            []int   `json:"shape"`
	Layout           string  `json:"layout,omitempty"`
	Impl             string  `json:"impl"`
	Pass             string  `json:"pass"` // "forward" or "backward"
	Threads          int     `json:"threads"`
	NsPerOp          float64 `json:"ns_per_op"`
	GBPerS           float64 `json:"gb_per_s"`
	SpeedupVsGeneric float64 `json:"speedup_vs_generic"`
	MemcpyFraction   float64 `json:"memcpy_fraction"`
}

type benchOptions struct {
	layout  string
	cases   []suite.Case
	rounds  int
	target  time.Duration
	threads int
	pass    string
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func cmdBench(args []string) int { return runBench(args, stdout, stderr) }

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), benchUsage)
		fs.PrintDefaults()
	}
	casesFlag := fs.String("cases", "", "comma-separated suite cases, e.g. S1,S4 (default: all)")
	list := fs.Bool("list", false, "list the suite cases and exit")
	jsonOut := fs.Bool("json", false, "write one JSON object per case and implementation (and memcpy) instead of the table")
	plotFile := fs.String("plot", "", "also draw GB/s per case and implementation, memcpy marked, into `FILE` (SVG: the name must end in .svg)")
	rounds := fs.Int("rounds", 25, "timed rounds per case; each round times every implementation and memcpy once")
	target := fs.Duration("target", 2*time.Millisecond, "minimum duration of one timed sample (repeat calls until it is reached)")
	quick := fs.Bool("quick", false, "fewer, shorter samples (-rounds 7 -target 1ms): a rough table in a few seconds")
	threads := fs.Int("threads", 1, "run every operator on `N` workers (pool.NewWorkers); memcpy stays on one thread")
	pass := fs.String("pass", "forward", "time the `forward` pass or the backward (the gradients of the suite.BackwardCases)")
	layoutName := fs.String("layout", "nchw", layoutUsage+"; shapes stay (N, C, spatial...), the tensors are laid out (N, spatial..., C)")
	cf := newCaseFlags(fs)

	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2 // the flag package printed the error and the usage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	fail := func(err error) int {
		fmt.Fprintf(stderr, "simdpool bench: %v\n", err)
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(stderr, "run 'simdpool bench -h' for the flags")
			return 2
		}
		return 1
	}
	if *list {
		for _, c := range suite.Cases() {
			if *pass == "backward" && !c.HasBackward() {
				continue
			}
			fmt.Fprintf(stdout, "%-4s %-20s %-18s %-22s %s\n", c.Name, c.Op, suite.Shape(c.InputShape), c.ArgString(), c.What)
		}
		return 0
	}
	if fs.NArg() > 0 {
		return fail(usagef("unexpected argument %q (flags only)", fs.Arg(0)))
	}
	o := benchOptions{rounds: *rounds, target: *target, threads: *threads, pass: *pass, layout: *layoutName}
	l, err := parseLayout(*layoutName)
	if err != nil {
		return fail(err)
	}
	if *quick {
		if !set["rounds"] {
			o.rounds = 7
		}
		if !set["target"] {
			o.target = time.Millisecond
		}
	}
	switch {
	case o.rounds < 1 || o.rounds > 10000:
		return fail(usagef("-rounds must be between 1 and 10000, got %d", o.rounds))
	case o.target <= 0 || o.target > 10*time.Second:
		return fail(usagef("-target must be positive and at most 10s, got %v", o.target))
	case o.threads < 1 || o.threads > 1024:
		return fail(usagef("-threads must be between 1 and 1024, got %d", o.threads))
	case o.pass != "forward" && o.pass != "backward":
		return fail(usagef("-pass must be forward or backward, got %q", o.pass))
	}
	if *plotFile != "" {
		if err := checkPlotFile(*plotFile); err != nil {
			return fail(err)
		}
	}

	if cf.op == "" {
		if err := cf.unused(set); err != nil {
			return fail(err)
		}
		cs, err := selectCases(*casesFlag, o.pass, l)
		if err != nil {
			return fail(usagef("-cases: %v", err))
		}
		o.cases = cs
	} else {
		if set["cases"] {
			return fail(usagef("-cases and -op exclude each other: run suite cases or one custom case"))
		}
		c, err := cf.build(set)
		if err != nil {
			return fail(err)
		}
		c = c.In(l)
		if err := c.Check(); err != nil {
			return fail(usagef("%v", err))
		}
		o.cases = []suite.Case{c}
	}
	if err := simdpool.ISAError(); err != nil {
		return fail(err)
	}

	prog := newProgress(stderr, len(o.cases)*o.rounds)
	rows, err := benchmark(o, prog)
	prog.finish()
	if err != nil {
		return fail(err)
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return fail(err)
			}
		}
	} else {
		printTable(stdout, o, rows)
	}
	if *plotFile != "" {
		if err := plotRows(*plotFile, rows); err != nil {
			return fail(fmt.Errorf("-plot: %w", err))
		}
	}
	return 0
}

// variant is one implementation (or the memcpy reference) of a case, timed
// once per round.
type variant struct {
	impl    string
	isa     simdpool.ISA // "" for memcpy
	run     func()
	k       int       // calls per sample
	samples []float64 // ns per call, one per round
}

func (v *variant) sample() float64 {
	if v.k > 1 {
		v.run() // untimed: bring the buffers back into cache after the other variants
	}
	t0 := time.Now()
	for range v.k {
		v.run()
	}
	return float64(time.Since(t0).Nanoseconds()) / float64(v.k)
}

// calibrate sets k so that one sample lasts at least target, after a warm-up.
func (v *variant) calibrate(target time.Duration) {
	v.k = 1
	for range 3 {
		v.run()
	}
	t := math.Inf(1)
	for range 3 {
		t = min(t, v.sample())
	}
	tgt := float64(target.Nanoseconds())
	v.k = max(1, int(math.Ceil(tgt/max(t, 1))))
	for range 4 {
		tot := v.sample() * float64(v.k)
		if tot >= tgt {
			break
		}
		v.k = int(float64(v.k)*tgt/max(tot, 1)*1.1) + 1
	}
}

// benchmark times every case: all variants of a case round-robin, the order
// rotated every round, so that slow drifts of a shared machine hit them alike.
func benchmark(o benchOptions, prog *progress) ([]benchRow, error) {
	prev := simdpool.Current()
	defer func() { _ = simdpool.Use(prev) }()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var w *pool.Workers
	if o.threads > 1 {
		var err error
		if w, err = pool.NewWorkers(o.threads); err != nil {
			return nil, err
		}
		defer w.Close()
	}

	var rows []benchRow
	for _, c := range o.cases {
		prog.label = c.Name
		prog.draw()
		op, err := newTimed(c, o.pass)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		cp := suite.NewCopy(op.bytes)
		var vs []*variant
		for _, isa := range op.isas {
			run, err := op.forISA(isa)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Name, err)
			}
			vs = append(vs, &variant{impl: string(isa), isa: isa, run: func() { _ = run(w) }})
		}
		memcpy := &variant{impl: "memcpy", run: cp.Run}
		vs = append(vs, memcpy)
		runtime.GC() // the previous case's buffers: not during the timing
		for _, v := range vs {
			v.calibrate(o.target)
		}
		for r := range o.rounds {
			for j := range vs {
				v := vs[(j+r)%len(vs)]
				v.samples = append(v.samples, v.sample())
			}
			prog.step()
		}
		generic := vs[slices.IndexFunc(vs, func(v *variant) bool { return v.isa == simdpool.Generic })]
		for _, v := range vs {
			ns := median(v.samples)
			rows = append(rows, benchRow{
				Case: c.Name, Op: c.Op, Shape: c.InputShape, Layout: map[pool.Layout]string{pool.ChannelsLast: "nhwc"}[c.Layout], Impl: v.impl, Pass: o.pass, Threads: o.threads,
				NsPerOp:          round(ns, 1),
				GBPerS:           round(float64(op.bytes)/ns, 3),
				SpeedupVsGeneric: round(pairedMedian(generic.samples, v.samples), 3),
				MemcpyFraction:   round(pairedMedian(memcpy.samples, v.samples), 4),
			})
		}
	}
	return rows, nil
}

// pairedMedian is the median over rounds of num[r]/den[r].
func pairedMedian(num, den []float64) float64 {
	q := make([]float64, len(den))
	for i := range den {
		q[i] = num[i] / den[i]
	}
	return median(q)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func printTable(w io.Writer, o benchOptions, rows []benchRow) {
	fmt.Fprintf(w, "simdpool bench: %s pass; %s; %s/%s, %s; %d thread; layout %s; median of %d rounds, samples >= %v; memcpy = %s of the same bytes\n",
		o.pass, cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version(), o.threads, o.layout, o.rounds, o.target, suite.MemcpyName)
	t := [][]string{{"case", "op", "shape", "args", "impl", "ns/op", "GB/s", "vs generic", "of memcpy"}}
	byCase := map[string]suite.Case{}
	for _, c := range o.cases {
		byCase[c.Name] = c
	}
	last := ""
	for _, r := range rows {
		name, opName, shape, args := r.Case, r.Op, suite.Shape(r.Shape), byCase[r.Case].ArgString()
		if r.Case == last {
			name, opName, shape, args = "", "", "", ""
		}
		last = r.Case
		t = append(t, []string{name, opName, shape, args, r.Impl, fmt.Sprintf("%.0f", r.NsPerOp), fmt.Sprintf("%.2f", r.GBPerS),
			fmt.Sprintf("%.2fx", r.SpeedupVsGeneric), fmt.Sprintf("%.2f", r.MemcpyFraction)})
	}
	table.Write(w, t, 5) // text columns left, numbers right
}
