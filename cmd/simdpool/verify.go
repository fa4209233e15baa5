package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/golden"
	"github.com/simdpool/simdpool/pool"
)

const verifyUsage = `Usage: simdpool verify -golden DIR [-grad] [-layout nchw|nhwc] [-threads N] [-v]
       simdpool verify -onnx DIR [-threads N] [-v]

Checks this build against a directory of golden vectors in the format of
../shared/golden (every *.json and *.json.gz file in DIR): every forward case
and every error case (which must be rejected), float32, on the kernels in use
(the best available ISA, or the one SIMDPOOL_ISA names; run again with
SIMDPOOL_ISA=... to check another), with the same rules on every ISA:
max-type values and indices bit for bit (the sign of zero counts), average
and adaptive average bit for bit, LP within 2 ULP (NaN and infinities
identical). With -grad it also checks every grad_input the directory records:
the backward of grad_output must give it exactly for max-type and average
pooling (zeros of either sign equal) and within 1e-5 + 1e-4*|ref| for LP
pooling (NaN and infinities identical). With -threads N every case runs on
N workers, sharing every run (the results must not depend on N). With
-layout nhwc every case runs channels-last (pool.ChannelsLast): its input,
expected outputs and gradients permuted to (N, spatial..., C), its index
values unchanged; cases recorded channels-last run as they are (and with
-layout nchw, the default, permuted to channels-first).

It prints one line per failing case, "FAIL <case name>: <why>", then the line
"N passed, M failed". Exit status: 0 when every case passes, 1 when one fails,
2 on bad usage or when DIR cannot be read as a golden directory or holds no
case.

With -onnx it checks package onnx instead against a directory of ONNX pooling
cases in the format of ../shared/onnx (cases/*.json[.gz] and the tensor files
they name, any of them gzip-compressed as NAME.gz): max-type outputs and
indices bit for bit, average and LP outputs within the tolerance of the
case's file (ONNX's), on the kernels in use. Its MaxUnpool cases with an
output_shape run with the ONNX reference's reading of the indices
(onnx.MaxUnpoolAttrs.IndexInferredShape), which its expected outputs follow.

Flags:
`

// runVerify is `simdpool verify`.
func runVerify(args []string) int { return verify(args, stdout, stderr) }

func verify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("golden", "", "directory of golden `DIR/*.json[.gz]` files")
	onnxDir := fs.String("onnx", "", "directory `DIR` of ONNX pooling cases (DIR/cases/*.json[.gz])")
	verbose := fs.Bool("v", false, "also print the ISA and a summary line per file")
	threads := fs.Int("threads", 1, "run every case on `N` workers")
	grad := fs.Bool("grad", false, "also check every grad_input (the backward)")
	layoutName := fs.String("layout", "nchw", layoutUsage)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), verifyUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2 // the flag package has printed the error and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "simdpool verify: unexpected argument %q (the directory goes after -golden)\n", fs.Arg(0))
		return 2
	}
	if (*dir == "") == (*onnxDir == "") {
		fmt.Fprintf(stderr, "simdpool verify: -golden DIR is required (or, instead, -onnx DIR)\n")
		return 2
	}
	if err := simdpool.ISAError(); err != nil {
		fmt.Fprintf(stderr, "simdpool verify: %v\n", err)
		return 2
	}
	l, err := parseLayout(*layoutName)
	if err != nil {
		fmt.Fprintf(stderr, "simdpool verify: %v\n", err)
		return 2
	}
	if *threads < 1 {
		fmt.Fprintf(stderr, "simdpool verify: -threads must be at least 1, got %d\n", *threads)
		return 2
	}
	var w *pool.Workers
	if *threads > 1 {
		var err error
		if w, err = pool.NewWorkers(*threads); err != nil {
			fmt.Fprintf(stderr, "simdpool verify: %v\n", err)
			return 2
		}
		defer w.Close()
		w.SetMinShare(0)
	}
	if *onnxDir != "" {
		return verifyONNX(*onnxDir, *verbose, w, stdout, stderr)
	}
	files, err := golden.LoadDir(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "simdpool verify: %v\n", err)
		return 2
	}
	cases := 0
	for _, f := range files {
		cases += len(f.Cases)
	}
	if cases == 0 {
		fmt.Fprintf(stderr, "simdpool verify: no case in the golden files of %s: nothing to verify\n", *dir)
		return 2
	}
	if *verbose {
		fmt.Fprintf(stdout, "ISA %s, layout %s, %s\n", simdpool.Current(), *layoutName, *dir)
	}
	var total golden.Summary
	for _, f := range files {
		var s golden.Summary
		for _, c := range f.Cases {
			err := golden.CheckIn(c, l, w)
			if *grad {
				err = golden.CheckWithGrad(c, l, w)
			}
			s.Add(c, err)
			if err != nil {
				fmt.Fprintf(stdout, "FAIL %s: %s\n", c.Name, oneLine(err.Error()))
			}
		}
		if *verbose {
			fmt.Fprintf(stdout, "%s: %s\n", f.Name, s)
		}
		total.Merge(s)
	}
	fmt.Fprintln(stdout, total)
	if total.Failed > 0 {
		return 1
	}
	return 0
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
