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
)

const infoUsage = `usage: simdpool info

Prints the CPU, the features Go sees on it, the implementations simdpool can
run here and the one in use per kernel family, and how simdpool was built.
Exit status: 0, or 1 when SIMDPOOL_ISA names an ISA that cannot run here (the
report is printed all the same), 2 on bad usage.
`

func cmdInfo(args []string) int { return runInfo(args, stdout, stderr) }

func runInfo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	fs.SetOutput(stderr)
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
		fmt.Fprintf(stderr, "simdpool info: unexpected argument %q (info takes no arguments)\n", fs.Arg(0))
		return 2
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
	fmt.Fprintln(stdout, "kernels:    float32 (float64 runs the generic kernels):")
	for _, f := range []string{"max pooling", "average pooling", "LP pooling", "global max", "global mean"} {
		fmt.Fprintf(stdout, "              %-16s %s\n", f, cur)
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
