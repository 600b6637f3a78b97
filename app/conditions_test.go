package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
)

// The paged form and its conditions, without JavaScript and through the API,
// on testdata/conditions.yaml: page 1 asks the rating; page 2 the section
// "What could be better" (only after a rating of 1 or 2, with its required
// went_wrong) and, under "About you", role (with "other"); page 3 role_other
// (only when "other" is chosen) and last.

func conditionsApp(t *testing.T) *testApp {
	t.Helper()
	f, err := forms.LoadFile("testdata/conditions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return mustAppOn(t, f, func(*config) {})
}

// shown lists the questions a page shows (not hidden), in order.
var questionBlock = regexp.MustCompile(`<(?:div|fieldset) class="q [^"]*" id="q-([a-z_]+)"([^>]*)>`)

func shownQuestions(page string) []string {
	var out []string
	for _, m := range questionBlock.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[2], " hidden") {
			out = append(out, m[1])
		}
	}
	return out
}

func postPage(t *testing.T, a *testApp, v url.Values) (*http.Response, string) {
	t.Helper()
	req := postForm("/w/plenary", v)
	return a.do(t, req)
}

func TestPagedForm(t *testing.T) {
	sid := uuid.NewString()
	base := func(extra ...string) url.Values {
		v := url.Values{"submission_id": {sid}, "lang": {"en"}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Add(extra[i], extra[i+1])
		}
		return v
	}
	t.Run("OKHighRatingSkipsFollowUp", func(t *testing.T) {
		a := conditionsApp(t)
		res, page := a.do(t, get("/w/plenary"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "rating" ||
			!strings.Contains(page, `name="page" value="1"`) || !strings.Contains(page, "Page 1 of 3") ||
			!strings.Contains(page, "1 is the lowest, 5 the highest") {
			t.Fatalf("page 1: %d shows %v\n%s", res.StatusCode, shownQuestions(page), page)
		}
		res, page = postPage(t, a, base("page", "1", "rating", "5"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "role" ||
			!strings.Contains(page, `name="rating" value="5" data-carry`) || strings.Contains(page, "What could be better</h2>") && !regexp.MustCompile(`class="section"[^>]* hidden>\s*<h2>What could be better`).MatchString(page) {
			t.Fatalf("page 2 after a high rating: %d shows %v\n%s", res.StatusCode, shownQuestions(page), page)
		}
		res, page = postPage(t, a, base("page", "2", "rating", "5", "role", "gov"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "last" || !strings.Contains(page, "Send my feedback") {
			t.Fatalf("page 3: %d shows %v\n%s", res.StatusCode, shownQuestions(page), page)
		}
		res, _ = postPage(t, a, base("page", "3", "rating", "5", "role", "gov", "last", "Thanks"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("last page: %d", res.StatusCode)
		}
		r, err := a.db.ResponseBySubmission(context.Background(), sid)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Answers) != 3 || r.Answers["rating"].Number != 5 || r.Answers["role"].Choices[0] != "gov" || r.Answers["last"].Text != "Thanks" {
			t.Errorf("stored %+v", r.Answers)
		}
	})
	t.Run("ErrLowRatingRequiresFollowUp", func(t *testing.T) {
		a := conditionsApp(t)
		res, page := postPage(t, a, base("page", "1", "rating", "2"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "went_wrong,role" ||
			!strings.Contains(page, "Only asked after a low rating.") {
			t.Fatalf("page 2 after a low rating: %d shows %v", res.StatusCode, shownQuestions(page))
		}
		res, page = postPage(t, a, base("page", "2", "rating", "2", "role", "ngo"))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="e-went_wrong"`) ||
			strings.Join(shownQuestions(page), ",") != "went_wrong,role" {
			t.Fatalf("page 2 without its required follow-up: %d shows %v", res.StatusCode, shownQuestions(page))
		}
		res, page = postPage(t, a, base("page", "2", "rating", "2", "role", "other", "went_wrong", "Too long"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "role_other,last" ||
			!strings.Contains(page, "Please specify") {
			t.Fatalf("page 3 after other: %d shows %v", res.StatusCode, shownQuestions(page))
		}
		res, _ = postPage(t, a, base("page", "3", "rating", "2", "role", "other", "went_wrong", "Too long", "role_other", "Parliament"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", res.StatusCode)
		}
		r, _ := a.db.ResponseBySubmission(context.Background(), sid)
		if r == nil || r.Answers["went_wrong"].Text != "Too long" || r.Answers["role_other"].Text != "Parliament" {
			t.Errorf("stored %+v", r)
		}
	})
	t.Run("OKBackKeepsAnswers", func(t *testing.T) {
		a := conditionsApp(t)
		res, page := postPage(t, a, base("page", "2", "nav", "back", "rating", "1", "went_wrong", "Noise", "role", "ngo"))
		if res.StatusCode != http.StatusOK || strings.Join(shownQuestions(page), ",") != "rating" ||
			!strings.Contains(page, `name="role" value="ngo" data-carry`) || !strings.Contains(page, `name="went_wrong" value="Noise" data-carry`) ||
			!regexp.MustCompile(`id="f-rating-1" name="rating" value="1" checked`).MatchString(page) {
			t.Fatalf("back to page 1: %d shows %v\n%s", res.StatusCode, shownQuestions(page), page)
		}
	})
	t.Run("OKChangedAnswerDropsFollowUp", func(t *testing.T) {
		a := conditionsApp(t)
		// One post of the whole form (form.js), after the rating went from 1 to 4:
		// the follow-up typed before no longer applies and is dropped.
		res, _ := postPage(t, a, base("page", "0", "rating", "4", "went_wrong", "typed before", "role", "gov"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d", res.StatusCode)
		}
		r, _ := a.db.ResponseBySubmission(context.Background(), sid)
		if r == nil || len(r.Answers) != 2 {
			t.Errorf("stored %+v", r)
		}
	})
}

// TestConditionsAPI: the form JSON carries each question's hint, section and
// show_if; a response is judged whole on the same conditions.
func TestConditionsAPI(t *testing.T) {
	a := conditionsApp(t)
	res, body := a.do(t, get("/api/v1/workshops/plenary/form?lang=ar"))
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode, body)
	}
	var f struct {
		Questions []struct {
			ID, Hint, Section, Label string
			ShowIf                   json.RawMessage `json:"show_if"`
		}
	}
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, q := range f.Questions {
		got[q.ID] = q.Section + "|" + q.Hint + "|" + string(q.ShowIf)
	}
	want := map[string]string{
		"rating":     "|1 هو الأدنى و5 هو الأعلى|",
		"went_wrong": `ما الذي يمكن تحسينه||{"in":[1,2],"question":"rating"}`,
		"role":       `عنك||`,
		"role_other": `عنك||{"in":["other"],"question":"role"}`,
		"last":       `عنك||`,
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %s, want %s", id, got[id], w)
		}
	}
	tests := []struct {
		name, answers string
		status        int
		field         string
	}{
		{"OKHigh", `{"rating":5}`, http.StatusCreated, ""},
		{"OKLowWithFollowUp", `{"rating":1,"went_wrong":"Noise"}`, http.StatusCreated, ""},
		{"ErrLowWithoutFollowUp", `{"rating":2}`, http.StatusUnprocessableEntity, "went_wrong"},
		{"ErrFollowUpNotAsked", `{"rating":4,"went_wrong":"Noise"}`, http.StatusUnprocessableEntity, "went_wrong"},
		{"ErrOtherTextWithoutOther", `{"rating":1,"went_wrong":"x","role":"gov","role_other":"x"}`, http.StatusUnprocessableEntity, "role_other"},
		{"OKOther", `{"rating":1,"went_wrong":"x","role":"other","role_other":"Parliament"}`, http.StatusCreated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := a.do(t, postJSON("/api/v1/workshops/plenary/responses",
				`{"submission_id":"`+uuid.NewString()+`","lang":"en","answers":`+tt.answers+`}`))
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, body)
			}
			if tt.field != "" {
				var e struct{ Errors map[string]string }
				json.Unmarshal([]byte(body), &e)
				if len(e.Errors) != 1 || e.Errors[tt.field] == "" {
					t.Errorf("errors %v, want one for %s", e.Errors, tt.field)
				}
			}
		})
	}
}
