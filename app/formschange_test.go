package main

import (
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"feedback/forms"
	"feedback/store"
)

// The forms file before and after the organizer edits it mid-forum: the
// satisfaction question is reworded (same id), pilot_comment and pilot_score
// are removed, and follow_up is added.
const (
	formsBefore = `
workshops:
  - slug: data-governance
    title: Data Governance
    questions:
      - {id: satisfaction, type: rating, required: true, label: "How satisfied are you?"}
      - {id: pilot_comment, type: text, label: "What about the pilot?"}
      - {id: pilot_score, type: nps, label: "Would you recommend the pilot?"}
      - id: formats
        type: multi
        label: Useful formats
        options: [{id: talks, label: Talks}, {id: labs, label: Labs}]
`
	formsAfter = `
workshops:
  - slug: data-governance
    title: Data Governance
    questions:
      - {id: satisfaction, type: rating, required: true, label: "Overall, how satisfied are you?"}
      - id: formats
        type: multi
        label: Useful formats
        options: [{id: talks, label: Talks}, {id: labs, label: Labs}]
      - id: follow_up
        type: single
        label: Would you like a follow-up session?
        options: [{id: "yes", label: "Yes"}, {id: "no", label: "No"}]
`
)

func appWithForms(t *testing.T, db *store.DB, path, yaml string) *testApp {
	t.Helper()
	f, err := forms.Parse("forms.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{Addr: "127.0.0.1:0", DB: path, AdminToken: testToken, PublicURL: "https://feedback.example.org"}
	srv, err := newServer(cfg, f, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &testApp{App: srv.app(), srv: srv, db: db, path: path}
}

// TestFormsFileChangedMidForum collects responses under one forms file,
// restarts with an edited one, and checks that nothing is lost: the store
// returns the answers to the removed questions, a participant who changes
// a response keeps them, and both raw exports (CSV and the workbook's
// Responses sheet) have a column for each.
func TestFormsFileChangedMidForum(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "feedback.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := appWithForms(t, db, path, formsBefore)
	early := uuid.NewString()
	res, _ := before.do(t, postForm("/w/data-governance", url.Values{"submission_id": {early}, "satisfaction": {"4"},
		"pilot_comment": {"Keep the pilot"}, "pilot_score": {"0"}, "formats": {"labs"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("before: %d", res.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == submissionCookie("data-governance") {
			cookie = c
		}
	}
	api := uuid.NewString()
	if res, body := before.do(t, postJSON("/api/v1/workshops/data-governance/responses",
		`{"submission_id":"`+api+`","answers":{"satisfaction":2,"pilot_comment":"Too short","pilot_score":9}}`)); res.StatusCode != http.StatusCreated {
		t.Fatalf("before, API: %d %s", res.StatusCode, body)
	}

	// The restart with the edited file.
	db.Close()
	if db, err = store.Open(ctx, path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	after := appWithForms(t, db, path, formsAfter)

	t.Run("OKStoreKeepsRemovedQuestions", func(t *testing.T) {
		r, err := db.ResponseBySubmission(ctx, early)
		if err != nil || r.Answers["pilot_comment"].Text != "Keep the pilot" || r.Answers["pilot_score"].Number != 0 {
			t.Fatalf("stored = %+v, %v", r, err)
		}
		if _, ok := r.Answers["pilot_score"]; !ok {
			t.Error("the 0 score to a removed question is gone")
		}
	})
	t.Run("OKChangeKeepsRemovedAnswers", func(t *testing.T) {
		_, page := after.do(t, get("/w/data-governance", "Cookie", cookie.Name+"="+cookie.Value))
		if !strings.Contains(page, "Overall, how satisfied are you?") || strings.Contains(page, "pilot") {
			t.Fatalf("the returning form is not the new one:\n%s", page)
		}
		res, body := after.do(t, postForm("/w/data-governance", url.Values{"submission_id": {early}, "satisfaction": {"5"},
			"follow_up": {"yes"}}, "Cookie", cookie.Name+"="+cookie.Value))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d\n%s", res.StatusCode, body)
		}
		r, err := db.ResponseBySubmission(ctx, early)
		if err != nil {
			t.Fatal(err)
		}
		want := forms.Answers{"satisfaction": {Number: 5}, "follow_up": {Choices: []string{"yes"}},
			"pilot_comment": {Text: "Keep the pilot"}, "pilot_score": {Number: 0}}
		if !r.Answers.Equal(want) {
			t.Errorf("after the change: %+v, want %+v (formats was unticked, so it goes)", r.Answers, want)
		}
		// The API too: its client cannot send the removed questions.
		res, body = after.do(t, postJSON("/api/v1/workshops/data-governance/responses",
			`{"submission_id":"`+api+`","answers":{"satisfaction":3,"follow_up":"no"}}`))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("API change: %d %s", res.StatusCode, body)
		}
		if r, _ := db.ResponseBySubmission(ctx, api); r.Answers["pilot_comment"].Text != "Too short" || r.Answers["pilot_score"].Number != 9 {
			t.Errorf("API change lost the removed answers: %+v", r.Answers)
		}
		// Sending a removed question now is refused, as any unknown one.
		res, _ = after.do(t, postForm("/w/data-governance", url.Values{"submission_id": {uuid.NewString()}, "satisfaction": {"5"}, "pilot_comment": {"late"}}))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a removed question sent anew: %d", res.StatusCode)
		}
	})
	t.Run("OKExportsHaveRemovedColumns", func(t *testing.T) {
		res, body := after.do(t, get("/admin/export.csv", "Authorization", "Bearer "+testToken))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("csv: %d", res.StatusCode)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"satisfaction", "formats", "follow_up", "pilot_comment", "pilot_score"} {
			if _, ok := col[h]; !ok {
				t.Errorf("CSV has no %s column: %v", h, rows[0])
			}
		}
		found := false
		for _, row := range rows[1:] {
			if row[0] == early {
				found = true
				if row[col["pilot_comment"]] != "Keep the pilot" || row[col["pilot_score"]] != "0" || row[col["satisfaction"]] != "5" {
					t.Errorf("CSV row %v", row)
				}
			}
		}
		if !found {
			t.Error("CSV misses the early response")
		}

		res, body = after.do(t, get("/admin/export.xlsx", "Authorization", "Bearer "+testToken))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		sheet, err := x.GetRows("Responses")
		if err != nil {
			t.Fatal(err)
		}
		xcol := map[string]int{}
		for i, h := range sheet[0] {
			xcol[h] = i
		}
		if _, ok := xcol["pilot_comment"]; !ok {
			t.Fatalf("Responses sheet has no pilot_comment column: %v", sheet[0])
		}
		for _, row := range sheet[1:] {
			if row[0] == api && (row[xcol["pilot_comment"]] != "Too short" || row[xcol["pilot_score"]] != "9") {
				t.Errorf("Responses row %v", row)
			}
		}
	})
}
