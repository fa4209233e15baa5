// Package table prints rows of text as aligned columns, for the tables of
// the simdpool command and of make compare.
package table

import (
	"fmt"
	"io"
	"strings"
)

// Write prints rows as aligned columns two spaces apart: the first left
// columns left-aligned (text), the others right-aligned (numbers).
func Write(w io.Writer, rows [][]string, left int) {
	if len(rows) == 0 {
		return
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < left {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
