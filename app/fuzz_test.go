package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"feedback/forms"
)

// The app's fuzz targets send arbitrary bodies through the real app (Fiber's
// parsing, our handlers, the store) and hold the answer to what a participant
// may get: a redirect or a created response, a refusal with a message, never
// an internal error; and whatever was stored is a valid response that reads
// back as it was accepted. Seeds run on every `go test`; explore further with
// `go test -run=^$ -fuzz=FuzzFormPost ./app`.

// fuzzSlug is the fixture's workshop with a question of its own.
const fuzzSlug = "beta"

// FuzzFormPost posts a form-encoded body to a workshop's form.
func FuzzFormPost(f *testing.F) {
	f.Add(validForm("7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f").Encode())
	f.Add("submission_id=7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f&overall=6&pace=%zz&comment=a%00b")
	f.Add("submission_id=7D3F0C1E-5B8A-4C2E-9F6D-1A2B3C4D5E6F&overall=5&pace=3&sector=academia&sector=other")
	f.Add("submission_id=0b0c7a52-8d1e-4f55-a4b6-8e2f0a3c9d11&overall=5&pace=3&comment=" + url.QueryEscape("<script>x</script>") + "&lang=ar")
	f.Add("submission_id=&&&==&overall&pace=+3+&formats=&formats=talks")
	f.Add("csrf=1&lang=xx&submission_id=a3f1c2d4-0000-4000-8000-000000000000&overall=1&pace=1&comment=" + strings.Repeat("%D0%B6", 200))
	a := mustApp(f)
	w := a.srv.forms.Workshop(fuzzSlug)
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 60*1024 {
			return
		}
		res, page := a.do(t, postRaw("/w/"+fuzzSlug, "application/x-www-form-urlencoded", body))
		switch res.StatusCode {
		case http.StatusSeeOther:
			// The submission the app stored is the one it remembers in the
			// phone's cookie.
			sid := ""
			for _, c := range res.Cookies() {
				if c.Name == submissionCookie(fuzzSlug) {
					sid = c.Value
				}
			}
			checkStored(t, a, w, sid)
		case http.StatusUnprocessableEntity, http.StatusTooManyRequests:
			if !strings.Contains(page, `name="submission_id"`) {
				t.Fatalf("a refusal without the form to correct it:\n%s", page)
			}
		default:
			t.Fatalf("status %d for body %q:\n%s", res.StatusCode, body, page)
		}
		for _, l := range leaks {
			if strings.Contains(page, l) {
				t.Fatalf("page shows %q", l)
			}
		}
	})
}

// FuzzAPIPost posts an arbitrary body to the JSON API.
func FuzzAPIPost(f *testing.F) {
	f.Add([]byte(`{"submission_id":"7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f","lang":"fr","answers":{"overall":5,"pace":3,"formats":["talks"],"comment":"¡Muy útil!"}}`))
	f.Add([]byte(`{"submission_id":"7d3f0c1e-5b8a-4c2e-9f6d-1a2b3c4d5e6f","answers":{"overall":5.5,"pace":"3","sector":["a"],"x":null}}`))
	f.Add([]byte(`{"submission_id":"1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed","lang":"ar","answers":{"overall":1,"pace":1,"beta_idea":"a\u202eb"}}`))
	f.Add([]byte(`{"submission_id":null,"lang":7,"answers":[]}`))
	f.Add([]byte(`{"answers":{"overall":1e308}}{}`))
	f.Add([]byte(`{"submission_id":"6F9619FF-8B86-D011-B42D-00C04FC964FF","answers":{"overall":2,"pace":2,"sector":"another","recommend":0}}`))
	a := mustApp(f)
	w := a.srv.forms.Workshop(fuzzSlug)
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 60*1024 {
			return
		}
		res, out := a.do(t, postRaw("/api/v1/workshops/"+fuzzSlug+"/responses", "application/json", string(body)))
		var got struct {
			ID           string            `json:"id"`
			SubmissionID string            `json:"submission_id"`
			Error        string            `json:"error"`
			Errors       map[string]string `json:"errors"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("status %d, body is not JSON: %s", res.StatusCode, out)
		}
		switch res.StatusCode {
		case http.StatusCreated, http.StatusOK:
			if got.ID == "" {
				t.Fatalf("accepted without an id: %s", out)
			}
			checkStored(t, a, w, got.SubmissionID)
		case http.StatusUnprocessableEntity:
			if got.Error == "" || len(got.Errors) == 0 {
				t.Fatalf("a refusal without a message per field: %s", out)
			}
			for field, msg := range got.Errors {
				if msg == "" {
					t.Fatalf("no message for %q: %s", field, out)
				}
			}
		case http.StatusTooManyRequests:
			if got.Error == "" || res.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without message or Retry-After: %s", out)
			}
		default:
			t.Fatalf("status %d for body %q: %s", res.StatusCode, body, out)
		}
		for _, l := range leaks {
			if strings.Contains(out, l) {
				t.Fatalf("body shows %q", l)
			}
		}
	})
}

func postRaw(path, contentType, body string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Host = "localhost" // as every HTTP/1.1 client sends (fasthttp requires it)
	return req
}

// checkStored reads back what the app acknowledged and holds it to the
// workshop's rules: turned back into form values and validated again, it
// gives the same answers.
func checkStored(t *testing.T, a *testApp, w *forms.Workshop, submissionID string) {
	t.Helper()
	r, err := a.db.ResponseBySubmission(t.Context(), submissionID)
	if err != nil {
		t.Fatalf("acknowledged %q but cannot read it back: %v", submissionID, err)
	}
	if r.Workshop != w.Slug || !forms.IsLanguage(r.Lang) {
		t.Fatalf("stored %+v", r)
	}
	again, err := w.Validate(forms.Input(r.Answers.Values(w)), r.Lang)
	if err != nil {
		t.Fatalf("stored answers %+v do not validate: %v", r.Answers, err)
	}
	if !again.Equal(r.Answers) {
		t.Fatalf("stored answers %+v validate to %+v", r.Answers, again)
	}
}
