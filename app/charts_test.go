package main

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"feedback/forms"
	"feedback/forms/formstest"
)

// tallyOf counts scores for q, as the store's kept counts would.
func tallyOf(q *forms.Question, scores ...int) *forms.ScoreTally {
	sum := forms.CountedSummary([]*forms.Question{q}, len(scores), map[string]map[int]int{q.ID: countScores(scores)}, nil)
	return sum.Scores[q.ID]
}

func countScores(scores []int) map[int]int {
	m := map[int]int{}
	for _, s := range scores {
		m[s]++
	}
	return m
}

func closeTo(a, b float64) bool { return math.Abs(a-b) < 0.11 }

func TestDivergingBar(t *testing.T) {
	f := formstest.Small(t)
	alpha := f.Workshop("alpha")
	overall, pace := alpha.Question("overall"), alpha.Question("pace")
	t.Run("OddScale", func(t *testing.T) {
		scores := []int{1, 2, 2, 3, 3, 3, 4, 5, 5, 5}
		b := divergingBarOf(overall, tallyOf(overall, scores...))
		counts := countScores(scores)
		n := float64(len(scores))
		low, mid, high := float64(counts[1]+counts[2])/n, float64(counts[3])/n, float64(counts[4]+counts[5])/n
		if !closeTo(b.Low, low) || !closeTo(b.Middle, mid) || !closeTo(b.High, high) || !b.HasMiddle {
			t.Fatalf("low %v middle %v high %v, want %v %v %v", b.Low, b.Middle, b.High, low, mid, high)
		}
		// The middle score straddles the centre line, half on each side.
		var m barSegment
		for _, s := range b.Segments {
			if s.Score == 3 {
				m = s
			}
		}
		if m.Side != "middle" || !closeTo(b.Centre-m.X, m.W/2) {
			t.Errorf("middle segment %+v, centre %v: not split across the centre", m, b.Centre)
		}
		// Segments follow each other in score order and fill the axis.
		x := b.Segments[0].X
		for _, s := range b.Segments {
			if !closeTo(s.X, x) {
				t.Errorf("score %d starts at %v, want %v", s.Score, s.X, x)
			}
			want := float64(counts[s.Score]) / n
			if !closeTo(s.W, want*chartWidth) || s.Count != counts[s.Score] || s.Share != percent(want) {
				t.Errorf("score %d: %+v, want count %d share %v", s.Score, s, counts[s.Score], want)
			}
			x += s.W
		}
		if !closeTo(x, chartWidth) || !closeTo(b.Segments[0].X, 0) {
			t.Errorf("the bar spans %v to %v, want 0 to %d on its own axis", b.Segments[0].X, x, chartWidth)
		}
		if b.Segments[0].Side != "low" || b.Segments[4].Side != "high" || b.Segments[0].Fill == b.Segments[1].Fill {
			t.Errorf("sides and shades: %+v", b.Segments)
		}
		mean := fmt.Sprintf("%.2f", float64(1+2+2+3+3+3+4+5+5+5)/n)
		for _, want := range []string{"n = 10", "mean " + mean, "1: 1 (10%)", "3: 3 (30%)", "5: 3 (30%)"} {
			if !strings.Contains(b.Summary, want) {
				t.Errorf("summary %q lacks %q", b.Summary, want)
			}
		}
	})
	t.Run("NobodyAnswered", func(t *testing.T) {
		b := divergingBarOf(overall, nil)
		if b.N != 0 || b.Mean != "–" || b.Centre != chartWidth/2 {
			t.Fatalf("%+v", b)
		}
		for _, s := range b.Segments {
			if s.W != 0 || s.Count != 0 {
				t.Errorf("empty bar has segment %+v", s)
			}
		}
	})
	t.Run("EvenScale", func(t *testing.T) {
		q := &forms.Question{ID: "four", Type: forms.Rating, Min: 1, Max: 4}
		b := divergingBarOf(q, tallyOf(q, 1, 2, 3, 4, 4))
		if b.HasMiddle || b.Middle != 0 || !closeTo(b.Low, 0.4) || !closeTo(b.High, 0.6) {
			t.Fatalf("%+v", b)
		}
		if !closeTo(b.Centre, b.Segments[2].X) {
			t.Errorf("centre %v should be where the high scores start (%v)", b.Centre, b.Segments[2].X)
		}
	})
	t.Run("SharedAxis", func(t *testing.T) {
		sum := forms.CountedSummary(f.Workshop("alpha").Questions, 4,
			map[string]map[int]int{"overall": {1: 4}, "pace": {3: 4}}, nil)
		bars := divergingBars(f.Workshop("alpha").Questions, sum)
		if len(bars) != 3 || bars[0].ID != overall.ID || bars[1].ID != pace.ID || bars[2].ID != "recommend" {
			t.Fatalf("bars %v", bars)
		}
		// overall is all low, pace all high: one centre, each bar on its side.
		if bars[0].Centre != bars[1].Centre || !closeTo(bars[0].Segments[0].X+bars[0].Segments[0].W, bars[0].Centre) ||
			!closeTo(bars[1].Segments[2].X, bars[1].Centre) {
			t.Errorf("overall %+v\npace %+v", bars[0], bars[1])
		}
		if !closeTo(bars[0].Centre, chartWidth/2) {
			t.Errorf("a full left and a full right bar put the centre at %v, want %d", bars[0].Centre, chartWidth/2)
		}
	})
}

func TestComparisonChart(t *testing.T) {
	f := formstest.Small(t)
	q := f.Workshop("alpha").Question("overall")
	var ws []workshopFigures
	scores := map[string][]int{"alpha": {5, 4, 4}, "beta": {}}
	for _, w := range f.Workshops {
		s := scores[w.Slug]
		ws = append(ws, workshopFigures{W: w, Sum: forms.CountedSummary(w.Questions, len(s), map[string]map[int]int{"overall": countScores(s)}, nil)})
	}
	ch := comparisonChartOf(q, ws)
	if ch == nil || len(ch.Rows) != 2 || len(ch.Ticks) != 5 || ch.Ticks[4].X != chartWidth {
		t.Fatalf("%+v", ch)
	}
	mean := float64(5+4+4) / 3
	a, b := ch.Rows[0], ch.Rows[1]
	if a.Slug != "alpha" || !a.HasMean || a.Mean != fmt.Sprintf("%.2f", mean) || !closeTo(a.W, (mean-1)/4*chartWidth) || a.N != 3 {
		t.Errorf("alpha %+v", a)
	}
	if b.HasMean || b.W != 0 || b.Mean != "–" {
		t.Errorf("beta has no answers: %+v", b)
	}
	if !strings.Contains(ch.Summary, "Alpha session: "+a.Mean) || !strings.Contains(ch.Summary, "Beta session: –") {
		t.Errorf("summary %q", ch.Summary)
	}
	if comparisonChartOf(nil, ws) != nil || comparisonChartOf(f.Workshop("alpha").Question("comment"), ws) != nil {
		t.Error("no headline, no chart")
	}
}

func TestShade(t *testing.T) {
	if got := shade(lowLight, lowDark, 1, 2); got != "#e08b6f" {
		t.Errorf("step 1 = %s", got)
	}
	if got := shade(lowLight, lowDark, 2, 2); got != "#b2182b" {
		t.Errorf("step 2 = %s", got)
	}
}
