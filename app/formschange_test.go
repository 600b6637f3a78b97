package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"feedback/forms"
	"feedback/store"
)

// The forms file before and after the organizer edits it mid-forum: the
// overall question is reworded (same id), pilot_comment and pilot_score
// are removed, and follow_up is added.
const (
	formsBefore = `
workshops:
  - slug: alpha
    title: Alpha session
    questions:
      - {id: overall, type: rating, required: true, label: "How was the session?"}
      - {id: pilot_comment, type: text, label: "What about the pilot?"}
      - {id: pilot_score, type: nps, label: "Would you recommend the pilot?"}
      - id: formats
        type: multi
        label: Useful formats
        options: [{id: talks, label: Talks}, {id: labs, label: Labs}]
`
	formsAfter = `
workshops:
  - slug: alpha
    title: Alpha session
    questions:
      - {id: overall, type: rating, required: true, label: "Overall, how was the session?"}
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	recordForms(context.Background(), db, f, time.Now(), log) // as run does at start
	srv, err := newServer(cfg, f, db, log)
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
	res, _ := before.do(t, postForm("/w/alpha", url.Values{"submission_id": {early}, "overall": {"4"},
		"pilot_comment": {"Keep the pilot"}, "pilot_score": {"0"}, "formats": {"labs"}}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("before: %d", res.StatusCode)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == submissionCookie("alpha") {
			cookie = c
		}
	}
	api := uuid.NewString()
	if res, body := before.do(t, postJSON("/api/v1/workshops/alpha/responses",
		`{"submission_id":"`+api+`","answers":{"overall":2,"pilot_comment":"Too short","pilot_score":9}}`)); res.StatusCode != http.StatusCreated {
		t.Fatalf("before, API: %d %s", res.StatusCode, body)
	}

	// The restart with the edited file, a few milliseconds later than the
	// last response: what the form asked is told apart to the millisecond.
	time.Sleep(5 * time.Millisecond)
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
		_, page := after.do(t, get("/w/alpha", "Cookie", cookie.Name+"="+cookie.Value))
		if !strings.Contains(page, "Overall, how was the session?") || strings.Contains(page, "pilot") {
			t.Fatalf("the returning form is not the new one:\n%s", page)
		}
		res, body := after.do(t, postForm("/w/alpha", url.Values{"submission_id": {early}, "overall": {"5"},
			"follow_up": {"yes"}}, "Cookie", cookie.Name+"="+cookie.Value))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d\n%s", res.StatusCode, body)
		}
		r, err := db.ResponseBySubmission(ctx, early)
		if err != nil {
			t.Fatal(err)
		}
		want := forms.Answers{"overall": {Number: 5}, "follow_up": {Choices: []string{"yes"}},
			"pilot_comment": {Text: "Keep the pilot"}, "pilot_score": {Number: 0}}
		if !r.Answers.Equal(want) {
			t.Errorf("after the change: %+v, want %+v (formats was unticked, so it goes)", r.Answers, want)
		}
		// The API too: its client cannot send the removed questions.
		res, body = after.do(t, postJSON("/api/v1/workshops/alpha/responses",
			`{"submission_id":"`+api+`","answers":{"overall":3,"follow_up":"no"}}`))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("API change: %d %s", res.StatusCode, body)
		}
		if r, _ := db.ResponseBySubmission(ctx, api); r.Answers["pilot_comment"].Text != "Too short" || r.Answers["pilot_score"].Number != 9 {
			t.Errorf("API change lost the removed answers: %+v", r.Answers)
		}
		// Sending a removed question now is refused, as any unknown one.
		res, _ = after.do(t, postForm("/w/alpha", url.Values{"submission_id": {uuid.NewString()}, "overall": {"5"}, "pilot_comment": {"late"}}))
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
		for _, h := range []string{"overall", "formats", "follow_up", "pilot_comment", "pilot_score"} {
			if _, ok := col[h]; !ok {
				t.Errorf("CSV has no %s column: %v", h, rows[0])
			}
		}
		found := false
		for _, row := range rows[1:] {
			if row[0] == early {
				found = true
				if row[col["pilot_comment"]] != "Keep the pilot" || row[col["pilot_score"]] != "0" || row[col["overall"]] != "5" {
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
	t.Run("OKWorkbookSaysAskedOf", func(t *testing.T) {
		// Both responses were sent under the old file, then changed under
		// the new one with follow_up answered: each was asked all three.
		res, body := after.do(t, get("/admin/export.xlsx", "Authorization", "Bearer "+testToken))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		got := changedQuestions(t, []byte(body), "alpha")
		want := map[string]askedRow{
			"follow_up":     {n: 2, asked: 2, change: "added"},
			"pilot_comment": {n: 2, asked: 2, change: "removed"},
			"pilot_score":   {n: 2, asked: 2, change: "removed"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("questions changed %+v, want %+v", got, want)
		}
	})
}

// askedRow is one row of a workshop sheet's table of questions changed.
type askedRow struct {
	n, asked int
	change   string
}

// changedQuestions reads a workshop sheet's "Questions changed" table, by
// question id; nil when the sheet has none.
func changedQuestions(t *testing.T, xlsx []byte, sheet string) map[string]askedRow {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		if len(row) == 0 || row[0] != "Questions changed" {
			continue
		}
		out := map[string]askedRow{}
		for _, r := range rows[i+2:] {
			if len(r) < 5 || r[0] == "" {
				break
			}
			n, err1 := strconv.Atoi(r[2])
			asked, err2 := strconv.Atoi(r[3])
			if err1 != nil || err2 != nil {
				t.Fatalf("row %q: n and asked of are not numbers", r)
			}
			out[r[0]] = askedRow{n: n, asked: asked, change: r[4]}
		}
		return out
	}
	return nil
}

// TestRunFormsChangedAskedOf runs the service as main does with one forms
// file, then with the edited one, and checks that the workbook says of how
// many responses each changed question was asked, against counts the test
// keeps of what it sent before and after the restart; and that the start
// logged the change for the organizer.
func TestRunFormsChangedAskedOf(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "feedback.db")
	var logs bytes.Buffer
	lw := &lockedWriter{w: &logs} // badinput_test.go
	start := func(formsYAML string) (base string, stop func()) {
		t.Helper()
		path := filepath.Join(dir, "forms.yaml")
		if err := os.WriteFile(path, []byte(formsYAML), 0o600); err != nil {
			t.Fatal(err)
		}
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		log := slog.New(slog.NewTextHandler(lw, nil))
		go func() {
			done <- run(ctx, []string{"-addr", addr, "-db", dbPath, "-forms", path, "-admin-token", testToken}, func(string) string { return "" }, io.Discard, log)
		}()
		base = "http://" + addr
		deadline := time.Now().Add(10 * time.Second)
		for {
			res, err := http.Get(base + "/healthz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("service did not start: %v", err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		return base, func() {
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
		}
	}
	post := func(base, sid, answers string, want int) {
		t.Helper()
		res, err := http.Post(base+"/api/v1/workshops/alpha/responses", "application/json",
			strings.NewReader(`{"submission_id":"`+sid+`","answers":{`+answers+`}}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("post %s: %d %s, want %d", answers, res.StatusCode, body, want)
		}
	}

	// The test's own record: which questions each stored response answers,
	// and whether it was first sent before the restart.
	type sent struct {
		before  bool
		answers map[string]bool
	}
	var responses []*sent
	base, stop := start(formsBefore)
	var first string
	for i := 0; i < 7; i++ {
		r := &sent{before: true, answers: map[string]bool{"overall": true}}
		answers := `"overall":` + strconv.Itoa(1+i%5)
		if i%2 == 0 {
			answers += `,"pilot_score":` + strconv.Itoa(i)
			r.answers["pilot_score"] = true
		}
		if i%3 == 0 {
			answers += `,"pilot_comment":"note ` + strconv.Itoa(i) + `"`
			r.answers["pilot_comment"] = true
		}
		sid := uuid.NewString()
		if i == 0 {
			first = sid
		}
		post(base, sid, answers, http.StatusCreated)
		responses = append(responses, r)
	}
	stop()
	time.Sleep(5 * time.Millisecond)

	base, stop = start(formsAfter)
	defer stop()
	for i := 0; i < 5; i++ {
		r := &sent{answers: map[string]bool{"overall": true}}
		answers := `"overall":4`
		if i%2 == 0 {
			answers += `,"follow_up":"yes"`
			r.answers["follow_up"] = true
		}
		post(base, uuid.NewString(), answers, http.StatusCreated)
		responses = append(responses, r)
	}
	// The first participant changes their response under the new form and
	// answers follow_up: their pilot answers stay, and they were asked it.
	post(base, first, `"overall":5,"follow_up":"no"`, http.StatusOK)
	responses[0].answers["follow_up"] = true

	count := func(id string, askedBefore bool) askedRow {
		var row askedRow
		for _, r := range responses {
			if r.answers[id] {
				row.n++
			}
			if r.answers[id] || r.before == askedBefore {
				row.asked++
			}
		}
		return row
	}
	want := map[string]askedRow{}
	for id, before := range map[string]bool{"follow_up": false, "pilot_comment": true, "pilot_score": true} {
		row := count(id, before)
		row.change = "removed"
		if !before {
			row.change = "added"
		}
		want[id] = row
	}
	if want["follow_up"].asked != 6 || want["pilot_score"].asked != 7 {
		t.Fatalf("the test means follow_up asked of 6, pilot_score of 7: %+v", want)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/admin/export.xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %v", res.StatusCode, err)
	}
	if got := changedQuestions(t, xlsx, "alpha"); !reflect.DeepEqual(got, want) {
		t.Errorf("questions changed %+v, want %+v", got, want)
	}
	lw.mu.Lock()
	logged := logs.String()
	lw.mu.Unlock()
	if !strings.Contains(logged, "the forms file changed since the last start") ||
		!strings.Contains(logged, "alpha/follow_up") || !strings.Contains(logged, "alpha/pilot_score") {
		t.Errorf("the restart did not log the change:\n%s", logged)
	}
}
