package forms

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestScoreTally(t *testing.T) {
	q := &Question{ID: "recommend", Type: NPS, Min: 0, Max: 10}
	t.Run("Empty", func(t *testing.T) {
		tl := newScoreTally(q)
		if _, ok := tl.Mean(); ok {
			t.Error("mean of nothing should not be ok")
		}
		if _, ok := tl.NPS(); ok {
			t.Error("NPS of nothing should not be ok")
		}
		if tl.Share(5) != 0 {
			t.Error("share of nothing should be 0")
		}
	})
	t.Run("NPS", func(t *testing.T) {
		tl := newScoreTally(q)
		scores := []int{10, 9, 9, 8, 7, 6, 0, 3, 10, 11, -1}
		for _, s := range scores {
			tl.Add(s)
		}
		if tl.N != 9 || tl.Out != 2 {
			t.Fatalf("N=%d Out=%d, want 9 and 2", tl.N, tl.Out)
		}
		n, ok := tl.NPS()
		if !ok || n.Promoters != 4 || n.Passives != 2 || n.Detractors != 3 {
			t.Fatalf("NPS %+v", n)
		}
		if !near(n.Score, 100*float64(4-3)/9) {
			t.Errorf("score %v", n.Score)
		}
		mean, _ := tl.Mean()
		if !near(mean, float64(10+9+9+8+7+6+0+3+10)/9) {
			t.Errorf("mean %v", mean)
		}
		if !near(tl.Share(9), 2.0/9) || tl.Count(10) != 2 || tl.Count(11) != 0 {
			t.Errorf("share(9)=%v count(10)=%d", tl.Share(9), tl.Count(10))
		}
	})
}

func TestTally(t *testing.T) {
	f := Default()
	w := f.Workshops[0]
	other := f.Workshops[1]
	tally := NewTally(f)
	add := func(slug string, a Answers) { tally.Add(&Response{Workshop: slug, Answers: a}) }
	// Six people from national government, one from academia, one silent.
	for i := 0; i < 6; i++ {
		add(w.Slug, Answers{
			"satisfaction": {Number: 5 - i%2}, "knowledge_before": {Number: 2}, "knowledge_after": {Number: 4},
			"recommend": {Number: 10}, "role": {Choices: []string{"national_government"}},
			"useful_formats": {Choices: []string{"case_studies", "peer_exchange"}}, "takeaway": {Text: "x"},
		})
	}
	add(w.Slug, Answers{"satisfaction": {Number: 1}, "recommend": {Number: 2}, "role": {Choices: []string{"academia"}}})
	add(w.Slug, Answers{"satisfaction": {Number: 3}, "takeaway": {Text: ""}})
	add(other.Slug, Answers{"satisfaction": {Number: 2}})
	add("no-such-workshop", Answers{"satisfaction": {Number: 5}})

	s := tally.Workshops[w.Slug]
	if s.Responses != 8 || tally.All.Responses != 9 || tally.Unknown != 1 {
		t.Fatalf("responses %d all %d unknown %d", s.Responses, tally.All.Responses, tally.Unknown)
	}
	if m, _ := s.Mean("satisfaction"); !near(m, float64(5+4+5+4+5+4+1+3)/8) {
		t.Errorf("mean satisfaction %v", m)
	}
	if g, ok := s.KnowledgeGain(); !ok || !near(g, 2) {
		t.Errorf("knowledge gain %v %v", g, ok)
	}
	if n, _ := s.NPS(); n.N != 7 || n.Promoters != 6 || n.Detractors != 1 || !near(n.Score, 100*5.0/7) {
		t.Errorf("NPS %+v", n)
	}
	uf := s.Choices["useful_formats"]
	if uf.N != 6 || uf.Counts["case_studies"] != 6 || !near(uf.Share("peer_exchange"), 1) {
		t.Errorf("useful_formats %+v", uf)
	}
	if s.Texts["takeaway"] != 6 {
		t.Errorf("takeaway texts %d, want 6 (empty text not counted)", s.Texts["takeaway"])
	}
	roles := s.Profiles["role"]
	if roles["national_government"].Responses != 6 || roles["academia"].Responses != 1 || roles[NoAnswer].Responses != 1 {
		t.Errorf("role groups: %d %d %d", roles["national_government"].Responses, roles["academia"].Responses, roles[NoAnswer].Responses)
	}
	if m, _ := roles["national_government"].Mean("satisfaction"); !near(m, 4.5) {
		t.Errorf("national government satisfaction %v", m)
	}
	if m, _ := tally.All.Mean("satisfaction"); !near(m, float64(5+4+5+4+5+4+1+3+2)/9) {
		t.Errorf("forum mean satisfaction %v", m)
	}
	if _, ok := tally.Workshops[other.Slug].KnowledgeGain(); ok {
		t.Error("knowledge gain without answers should not be ok")
	}
	if !IsProfile("gender") || IsProfile("satisfaction") {
		t.Error("IsProfile")
	}
}
