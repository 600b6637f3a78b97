package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// deskClient is the rapporteur at the real app: a script with the token, and
// a browser with the session cookie and its CSRF token.
type deskClient struct {
	t      *testing.T
	app    *fiber.App
	cookie *http.Cookie
	csrf   string
}

// newDesk logs in to app through the login form and reads the CSRF token the
// comments page renders.
func newDesk(t *testing.T, app *fiber.App) *deskClient {
	t.Helper()
	d := &deskClient{t: t, app: app, cookie: adminLogin(t, app, testToken)}
	req := httptest.NewRequest(http.MethodGet, commentsPath, nil)
	req.Header.Set("Accept", "text/html")
	req.AddCookie(d.cookie)
	res, body := adminDo(t, app, req)
	m := csrfInput.FindStringSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("comments page with the cookie: status %d, csrf field %v", res.StatusCode, m != nil)
	}
	d.csrf = html.UnescapeString(m[1])
	return d
}

// page GETs an admin page with the token and wants 200.
func (d *deskClient) page(path string) string {
	d.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Accept", "text/html")
	res, body := adminDo(d.t, d.app, req)
	if res.StatusCode != http.StatusOK {
		d.t.Fatalf("GET %s: status %d\n%s", path, res.StatusCode, body)
	}
	return body
}

// api POSTs a form as a script does (Bearer, JSON back) and decodes the
// answer.
func (d *deskClient) api(path string, form url.Values) (int, map[string]any) {
	d.t.Helper()
	req := postForm(path, form, "Authorization", "Bearer "+testToken, "Accept", "application/json")
	res, body := adminDo(d.t, d.app, req)
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		d.t.Fatalf("POST %s: status %d, not JSON: %s", path, res.StatusCode, body)
	}
	return res.StatusCode, out
}

// browser POSTs a form as the page does: the cookie, the CSRF field unless
// noCSRF, and Accept text/html.
func (d *deskClient) browser(path string, form url.Values, noCSRF bool) (*http.Response, string) {
	d.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !noCSRF {
		f.Set(csrfField, d.csrf)
	}
	req := postForm(path, f, "Accept", "text/html")
	req.AddCookie(d.cookie)
	return adminDo(d.t, d.app, req)
}

// submit stores a response through the real submit path (the JSON API) and
// returns its id.
func (d *deskClient) submit(slug, lang string, answers map[string]any) string {
	d.t.Helper()
	answers["overall"] = 4
	b, err := json.Marshal(map[string]any{"submission_id": uuid.NewString(), "lang": lang, "answers": answers})
	if err != nil {
		d.t.Fatal(err)
	}
	res, body := adminDo(d.t, d.app, postJSON("/api/v1/workshops/"+slug+"/responses", string(b)))
	var out struct{ ID string }
	if res.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &out) != nil || out.ID == "" {
		d.t.Fatalf("submit to %s: status %d: %s", slug, res.StatusCode, body)
	}
	return out.ID
}

// seedComment is a comment the test stored, and what it knows of it.
type seedComment struct {
	ID, Workshop, Question, Lang, Text string
}

// deskSeeds are the comments of the tests: the seven languages, Cyrillic,
// Arabic with its short vowels, Chinese, French accents, two comments in one
// response, and one that looks like HTML.
var deskSeeds = []struct {
	workshop, lang string
	texts          map[string]string
}{
	{"alpha", "ru", map[string]string{"comment": "Обучение ИИ было полезным"}},
	{"beta", "ar", map[string]string{"comment": "التَّدْرِيب مفيد"}},
	{"alpha", "zh", map[string]string{"comment": "人工智能培训很好"}},
	{"beta", "fr", map[string]string{"comment": "Une très bonne séance", "beta_idea": "École numérique"}},
	{"alpha", "en", map[string]string{"comment": "The ecole example was great"}},
	{"alpha", "fr", map[string]string{"comment": "L'ÉCOLE du numérique, enfin !"}},
	{"beta", "en", map[string]string{"comment": "Digital tools for training"}},
	{"alpha", "es", map[string]string{"comment": "Muy útil"}},
	{"beta", "uz", map[string]string{"comment": "Juda foydali"}},
	{"alpha", "ar", map[string]string{"comment": "ورشة ممتازة <script>alert(1)</script>"}},
}

// seed submits deskSeeds and returns their comments, newest first (the
// page's order: the newest response first, its questions by id backwards,
// the order of the store's index).
func (d *deskClient) seed() []seedComment {
	d.t.Helper()
	var out []seedComment
	for _, s := range deskSeeds {
		answers := map[string]any{}
		for q, text := range s.texts {
			answers[q] = text
		}
		id := d.submit(s.workshop, s.lang, answers)
		qs := make([]string, 0, len(s.texts))
		for q := range s.texts {
			qs = append(qs, q)
		}
		slices.Sort(qs)
		slices.Reverse(qs)
		var these []seedComment
		for _, q := range qs {
			these = append(these, seedComment{ID: id, Workshop: s.workshop, Question: q, Lang: s.lang, Text: s.texts[q]})
		}
		out = append(these, out...)
	}
	return out
}

var originalText = regexp.MustCompile(`(?s)<blockquote lang="([^"]*)" dir="([^"]*)" class="original">(.*?)</blockquote>`)

// shown is the comments a page shows, in order.
func shown(body string) []string {
	var out []string
	for _, m := range originalText.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[3]))
	}
	return out
}

// article is the HTML of one comment's article on a page ("" if absent).
func article(body string, id, question string) string {
	start := strings.Index(body, `<article id="`+commentAnchor(id, question)+`"`)
	if start < 0 {
		return ""
	}
	end := strings.Index(body[start:], "</article>")
	return body[start : start+end]
}

// deskWant is what the test expects a filter to select, computed from the
// seeds: every field equal, every folded word of q in the folded text.
type deskWant struct {
	workshop, question, lang, q string
	starred                     bool
	theme                       string
}

func (w deskWant) selects(c seedComment, starred map[string]bool, tags map[string][]string) bool {
	key := c.ID + "/" + c.Question
	switch {
	case w.workshop != "" && c.Workshop != w.workshop, w.question != "" && c.Question != w.question,
		w.lang != "" && c.Lang != w.lang, w.starred && !starred[key]:
		return false
	case w.theme == store.ThemeNone && len(tags[key]) > 0, w.theme != "" && w.theme != store.ThemeNone && !slices.Contains(tags[key], w.theme):
		return false
	}
	for _, term := range strings.Fields(forms.Fold(w.q)) {
		if !strings.Contains(forms.Fold(c.Text), term) {
			return false
		}
	}
	return true
}

func (w deskWant) path() string {
	return commentsQuery{Workshop: w.workshop, Question: w.question, Lang: w.lang, Theme: w.theme, Starred: w.starred, Q: w.q}.url(1)
}

func TestAdminComments(t *testing.T) {
	a := mustApp(t)
	d := newDesk(t, a.App)
	seeds := d.seed()
	byText := map[string]seedComment{}
	for _, s := range seeds {
		byText[s.Text] = s
	}
	starred, tags := map[string]bool{}, map[string][]string{}
	for _, text := range []string{"التَّدْرِيب مفيد", "L'ÉCOLE du numérique, enfin !"} {
		s := byText[text]
		if res, body := d.browser("/admin/comments/star", url.Values{"response": {s.ID}, "question": {s.Question}, "star": {"1"}, "back": {commentsPath}}, false); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != commentsPath {
			t.Fatalf("star from the comments page: status %d, Location %q: %s", res.StatusCode, res.Header.Get("Location"), body)
		}
		starred[s.ID+"/"+s.Question] = true
	}
	for text, theme := range map[string]string{"Обучение ИИ было полезным": "skills", "Digital tools for training": "skills", "École numérique": "digital"} {
		s := byText[text]
		if code, out := d.api("/admin/comments/theme", url.Values{"response": {s.ID}, "question": {s.Question}, "theme": {theme}, "on": {"1"}}); code != http.StatusOK {
			t.Fatalf("tag: %d %v", code, out)
		}
		tags[s.ID+"/"+s.Question] = append(tags[s.ID+"/"+s.Question], theme)
	}

	cases := []struct {
		name string
		want deskWant
		// must is a comment the case is there to find.
		must string
	}{
		{"All", deskWant{}, ""},
		{"Workshop", deskWant{workshop: "alpha"}, "人工智能培训很好"},
		{"Question", deskWant{question: "beta_idea"}, "École numérique"},
		{"Language", deskWant{lang: "ar"}, "التَّدْرِيب مفيد"},
		{"Starred", deskWant{starred: true}, "L'ÉCOLE du numérique, enfin !"},
		{"Theme", deskWant{theme: "skills"}, "Digital tools for training"},
		{"NotYetCoded", deskWant{theme: store.ThemeNone}, "Muy útil"},
		{"Cyrillic", deskWant{q: "обучение"}, "Обучение ИИ было полезным"},
		{"CyrillicUpperTwoWords", deskWant{q: "ОБУЧЕНИЕ ии"}, "Обучение ИИ было полезным"},
		{"ArabicWithoutHarakat", deskWant{q: "التدريب"}, "التَّدْرِيب مفيد"},
		{"ArabicWord", deskWant{q: "تدريب"}, "التَّدْرِيب مفيد"},
		{"ChineseTwoCharacters", deskWant{q: "培训"}, "人工智能培训很好"},
		{"ChineseFour", deskWant{q: "人工智能"}, "人工智能培训很好"},
		{"AccentsDropped", deskWant{q: "ecole"}, "École numérique"},
		{"AccentsAndCase", deskWant{q: "ÉCOLE"}, "The ecole example was great"},
		{"TwoWords", deskWant{q: "ecole numerique"}, "L'ÉCOLE du numérique, enfin !"},
		{"NothingFound", deskWant{q: "zzzz"}, ""},
		{"WorkshopAndQuestion", deskWant{workshop: "beta", question: "comment"}, "Une très bonne séance"},
		{"LanguageAndWorkshop", deskWant{lang: "fr", workshop: "beta"}, "École numérique"},
		{"ThemeAndLanguage", deskWant{theme: "skills", lang: "ru"}, "Обучение ИИ было полезным"},
		{"StarredAndWorkshop", deskWant{starred: true, workshop: "beta"}, "التَّدْرِيب مفيد"},
		{"SearchAndFilters", deskWant{q: "ecole", workshop: "alpha", lang: "fr"}, "L'ÉCOLE du numérique, enfin !"},
		{"ChineseInWorkshop", deskWant{q: "培训", workshop: "beta"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for _, s := range seeds {
				if tc.want.selects(s, starred, tags) {
					want = append(want, s.Text)
				}
			}
			if tc.must != "" && !slices.Contains(want, tc.must) {
				t.Fatalf("the test's own filter misses %q", tc.must)
			}
			body := d.page(tc.want.path())
			if got := shown(body); !slices.Equal(got, want) {
				t.Errorf("%s shows\n  %q\nwant\n  %q", tc.want.path(), got, want)
			}
			switch {
			case len(want) == 0 && !strings.Contains(body, "No comments match these filters."):
				t.Error("an empty result should say so")
			case len(want) > 1 && !strings.Contains(body, fmt.Sprintf("Showing 1–%d of %d comments.", len(want), len(want))):
				t.Errorf("no “Showing 1–%d of %d comments.”", len(want), len(want))
			}
		})
	}

	t.Run("Shown", func(t *testing.T) {
		body := d.page(commentsPath)
		ar := article(body, byText["التَّدْرِيب مفيد"].ID, "comment")
		for _, want := range []string{`lang="ar" dir="rtl" class="original"`, "Beta session", "Anything else?", "Arabic", " UTC</time>", "★ Key quote", "★ Unstar"} {
			if !strings.Contains(ar, want) {
				t.Errorf("the Arabic comment's article has no %q:\n%s", want, ar)
			}
		}
		fr := article(body, byText["École numérique"].ID, "beta_idea")
		for _, want := range []string{`lang="fr" dir="ltr"`, "One idea for beta?", "French",
			`value="digital">`, `name="on" value="0" class="tag" aria-pressed="true">Digital tools</button>`,
			`name="on" value="1" class="tag" aria-pressed="false">Skills and training</button>`} {
			if !strings.Contains(fr, want) {
				t.Errorf("the French idea's article has no %q:\n%s", want, fr)
			}
		}
		if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
			t.Error("a comment must be shown as text, never as HTML")
		}
		for _, want := range []string{`<option value="alpha">Alpha session</option>`, `<option value="beta_idea">One idea for beta?</option>`,
			`<option value="ru">Russian</option>`, `<option value="skills">Skills and training (2)</option>`,
			fmt.Sprintf(`<option value="none">Not yet coded (%d)</option>`, len(seeds)-3), `name="starred" value="1">`, `type="search" id="f-q" name="q"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the filter form has no %q", want)
			}
		}
		if regexp.MustCompile(`(?i)\sstyle=|<style|<script`).MatchString(strings.ReplaceAll(body, "&lt;script", "")) {
			t.Error("the page must work under the CSP and without JavaScript: no style attribute, style element or script")
		}
	})
	t.Run("FiltersKept", func(t *testing.T) {
		body := d.page("/admin/comments?workshop=beta&lang=fr&theme=digital&starred=1&q=%C3%A9cole")
		for _, want := range []string{`<option value="beta" selected>`, `<option value="fr" selected>`, `<option value="digital" selected>`,
			`name="starred" value="1" checked>`, `name="q" value="école"`, `href="/admin/comments" class="button secondary">Clear filters`} {
			if !strings.Contains(body, want) {
				t.Errorf("the filter form does not keep %q", want)
			}
		}
	})
	t.Run("UnknownFilters", func(t *testing.T) {
		body := d.page("/admin/comments?workshop=nope&lang=xx&theme=gone&question=overall")
		for _, want := range []string{"There is no workshop &#34;nope&#34;", "The forms are not in &#34;xx&#34;", "There is no theme &#34;gone&#34;", "There is no text question &#34;overall&#34;"} {
			if !strings.Contains(body, want) {
				t.Errorf("no note %q", want)
			}
		}
		if got := shown(body); len(got) != len(seeds) {
			t.Errorf("unknown filters dropped: %d comments shown, want all %d", len(got), len(seeds))
		}
	})
}

// pageTexts is the comments a page of n stored comments, made in order
// "Comment 001" …, shows: newest first.
func pageTexts(all []string, page int) []string {
	var want []string
	for i := len(all) - 1 - (page-1)*store.CommentsPerPage; i >= 0 && len(want) < store.CommentsPerPage; i-- {
		want = append(want, all[i])
	}
	return want
}

func TestAdminCommentsPaging(t *testing.T) {
	a := mustApp(t)
	d := newDesk(t, a.App)
	var all, russian []string
	for i := 1; i <= 137; i++ {
		lang := "ru" // two thirds in Russian: two pages of them
		if i%3 == 0 {
			lang = "en"
		}
		text := fmt.Sprintf("Comment %03d", i)
		if _, err := a.db.SaveResponse(context.Background(), &forms.Response{SubmissionID: uuid.NewString(), Workshop: "alpha", Lang: lang,
			SubmittedAt: time.Date(2025, 6, 25, 9, 0, i, 0, time.UTC), Answers: forms.Answers{"overall": {Number: 3}, "comment": {Text: text}}}); err != nil {
			t.Fatal(err)
		}
		all = append(all, text)
		if lang == "ru" {
			russian = append(russian, text)
		}
	}
	last := (len(all) + store.CommentsPerPage - 1) / store.CommentsPerPage
	for page := 1; page <= last; page++ {
		t.Run(fmt.Sprintf("Page%d", page), func(t *testing.T) {
			body := d.page(fmt.Sprintf("/admin/comments?page=%d", page))
			want := pageTexts(all, page)
			if got := shown(body); !slices.Equal(got, want) {
				t.Errorf("page %d shows %q, want %q", page, got, want)
			}
			from := (page-1)*store.CommentsPerPage + 1
			if s := fmt.Sprintf("Showing %s–%s of %s comments.", thousands(from), thousands(from+len(want)-1), thousands(len(all))); !strings.Contains(body, s) {
				t.Errorf("no %q", s)
			}
			if (page > 1) != strings.Contains(body, `rel="prev"`) || (page < last) != strings.Contains(body, `rel="next"`) {
				t.Errorf("page %d of %d: previous %v, next %v", page, last, strings.Contains(body, `rel="prev"`), strings.Contains(body, `rel="next"`))
			}
			if !strings.Contains(body, fmt.Sprintf(`aria-current="page"><span class="vh">Page </span>%d</a>`, page)) {
				t.Errorf("page %d is not marked current", page)
			}
		})
	}
	t.Run("BadPage", func(t *testing.T) {
		for _, p := range []string{"abc", "0", "-3", "1.5", ""} {
			if got := shown(d.page("/admin/comments?page=" + url.QueryEscape(p))); !slices.Equal(got, pageTexts(all, 1)) {
				t.Errorf("page=%q should show page 1", p)
			}
		}
		if got := shown(d.page("/admin/comments?page=99")); !slices.Equal(got, pageTexts(all, last)) {
			t.Errorf("a page past the end should show the last")
		}
	})
	t.Run("FilteredPagesKeepTheFilter", func(t *testing.T) {
		body := d.page("/admin/comments?lang=ru&page=2")
		if got := shown(body); !slices.Equal(got, pageTexts(russian, 2)) {
			t.Errorf("Russian page 2 shows %q, want %q", got, pageTexts(russian, 2))
		}
		if !strings.Contains(body, `href="/admin/comments?lang=ru" rel="prev"`) {
			t.Error("the previous link should keep lang=ru")
		}
		if len(russian) > 2*store.CommentsPerPage || !strings.Contains(body, fmt.Sprintf("of %d comments.", len(russian))) {
			t.Errorf("want the total of %d Russian comments", len(russian))
		}
		if !strings.Contains(d.page("/admin/comments?lang=ru"), `href="/admin/comments?lang=ru&amp;page=2" rel="next"`) {
			t.Error("the next link should keep lang=ru")
		}
	})
}

func TestShowingAndPager(t *testing.T) {
	if got := showing(2, 50, 1234); got != "Showing 51–100 of 1,234 comments." {
		t.Errorf("showing = %q", got)
	}
	if got := showing(25, 34, 1234); got != "Showing 1,201–1,234 of 1,234 comments." {
		t.Errorf("showing = %q", got)
	}
	links, prev, next := pager(commentsQuery{Workshop: "alpha", Page: 10}, 1234)
	var nums []string
	for _, l := range links {
		if l.Gap {
			nums = append(nums, "…")
		} else {
			nums = append(nums, fmt.Sprint(l.Number))
		}
	}
	if got := strings.Join(nums, " "); got != "1 … 8 9 10 11 12 … 25" {
		t.Errorf("pages %s", got)
	}
	if prev != "/admin/comments?page=9&workshop=alpha" || next != "/admin/comments?page=11&workshop=alpha" {
		t.Errorf("prev %q next %q", prev, next)
	}
}

func TestAdminCommentsTranslation(t *testing.T) {
	a := mustApp(t)
	d := newDesk(t, a.App)
	id := d.submit("alpha", "ru", map[string]any{"comment": "Обучение ИИ было полезным"})
	translation := func() string {
		t.Helper()
		p, err := a.db.Comments(context.Background(), store.CommentFilter{})
		if err != nil || len(p.Comments) != 1 {
			t.Fatalf("comments: %v %+v", err, p)
		}
		return p.Comments[0].Translation
	}
	back := commentsPath + "?lang=ru#" + commentAnchor(id, "comment")
	t.Run("OK", func(t *testing.T) {
		res, _ := d.browser("/admin/comments/translation", url.Values{"response": {id}, "question": {"comment"}, "text": {"  The AI training was useful  "}, "back": {back}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
			t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		if got := translation(); got != "The AI training was useful" {
			t.Fatalf("translation %q", got)
		}
		art := article(d.page("/admin/comments?lang=ru"), id, "comment")
		for _, want := range []string{`<blockquote lang="en" dir="ltr">The AI training was useful</blockquote>`, `lang="ru" dir="ltr" class="original">Обучение ИИ было полезным`, "Edit the translation",
			`lang="en" dir="ltr" maxlength="4000" rows="3">The AI training was useful</textarea>`} {
			if !strings.Contains(art, want) {
				t.Errorf("the article has no %q:\n%s", want, art)
			}
		}
	})
	for _, tc := range []struct {
		name   string
		form   url.Values
		noCSRF bool
		status int
	}{
		{"ErrNoCSRF", url.Values{"response": {id}, "question": {"comment"}, "text": {"changed"}}, true, http.StatusForbidden},
		{"ErrNoResponse", url.Values{"question": {"comment"}, "text": {"changed"}}, false, http.StatusUnprocessableEntity},
		{"ErrUnknownResponse", url.Values{"response": {uuid.NewString()}, "question": {"comment"}, "text": {"changed"}}, false, http.StatusNotFound},
		{"ErrUnknownQuestion", url.Values{"response": {id}, "question": {"beta_idea"}, "text": {"changed"}}, false, http.StatusNotFound},
		{"ErrTooLong", url.Values{"response": {id}, "question": {"comment"}, "text": {strings.Repeat("é", store.MaxTranslation+1)}}, false, http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := d.browser("/admin/comments/translation", tc.form, tc.noCSRF)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
			if tc.status != http.StatusForbidden && !strings.Contains(body, `<h2>Nothing was changed</h2>`) {
				t.Errorf("the page should come back with the message:\n%.600s", body)
			}
			if got := translation(); got != "The AI training was useful" {
				t.Errorf("a refused translation changed it to %q", got)
			}
		})
	}
	t.Run("ErrTooLongJSON", func(t *testing.T) {
		code, out := d.api("/admin/comments/translation", url.Values{"response": {id}, "question": {"comment"}, "text": {strings.Repeat("x", store.MaxTranslation+1)}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["error"]), "at most 4,000 characters") {
			t.Errorf("%d %v", code, out)
		}
	})
	t.Run("Remove", func(t *testing.T) {
		code, out := d.api("/admin/comments/translation", url.Values{"response": {id}, "question": {"comment"}, "text": {""}})
		if code != http.StatusOK || out["translation"] != "" {
			t.Fatalf("%d %v", code, out)
		}
		if got := translation(); got != "" {
			t.Fatalf("translation %q after removing it", got)
		}
		if art := article(d.page(commentsPath), id, "comment"); strings.Contains(art, `<blockquote lang="en"`) || !strings.Contains(art, "Add a translation") {
			t.Errorf("a removed translation is still shown:\n%s", art)
		}
	})
	t.Run("ErrBackElsewhere", func(t *testing.T) {
		for _, b := range []string{"https://evil.example/admin/comments", "//evil.example/admin/comments", "/admin", "/admin/commentsX", `/admin/comments\..`} {
			res, _ := d.browser("/admin/comments/translation", url.Values{"response": {id}, "question": {"comment"}, "text": {"x"}, "back": {b}}, false)
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != commentsPath+"#"+commentAnchor(id, "comment") {
				t.Errorf("back %q: status %d, Location %q", b, res.StatusCode, loc)
			}
		}
	})
}
