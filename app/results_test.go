package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/xuri/excelize/v2"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
)

// resultsForms is the small fixture with sector declared as the profile and
// a third workshop, gamma, published by the forms file.
func resultsForms(tb testing.TB) *forms.Forms {
	tb.Helper()
	f, err := forms.Parse("results.yaml", append(formstest.Bytes(),
		"  - slug: gamma\n    title: Gamma session\n    results: public\nfigures:\n  profile: [sector]\n"...))
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

// publishResults presses one of the organizer's results buttons as she
// does: with her session cookie and the page's CSRF token.
func publishResults(t *testing.T, a *testApp, slug, action string) {
	t.Helper()
	cookie, csrf := organizerLogin(t, a)
	req := postForm("/admin/workshops/"+slug+"/results", url.Values{"action": {action}, "csrf": {csrf}})
	req.AddCookie(cookie)
	if res, body := a.do(t, req); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s %s: %d: %s", action, slug, res.StatusCode, body)
	}
}

func TestResultsShownOnlyPublishedAndClosed(t *testing.T) {
	a := mustAppOn(t, resultsForms(t), func(*config) {})
	status := func(path string) int {
		t.Helper()
		res, _ := a.do(t, get(path))
		return res.StatusCode
	}
	check := func(step, slug string, want int) {
		t.Helper()
		for _, p := range []string{"/results/" + slug, "/results/" + slug + ".json"} {
			if got := status(p); got != want {
				t.Errorf("%s: GET %s = %d, want %d", step, p, got, want)
			}
		}
	}
	check("ErrUnknownWorkshop", "no-such", http.StatusNotFound)
	check("ErrUnpublishedOpen", "alpha", http.StatusNotFound)
	check("ErrPublishedByFileStillOpen", "gamma", http.StatusNotFound)
	setWorkshop(t, a, "alpha", "close")
	check("ErrClosedUnpublished", "alpha", http.StatusNotFound)
	if _, page := a.do(t, get("/w/alpha")); strings.Contains(page, "/results/alpha") {
		t.Error("the closed form links to unpublished results")
	}

	// Without the CSRF token the organizer's cookie publishes nothing.
	cookie, _ := organizerLogin(t, a)
	req := postForm("/admin/workshops/alpha/results", url.Values{"action": {"publish"}})
	req.AddCookie(cookie)
	if res, _ := a.do(t, req); res.StatusCode != http.StatusForbidden {
		t.Errorf("publish without CSRF: %d, want 403", res.StatusCode)
	}
	check("ErrNoCSRF", "alpha", http.StatusNotFound)

	publishResults(t, a, "alpha", "publish")
	check("OKPublishedClosed", "alpha", http.StatusOK)
	if _, page := a.do(t, get("/w/alpha?lang=fr")); !strings.Contains(page, `href="/results/alpha"`) || !strings.Contains(page, "Voir les résultats") {
		t.Errorf("the closed form does not link to its results in French:\n%s", page)
	}
	setWorkshop(t, a, "alpha", "open")
	check("ErrPublishedReopened", "alpha", http.StatusNotFound)

	setWorkshop(t, a, "gamma", "close")
	check("OKPublishedByFile", "gamma", http.StatusOK)
	publishResults(t, a, "gamma", "unpublish")
	check("ErrWithdrawnOverTheFile", "gamma", http.StatusNotFound)
	if _, page := a.do(t, get("/admin/workshops", "Authorization", "Bearer "+testToken)); !strings.Contains(page, `value="file"`) {
		t.Error("the workshops page offers no way back to the forms file")
	}
	publishResults(t, a, "gamma", "file")
	check("OKBackToTheFile", "gamma", http.StatusOK)
}

// storedResults stores 20 responses to alpha whose figures the test knows:
// sector 10 / 7 / 3, overall with scores of 2 and 0 people, recommend
// answered by 12, formats with exercises chosen by 3. Each fourth response
// has a comment; the one of response 5 is starred.
func storedResults(t *testing.T, a *testApp) []forms.Answers {
	t.Helper()
	ctx := context.Background()
	overall := []int{5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2, 2}
	var all []forms.Answers
	for i := range 20 {
		an := forms.Answers{"overall": {Number: overall[i]}, "pace": {Number: 1 + i%3}}
		switch {
		case i < 10:
			an["sector"] = forms.Answer{Choices: []string{"government"}}
		case i < 17:
			an["sector"] = forms.Answer{Choices: []string{"academia"}}
		default:
			an["sector"] = forms.Answer{Choices: []string{"other"}}
		}
		if i < 12 {
			an["recommend"] = forms.Answer{Number: map[bool]int{true: 10, false: 3}[i < 8]}
		}
		if i < 15 {
			an["formats"] = forms.Answer{Choices: []string{"talks"}}
			if i < 3 {
				an["formats"] = forms.Answer{Choices: []string{"talks", "exercises"}}
			}
		}
		if i%4 == 1 {
			an["comment"] = forms.Answer{Text: fmt.Sprintf("private remark %02d", i)}
		}
		saved, err := a.db.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: "fr", Answers: an})
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			if err := a.db.StarComment(ctx, saved.ID, "comment", true); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, an)
	}
	return all
}

// expectedFigure is what the JSON says of a figure the test computed.
func expectedFigure(v float64, hidden bool) any {
	if hidden {
		return forms.Hidden
	}
	return v
}

// expectedQuestion computes a question's n, mean and counts from the stored
// answers, hiding the groups named.
func expectedQuestion(q *forms.Question, answers []forms.Answers, hidden ...string) map[string]any {
	n, sum, counts := 0, 0, map[string]float64{}
	for _, an := range answers {
		a, ok := an[q.ID]
		switch {
		case !ok:
		case q.IsScore():
			n, sum = n+1, sum+a.Number
			counts[strconv.Itoa(a.Number)]++
		case len(a.Choices) > 0:
			n++
			for _, c := range a.Choices {
				counts[c]++
			}
		}
	}
	var ids []string
	for s := q.Min; q.IsScore() && s <= q.Max; s++ {
		ids = append(ids, strconv.Itoa(s))
	}
	for _, o := range q.Options {
		ids = append(ids, o.ID)
	}
	out := map[string]any{}
	for _, id := range ids {
		out[id] = expectedFigure(counts[id], strings.Contains(" "+strings.Join(hidden, " ")+" ", " "+id+" "))
	}
	want := map[string]any{"n": expectedFigure(float64(n), n < 5), "counts": out}
	if q.IsScore() {
		want["mean"] = expectedFigure(float64(sum)/float64(n), n < 5)
	}
	return want
}

func TestResultsFigures(t *testing.T) {
	a := mustAppOn(t, resultsForms(t), func(*config) {})
	answers := storedResults(t, a)
	setWorkshop(t, a, "alpha", "close")
	publishResults(t, a, "alpha", "publish")

	res, body := a.do(t, get("/results/alpha.json"))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	w := a.srv.forms.Workshop("alpha")
	want := map[string]any{
		"slug": "alpha", "title": "Alpha session", "responses": 20.0,
		"questions": map[string]any{
			"overall":   expectedQuestion(w.Question("overall"), answers, "1", "2"),
			"pace":      expectedQuestion(w.Question("pace"), answers),
			"recommend": expectedQuestion(w.Question("recommend"), answers, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
			// One group of 3 among 20: the smallest other one is hidden too.
			"sector":  expectedQuestion(w.Question("sector"), answers, "academia", "other"),
			"formats": expectedQuestion(w.Question("formats"), answers, "exercises", "talks"),
		},
		"profile": map[string]any{"sector": map[string]any{"government": 10.0, "academia": forms.Hidden, "other": forms.Hidden}},
	}
	gotJSON, _ := json.MarshalIndent(got, "", " ")
	wantJSON, _ := json.MarshalIndent(want, "", " ")
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("figures\n got: %s\nwant: %s", gotJSON, wantJSON)
	}
	if strings.Contains(body, "remark") || strings.Contains(body, "comment") {
		t.Errorf("the open data has comments: %s", body)
	}
	resultsMatchWorkbook(t, a, "alpha", got)

	res, page := a.do(t, get("/results/alpha?lang=fr"))
	if res.StatusCode != http.StatusOK || !strings.Contains(page, `<html lang="fr"`) || !strings.Contains(page, "Séance alpha") {
		t.Fatalf("page: %d\n%s", res.StatusCode, page)
	}
	if !strings.Contains(page, "private remark 05") {
		t.Error("the page lacks the starred quote")
	}
	for _, i := range []int{1, 9, 13, 17} {
		if c := fmt.Sprintf("private remark %02d", i); strings.Contains(page, c) {
			t.Errorf("the page shows an unstarred comment: %q", c)
		}
	}
	if !strings.Contains(page, "&lt;5") || !strings.Contains(page, "3.85") || strings.Contains(page, "<script") {
		t.Errorf("page figures (want <5, mean 3.85, no script):\n%s", page)
	}
}

// resultsMatchWorkbook holds the open data's n and mean of every score
// question to the rapporteur's workbook, read back with excelize: the
// workshop sheet's row of the question (n in column C, mean in E).
func resultsMatchWorkbook(t *testing.T, a *testApp, slug string, got map[string]any) {
	t.Helper()
	res, body := a.do(t, get("/admin/export.xlsx?workshop="+slug, "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("workbook: %d", res.StatusCode)
	}
	x, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(slug)
	if err != nil {
		t.Fatal(err)
	}
	questions := got["questions"].(map[string]any)
	checked := 0
	for _, q := range a.srv.forms.Workshop(slug).Questions {
		if !q.IsScore() {
			continue
		}
		fig := questions[q.ID].(map[string]any)
		for _, row := range rows {
			if len(row) < 5 || row[0] != q.ID {
				continue
			}
			n, _ := strconv.Atoi(row[2])
			mean, _ := strconv.ParseFloat(row[4], 64)
			if float64(n) != fig["n"] || math.Abs(mean-fig["mean"].(float64)) > 0.005 {
				t.Errorf("%s: the open data says n %v, mean %v; the workbook n %d, mean %v", q.ID, fig["n"], fig["mean"], n, row[4])
			}
			checked++
			break
		}
	}
	if checked < 2 {
		t.Errorf("only %d score questions found on the workbook's %s sheet", checked, slug)
	}
}
