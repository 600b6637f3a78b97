package main

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// The bench only means something if what it sends is what participants
// send: valid answers the server stores, not 422s.
func TestAnswerSetsAreValid(t *testing.T) {
	f := formstest.Small(t)
	sets := makeAnswerSets(f, 200, 1)
	shapes := map[string]bool{}
	for _, a := range sets {
		w := f.Workshop(a.slug)
		if w == nil {
			t.Fatalf("unknown workshop %q", a.slug)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(a.jsonAnswers, &raw); err != nil {
			t.Fatal(err)
		}
		in, typeErrs := w.InputFromJSON(raw, a.lang)
		if len(typeErrs) > 0 {
			t.Fatalf("%s: %v", a.jsonAnswers, typeErrs)
		}
		fromJSON, err := w.Validate(in, a.lang)
		if err != nil {
			t.Fatalf("%s: %v", a.jsonAnswers, err)
		}
		form, err := url.ParseQuery(string(a.formFields))
		if err != nil {
			t.Fatal(err)
		}
		if form.Get("lang") != a.lang {
			t.Errorf("form lang %q, want %q", form.Get("lang"), a.lang)
		}
		form.Del("lang")
		fromForm, err := w.Validate(forms.Input(form), a.lang)
		if err != nil {
			t.Fatalf("%s: %v", a.formFields, err)
		}
		if !fromJSON.Equal(fromForm) {
			t.Errorf("the two paths send different answers:\n%v\n%v", fromJSON, fromForm)
		}
		shapes[string(a.jsonAnswers)] = true
	}
	if len(shapes) < 150 {
		t.Errorf("only %d distinct answer sets of 200: not varied", len(shapes))
	}
}

// The API body is the answer set with the submission_id spliced in.
func TestAPIBody(t *testing.T) {
	sets := makeAnswerSets(formstest.Small(t), 1, 1)
	body := apiBody(nil, "3b241101-e2bb-4255-8caf-4136c566a962", &sets[0])
	var decoded struct {
		SubmissionID string                     `json:"submission_id"`
		Lang         string                     `json:"lang"`
		Answers      map[string]json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(body, &decoded); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if decoded.SubmissionID != "3b241101-e2bb-4255-8caf-4136c566a962" || decoded.Lang != sets[0].lang || len(decoded.Answers) == 0 {
		t.Errorf("body %s", body)
	}
}

// The export's database and the ceiling's cells are the same data only if
// the generator repeats itself.
func TestExportResponsesRepeat(t *testing.T) {
	f := formstest.Small(t)
	collect := func() []forms.Response {
		var out []forms.Response
		if err := eachExportResponse(f, 300, func(r *forms.Response) error {
			out = append(out, *r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := collect(), collect()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two passes differ")
	}
	workshops := map[string]bool{}
	for _, r := range a {
		w := f.Workshop(r.Workshop)
		if w == nil || !forms.ValidSubmissionID(r.SubmissionID) {
			t.Fatalf("bad response %+v", r)
		}
		workshops[r.Workshop] = true
		if _, err := w.Validate(forms.Input(r.Answers.Values(w)), "en"); err != nil {
			t.Fatalf("%v: %v", r.Answers, err)
		}
	}
	if len(workshops) != len(f.Workshops) {
		t.Errorf("responses cover %d of %d workshops", len(workshops), len(f.Workshops))
	}
}

func TestAuditDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feedback.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	if err := eachExportResponse(formstest.Small(t), 5, func(r *forms.Response) error {
		stored = append(stored, r.SubmissionID)
		_, err := db.SaveResponse(ctx, r)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		// A retried submission is acknowledged twice and stored once.
		a, err := auditDB(ctx, path, append(stored, stored[0]))
		if err != nil {
			t.Fatal(err)
		}
		if !a.ok() || a.acked != 5 || a.stored != 5 {
			t.Errorf("audit = %+v", a)
		}
	})
	t.Run("ErrLost", func(t *testing.T) {
		a, err := auditDB(ctx, path, append(stored, "0b7a7f4e-2a43-4f7e-9a9e-6b8f3a1c2d4e"))
		if err != nil {
			t.Fatal(err)
		}
		if a.ok() || a.missing != 1 {
			t.Errorf("a lost response passed the audit: %+v", a)
		}
	})
}
