package main

import (
	"fmt"
	"io"

	"github.com/simdpool/simdpool"
	"github.com/simdpool/simdpool/internal/onnxsuite"
	"github.com/simdpool/simdpool/pool"
)

// verifyONNX is `simdpool verify -onnx dir`: every case of the ONNX pooling
// suite in dir, on the workers w (nil: the caller's goroutine).
func verifyONNX(dir string, verbose bool, w *pool.Workers, stdout, stderr io.Writer) int {
	files, err := onnxsuite.LoadDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "simdpool verify: %v\n", err)
		return 2
	}
	if verbose {
		fmt.Fprintf(stdout, "ISA %s, ONNX suite %s\n", simdpool.Current(), dir)
	}
	var passed, failed int
	for _, f := range files {
		var p, m int
		for _, c := range f.Cases {
			if err := onnxsuite.Check(c, w); err != nil {
				fmt.Fprintf(stdout, "FAIL %s: %s\n", c.Name, oneLine(err.Error()))
				m++
			} else {
				p++
			}
		}
		if verbose {
			fmt.Fprintf(stdout, "%s: %d passed, %d failed\n", f.Name, p, m)
		}
		passed, failed = passed+p, failed+m
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
