package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/simdpool/simdpool/internal/suite"
)

// checkPlotFile is the rule for -plot's file name: the chart is SVG only.
func checkPlotFile(file string) error {
	if ext := filepath.Ext(file); !strings.EqualFold(ext, ".svg") {
		return usagef("-plot %s: only SVG is supported, the file name must end in .svg", file)
	}
	return nil
}

// plotRows writes the chart of rows (benchChart) to file as SVG.
func plotRows(file string, rows []benchRow) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	err = benchChart(rows, cpuModel()).writeSVG(f)
	return errors.Join(err, f.Close())
}

// benchChart draws GB/s as grouped bars, one group per case and one bar per
// implementation, with the memory copy of each case as a line across its
// group; the title names the CPU (cpu, "" when unknown) and the platform.
func benchChart(rows []benchRow, cpu string) barChart {
	var cases, impls []string
	for _, r := range rows {
		if !slices.Contains(cases, r.Case) {
			cases = append(cases, r.Case)
		}
		if r.Impl != "memcpy" && !slices.Contains(impls, r.Impl) {
			impls = append(impls, r.Impl)
		}
	}
	gbps := func(c, impl string) float64 {
		i := slices.IndexFunc(rows, func(r benchRow) bool { return r.Case == c && r.Impl == impl })
		return rows[i].GBPerS // every case is timed with every implementation and memcpy
	}
	values := make([][]float64, len(impls))
	for s, impl := range impls {
		for _, c := range cases {
			values[s] = append(values[s], gbps(c, impl))
		}
	}
	refs := make([]float64, len(cases))
	for g, c := range cases {
		refs[g] = gbps(c, "memcpy")
	}
	if cpu == "" {
		cpu = "unknown CPU"
	}
	threads := "1 thread"
	if len(rows) > 0 && rows[0].Threads != 1 {
		threads = fmt.Sprintf("%d threads", rows[0].Threads)
	}
	return barChart{
		title: []string{
			fmt.Sprintf("simdpool, %s: effective GB/s ((input+output bytes)/time)", threads),
			fmt.Sprintf("%s, %s/%s", cpu, runtime.GOOS, runtime.GOARCH),
		},
		yLabel:   "GB/s",
		groups:   cases,
		series:   impls,
		values:   values,
		refs:     refs,
		refLabel: "memcpy (" + suite.MemcpyName + ", same bytes)",
	}
}
