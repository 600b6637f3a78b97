package export_test

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"feedback/export"
	"feedback/forms"
)

// figuresForms is a forum of its own, unlike the shipped file: no
// satisfaction and no knowledge questions, but a declared headline
// (usefulness) and profile (sector, a choice with other: true), a rating
// asked only of those who attended online, a title and a time zone, and a
// workshop on a questionnaire of its own.
const figuresForms = `
title: Forum of Tests 2026
timezone: Asia/Tbilisi
languages: [en]
figures:
  headline: usefulness
  profile: [sector]
questionnaires:
  panel:
    - {id: panel_rating, type: rating, label: "How was the panel?"}
    - {id: panel_note, type: text, label: "A note for the panel?"}
questions:
  - id: usefulness
    type: rating
    required: true
    label: How useful was the session?
  - {id: pace, type: rating, min: 1, max: 3, label: "Was the pace right?"}
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
    options: [{id: government, label: Government}, {id: academia, label: Academia}]
  - {id: comment, type: text, label: "Anything else?"}
workshops:
  - {slug: east, title: East session}
  - {slug: west, title: West session}
  - {slug: panel, title: Closing panel, questionnaire: panel}
`

// figuresSectors is the sector each response chooses in turn ("" for none):
// over east's 30 responses every group has five people at least, over
// west's 12 most have fewer.
var figuresSectors = []string{"government", "academia", "government", "other", "", "government"}

// seedFigures stores the forum of f (figuresForms, with or without its
// figures) in a real SQLite file.
func seedFigures(t *testing.T, f *forms.Forms) *seeded {
	t.Helper()
	counts := map[string]int{"east": 30, "west": 12, "panel": 8}
	return seedForms(t, f, counts, func(w *forms.Workshop, i, global int) (string, forms.Answers) {
		if w.Slug == "panel" {
			a := forms.Answers{"panel_rating": {Number: 1 + (i*3)%5}}
			if i%2 == 0 {
				a["panel_note"] = forms.Answer{Text: fmt.Sprintf("panel note %d", i)}
			}
			return "en", a
		}
		a := forms.Answers{"usefulness": {Number: 1 + (i*7+2)%5}}
		if i%3 != 0 {
			a["pace"] = forms.Answer{Number: 1 + i%3}
		}
		// Every other response attended online; one in four of those
		// skips the stream question it is asked.
		switch {
		case i%2 == 1:
			a["attend"] = forms.Answer{Choices: []string{"online"}}
			if i%8 != 7 {
				a["stream"] = forms.Answer{Number: 1 + i%5}
			}
		case i%4 == 0:
			a["attend"] = forms.Answer{Choices: []string{"room"}}
		}
		if s := figuresSectors[i%len(figuresSectors)]; s != "" {
			a["sector"] = forms.Answer{Choices: []string{s}}
			if s == "other" {
				a["sector_other"] = forms.Answer{Text: fmt.Sprintf("a think tank (#%d)", global)}
			}
		}
		if i%5 == 0 {
			a["comment"] = forms.Answer{Text: fmt.Sprintf("comment %d", global)}
		}
		return "en", a
	})
}

// onlineOf counts the responses asked the stream question: those that
// chose online (or answered it all the same).
func onlineOf(rs []*forms.Response) int {
	n := 0
	for _, r := range rs {
		_, answered := r.Answers["stream"]
		if answered || chose([]*forms.Response{r}, "attend", "online") > 0 {
			n++
		}
	}
	return n
}

// chartTexts returns, for each chart of the book, its references and its
// text runs.
func chartTexts(b *book) (refs, texts []string) {
	ref := regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`)
	run := regexp.MustCompile(`<a:t>([^<]*)</a:t>`)
	for part, xml := range b.parts {
		if !strings.HasPrefix(part, "xl/charts/chart") {
			continue
		}
		var fs, ts []string
		for _, m := range ref.FindAllStringSubmatch(xml, -1) {
			fs = append(fs, html.UnescapeString(m[1]))
		}
		for _, m := range run.FindAllStringSubmatch(xml, -1) {
			ts = append(ts, html.UnescapeString(m[1]))
		}
		refs, texts = append(refs, strings.Join(fs, " ")), append(texts, strings.Join(ts, " "))
	}
	return refs, texts
}

func TestWorkbookDeclaredFigures(t *testing.T) {
	f := mustParse(t, figuresForms)
	s := seedFigures(t, f)
	tbilisi, err := time.LoadLocation("Asia/Tbilisi")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 25, 11, 30, 0, 0, time.UTC)
	b, _ := buildBook(t, s, export.Options{Now: now})

	t.Run("Overview", func(t *testing.T) {
		b := b.with(t)
		const sh = "Overview"
		rows := b.rows(sh)
		if rows[0][0] != "Forum of Tests 2026" {
			t.Errorf("title row %q, want the forum's title", rows[0])
		}
		// Every rating's mean, from the forms' questions in the order first
		// asked; no gain (none declared) and no NPS (no such question).
		ratings := []string{"usefulness", "pace", "stream", "panel_rating"}
		want := []string{"Workshop", "Responses", "Mean usefulness", "Mean pace", "Mean stream", "Mean panel rating"}
		if got := strings.Join(rows[1], "|"); got != strings.Join(want, "|") {
			t.Fatalf("header %q, want %q", got, strings.Join(want, "|"))
		}
		check := func(row int, rs []*forms.Response) {
			t.Helper()
			b.wantNum(sh, c(2, row), float64(len(rs)))
			for i, id := range ratings {
				if m, ok := meanOf(rs, id); ok {
					b.wantNum(sh, c(3+i, row), m)
				} else {
					b.wantEmpty(sh, c(3+i, row))
				}
			}
		}
		for i, w := range f.Workshops {
			if got := b.str(sh, c(1, 3+i)); got != w.Title.Get("en") {
				t.Errorf("row %d is %q, want %s", 3+i, got, w.Slug)
			}
			check(3+i, s.byWorkshop(w.Slug))
		}
		check(3+len(f.Workshops), s.responses)
		panes, err := b.x.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("title and header should stay in view: %+v %v", panes, err)
		}
		// One chart: the headline's mean over the workshop rows, titled
		// with its question.
		refs, texts := chartTexts(b)
		charts := 0
		for i, r := range refs {
			if strings.Contains(r, "'Overview'!") {
				charts++
				if !strings.Contains(r, "'Overview'!$C$3:$C$5") || !strings.Contains(r, "'Overview'!$A$3:$A$5") {
					t.Errorf("overview chart of %s, want the headline's column C over rows 3–5", r)
				}
				if !strings.Contains(texts[i], "How useful was the session?") || strings.Contains(strings.ToLower(texts[i]), "satisf") {
					t.Errorf("overview chart titled %q, want the headline's label", texts[i])
				}
			}
		}
		if charts != 1 {
			t.Errorf("%d charts on the Overview, want 1", charts)
		}
	})

	t.Run("WorkshopSheet", func(t *testing.T) {
		b := b.with(t)
		const sh = "east"
		rs := s.byWorkshop(sh)
		rows := b.rows(sh)
		m, _ := meanOf(rs, "usefulness")
		b.wantNum(sh, c(3, findRow(t, rows, 1, "Mean usefulness", 2)), m)
		for _, row := range rows {
			if len(row) > 0 && (strings.Contains(strings.ToLower(row[0]), "gain") || strings.Contains(row[0], "satisfaction")) {
				t.Errorf("%s: %q, a figure not declared", sh, row[0])
			}
		}
		// The conditional rating: asked of those online only.
		row := findRow(t, rows, 1, "stream", 3)
		b.wantNum(sh, c(3, row), float64(answered(rs, "stream")))
		b.wantNum(sh, c(4, row), float64(onlineOf(rs)))
		if onlineOf(rs) == len(rs) || onlineOf(rs) == answered(rs, "stream") {
			t.Fatal("the seed should ask stream of some responses, and some of those skip it")
		}
		// sector is a profile question: a breakdown, not a table of its own.
		if findRow(t, rows, 1, "Who answered", 3) == 0 || hasFigure(rows, "sector") {
			t.Error("sector should be under Who answered only")
		}
		head := findRow(t, rows, 2, "Where do you work?", findRow(t, rows, 1, "Who answered", 3))
		if got := strings.Join(rows[head-1][:5], "|"); got != "Group|Where do you work?|People|Share|Mean usefulness" {
			t.Errorf("breakdown header %q", got)
		}
		for i, opt := range []string{"government", "academia", "other", ""} {
			g := group(rs, "sector", opt)
			r := head + 1 + i
			if len(g) < 5 {
				t.Fatalf("east's sector %q has %d people; the seed means five or more", opt, len(g))
			}
			b.wantNum(sh, c(3, r), float64(len(g)))
			b.wantNum(sh, c(4, r), float64(len(g))/float64(len(rs)))
			gm, _ := meanOf(g, "usefulness")
			b.wantNum(sh, c(5, r), gm)
		}
		// west's groups are small: every figure of them is hidden.
		west := b.rows("west")
		head = findRow(t, west, 2, "Where do you work?", findRow(t, west, 1, "Who answered", 3))
		if g := group(s.byWorkshop("west"), "sector", "academia"); len(g) >= 5 || b.str("west", c(5, head+2)) != "<5" {
			t.Errorf("west's academia (%d people) shows %q", len(g), b.str("west", c(5, head+2)))
		}
	})

	t.Run("OwnQuestionnaire", func(t *testing.T) {
		b := b.with(t)
		const sh = "panel"
		rs := s.byWorkshop(sh)
		rows := b.rows(sh)
		row := findRow(t, rows, 1, "panel_rating", 3)
		m, _ := meanOf(rs, "panel_rating")
		b.wantNum(sh, c(3, row), float64(len(rs)))
		b.wantNum(sh, c(4, row), float64(len(rs)))
		b.wantNum(sh, c(5, row), m)
		for _, row := range rows {
			if len(row) > 0 && (row[0] == "usefulness" || row[0] == "Mean usefulness" || row[0] == "Who answered") {
				t.Errorf("panel's sheet has %q, which its questionnaire does not ask", row[0])
			}
		}
		// Its answers are in their own columns of Responses.
		resp := b.rows("Responses")
		col := map[string]int{}
		for i, h := range resp[0] {
			col[h] = i
		}
		want := []string{"submission_id", "workshop", "submitted_at_utc", "language", "source"}
		for _, q := range f.Questions() {
			want = append(want, q.ID)
		}
		if got := strings.Join(resp[0], "|"); got != strings.Join(want, "|") || col["sector_other"] == 0 {
			t.Fatalf("Responses header %q, want %q", got, strings.Join(want, "|"))
		}
		for i, r := range s.responses {
			cells := append(resp[i+1], make([]string, len(want))...)
			if r.Workshop != sh {
				continue
			}
			if cells[col["panel_rating"]] != fmt.Sprint(r.Answers["panel_rating"].Number) || cells[col["usefulness"]] != "" ||
				cells[col["panel_note"]] != r.Answers["panel_note"].Text {
				t.Errorf("response %d: %q", i+1, cells)
			}
			if cells[2] != r.SubmittedAt.UTC().Format("2006-01-02 15:04:05") {
				t.Errorf("response %d submitted at %q, want UTC %s", i+1, cells[2], r.SubmittedAt.UTC())
			}
		}
	})

	t.Run("Comments", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("Comments")
		if rows[0][4] != "Submitted at (Asia/Tbilisi)" {
			t.Errorf("comments header %q", rows[0])
		}
		others := 0
		byText := map[string][]string{}
		for _, row := range rows[1:] {
			byText[row[2]] = row
		}
		for _, r := range s.responses {
			text := r.Answers["sector_other"].Text
			if text == "" {
				continue
			}
			others++
			row := byText[text]
			if row == nil || row[1] != "Where do you work? — Other (please specify)" {
				t.Errorf("the other text %q should be a comment under its question: %q", text, row)
				continue
			}
			if want := r.SubmittedAt.In(tbilisi).Format("2006-01-02 15:04:05"); row[4] != want {
				t.Errorf("%q submitted at %q, want Tbilisi time %s", text, row[4], want)
			}
		}
		if others == 0 || len(rows)-1 != len(commentsOf(f, s.responses)) {
			t.Errorf("%d other texts; %d comments, want %d", others, len(rows)-1, len(commentsOf(f, s.responses)))
		}
	})

	t.Run("About", func(t *testing.T) {
		b := b.with(t)
		rows := b.rows("About")
		if rows[0][0] != "Forum of Tests 2026" {
			t.Errorf("About starts %q, want the forum's title", rows[0])
		}
		row := findRow(t, rows, 1, "Exported at (Asia/Tbilisi)", 2)
		if got := b.str("About", c(2, row)); got != "2026-06-25 15:30:00" {
			t.Errorf("exported at %q, want Tbilisi time", got)
		}
		// The codebook's asked of: the conditional rating and the other
		// text over every response.
		for id, asked := range map[string]int{"stream": onlineOf(s.responses), "sector_other": chose(s.responses, "sector", "other"), "usefulness": len(s.responses) - len(s.byWorkshop("panel"))} {
			r := findRow(t, rows, 1, id, row)
			b.wantNum("About", c(7, r), float64(answered(s.responses, id)))
			b.wantNum("About", c(8, r), float64(asked))
		}
		if r := findRow(t, rows, 1, "sector_other", row); rows[r-1][4] != "Where do you work? — Other (please specify)" {
			t.Errorf("codebook names sector_other %q", rows[r-1][4])
		}
		all := fmt.Sprint(rows)
		if !strings.Contains(all, "grouped by sector") || strings.Contains(all, "role, region") || strings.Contains(strings.ToLower(all), "satisfaction") {
			t.Errorf("About should speak of the declared figures only:\n%s", all)
		}
	})
}

// TestWorkbookNoFigures: a forms file that declares no figures gets none of
// them: no headline chart or figure, no gain, no breakdown of who answered.
func TestWorkbookNoFigures(t *testing.T) {
	f := mustParse(t, strings.Replace(figuresForms, "figures:\n  headline: usefulness\n  profile: [sector]\n", "", 1))
	if f.Figures.Headline != "" || len(f.Figures.Profile) != 0 {
		t.Fatalf("figures %+v, want none", f.Figures)
	}
	s := seedFigures(t, f)
	b, _ := buildBook(t, s, export.Options{})

	refs, _ := chartTexts(b)
	for _, r := range refs {
		if strings.Contains(r, "'Overview'!") {
			t.Errorf("a chart of the Overview (%s) without a headline", r)
		}
	}
	if got := strings.Join(b.rows("Overview")[1], "|"); got != "Workshop|Responses|Mean usefulness|Mean pace|Mean stream|Mean panel rating" {
		t.Errorf("Overview header %q", got)
	}
	for _, w := range f.Workshops {
		rows := b.rows(w.Slug)
		for _, row := range rows {
			if len(row) > 0 && (strings.HasPrefix(row[0], "Mean ") || strings.Contains(strings.ToLower(row[0]), "gain") || row[0] == "Who answered") {
				t.Errorf("%s: %q without a declared figure", w.Slug, row[0])
			}
		}
		// sector is then a choice like any other, with its table.
		if w.Question("sector") != nil {
			top := findRow(t, rows, 1, "sector", 3)
			rs := s.byWorkshop(w.Slug)
			b.wantNum(w.Slug, c(3, findRow(t, rows, 1, "government", top)), float64(chose(rs, "sector", "government")))
		}
	}
	about := fmt.Sprint(b.rows("About"))
	for _, unwanted := range []string{"Who answered", "grouped by", "gain", "chart of the mean"} {
		if strings.Contains(about, unwanted) {
			t.Errorf("About says %q without a declared figure", unwanted)
		}
	}
}
