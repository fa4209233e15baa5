package main

// A grouped bar chart written as SVG with the standard library alone, so that
// the command's chart adds no module to the graph of a program that imports
// the library (the module has one go.mod for both).

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// barChart is a grouped bar chart: one group per entry of groups, one bar
// per series in each group, and, unless refs is nil, a reference value per
// group drawn as a black line across it.
type barChart struct {
	title    []string    // centred lines above the chart, the first in bold
	yLabel   string      // the name of the value axis
	groups   []string    // the label of each group, along the x axis
	series   []string    // the legend name of each bar of a group
	values   [][]float64 // values[s][g]: the bar of series s in group g
	refs     []float64   // refs[g]: the reference value of group g; nil for none
	refLabel string      // the legend name of the reference lines
}

// Layout, in SVG user units (pixels).
const (
	groupWidth   = 54.0  // the bars of one group side by side
	groupGap     = 22.0  // at least, between two groups
	refOverhang  = 4.0   // the reference line passes the group's bars by this on each side
	plotHeight   = 240.0 // the value axis
	marginLeft   = 64.0  // tick labels and the axis name
	marginRight  = 16.0
	marginTop    = 12.0
	marginBottom = 30.0 // the group labels
	minWidth     = 640.0
	titleSize    = 14.0
	textSize     = 12.0
	lineGap      = 6.0 // between two lines of text
	swatch       = 12.0
)

// seriesColors are the bars' fills, cycled when there are more series.
var seriesColors = []string{"#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"}

// legendItem is one entry of the legend: a swatch of color, or the
// reference line when ref is set, and its name.
type legendItem struct {
	name  string
	color string
	ref   bool
}

// writeSVG writes the chart as a standalone SVG document: the title, the
// legend below it, then the plot, its groups spread evenly over the width.
func (c barChart) writeSVG(w io.Writer) error {
	var b strings.Builder
	width := max(marginLeft+float64(len(c.groups))*(groupWidth+groupGap)+marginRight, minWidth)
	legendRows := layoutLegend(c.legendItems(), width-marginLeft-marginRight)
	legendTop := marginTop + float64(len(c.title))*(titleSize+lineGap) + lineGap
	plotTop := legendTop + float64(len(legendRows))*(textSize+lineGap) + lineGap + textSize/2 // room for the top tick label
	plotBottom := plotTop + plotHeight
	height := plotBottom + marginBottom

	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="%s">`+"\n",
		num(width), num(height), num(width), num(height), num(textSize))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	for i, line := range c.title {
		weight := "normal"
		if i == 0 {
			weight = "bold"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="%s">%s</text>`+"\n",
			num(width/2), num(marginTop+float64(i)*(titleSize+lineGap)+titleSize), num(titleSize), weight, esc(line))
	}
	writeLegend(&b, legendRows, width, legendTop)

	top, step := valueAxis(c.maxValue())
	yOf := func(v float64) float64 { return plotBottom - v/top*plotHeight }
	right := width - marginRight
	c.writeValueAxis(&b, top, step, yOf, plotTop, plotBottom, right)

	pitch := (right - marginLeft) / float64(max(len(c.groups), 1))
	barWidth := groupWidth / float64(max(len(c.series), 1))
	for g, label := range c.groups {
		left := marginLeft + float64(g)*pitch + (pitch-groupWidth)/2
		for s, vals := range c.values {
			v := vals[g]
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s: %s %s</title></rect>`+"\n",
				num(left+float64(s)*barWidth), num(yOf(v)), num(barWidth), num(plotBottom-yOf(v)),
				seriesColors[s%len(seriesColors)], esc(label), esc(c.series[s]), num(v), esc(c.yLabel))
		}
		if c.refs != nil {
			ref := c.refs[g]
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#000000" stroke-width="2"><title>%s %s: %s %s</title></line>`+"\n",
				num(left-refOverhang), num(yOf(ref)), num(left+groupWidth+refOverhang), num(yOf(ref)),
				esc(label), esc(c.refLabel), num(ref), esc(c.yLabel))
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num(left+groupWidth/2), num(plotBottom+textSize+6), esc(label))
	}
	fmt.Fprintf(&b, `<path d="M%s %sV%sH%s" fill="none" stroke="#000000" stroke-width="1"/>`+"\n",
		num(marginLeft), num(plotTop), num(plotBottom), num(right))
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// legendItems are the series' swatches, then the reference line if any.
func (c barChart) legendItems() []legendItem {
	items := make([]legendItem, 0, len(c.series)+1)
	for s, name := range c.series {
		items = append(items, legendItem{name: name, color: seriesColors[s%len(seriesColors)]})
	}
	if c.refs != nil {
		items = append(items, legendItem{name: c.refLabel, ref: true})
	}
	return items
}

// writeLegend writes the legend's rows, each centred, the first at top.
func writeLegend(b *strings.Builder, rows []legendRow, width, top float64) {
	for r, row := range rows {
		x := (width - row.width) / 2
		base := top + float64(r)*(textSize+lineGap) + textSize
		for _, it := range row.items {
			if it.ref {
				fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#000000" stroke-width="2"/>`+"\n",
					num(x), num(base-swatch/2+1), num(x+swatch), num(base-swatch/2+1))
			} else {
				fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", num(x), num(base-swatch+1), num(swatch), num(swatch), it.color)
			}
			fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`+"\n", num(x+swatch+4), num(base), esc(it.name))
			x += legendItemWidth(it)
		}
	}
}

// writeValueAxis writes the grid lines and labels of the ticks from 0 to top,
// and the axis' name along it.
func (c barChart) writeValueAxis(b *strings.Builder, top, step float64, yOf func(float64) float64, plotTop, plotBottom, right float64) {
	decimals := max(0, -int(math.Floor(math.Log10(step))))
	ticks := int(math.Round(top / step))
	b.WriteString(`<g stroke="#dddddd" stroke-width="1">` + "\n")
	for i := 1; i <= ticks; i++ {
		y := yOf(float64(i) * step)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`+"\n", num(marginLeft), num(y), num(right), num(y))
	}
	b.WriteString("</g>\n" + `<g text-anchor="end">` + "\n")
	for i := 0; i <= ticks; i++ {
		v := float64(i) * step
		fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`+"\n", num(marginLeft-6), num(yOf(v)+textSize/3), strconv.FormatFloat(v, 'f', decimals, 64))
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(b, `<text transform="translate(%s %s) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		num(textSize+4), num((plotTop+plotBottom)/2), esc(c.yLabel))
}

// maxValue is the largest bar or reference value, at least 0.
func (c barChart) maxValue() float64 {
	top := 0.0
	for _, vals := range c.values {
		for _, v := range vals {
			top = max(top, v)
		}
	}
	for _, r := range c.refs {
		top = max(top, r)
	}
	return top
}

// valueAxis chooses the value axis for values up to maxValue: its top, a
// whole number of ticks, and the tick spacing, 1, 2 or 5 times a power of
// ten, for three to six intervals.
func valueAxis(maxValue float64) (top, step float64) {
	if !(maxValue > 0) || math.IsInf(maxValue, 0) {
		return 1, 0.2
	}
	raw := maxValue / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return math.Ceil(maxValue/step) * step, step
}

// legendRow is a line of the legend and its estimated width.
type legendRow struct {
	items []legendItem
	width float64
}

// layoutLegend puts the legend's items on as few rows of at most width as it
// can (an item wider than width gets a row of its own).
func layoutLegend(items []legendItem, width float64) []legendRow {
	var rows []legendRow
	for _, it := range items {
		w := legendItemWidth(it)
		if n := len(rows); n == 0 || rows[n-1].width+w > width {
			rows = append(rows, legendRow{})
		}
		last := &rows[len(rows)-1]
		last.items = append(last.items, it)
		last.width += w
	}
	return rows
}

// legendItemWidth is the space an item takes: its swatch, its name (at an
// estimated 0.6 em per character, generous for sans-serif) and the gap to the
// next item.
func legendItemWidth(it legendItem) float64 {
	return swatch + 4 + 0.6*textSize*float64(len([]rune(it.name))) + 18
}

// num formats a coordinate or a value with at most two decimals.
func num(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// esc escapes s for SVG text and attribute values.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
