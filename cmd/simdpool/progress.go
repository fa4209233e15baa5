package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar on stderr when it is a terminal, and nothing otherwise.
type progress struct {
	w           io.Writer
	on          bool
	total, done int
	label       string
	start       time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, on: isTerminal(w), total: total, start: time.Now()}
}

// isTerminal reports whether w is a character device: a terminal, or (on
// Unix) /dev/null, where the bar is harmless. This check of the standard
// library works on every GOOS; golang.org/x/term would add a module to the
// graph of every program that imports the library.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) step() {
	p.done++
	p.draw()
}

func (p *progress) draw() {
	if !p.on {
		return
	}
	const width = 30
	n := width * p.done / max(p.total, 1)
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %3d%% %-4s %4.0fs", strings.Repeat("#", n), strings.Repeat(".", width-n),
		100*p.done/max(p.total, 1), p.label, time.Since(p.start).Seconds())
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
