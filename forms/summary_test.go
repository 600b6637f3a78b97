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

// tallyForms is the summary tests' own forms file: a headline, a gain and
// a profile declared on questions named unlike the shipped file's, a
// question asked only of those who chose "online", and a choice with other.
const tallyForms = `
figures: {headline: overall, gain: [skill_pre, skill_post], profile: [sector]}
questions:
  - {id: overall, type: rating, required: true, label: "How was it?"}
  - {id: skill_pre, type: rating, label: "Your skill before?"}
  - {id: skill_post, type: rating, label: "And after?"}
  - {id: recommend, type: nps, label: "Recommend it?"}
  - id: sector
    type: single
    label: Where do you work?
    other: true
    options: [{id: government, label: Government}, {id: academia, label: Academia}]
  - id: mode
    type: single
    label: How did you attend?
    options: [{id: room, label: In the room}, {id: online, label: Online}]
  - id: stream
    type: rating
    label: How was the stream?
    show_if: {question: mode, in: [online]}
  - {id: takeaway, type: text, label: "Your takeaway?"}
workshops:
  - {slug: one, title: One}
  - {slug: two, title: Two}
  - slug: own
    title: Own
    questionnaire: none
    questions:
      - {id: mode, type: single, label: "Where?", options: [{id: room, label: Room}, {id: online, label: Online}]}
      - id: stream
        type: rating
        label: The stream?
        show_if: {question: mode, in: [room]}
`

func TestTally(t *testing.T) {
	f, err := Parse("tally.yaml", []byte(tallyForms))
	if err != nil {
		t.Fatal(err)
	}
	tally := NewTally(f)
	add := func(slug string, a Answers) { tally.Add(&Response{Workshop: slug, Answers: a}) }
	online := Answer{Choices: []string{"online"}}
	// Six people from government (four online), one from academia, one
	// silent.
	for i := 0; i < 6; i++ {
		a := Answers{
			"overall": {Number: 5 - i%2}, "skill_pre": {Number: 2}, "skill_post": {Number: 4},
			"recommend": {Number: 10}, "sector": {Choices: []string{"government"}}, "takeaway": {Text: "x"},
			"mode": {Choices: []string{"room"}},
		}
		if i < 4 {
			a["mode"], a["stream"] = online, Answer{Number: 3}
		}
		add("one", a)
	}
	add("one", Answers{"overall": {Number: 1}, "recommend": {Number: 2}, "sector": {Choices: []string{"academia"}}, "mode": online})
	add("one", Answers{"overall": {Number: 3}, "takeaway": {Text: ""}})
	add("two", Answers{"overall": {Number: 2}})
	add("own", Answers{"mode": {Choices: []string{"room"}}})
	add("no-such-workshop", Answers{"overall": {Number: 5}})

	s := tally.Workshops["one"]
	if s.Responses != 8 || tally.All.Responses != 10 || tally.Unknown != 1 {
		t.Fatalf("responses %d all %d unknown %d", s.Responses, tally.All.Responses, tally.Unknown)
	}
	if m, _ := s.Mean(f.Figures.Headline); !near(m, float64(5+4+5+4+5+4+1+3)/8) {
		t.Errorf("mean headline %v", m)
	}
	if g, ok := s.Gain(f.Figures); !ok || !near(g, 2) {
		t.Errorf("gain %v %v", g, ok)
	}
	if _, ok := tally.Workshops["two"].Gain(f.Figures); ok {
		t.Error("gain without answers should not be ok")
	}
	if _, ok := s.Gain(Figures{}); ok {
		t.Error("gain without a declared gain should not be ok")
	}
	if n, _ := s.NPS(); n.N != 7 || n.Promoters != 6 || n.Detractors != 1 || !near(n.Score, 100*5.0/7) {
		t.Errorf("NPS %+v", n)
	}
	if s.Texts["takeaway"] != 6 {
		t.Errorf("takeaway texts %d, want 6 (empty text not counted)", s.Texts["takeaway"])
	}
	sectors := s.Profiles["sector"]
	if len(s.Profiles) != 1 || sectors["government"].Responses != 6 || sectors["academia"].Responses != 1 || sectors[NoAnswer].Responses != 1 {
		t.Errorf("profiles %v", s.Profiles)
	}
	if m, _ := sectors["government"].Mean("overall"); !near(m, 4.5) {
		t.Errorf("government mean %v", m)
	}
	if len(tally.Workshops["own"].Profiles) != 0 {
		t.Error("a workshop without the profile question has no breakdown")
	}
	// stream is asked of those online: five in one; in own, of those in
	// the room, by own's condition, in own's summary and in All.
	if s.Asked("stream") != 5 || s.Answered("stream") != 4 || s.Asked("overall") != 8 {
		t.Errorf("one: stream asked of %d, answered %d; overall asked of %d", s.Asked("stream"), s.Answered("stream"), s.Asked("overall"))
	}
	if tally.Workshops["own"].Asked("stream") != 1 || tally.All.Asked("stream") != 6 {
		t.Errorf("stream asked of %d in own, %d in all; want 1 and 6", tally.Workshops["own"].Asked("stream"), tally.All.Asked("stream"))
	}
	// sector_other is asked of those who chose other: nobody.
	if s.Asked("sector_other") != 0 {
		t.Errorf("sector_other asked of %d", s.Asked("sector_other"))
	}
	if !f.Figures.IsProfile("sector") || f.Figures.IsProfile("overall") {
		t.Error("IsProfile")
	}
}
