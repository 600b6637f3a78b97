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

func validForm(submissionID string) url.Values {
	return url.Values{
		"submission_id": {submissionID},
		"lang":          {"en"},
		"overall":       {"5"},
		"pace":          {"2"},
		"recommend":     {"9"},
		"formats":       {"talks", "exercises"},
		"sector":        {"government"},
		"comment":       {"Co-design with citizens"},
	}
}

func without(v url.Values, keys ...string) url.Values {
	out := url.Values{}
	for k, vals := range v {
		out[k] = vals
	}
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

func set(v url.Values, key string, vals ...string) url.Values {
	out := without(v)
	out[key] = vals
	return out
}

// TestRoutes is the table of scenarios of the participant pages and the API,
// each against the real app and a fresh database: the status, what the body
// says, and how many responses are stored afterwards.
func TestRoutes(t *testing.T) {
	sid := "7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f"
	tests := []struct {
		name     string
		req      func() *http.Request
		status   int
		contains []string
		absent   []string
		stored   int
	}{
		{"OKHealth", func() *http.Request { return get("/healthz") }, 200, []string{"ok"}, nil, 0},
		{"OKIndex", func() *http.Request { return get("/") }, 200,
			[]string{`<html lang="en" dir="ltr">`, `href="/w/alpha"`, "Beta session"}, nil, 0},
		{"OKIndexArabicFromAcceptLanguage", func() *http.Request { return get("/", "Accept-Language", "ar-EG,ar;q=0.9,en;q=0.5") }, 200,
			[]string{`<html lang="ar" dir="rtl">`}, nil, 0},
		{"OKIndexLanguageLink", func() *http.Request { return get("/?lang=fr", "Accept-Language", "ar") }, 200,
			[]string{`<html lang="fr" dir="ltr">`}, nil, 0},
		{"OKForm", func() *http.Request { return get("/w/alpha") }, 200,
			[]string{"Alpha session", `name="submission_id"`, `<legend>How was the session?`,
				`type="radio" id="f-overall-5" name="overall" value="5"`, `type="checkbox" id="f-formats-talks"`,
				`<textarea id="f-comment" name="comment"`, `method="post" action="/w/alpha"`},
			[]string{"<script>", "http://", "//fonts."}, 0},
		{"ErrFormUnknownWorkshop", func() *http.Request { return get("/w/no-such-workshop") }, 404, []string{"Page not found"}, nil, 0},
		{"OKPost", func() *http.Request { return postForm("/w/alpha", validForm(sid)) }, 303, nil, nil, 1},
		{"ErrPostRequiredMissing", func() *http.Request {
			return postForm("/w/alpha", without(validForm(sid), "overall"))
		}, 422, []string{"Please check 1 answer:", `href="#q-overall"`, "Please answer this question.",
			// every answer given is still there
			`value="2" checked`, `value="talks" checked`, `value="exercises" checked`, `value="government" checked`,
			">Co-design with citizens</textarea>", `value="` + sid + `"`}, nil, 0},
		{"ErrPostTextTooLongFrench", func() *http.Request {
			return postForm("/w/alpha", set(set(validForm(sid), "lang", "fr"), "comment", strings.Repeat("x", 201)))
		}, 422, []string{`<html lang="fr"`, "Veuillez raccourcir votre réponse à 200 caractères au maximum (elle en compte 201)."}, nil, 0},
		{"ErrPostOutOfRange", func() *http.Request { return postForm("/w/alpha", set(validForm(sid), "pace", "9")) }, 422,
			[]string{"The score must be between 1 and 3."}, nil, 0},
		{"ErrPostBadSubmissionID", func() *http.Request {
			return postForm("/w/alpha", set(validForm(sid), "submission_id", "42"))
		}, 422, []string{"This form is out of date."}, nil, 0},
		{"ErrPostUnknownWorkshop", func() *http.Request { return postForm("/w/nope", validForm(sid)) }, 404, nil, nil, 0},
		{"ErrPostEscapesInput", func() *http.Request {
			return postForm("/w/alpha", set(without(validForm(sid), "overall"), "comment", `<script>alert(1)</script>`))
		}, 422, []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>alert(1)"}, 0},
		{"OKAPIWorkshops", func() *http.Request { return get("/api/v1/workshops?lang=fr") }, 200,
			[]string{`"slug":"alpha"`, `"open":true`}, nil, 0},
		{"OKAPIForm", func() *http.Request { return get("/api/v1/workshops/beta/form") }, 200,
			[]string{`"slug":"beta"`, `"id":"overall","type":"rating","required":true`, `"min":1,"max":5`,
				`"min":0,"max":10`, `"options":[{"id":"government"`, `"max_length":200`}, nil, 0},
		{"ErrAPIFormUnknown", func() *http.Request { return get("/api/v1/workshops/nope/form") }, 404, []string{`"error"`}, nil, 0},
		{"OKAPIPost", func() *http.Request {
			return postJSON("/api/v1/workshops/beta/responses",
				`{"submission_id":"`+sid+`","lang":"fr","answers":{"overall":5,"pace":3,"formats":["talks"],"comment":"Très utile !"}}`)
		}, 201, []string{`"submission_id":"` + sid + `"`, `"id":"`}, nil, 1},
		{"ErrAPIPostInvalid", func() *http.Request {
			return postJSON("/api/v1/workshops/beta/responses",
				`{"submission_id":"`+sid+`","lang":"en","answers":{"pace":7,"sector":"pilot","colour":"red"}}`)
		}, 422, []string{`"pace":"The score must be between 1 and 3."`, `"overall":"Please answer this question."`,
			`"sector":"Please choose one of the options shown."`, `"colour":"This form has no such question."`}, nil, 0},
		{"ErrAPIPostBadJSON", func() *http.Request {
			return postJSON("/api/v1/workshops/beta/responses", `{"submission_id":`)
		}, 422, []string{`"body":`}, nil, 0},
		{"ErrAPIPostUnknownWorkshop", func() *http.Request {
			return postJSON("/api/v1/workshops/nope/responses", `{"submission_id":"`+sid+`","answers":{"overall":5,"pace":3}}`)
		}, 404, nil, nil, 0},
		{"ErrAPIPostNoSubmissionID", func() *http.Request {
			return postJSON("/api/v1/workshops/beta/responses", `{"answers":{"overall":5,"pace":3}}`)
		}, 422, []string{`"submission_id":"This form is out of date.`}, nil, 0},
		{"ErrAPIPostUnknownLanguage", func() *http.Request {
			return postJSON("/api/v1/workshops/beta/responses", `{"submission_id":"`+sid+`","lang":"tlh","answers":{"overall":5,"pace":3}}`)
		}, 422, []string{`"lang":`}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustApp(t)
			res, body := a.do(t, tt.req())
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d\n%s", res.StatusCode, tt.status, body)
			}
			for _, s := range tt.contains {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(body, s) {
					t.Errorf("body has %q", s)
				}
			}
			if n := a.countResponses(t); n != tt.stored {
				t.Errorf("stored = %d, want %d", n, tt.stored)
			}
		})
	}
}

var submissionField = regexp.MustCompile(`name="submission_id" value="([0-9a-f-]{36})"`)

// TestParticipantFlow follows one participant: open the form, send it twice
// (a double tap), see the thank-you page, come back and change an answer.
func TestParticipantFlow(t *testing.T) {
	a := mustApp(t)
	ctx := context.Background()
	_, page := a.do(t, get("/w/beta"))
	m := submissionField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no submission_id in the form")
	}
	sid := m[1]
	// Two forms rendered get two different submission ids.
	_, page2 := a.do(t, get("/w/beta"))
	if m2 := submissionField.FindStringSubmatch(page2); m2 == nil || m2[1] == sid {
		t.Fatal("a second form got the same submission_id")
	}
	var cookie *http.Cookie
	for i := 0; i < 2; i++ {
		res, _ := a.do(t, postForm("/w/beta", validForm(sid)))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/w/beta/thanks" {
			t.Fatalf("post %d: %d %s", i, res.StatusCode, res.Header.Get("Location"))
		}
		for _, c := range res.Cookies() {
			if c.Name == "sub_beta" {
				cookie = c
			}
		}
	}
	if n := a.countResponses(t); n != 1 {
		t.Fatalf("after a double post: %d responses", n)
	}
	if cookie == nil || cookie.Value != sid || !cookie.HttpOnly {
		t.Fatalf("submission cookie = %+v", cookie)
	}
	// A slug's dashes become underscores in the cookie's name.
	if got := submissionCookie("two-words"); got != "sub_two_words" {
		t.Errorf("cookie for two-words = %q", got)
	}
	res, thanks := a.do(t, get("/w/beta/thanks", "Cookie", cookie.Name+"="+cookie.Value))
	if res.StatusCode != 200 || !strings.Contains(thanks, "Thank you!") || !strings.Contains(thanks, `href="/w/beta"`) {
		t.Fatalf("thanks page: %d\n%s", res.StatusCode, thanks)
	}
	// Coming back: told so, the answers are there, the same submission_id.
	_, again := a.do(t, get("/w/beta", "Cookie", cookie.Name+"="+cookie.Value))
	if !strings.Contains(again, "You have already answered this workshop.") || !strings.Contains(again, `value="`+sid+`"`) ||
		!strings.Contains(again, `value="5" checked`) {
		t.Fatalf("returning form lacks the earlier answers:\n%s", again)
	}
	changed := set(validForm(sid), "overall", "2")
	res, _ = a.do(t, postForm("/w/beta", changed, "Cookie", cookie.Name+"="+cookie.Value))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", res.StatusCode)
	}
	if n := a.countResponses(t); n != 1 {
		t.Fatalf("after a change: %d responses", n)
	}
	r, err := a.db.ResponseBySubmission(ctx, sid)
	if err != nil || r.Answers["overall"].Number != 2 || r.Lang != "en" {
		t.Fatalf("stored = %+v, %v", r, err)
	}
}

func TestAPIRetry(t *testing.T) {
	a := mustApp(t)
	sid := uuid.NewString()
	body := `{"submission_id":"` + sid + `","lang":"ar","answers":{"overall":4,"pace":3,"comment":"مفيد جدا"}}`
	var ids []string
	for i, want := range []int{201, 200, 200} {
		res, out := a.do(t, postJSON("/api/v1/workshops/alpha/responses", body))
		if res.StatusCode != want {
			t.Fatalf("try %d: status %d, want %d: %s", i, res.StatusCode, want, out)
		}
		var got struct{ ID, SubmissionID string }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	if ids[0] == "" || ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("ids = %v", ids)
	}
	if n := a.countResponses(t); n != 1 {
		t.Errorf("stored = %d", n)
	}
	r, _ := a.db.ResponseBySubmission(context.Background(), sid)
	if r.Lang != "ar" || r.Answers["comment"].Text != "مفيد جدا" {
		t.Errorf("stored = %+v", r)
	}
	// The same submission_id for another workshop is refused, not moved.
	res, out := a.do(t, postJSON("/api/v1/workshops/beta/responses", body))
	if res.StatusCode != 422 || !strings.Contains(out, `"submission_id"`) {
		t.Errorf("other workshop: %d %s", res.StatusCode, out)
	}
}

// TestClosedWorkshop closes a workshop as the organizer would and checks that
// neither the form nor the API stores anything, and both say it is closed.
func TestClosedWorkshop(t *testing.T) {
	a := mustApp(t)
	closed := false
	if err := a.db.SetWorkshopOpen(context.Background(), "alpha", &closed); err != nil {
		t.Fatal(err)
	}
	a.srv.forgetOverrides()
	res, page := a.do(t, get("/w/alpha?lang=fr"))
	if res.StatusCode != 200 || strings.Contains(page, `name="submission_id"`) || !strings.Contains(page, "Ce formulaire est fermé") {
		t.Fatalf("closed form page: %d\n%s", res.StatusCode, page)
	}
	res, page = a.do(t, postForm("/w/alpha", validForm(uuid.NewString())))
	if res.StatusCode != 403 || !strings.Contains(page, mustCatalog(t).T("en", forms.MsgClosed)) {
		t.Errorf("closed form post: %d\n%s", res.StatusCode, page)
	}
	res, out := a.do(t, postJSON("/api/v1/workshops/alpha/responses",
		`{"submission_id":"`+uuid.NewString()+`","lang":"fr","answers":{"overall":5,"pace":3}}`))
	if res.StatusCode != 403 || !strings.Contains(out, mustCatalog(t).T("fr", forms.MsgClosed)) {
		t.Errorf("closed API post: %d %s", res.StatusCode, out)
	}
	_, list := a.do(t, get("/api/v1/workshops"))
	if !strings.Contains(list, `{"slug":"alpha","title":"Alpha session","open":false}`) {
		t.Errorf("workshop list: %s", list)
	}
	if n := a.countResponses(t); n != 0 {
		t.Errorf("stored = %d", n)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct{ explicit, cookie, accept, want string }{
		{"", "", "", "en"},
		{"", "", "fr-CA,fr;q=0.9", "fr"},
		{"", "", "de-DE,de;q=0.9,ru;q=0.8,en;q=0.7", "ru"},
		{"", "", "en;q=0.2, zh-Hans-CN;q=0.8", "zh"},
		{"", "uz", "fr", "uz"},
		{"ar", "uz", "fr", "ar"},
		{"xx", "", "es", "es"},
		{"", "", "es;q=0", "en"},
	}
	for _, tt := range tests {
		if got := negotiate(tt.explicit, tt.cookie, tt.accept); got != tt.want {
			t.Errorf("negotiate(%q, %q, %q) = %q, want %q", tt.explicit, tt.cookie, tt.accept, got, tt.want)
		}
	}
}
