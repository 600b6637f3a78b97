package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"feedback/forms"
)

// Charts the rapporteur's pages draw on the server (the dashboard, the deck):
// pure layouts from the figures to view structs that a template turns into
// inline SVG, so that nothing comes from another host and nothing needs a
// script. Every chart carries its own text alternative.
//
// Geometry is in the units of an SVG viewBox chartWidth wide; the SVG is
// drawn with preserveAspectRatio="none" and sized by the stylesheet, so text
// lives beside it in HTML, where it wraps and reads at any width.

// chartWidth is the width of every chart's viewBox.
const chartWidth = 1000

// divergingBar is one rating's distribution as a diverging stacked bar: the
// low scores to the left of a centre line, the high ones to its right, and
// the middle score (on a scale with one) split across it, so that bars on
// one axis compare at a glance.
type divergingBar struct {
	// ID and Label name the question (Label in English); Scale reads "1–5".
	ID, Label, Scale string
	// N is how many answered (NText with thousands separators); Mean is
	// "3.25", or "–" when nobody did.
	N           int
	NText, Mean string
	// Low, Middle and High are the shares (0–1) below, at and above the
	// middle of the scale; LowShare and HighShare read them as "42%".
	Low, Middle, High   float64
	LowShare, HighShare string
	// HasMiddle is false on a scale with an even number of scores.
	HasMiddle bool
	// Centre is the x of the centre line.
	Centre   float64
	Segments []barSegment
	// Summary is the text alternative: every score's count and share.
	Summary string
}

// barSegment is one score's part of a diverging bar.
type barSegment struct {
	Score, Count int
	// CountText is Count with thousands separators; Share reads the
	// score's share as "25%".
	CountText, Share string
	// X and W place the segment; W is 0 for a score nobody gave.
	X, W float64
	// Fill is the segment's colour: reds for low scores, darker the
	// further from the middle, blues for high ones, grey for the middle.
	Fill string
	// Side is "low", "middle" or "high".
	Side string
}

// divergingBars lays out the distribution of each of qs (rating or NPS
// questions; others are skipped) in sum on one axis: the centre line is
// where the widest left part and the widest right part both fit, so the
// bars of one workshop can be read against each other.
func divergingBars(qs []*forms.Question, sum *forms.Summary) []divergingBar {
	var bars []divergingBar
	left, right := 0.0, 0.0
	for _, q := range qs {
		if !q.IsScore() {
			continue
		}
		b := divergingBarOf(q, sum.Scores[q.ID])
		left, right = math.Max(left, b.Low+b.Middle/2), math.Max(right, b.High+b.Middle/2)
		bars = append(bars, b)
	}
	for i := range bars {
		placeDiverging(&bars[i], left, right)
	}
	return bars
}

// divergingBarOf lays out one distribution on an axis of its own (each side
// of the centre as wide as the bar needs). t may be nil: nobody answered.
func divergingBarOf(q *forms.Question, t *forms.ScoreTally) divergingBar {
	b := divergingBar{ID: q.ID, Label: q.Label.Get(forms.DefaultLanguage), Scale: fmt.Sprintf("%d–%d", q.Min, q.Max), Mean: "–"}
	if t != nil {
		b.N = t.N
	}
	b.NText = thousands(b.N)
	if m, ok := t.Mean(); ok {
		b.Mean = strconv.FormatFloat(m, 'f', 2, 64)
	}
	mid2 := q.Min + q.Max // twice the middle of the scale
	b.HasMiddle = (q.Max-q.Min)%2 == 0
	steps := (q.Max - q.Min + 1) / 2 // scores on each side
	parts := make([]string, 0, q.Max-q.Min+1)
	for score := q.Min; score <= q.Max; score++ {
		share := t.Share(score)
		seg := barSegment{Score: score, Count: t.Count(score), CountText: thousands(t.Count(score)), Share: percent(share)}
		switch {
		case 2*score < mid2:
			seg.Side, b.Low = "low", b.Low+share
			seg.Fill = shade(lowLight, lowDark, (mid2-2*score+1)/2, steps)
		case 2*score > mid2:
			seg.Side, b.High = "high", b.High+share
			seg.Fill = shade(highLight, highDark, (2*score-mid2+1)/2, steps)
		default:
			seg.Side, b.Middle, seg.Fill = "middle", share, middleFill
		}
		b.Segments = append(b.Segments, seg)
		parts = append(parts, fmt.Sprintf("%d: %s (%s)", score, seg.CountText, seg.Share))
	}
	b.LowShare, b.HighShare = percent(b.Low), percent(b.High)
	b.Summary = fmt.Sprintf("%s (%s): n = %s, mean %s. %s.", b.Label, b.Scale, b.NText, b.Mean, strings.Join(parts, "; "))
	placeDiverging(&b, b.Low+b.Middle/2, b.High+b.Middle/2)
	return b
}

// placeDiverging sets the centre line and the segments' x on an axis that
// holds left (a share) to the left of the centre and right to its right.
func placeDiverging(b *divergingBar, left, right float64) {
	scale := chartWidth / 2.0
	b.Centre = scale
	if left+right > 0 {
		scale = chartWidth / (left + right)
		b.Centre = left * scale
	}
	x := b.Centre - (b.Low+b.Middle/2)*scale
	for i := range b.Segments {
		s := &b.Segments[i]
		s.X = round1(x)
		s.W = round1(float64(s.Count) / float64(max(b.N, 1)) * scale)
		x += float64(s.Count) / float64(max(b.N, 1)) * scale
	}
	b.Centre = round1(b.Centre)
}

// The diverging bars' colours (a red–blue scale readable by most colour
// blind people); the shares are also given in text.
const (
	lowDark, lowLight   = 0xb2182b, 0xe08b6f
	highDark, highLight = 0x1f5f9e, 0x6fa3d2
	middleFill          = "#9a9a9a"
)

// shade is the colour step of steps from light (1) to dark (steps).
func shade(light, dark, step, steps int) string {
	f := 1.0
	if steps > 1 {
		f = float64(step-1) / float64(steps-1)
	}
	mix := func(shift int) int {
		l, d := light>>shift&0xff, dark>>shift&0xff
		return int(math.Round(float64(l) + f*float64(d-l)))
	}
	return fmt.Sprintf("#%02x%02x%02x", mix(16), mix(8), mix(0))
}

// comparisonChart compares the workshops on the declared headline: one
// horizontal bar per workshop, from the bottom of the scale to its mean.
type comparisonChart struct {
	// Label is the headline question's (English); Scale reads "1–5".
	Label, Scale string
	Min, Max     int
	Rows         []comparisonRow
	// Ticks mark each score of the scale along the axis.
	Ticks []chartTick
	// Summary is the text alternative: every workshop's mean.
	Summary string
}

// comparisonRow is one workshop's bar.
type comparisonRow struct {
	Slug, Title string
	// N answered the headline; Mean is "4.21", or "–" when nobody did or
	// the workshop does not ask it (HasMean false, W 0).
	N       int
	Mean    string
	HasMean bool
	// W is the bar's length from the axis's start.
	W float64
}

// chartTick is a mark on a chart's axis.
type chartTick struct {
	X     float64
	Label string
}

// comparisonChartOf lays out the headline q's mean in each workshop, in
// forum order; nil when q is nil or not a score (no headline declared).
func comparisonChartOf(q *forms.Question, workshops []workshopFigures) *comparisonChart {
	if q == nil || !q.IsScore() || q.Max <= q.Min {
		return nil
	}
	ch := &comparisonChart{Label: q.Label.Get(forms.DefaultLanguage), Scale: fmt.Sprintf("%d–%d", q.Min, q.Max), Min: q.Min, Max: q.Max}
	span := float64(q.Max - q.Min)
	for score := q.Min; score <= q.Max; score++ {
		ch.Ticks = append(ch.Ticks, chartTick{X: round1(float64(score-q.Min) / span * chartWidth), Label: strconv.Itoa(score)})
	}
	parts := make([]string, 0, len(workshops))
	for _, wf := range workshops {
		row := comparisonRow{Slug: wf.W.Slug, Title: wf.W.Title.Get(forms.DefaultLanguage), Mean: "–"}
		if wf.W.Question(q.ID) != nil {
			t := wf.Sum.Scores[q.ID]
			if m, ok := t.Mean(); ok {
				row.N, row.HasMean = t.N, true
				row.Mean = strconv.FormatFloat(m, 'f', 2, 64)
				row.W = round1((m - float64(q.Min)) / span * chartWidth)
			}
		}
		ch.Rows = append(ch.Rows, row)
		parts = append(parts, row.Title+": "+row.Mean)
	}
	ch.Summary = fmt.Sprintf("Mean of “%s” (%s) by workshop: %s.", ch.Label, ch.Scale, strings.Join(parts, "; "))
	return ch
}

// percent reads a share (0–1) as a whole percentage, "42%".
func percent(share float64) string { return strconv.Itoa(int(math.Round(100*share))) + "%" }

// round1 keeps a coordinate to one decimal, enough for a viewBox 1,000 wide.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
