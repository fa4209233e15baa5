package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/simdpool/simdpool/internal/suite"
)

// svgElement is one element of a parsed chart: its name, attributes and
// character data (the text of a <text>, the tooltip of a bar or a line).
type svgElement struct {
	name  string
	attrs map[string]string
	text  string
}

// parseSVG decodes every element of doc (failing on malformed XML) and
// folds the text of a <title> child into its parent.
func parseSVG(t *testing.T, doc []byte) []svgElement {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var els []svgElement
	var open []int // indices into els of the elements not yet closed
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch tk := tok.(type) {
		case xml.StartElement:
			e := svgElement{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			els = append(els, e)
			open = append(open, len(els)-1)
		case xml.EndElement:
			i := open[len(open)-1]
			open = open[:len(open)-1]
			if els[i].name == "title" && len(open) > 0 {
				els[open[len(open)-1]].text = els[i].text
			}
		case xml.CharData:
			if len(open) > 0 {
				els[open[len(open)-1]].text += string(tk)
			}
		}
	}
	require.Empty(t, open, "unclosed elements")
	return els
}

func attr(t *testing.T, e svgElement, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attrs[name], 64)
	require.NoError(t, err, "%s %s=%q", e.name, name, e.attrs[name])
	return v
}

// tooltipValue is the value in a tooltip "S1 avx2: 12.5 GB/s".
func tooltipValue(t *testing.T, tip string) float64 {
	t.Helper()
	f := strings.Fields(tip)
	require.GreaterOrEqual(t, len(f), 2, tip)
	v, err := strconv.ParseFloat(f[len(f)-2], 64)
	require.NoError(t, err, tip)
	return v
}

func testRows() []benchRow {
	var rows []benchRow
	gbps := map[string][]float64{"S1": {0.5, 12.25, 29.4, 28}, "S4": {0.75, 5, 32, 78.5}, "S12": {0.2, 9, 18.1, 64}}
	for _, c := range []string{"S1", "S4", "S12"} {
		for i, impl := range []string{"generic", "avx2", "avx512", "memcpy"} {
			rows = append(rows, benchRow{Case: c, Impl: impl, Threads: 1, GBPerS: gbps[c][i]})
		}
	}
	return rows
}

func TestBenchChartSVG(t *testing.T) {
	rows := testRows()
	var buf bytes.Buffer
	require.NoError(t, benchChart(rows, `Test CPU <A&B> "x"`).writeSVG(&buf))
	els := parseSVG(t, buf.Bytes())
	require.Equal(t, "svg", els[0].name)

	var texts []string
	var bars, refs []svgElement
	for _, e := range els {
		switch {
		case e.name == "text":
			texts = append(texts, e.text)
		case e.name == "rect" && e.text != "":
			bars = append(bars, e)
		case e.name == "line" && e.text != "":
			refs = append(refs, e)
		}
	}
	assert.Contains(t, texts, "simdpool, 1 thread: effective GB/s ((input+output bytes)/time)")
	assert.Contains(t, texts, `Test CPU <A&B> "x", `+runtime.GOOS+"/"+runtime.GOARCH, "the CPU in the title, escaped")
	for _, s := range []string{"S1", "S4", "S12", "generic", "avx2", "avx512", "GB/s", "0", "80"} {
		assert.Contains(t, texts, s)
	}
	assert.Contains(t, texts, "memcpy ("+suite.MemcpyName+", same bytes)", "legend entry of the memcpy line")

	// One bar per case and implementation, on a common baseline, its height
	// proportional to its value; one memcpy line per case, across its bars.
	require.Len(t, bars, 9)
	require.Len(t, refs, 3)
	baseline := attr(t, bars[0], "y") + attr(t, bars[0], "height")
	scale := attr(t, bars[0], "height") / tooltipValue(t, bars[0].text)
	for i, b := range bars {
		r := rows[i/3*4+i%3]
		assert.Equal(t, fmt.Sprintf("%s %s: %s GB/s", r.Case, r.Impl, num(r.GBPerS)), b.text)
		assert.InDelta(t, baseline, attr(t, b, "y")+attr(t, b, "height"), 0.02, b.text)
		assert.InDelta(t, r.GBPerS*scale, attr(t, b, "height"), 0.05, b.text)
	}
	for g, l := range refs {
		m := rows[g*4+3]
		assert.Equal(t, fmt.Sprintf("%s memcpy (%s, same bytes): %s GB/s", m.Case, suite.MemcpyName, num(m.GBPerS)), l.text)
		assert.InDelta(t, baseline-m.GBPerS*scale, attr(t, l, "y1"), 0.05, l.text)
		assert.Equal(t, attr(t, l, "y1"), attr(t, l, "y2"), "horizontal")
		first, last := bars[3*g], bars[3*g+2]
		assert.Less(t, attr(t, l, "x1"), attr(t, first, "x"), l.text)
		assert.Greater(t, attr(t, l, "x2"), attr(t, last, "x")+attr(t, last, "width"), l.text)
	}
	// The tallest value (S4's memcpy, 78.5) fits under the axis' top (80).
	assert.Greater(t, baseline-78.5*scale, 0.0)
}

func TestBenchChartUnknownCPU(t *testing.T) {
	c := benchChart(testRows(), "")
	assert.Equal(t, "unknown CPU, "+runtime.GOOS+"/"+runtime.GOARCH, c.title[1])
}

func TestBarChartWithoutRefs(t *testing.T) {
	c := barChart{yLabel: "u", groups: []string{"a", "b"}, series: []string{"x"}, values: [][]float64{{1, 3}}}
	var buf bytes.Buffer
	require.NoError(t, c.writeSVG(&buf))
	var lines, bars int
	for _, e := range parseSVG(t, buf.Bytes()) {
		if e.text != "" && e.name == "line" {
			lines++
		}
		if e.text != "" && e.name == "rect" {
			bars++
		}
	}
	assert.Equal(t, 0, lines)
	assert.Equal(t, 2, bars)
}

func TestValueAxis(t *testing.T) {
	for _, tc := range []struct{ max, top, step float64 }{
		{29.4, 30, 5},
		{78.5, 80, 20},
		{62.2, 80, 20},
		{59.9, 60, 10},
		{100, 100, 20},
		{0.37, 0.4, 0.1},
		{3, 3, 0.5},
		{0, 1, 0.2},
		{math.NaN(), 1, 0.2},
		{math.Inf(1), 1, 0.2},
	} {
		top, step := valueAxis(tc.max)
		assert.InDelta(t, tc.top, top, 1e-12, "max %v", tc.max)
		assert.InDelta(t, tc.step, step, 1e-12, "max %v", tc.max)
		if tc.max > 0 && !math.IsInf(tc.max, 0) {
			intervals := math.Round(top / step)
			assert.GreaterOrEqual(t, top, tc.max)
			assert.True(t, intervals >= 3 && intervals <= 6, "max %v: %v intervals", tc.max, intervals)
		}
	}
}

func TestLayoutLegend(t *testing.T) {
	items := []legendItem{{name: "generic"}, {name: "avx2"}, {name: "avx512"}, {name: "memcpy (libc memcpy, same bytes)", ref: true}}
	one := layoutLegend(items, 1000)
	require.Len(t, one, 1)
	assert.Len(t, one[0].items, 4)

	narrow := layoutLegend(items, 200)
	require.Greater(t, len(narrow), 1)
	var n int
	for _, r := range narrow {
		require.NotEmpty(t, r.items)
		n += len(r.items)
		if len(r.items) > 1 {
			assert.LessOrEqual(t, r.width, 200.0)
		}
	}
	assert.Equal(t, 4, n, "every item placed once")
}

func TestEsc(t *testing.T) {
	assert.Equal(t, "a &lt;b&gt; &amp; &#34;c&#34;", esc(`a <b> & "c"`))
}
