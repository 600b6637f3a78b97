package main

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"feedback/forms"
)

// deckFixture is the app the deck tests present: the small fixture with
// gamma (left without responses) and overall as the headline, with the
// responses and starred quotes deckSeed stores.
type deckFixture struct {
	*testApp
	// answers are what was stored, by workshop.
	answers map[string][]forms.Answers
	// ids are the stored responses' ids, by workshop, in answers' order.
	ids map[string][]string
}

// deckAnswers are alpha's and beta's responses; gamma has none.
func deckAnswers() map[string][]forms.Answers {
	return map[string][]forms.Answers{
		"alpha": {
			{"overall": {Number: 5}, "pace": {Number: 3}, "recommend": {Number: 10}, "comment": {Text: "Stewards make open data work"}},
			{"overall": {Number: 4}, "pace": {Number: 2}, "recommend": {Number: 6}, "comment": {Text: "Les ateliers pratiques étaient utiles"}},
			{"overall": {Number: 2}, "recommend": {Number: 9}, "comment": {Text: "Too short, unstarred"}},
		},
		"beta": {
			{"overall": {Number: 3}, "pace": {Number: 1}, "beta_idea": {Text: "الأدوات الرقمية تحتاج تدريبا"}},
		},
	}
}

func newDeckFixture(t *testing.T) *deckFixture {
	t.Helper()
	f := dashboardForms(t)
	f.Title = forms.Text{"en": "Forum of Tests 2026"}
	a := mustAppOn(t, f, func(*config) {})
	fx := &deckFixture{testApp: a, answers: deckAnswers(), ids: map[string][]string{}}
	langs := map[string][]string{"alpha": {"en", "fr", "en"}, "beta": {"ar"}}
	n := 0
	for _, slug := range []string{"alpha", "beta"} {
		for i, ans := range fx.answers[slug] {
			r := &forms.Response{SubmissionID: fmt.Sprintf("30000000-0000-4000-8000-%012d", n), Workshop: slug, Lang: langs[slug][i],
				SubmittedAt: time.Date(2026, 6, 25, 11, n, 0, 0, time.UTC), Answers: ans}
			saved, err := a.db.SaveResponse(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			fx.ids[slug] = append(fx.ids[slug], saved.ID)
			n++
		}
	}
	ctx := context.Background()
	// Alpha's first two comments and beta's idea are key quotes; the French
	// one has a translation; the first and beta's are coded as skills.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.db.StarComment(ctx, fx.ids["alpha"][0], "comment", true))
	must(a.db.StarComment(ctx, fx.ids["alpha"][1], "comment", true))
	must(a.db.StarComment(ctx, fx.ids["beta"][0], "beta_idea", true))
	must(a.db.SetTranslation(ctx, fx.ids["alpha"][1], "comment", "The hands-on workshops were useful"))
	must(a.db.TagComment(ctx, fx.ids["alpha"][0], "comment", "skills", true))
	must(a.db.TagComment(ctx, fx.ids["beta"][0], "beta_idea", "skills", true))
	must(a.db.TagComment(ctx, fx.ids["alpha"][2], "comment", "digital", true))
	return fx
}

// admin gets path as the rapporteur.
func (fx *deckFixture) admin(t *testing.T, path string) (int, string) {
	t.Helper()
	res, body := fx.do(t, get(path, "Authorization", "Bearer "+testToken))
	return res.StatusCode, body
}

var slideOpen = regexp.MustCompile(`<section class="slide [^"]*" id="slide-(\d+)"`)

// slides splits the deck into its slides' markup, in order.
func slides(t *testing.T, body string) []string {
	t.Helper()
	locs := slideOpen.FindAllStringIndex(body, -1)
	var out []string
	for i, l := range locs {
		end := strings.Index(body[l[0]:], "</section>")
		if end < 0 {
			t.Fatalf("slide %d is not closed", i+1)
		}
		out = append(out, body[l[0]:l[0]+end])
	}
	return out
}

// slideTitled is the slide whose heading is title.
func slideTitled(t *testing.T, all []string, title string) string {
	t.Helper()
	for _, s := range all {
		if strings.Contains(s, `-title">`+title+`</h2>`) {
			return s
		}
	}
	t.Fatalf("no slide titled %q", title)
	return ""
}

func TestPresentSlides(t *testing.T) {
	fx := newDeckFixture(t)
	f := fx.srv.forms
	themes, err := fx.db.Themes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := 1 + len(f.Workshops) + 1 + len(themes)
	status, body := fx.admin(t, "/admin/present")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	all := slides(t, body)
	if len(all) != total {
		t.Fatalf("%d slides, want %d (title, %d workshops, comparison, %d themes)", len(all), total, len(f.Workshops), len(themes))
	}
	for i, w := range f.Workshops {
		if !strings.Contains(all[1+i], `-title">`+w.Title.Get("en")+`</h2>`) {
			t.Errorf("slide %d should be %s's", i+2, w.Slug)
		}
		if !strings.Contains(all[1+i], `href="/admin/report/`+w.Slug+`"`) {
			t.Errorf("%s's slide does not link to its report", w.Slug)
		}
	}
	for i, th := range themes {
		if !strings.Contains(all[2+len(f.Workshops)+i], `-title">`+th.Label+`</h2>`) {
			t.Errorf("slide %d should be the theme %s", 3+len(f.Workshops)+i, th.Label)
		}
	}
	if !strings.Contains(slideTitled(t, all, "Gamma session"), "No responses yet.") {
		t.Error("gamma has no responses, and its slide should say so")
	}
	if !strings.Contains(body, `<html lang="en" dir="ltr">`) || strings.Contains(body, "http://") && !strings.Contains(body, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the deck is an English page that loads nothing from another host")
	}
	if st, _ := fx.do(t, get("/admin/present")); st.StatusCode != http.StatusUnauthorized {
		t.Errorf("the deck without the token: %d, want 401", st.StatusCode)
	}
}

func TestPresentSlideLinks(t *testing.T) {
	fx := newDeckFixture(t)
	_, body := fx.admin(t, "/admin/present")
	total := len(slides(t, body))
	for _, c := range []struct {
		name, query string
		want        int
	}{
		{"First", "", 1},
		{"Second", "?slide=2", 2},
		{"Last", "?slide=" + strconv.Itoa(total), total},
		{"PastTheEnd", "?slide=" + strconv.Itoa(total+5), total},
		{"Zero", "?slide=0", 1},
		{"NotANumber", "?slide=two", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := fx.admin(t, "/admin/present"+c.query)
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			if !regexp.MustCompile(fmt.Sprintf(`class="slide slide-\w+ current" id="slide-%d"`, c.want)).MatchString(body) {
				t.Errorf("slide %d should be the one shown", c.want)
			}
			if n := strings.Count(body, " current\""); n != 1 {
				t.Errorf("%d slides shown, want 1", n)
			}
			if !strings.Contains(body, fmt.Sprintf(`<span id="where" aria-live="polite">%d / %d</span>`, c.want, total)) {
				t.Errorf("the deck should say %d / %d", c.want, total)
			}
			prev := fmt.Sprintf(`<a id="prev" rel="prev" href="/admin/present?slide=%d">Previous</a>`, c.want-1)
			if c.want == 1 {
				prev = `<a id="prev" rel="prev">Previous</a>`
			}
			next := fmt.Sprintf(`<a id="next" rel="next" href="/admin/present?slide=%d">Next</a>`, c.want+1)
			if c.want == total {
				next = `<a id="next" rel="next">Next</a>`
			}
			for _, link := range []string{prev, next} {
				if !strings.Contains(body, link) {
					t.Errorf("missing %s", link)
				}
			}
		})
	}
	t.Run("Print", func(t *testing.T) {
		_, body := fx.admin(t, "/admin/present?print=1")
		if !strings.Contains(body, `<body class="deck print">`) || strings.Contains(body, `class="deck-nav"`) || len(slides(t, body)) != total {
			t.Error("?print=1 should show every slide, without the links between them")
		}
	})
}

func TestPresentFigures(t *testing.T) {
	fx := newDeckFixture(t)
	_, body := fx.admin(t, "/admin/present")
	all := slides(t, body)
	for _, slug := range []string{"alpha", "beta"} {
		w := fx.srv.forms.Workshop(slug)
		slide := slideTitled(t, all, w.Title.Get("en"))
		sum, n, prom, det, nps := 0, 0, 0, 0, 0
		for _, a := range fx.answers[slug] {
			sum += a["overall"].Number
			n++
			if r, ok := a["recommend"]; ok {
				nps++
				switch {
				case r.Number >= 9:
					prom++
				case r.Number <= 6:
					det++
				}
			}
		}
		want := []string{
			fmt.Sprintf("<dd>%d</dd></div>", n),
			fmt.Sprintf("<dd>%.2f</dd>", float64(sum)/float64(n)),
		}
		if nps > 0 {
			want = append(want, fmt.Sprintf("<dt>Net Promoter Score</dt><dd>%.0f</dd>", 100*float64(prom-det)/float64(nps)))
		} else {
			want = append(want, "<dt>Net Promoter Score</dt><dd>–</dd>")
		}
		for _, s := range want {
			if !strings.Contains(slide, s) {
				t.Errorf("%s's slide lacks %s:\n%s", slug, s, slide)
			}
		}
	}
	// The comparison: every workshop's headline mean, gamma none.
	cmp := slideTitled(t, all, "The workshops side by side")
	if !strings.Contains(cmp, fmt.Sprintf(`<span class="num">%.2f</span>`, float64(5+4+2)/3)) ||
		!strings.Contains(cmp, `<th scope="row">Gamma session</th><td><svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect width="0"`) {
		t.Errorf("the comparison should show alpha's mean and gamma's none:\n%s", cmp)
	}
	// The title slide: the responses stored.
	if !strings.Contains(all[0], `-title">Forum of Tests 2026</h2>`) || !strings.Contains(all[0], "<strong>4</strong> responses") {
		t.Errorf("the title slide should count 4 responses:\n%s", all[0])
	}
}

func TestPresentQuotes(t *testing.T) {
	fx := newDeckFixture(t)
	_, body := fx.admin(t, "/admin/present")
	all := slides(t, body)
	alpha, beta := slideTitled(t, all, "Alpha session"), slideTitled(t, all, "Beta session")
	skills, digital := slideTitled(t, all, "Skills and training"), slideTitled(t, all, "Digital tools")
	en := `<blockquote lang="en" dir="ltr">Stewards make open data work</blockquote>`
	fr := `<blockquote lang="fr" dir="ltr">Les ateliers pratiques étaient utiles</blockquote>
<p class="translation" lang="en" dir="ltr">The hands-on workshops were useful</p>`
	ar := `<blockquote lang="ar" dir="rtl">الأدوات الرقمية تحتاج تدريبا</blockquote>`
	for _, c := range []struct {
		where, slide, quote string
		want                bool
	}{
		{"alpha", alpha, en, true},
		{"alpha", alpha, fr, true},
		{"alpha", alpha, ar, false},
		{"alpha", alpha, "Too short, unstarred", false},
		{"beta", beta, ar, true},
		{"beta", beta, en, false},
		{"skills", skills, en, true},
		{"skills", skills, ar, true},
		{"skills", skills, fr, false}, // starred, not coded with skills
		{"digital", digital, "Too short, unstarred", false},
	} {
		if got := strings.Contains(c.slide, c.quote); got != c.want {
			t.Errorf("%s's slide shows %q: %v, want %v", c.where, c.quote, got, c.want)
		}
	}
	if !strings.Contains(digital, "No key quotes starred yet.") {
		t.Error("the digital theme has no starred quote and should say so")
	}
	// The theme's counts per workshop, from the tags made.
	for _, row := range []string{`<th scope="row">Alpha session</th><td><svg`, `<th scope="row">Gamma session</th><td><span class="num">0</span>`} {
		if !strings.Contains(skills, row) {
			t.Errorf("the skills slide lacks %s:\n%s", row, skills)
		}
	}
	if !strings.Contains(skills, "2 comments coded with this theme") {
		t.Error("skills has two coded comments")
	}
}

// longQuotesApp is the app on the shipped forms file, and what it stored, with every workshop given
// comments as long as it allows, starred and coded, in Latin, Chinese and
// Arabic script with translations: the most a slide must hold.
func longQuotesApp(t *testing.T) (*testApp, map[string][]forms.Answers) {
	t.Helper()
	a := mustAppOn(t, forms.Default(), func(*config) {})
	ctx := context.Background()
	themes, err := a.db.Themes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	texts := []struct{ lang, text string }{
		{"en", strings.Repeat("Public servants need time and mandate to try new tools before they are asked to use them. ", 11)},
		{"zh", strings.Repeat("公务员需要时间和授权来尝试新的工具。", 55)},
		{"ar", strings.Repeat("يحتاج الموظفون العموميون إلى الوقت والتفويض لتجربة أدوات جديدة. ", 15)},
	}
	texts = append(texts, texts...) // as many as the report prints
	stored := map[string][]forms.Answers{}
	n := 0
	for _, w := range a.srv.forms.Workshops {
		for _, tx := range texts {
			text := []rune(tx.text)
			r := &forms.Response{SubmissionID: fmt.Sprintf("40000000-0000-4000-8000-%012d", n), Workshop: w.Slug, Lang: tx.lang,
				Answers: forms.Answers{"satisfaction": {Number: 1 + n%5}, "knowledge_before": {Number: 2}, "knowledge_after": {Number: 4},
					"recommend": {Number: n % 11}, "takeaway": {Text: string(text[:min(len(text), 1000)])}}}
			stored[w.Slug] = append(stored[w.Slug], r.Answers)
			saved, err := a.db.SaveResponse(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if err := a.db.StarComment(ctx, saved.ID, "takeaway", true); err != nil {
				t.Fatal(err)
			}
			if tx.lang != "en" {
				if err := a.db.SetTranslation(ctx, saved.ID, "takeaway", string([]rune(texts[0].text)[:1000])); err != nil {
					t.Fatal(err)
				}
			}
			for _, th := range themes {
				if err := a.db.TagComment(ctx, saved.ID, "takeaway", th.ID, true); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return a, stored
}

// TestPresentShippedFigures reads the slides of the shipped forms file,
// which declares a headline and a gain.
func TestPresentShippedFigures(t *testing.T) {
	a, stored := longQuotesApp(t)
	fx := &deckFixture{testApp: a}
	_, body := fx.admin(t, "/admin/present")
	all := slides(t, body)
	mean := func(as []forms.Answers, id string) float64 {
		sum := 0
		for _, a := range as {
			sum += a[id].Number
		}
		return float64(sum) / float64(len(as))
	}
	for _, w := range a.srv.forms.Workshops {
		as := stored[w.Slug]
		prom, det := 0, 0
		for _, a := range as {
			switch r := a["recommend"].Number; {
			case r >= 9:
				prom++
			case r <= 6:
				det++
			}
		}
		// html/template writes + as &#43;.
		slide := html.UnescapeString(slideTitled(t, all, html.EscapeString(w.Title.Get("en"))))
		for _, want := range []string{
			fmt.Sprintf("<dt>mean (1–5)</dt><dd>%.2f</dd>", mean(as, "satisfaction")),
			fmt.Sprintf("<dt>Knowledge gain</dt><dd>%+.2f</dd>", mean(as, "knowledge_after")-mean(as, "knowledge_before")),
			fmt.Sprintf("<dt>Net Promoter Score</dt><dd>%.0f</dd>", 100*float64(prom-det)/float64(len(as))),
			fmt.Sprintf("<dt>responses</dt><dd>%d</dd>", len(as)),
		} {
			if !strings.Contains(slide, want) {
				t.Errorf("%s's slide lacks %s", w.Slug, want)
			}
		}
	}
}

func TestPresentLongQuotesFit(t *testing.T) {
	long := strings.Repeat("Digital public services need people who can use them well and ", 20)
	qs := []quoteView{{Text: long}, {Text: "Short one"}, {Text: strings.Repeat("数字政府需要培训", 60), Translation: long}}
	fitQuotes(qs, workshopQuoteRoom)
	if qs[1].Text != "Short one" || qs[1].Cut {
		t.Error("a short quote should stay whole")
	}
	lines := 0
	for _, q := range qs {
		for _, s := range []string{q.Text, q.Translation} {
			if s != "" {
				lines += int(math.Ceil(textWidth(s) / (workshopQuoteRoom.PerLine * wrapLoss)))
			}
		}
	}
	if room := workshopQuoteRoom.Lines - workshopQuoteRoom.Extra*len(qs); lines > room {
		t.Errorf("the quotes take %d lines, the slide has %d", lines, room)
	}
	if !qs[0].Cut || !strings.HasSuffix(qs[0].Text, "…") || !qs[2].Cut {
		t.Error("long quotes should be cut with …")
	}
}

func TestReport(t *testing.T) {
	fx := newDeckFixture(t)
	status, body := fx.admin(t, "/admin/report/alpha")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	overall := fx.srv.forms.Workshop("alpha").Question("overall")
	counts := map[int]int{}
	for _, a := range fx.answers["alpha"] {
		counts[a["overall"].Number]++
	}
	row := `<tr><th scope="row">` + overall.Label.Get("en") + ` <span class="hint">(1–5)</span></th><td>3</td><td>` + fmt.Sprintf("%.2f", float64(5+4+2)/3) + `</td>`
	for sc := 1; sc <= 5; sc++ {
		row += "<td>" + strconv.Itoa(counts[sc]) + "</td>"
	}
	for _, want := range []string{
		"<h1>Alpha session</h1>",
		"Forum of Tests 2026 · Report for the facilitators",
		`<a href="/admin/present?slide=2">`, // alpha's, after the title slide
		"<tr><th scope=\"row\">Responses</th><td>3</td></tr>",
		row,
		`<tr><th scope="row">Skills and training</th><td>1</td></tr>`,
		`<tr><th scope="row">Digital tools</th><td>1</td></tr>`,
		`<blockquote lang="fr" dir="ltr">Les ateliers pratiques étaient utiles</blockquote>`,
		`<p class="translation" lang="en" dir="ltr">The hands-on workshops were useful</p>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
	if strings.Contains(body, "Too short, unstarred") {
		t.Error("the report shows a comment that is not starred")
	}
	if status, _ := fx.admin(t, "/admin/report/no-such-workshop"); status != http.StatusNotFound {
		t.Errorf("an unknown workshop's report: %d, want 404", status)
	}
	if _, body := fx.admin(t, "/admin/report/gamma"); !strings.Contains(body, "No responses yet.") {
		t.Error("gamma's report should say it has no responses")
	}
}
