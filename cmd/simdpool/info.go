package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/sys/cpu"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/suite"
)

const infoUsage = `usage: simdpool info [-op OP -shape SHAPE [-kernel K ...] [-layout nhwc]]

Prints the CPU, the features Go sees on it, the implementations simdpool can
run here and the one in use, and how simdpool was built. With -op, it also
plans that operator (the same flags as simdpool bench's custom case) and
prints the kernels its plans run, for float32 and float64, e.g.

  simdpool info -op max_pool2d -shape 1,64,112,112 -kernel 3 -stride 2 -padding 1

Exit status: 0, or 1 when SIMDPOOL_ISA names an ISA that cannot run here (the
report is printed all the same), 2 on bad usage.
`

func cmdInfo(args []string) int { return runInfo(args, stdout, stderr) }

func runInfo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := newCaseFlags(fs)
	layoutName := fs.String("layout", "nchw", layoutUsage+" (with -op)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), infoUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "simdpool info: unexpected argument %q (info takes flags only)\n", fs.Arg(0))
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var c suite.Case
	if cf.op == "" {
		if err := cf.unused(set); err != nil {
			fmt.Fprintf(stderr, "simdpool info: %v\n", err)
			return 2
		}
	} else {
		l, err := parseLayout(*layoutName)
		if err == nil {
			c, err = cf.build(set)
		}
		if err == nil {
			c = c.In(l)
			err = c.Check()
		}
		if err != nil {
			fmt.Fprintf(stderr, "simdpool info: %v\n", err)
			return 2
		}
	}
	model := cpuModel()
	if model == "" {
		model = "unknown (no model name in /proc/cpuinfo)"
	}
	fmt.Fprintf(stdout, "cpu:        %s\n", model)
	fmt.Fprintf(stdout, "cores:      %d (GOMAXPROCS %d)\n", runtime.NumCPU(), runtime.GOMAXPROCS(0))
	feats := cpuFeatures()
	if len(feats) == 0 {
		feats = []string{"(none that golang.org/x/sys/cpu reports on " + runtime.GOARCH + ")"}
	}
	fmt.Fprintf(stdout, "features:   %s\n", strings.Join(feats, " "))
	avail := simdpool.Available()
	names := make([]string, len(avail))
	for i, isa := range avail {
		names[i] = string(isa)
	}
	fmt.Fprintf(stdout, "available:  %s\n", strings.Join(names, " "))
	cur := simdpool.Current()
	how := "the best available"
	if env := os.Getenv("SIMDPOOL_ISA"); strings.TrimSpace(env) != "" {
		how = fmt.Sprintf("SIMDPOOL_ISA=%s", env)
	}
	fmt.Fprintf(stdout, "in use:     %s (%s)\n", cur, how)
	isaErr := simdpool.ISAError()
	if isaErr != nil {
		fmt.Fprintf(stdout, "            error: %v (every plan fails until it is fixed)\n", isaErr)
	}
	if cf.op != "" {
		if code := printKernels(stdout, stderr, c); code != 0 {
			return code
		}
	}
	build := "not purego: SIMD kernels where this GOARCH and CPU have them"
	if purego {
		build = "purego: generic Go kernels only"
	}
	fmt.Fprintf(stdout, "build:      %s\n", build)
	goamd64 := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "GOAMD64" || s.Key == "GOARM64" {
				goamd64 = ", " + s.Key + "=" + s.Value
			}
		}
	}
	fmt.Fprintf(stdout, "go:         %s %s/%s%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, goamd64)
	if isaErr != nil {
		return 1
	}
	return 0
}

// printKernels prints the plan of c and the kernels it runs, for float32 and
// float64 (the kernel names say op, kind, taps, type and ISA: see the README's
// "Kernels and dispatch").
func printKernels(stdout, stderr io.Writer, c suite.Case) int {
	p32, err := suite.PlanOf[float32](c)
	if err != nil {
		fmt.Fprintf(stderr, "simdpool info: %v\n", err)
		return 2
	}
	p64, err := suite.PlanOf[float64](c)
	if err != nil {
		fmt.Fprintf(stderr, "simdpool info: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "plan:       %s %s %s -> %s\n", c.Op, suite.Shape(p32.InputShape()), c.ArgString(), suite.Shape(p32.OutputShape()))
	fmt.Fprintf(stdout, "kernels:    float32: %s\n", strings.Join(p32.Kernels(), " "))
	fmt.Fprintf(stdout, "            float64: %s\n", strings.Join(p64.Kernels(), " "))
	return 0
}

// cpuModel is the CPU's name from /proc/cpuinfo, or "" where there is none.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	var implementer, part string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name", "Model", "Hardware", "cpu model":
			if v != "" {
				return v
			}
		case "CPU implementer":
			implementer = v
		case "CPU part":
			part = v
		}
	}
	if implementer != "" {
		return fmt.Sprintf("CPU implementer %s, part %s", implementer, part)
	}
	return ""
}

// cpuFeatures lists the features golang.org/x/sys/cpu detected, by their
// field names without "Has" (AVX2, AVX512F, ASIMD...).
func cpuFeatures() []string {
	var v reflect.Value
	switch runtime.GOARCH {
	case "amd64", "386":
		v = reflect.ValueOf(cpu.X86)
	case "arm64":
		v = reflect.ValueOf(cpu.ARM64)
	case "arm":
		v = reflect.ValueOf(cpu.ARM)
	case "ppc64", "ppc64le":
		v = reflect.ValueOf(cpu.PPC64)
	case "s390x":
		v = reflect.ValueOf(cpu.S390X)
	case "loong64":
		v = reflect.ValueOf(cpu.Loong64)
	case "riscv64":
		v = reflect.ValueOf(cpu.RISCV64)
	default:
		return nil
	}
	var out []string
	t := v.Type()
	for i := range t.NumField() {
		name := t.Field(i).Name
		if f := v.Field(i); strings.HasPrefix(name, "Has") && f.Kind() == reflect.Bool && f.Bool() {
			out = append(out, strings.TrimPrefix(name, "Has"))
		}
	}
	return out
}
