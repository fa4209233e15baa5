// Command compare joins `simdpool bench -json` with compare/torch_bench.py's
// output into one table: per case, simdpool's best implementation next to
// PyTorch NCHW and channels_last, in ns/op and as fractions of a memory copy
// timed in the same process. `make compare` runs all three.
//
//	go run ./compare simdpool.jsonl torch.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/simdpool/simdpool/internal/suite"
	"github.com/simdpool/simdpool/internal/table"
)

type row struct {
	Case           string  `json:"case"`
	Op             string  `json:"op"`
	Impl           string  `json:"impl"`
	Pass           string  `json:"pass"`
	NsPerOp        float64 `json:"ns_per_op"`
	GBPerS         float64 `json:"gb_per_s"`
	MemcpyFraction float64 `json:"memcpy_fraction"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go run ./compare SIMDPOOL.jsonl TORCH.jsonl\n"+
			"  SIMDPOOL.jsonl from `simdpool bench -json`, TORCH.jsonl from compare/torch_bench.py")
		os.Exit(2)
	}
	sp, err := read(os.Args[1])
	if err == nil {
		var th []row
		th, err = read(os.Args[2])
		if err == nil {
			err = report(os.Stdout, sp, th)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func read(file string) ([]row, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows", file)
	}
	return rows, nil
}

func report(w io.Writer, sp, th []row) error {
	var cases []string
	for _, r := range sp {
		if !slices.Contains(cases, r.Case) {
			cases = append(cases, r.Case)
		}
	}
	find := func(rows []row, c, impl string) *row {
		for i := range rows {
			if rows[i].Case == c && rows[i].Impl == impl {
				return &rows[i]
			}
		}
		return nil
	}
	t := [][]string{{"case", "op", "simdpool best", "ns/op", "of memcpy", "torch NCHW", "of memcpy", "torch CL", "of memcpy",
		"vs NCHW", "vs CL", "vs NCHW (memcpy)", "vs CL (memcpy)"}}
	for _, c := range cases {
		var best *row
		for i := range sp {
			r := &sp[i]
			if r.Case == c && r.Impl != "memcpy" && (best == nil || r.NsPerOp < best.NsPerOp) {
				best = r
			}
		}
		if best == nil {
			continue
		}
		line := []string{c, best.Op, best.Impl, fmt.Sprintf("%.0f", best.NsPerOp), fmt.Sprintf("%.3f", best.MemcpyFraction)}
		var ratios, fracs []string
		for _, impl := range []string{"torch_nchw", "torch_channels_last"} {
			r := find(th, c, impl)
			if r == nil {
				line = append(line, "n/a", "")
				ratios, fracs = append(ratios, ""), append(fracs, "")
				continue
			}
			line = append(line, fmt.Sprintf("%.0f", r.NsPerOp), fmt.Sprintf("%.3f", r.MemcpyFraction))
			ratios = append(ratios, fmt.Sprintf("%.2fx", r.NsPerOp/best.NsPerOp))
			fracs = append(fracs, fmt.Sprintf("%.2fx", best.MemcpyFraction/r.MemcpyFraction))
		}
		t = append(t, append(append(line, ratios...), fracs...))
	}
	if len(sp) > 0 && sp[0].Pass == "backward" {
		fmt.Fprintln(w, "backward pass: the gradient with respect to the input (PyTorch: autograd, NCHW)")
	}
	table.Write(w, t, 3)
	fmt.Fprintf(w, `
ns/op: median over rounds, 1 thread; each tool timed in its own process, one after the other.
of memcpy: median over rounds of t_memcpy/t_op, paired within a round, against a copy of the
  same bytes in the same process (simdpool: %s; PyTorch: glibc memcpy via ctypes).
vs NCHW, vs CL: PyTorch time / simdpool time (> 1: simdpool is faster).
(memcpy): simdpool's fraction of memcpy / PyTorch's: the same ratio with each side normalised by
  its own in-process copy, which cancels drift between the two runs on a shared machine.
PyTorch times include its Python call and output allocation, as users call it; NCHW max
  pooling also writes indices (max_pool2d_with_indices).
`, suite.MemcpyName)
	return nil
}
