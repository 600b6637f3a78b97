package forms

import "testing"

func TestFiguresGainName(t *testing.T) {
	for _, tc := range []struct {
		gain []string
		want string
	}{
		{[]string{"knowledge_before", "knowledge_after"}, "Knowledge gain"},
		{[]string{"digital_skill_pre", "digital_skill_post"}, "Digital skill gain"},
		{[]string{"before", "after"}, "Gain"},
		{nil, ""},
	} {
		if got := (Figures{Gain: tc.gain}).GainName(); got != tc.want {
			t.Errorf("GainName(%v) = %q, want %q", tc.gain, got, tc.want)
		}
	}
}

func TestCommentLabel(t *testing.T) {
	f, err := Parse("tally.yaml", []byte(tallyForms))
	if err != nil {
		t.Fatal(err)
	}
	w := f.Workshop("one")
	if got := CommentLabel(w.Questions, w.Question("sector_other"), "en"); got != "Where do you work? — Other (please specify)" {
		t.Errorf("other text: %q", got)
	}
	if got := CommentLabel(w.Questions, w.Question("takeaway"), "en"); got != "Your takeaway?" {
		t.Errorf("takeaway: %q", got)
	}
}
