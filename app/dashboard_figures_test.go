package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"feedback/forms"
	"feedback/store"
)

// dashboardFiguresForms is a forum unlike the shipped one: its headline is
// usefulness (there is no satisfaction and no knowledge question), its
// profile a choice with other: true, one rating is asked only of those who
// attended online, and it has a title and a time zone.
const dashboardFiguresForms = `
title: Forum of Tests 2026
timezone: Asia/Tbilisi
languages: [en]
figures:
  headline: usefulness
  profile: [sector]
questions:
  - {id: usefulness, type: rating, required: true, label: "How useful was the session?"}
  - id: attend
    type: single
    label: How did you attend?
    options: [{id: room, label: In the room}, {id: online, label: Online}]
  - id: stream
    type: rating
    label: How good was the stream?
    show_if: {question: attend, in: [online]}
  - id: sector
    type: single
    other: true
    label: Where do you work?
    options: [{id: government, label: Government}]
workshops:
  - {slug: east, title: East session}
  - {slug: west, title: West session}
`

// dashboardOf serves the dashboard of the forms file text, after storing
// answers[slug] as responses to each workshop, and returns the page.
func dashboardOf(t *testing.T, text string, answers map[string][]forms.Answers) string {
	t.Helper()
	f, err := forms.Parse("dashboard.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "feedback.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := newServer(config{AdminToken: adminTestToken, PublicURL: "http://localhost:8080", LoginWait: -1}, f, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, w := range f.Workshops {
		for _, a := range answers[w.Slug] {
			r := &forms.Response{SubmissionID: fmt.Sprintf("20000000-0000-4000-8000-%012d", n), Workshop: w.Slug, Lang: "en",
				SubmittedAt: time.Date(2026, 6, 25, 11, n, 0, 0, time.UTC), Answers: a}
			if _, err := db.SaveResponse(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	res, body := adminDo(t, s.app(), bearerGet(t, "/admin"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	return body
}

// dashboardFiguresAnswers are the responses the tests store: east's
// usefulness scores 5, 4, 2 and one "other" sector with its words; west's
// none.
func dashboardFiguresAnswers() map[string][]forms.Answers {
	online := forms.Answer{Choices: []string{"online"}}
	return map[string][]forms.Answers{"east": {
		{"usefulness": {Number: 5}, "attend": online, "stream": {Number: 3}},
		{"usefulness": {Number: 4}, "sector": {Choices: []string{"other"}}, "sector_other": {Text: "A think tank"}},
		{"usefulness": {Number: 2}, "sector": {Choices: []string{"government"}}},
	}}
}

// overviewRow returns a workshop's row of the side-by-side table.
func overviewRow(t *testing.T, body, slug string) string {
	t.Helper()
	i := strings.Index(body, `<tr><th scope="row"><a href="#w-`+slug+`">`)
	if i < 0 {
		t.Fatalf("no row of %s", slug)
	}
	row := body[i:]
	return row[:strings.Index(row, "</tr>")]
}

// workshopSection returns the dashboard's section of one workshop.
func workshopSection(t *testing.T, body, slug string) string {
	t.Helper()
	i := strings.Index(body, `id="w-`+slug+`"`)
	if i < 0 {
		t.Fatalf("no section of %s", slug)
	}
	section := body[i:]
	return section[:strings.Index(section, "</section>")]
}

func TestDashboardDeclaredFigures(t *testing.T) {
	body := dashboardOf(t, dashboardFiguresForms, dashboardFiguresAnswers())
	t.Run("Headline", func(t *testing.T) {
		mean := fmt.Sprintf("%.2f", float64(5+4+2)/3)
		if !strings.Contains(body, `<th scope="col">Mean: How useful was the session? (1–5)</th>`) {
			t.Error("the side-by-side table should have a column of the headline, named by its label and scale")
		}
		if !strings.Contains(overviewRow(t, body, "east"), `<td data-label="Mean: How useful was the session? (1–5)">`+mean+`</td>`) ||
			!strings.Contains(workshopSection(t, body, "east"), "3 responses · mean "+mean) {
			t.Errorf("east should lead with the headline's mean %s", mean)
		}
		// West asks it, but nobody answered yet.
		if !strings.Contains(overviewRow(t, body, "west"), `(1–5)">–</td>`) {
			t.Error("west should show the headline with no mean")
		}
		// The comparison chart: east's bar, west's none.
		if !strings.Contains(body, "Mean of “How useful was the session?” (1–5) by workshop: East session: "+mean+"; West session: –.") {
			t.Error("the comparison chart should compare the workshops on the headline")
		}
	})
	t.Run("NothingUndeclared", func(t *testing.T) {
		lower := strings.ToLower(body)
		for _, unwanted := range []string{"satisf", "gain", "net promoter"} {
			if strings.Contains(lower, unwanted) {
				t.Errorf("the dashboard speaks of %q, which these forms neither declare nor ask", unwanted)
			}
		}
	})
	t.Run("ForumTitleAndTime", func(t *testing.T) {
		if !strings.Contains(body, "<h1>Forum of Tests 2026: Results</h1>") {
			t.Error("the forum's title should head the dashboard")
		}
		// 11:01 UTC is 15:01 in Tbilisi.
		if !strings.Contains(body, "2026-06-25 15:01 (Asia/Tbilisi)") || strings.Contains(body, " UTC") {
			t.Error("comment times should be the forum's, labelled with its zone")
		}
	})
	t.Run("OtherIsAComment", func(t *testing.T) {
		i := strings.Index(body, "A think tank")
		if i < 0 || !strings.Contains(body[i:], "Where do you work? — Other (please specify)") {
			t.Error("the words given for other should be a comment under the choice's label")
		}
	})
}

func TestDashboardNoFigures(t *testing.T) {
	text := strings.Replace(dashboardFiguresForms, "figures:\n  headline: usefulness\n  profile: [sector]\n", "", 1)
	body := dashboardOf(t, text, dashboardFiguresAnswers())
	east := workshopSection(t, body, "east")
	if strings.Contains(body, "Mean") || strings.Contains(strings.ToLower(body), "gain") || strings.Contains(body, `class="compare"`) {
		t.Errorf("no figure is declared, none should be shown, nor a chart comparing the workshops on one:\n%s", body)
	}
	if !strings.Contains(overviewRow(t, body, "east"), `<td data-label="Responses">3</td>`) || strings.Count(east, `class="dist-bar"`) != 2 {
		t.Errorf("east should still show its 3 responses and the distribution of each rating:\n%s", east)
	}
}

// TestDashboardFromCounts stores over a thousand responses and checks what
// the dashboard makes of them: counts with thousands separators, the mean
// the test computes, the top themes, the ten newest comments and a link to
// the rest.
func TestDashboardFromCounts(t *testing.T) {
	a := mustAppOn(t, dashboardForms(t), func(*config) {})
	ctx := context.Background()
	const alpha, beta = 1003, 2
	sum, ids := 0, []string{}
	for i := 0; i < alpha+beta; i++ {
		slug, score := "alpha", 1+i*7%5
		if i >= alpha {
			slug = "beta"
		} else {
			sum += score
		}
		saved, err := a.db.SaveResponse(ctx, &forms.Response{SubmissionID: fmt.Sprintf("40000000-0000-4000-8000-%012d", i), Workshop: slug, Lang: "en",
			SubmittedAt: time.Date(2026, 6, 25, 9, 0, i, 0, time.UTC), Answers: forms.Answers{"overall": {Number: score}, "comment": {Text: fmt.Sprintf("Comment number %d.", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ID)
	}
	// Four themes on alpha's comments, coding 4, 3, 2 and 1 of them: the
	// three most are shown, most first.
	extra, err := a.db.AddTheme(ctx, "Facilitation")
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.db.AddTheme(ctx, "Venue")
	if err != nil {
		t.Fatal(err)
	}
	coded := map[string]int{"skills": 2, "digital": 3, extra.ID: 4, other.ID: 1}
	for theme, n := range coded {
		for i := 0; i < n; i++ {
			if err := a.db.TagComment(ctx, ids[i], "comment", theme, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.db.StarComment(ctx, ids[7], "comment", true); err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetTranslation(ctx, ids[7], "comment", "Seventh comment, in a colleague's words."); err != nil {
		t.Fatal(err)
	}
	res, body := a.do(t, get("/admin", "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	total := thousands(alpha + beta)
	if !strings.Contains(body, total+" responses and "+total+" comments so far") {
		t.Errorf("the lead should count %s responses and comments", total)
	}
	row := overviewRow(t, body, "alpha")
	mean := fmt.Sprintf("%.2f", float64(sum)/alpha)
	if !strings.Contains(row, `<td data-label="Responses">1,003</td>`) || !strings.Contains(row, ">"+mean+"</td>") {
		t.Errorf("alpha's row should show 1,003 responses and mean %s:\n%s", mean, row)
	}
	if want := `<li>Facilitation: 4</li><li>Digital tools: 3</li><li>Skills and training: 2</li></ul>`; !strings.Contains(row, want) {
		t.Errorf("alpha's top themes should be %s:\n%s", want, row)
	}
	if !strings.Contains(workshopSection(t, body, "alpha"), "n = 1,003, mean "+mean) {
		t.Error("alpha's distribution should say n = 1,003")
	}
	latest := body[strings.Index(body, "<h3>Latest comments</h3>"):]
	if n := strings.Count(latest, "<blockquote"); n != latestComments {
		t.Errorf("%d latest comments, want %d", n, latestComments)
	}
	newest := fmt.Sprintf("Comment number %d.", alpha+beta-1)
	if i := strings.Index(latest, "<blockquote"); i < 0 || !strings.HasPrefix(latest[strings.Index(latest[i:], ">")+i+1:], newest) {
		t.Errorf("the newest comment, %q, should come first", newest)
	}
	if !strings.Contains(latest, `<a href="/admin/comments">All `+total+` comments →</a>`) {
		t.Error("the latest comments should link to all of them")
	}
	quotes := body[strings.Index(body, "<h3>Key quotes</h3>"):strings.Index(body, "<h3>Latest comments</h3>")]
	if !strings.Contains(quotes, "Comment number 7.") || strings.Count(quotes, "<blockquote") != 1 {
		t.Errorf("the one key quote should be listed:\n%s", quotes)
	}
	if !strings.Contains(quotes, `<p class="translation" lang="en" dir="ltr">Seventh comment, in a colleague&#39;s words.</p>`) {
		t.Errorf("the key quote's translation should be under it:\n%s", quotes)
	}
}
