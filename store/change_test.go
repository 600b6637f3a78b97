package store

import (
	"testing"

	"feedback/forms"
)

// TestDecide checks the one rule both stores follow for a submission_id
// stored already.
func TestDecide(t *testing.T) {
	prev := existing{publicID: "p1", workshop: "alpha",
		answers: forms.Answers{"overall": {Number: 4}, "formats": {Choices: []string{"b", "a"}}}}
	again := func(workshop string, a forms.Answers) *forms.Response {
		return &forms.Response{SubmissionID: "s1", Workshop: workshop, Lang: "fr", Answers: a}
	}
	tests := []struct {
		name        string
		r           *forms.Response
		want        Saved
		wantReplace bool
		wantCode    string
	}{
		{"OKRetry", again("alpha", forms.Answers{"formats": {Choices: []string{"b", "a"}}, "overall": {Number: 4}}),
			Saved{ID: "p1"}, false, ""},
		{"OKChange", again("alpha", forms.Answers{"overall": {Number: 2}}),
			Saved{ID: "p1", Changed: true}, true, ""},
		{"ErrOtherWorkshop", again("beta", prev.answers), Saved{}, false, forms.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := decide(prev, tt.r)
			if o.saved != tt.want || o.replace != tt.wantReplace || forms.ErrorCode(o.err) != tt.wantCode {
				t.Fatalf("decide = %+v, want %+v, replace %v, code %q", o, tt.want, tt.wantReplace, tt.wantCode)
			}
			if len(forms.FieldErrors(o.err)) > 0 {
				t.Errorf("conflict = %#v, want no fields: the app words it", o.err)
			}
		})
	}
}
