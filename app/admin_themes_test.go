package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
	"feedback/store/storetest"
)

// pgDeskApp is the real app over the PostgreSQL database at dbURL, with the
// small fixture; two of them on one URL are two replicas.
func pgDeskApp(t *testing.T, dbURL string) (*fiber.App, store.Store) {
	t.Helper()
	pg, err := store.OpenPostgres(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	srv, err := newServer(config{DB: dbURL, AdminToken: testToken, PublicURL: "https://feedback.example.org"}, formstest.Small(t), pg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return srv.app(), pg
}

// themesJSON reads GET /admin/themes.json.
func (d *deskClient) themes() []themeJSON {
	d.t.Helper()
	var out struct{ Themes []themeJSON }
	if err := json.Unmarshal([]byte(d.page("/admin/themes.json")), &out); err != nil {
		d.t.Fatal(err)
	}
	return out.Themes
}

// theme finds one theme of themes.json by id.
func (d *deskClient) theme(id string) (themeJSON, bool) {
	d.t.Helper()
	for _, t := range d.themes() {
		if t.ID == id {
			return t, true
		}
	}
	return themeJSON{}, false
}

// unchanged fails the test when what the store holds of themes and codings
// differs from before: a refused action must change nothing.
func unchanged(t *testing.T, d *deskClient, st store.Store, before []themeJSON, codings map[store.CommentKey]store.Coding) {
	t.Helper()
	after, err := st.Codings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if now := d.themes(); !reflect.DeepEqual(now, before) || !reflect.DeepEqual(after, codings) {
		t.Errorf("a refused action changed the themes or codings:\n  %+v → %+v\n  %+v → %+v", before, now, codings, after)
	}
}

func TestAdminThemes(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		a := mustApp(t)
		testThemes(t, a.App, a.db)
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		app, st := pgDeskApp(t, storetest.PostgresURL(t))
		testThemes(t, app, st)
	})
}

// testThemes adds, tags, untags, renames and merges themes through the app
// over st, and sees each on the page, in themes.json and in the filter.
func testThemes(t *testing.T, app *fiber.App, st store.Store) {
	d := newDesk(t, app)
	c1 := seedComment{ID: d.submit("alpha", "en", map[string]any{"comment": "Skills matter most"}), Question: "comment", Text: "Skills matter most"}
	c2 := seedComment{ID: d.submit("beta", "fr", map[string]any{"beta_idea": "Plus d’outils numériques"}), Question: "beta_idea", Text: "Plus d’outils numériques"}
	c3 := seedComment{ID: d.submit("alpha", "ru", map[string]any{"comment": "Ничего особенного"}), Question: "comment", Text: "Ничего особенного"}
	if got := d.themes(); !reflect.DeepEqual(got, []themeJSON{{"skills", "Skills and training", 0}, {"digital", "Digital tools", 0}}) {
		t.Fatalf("the forms file's themes: %+v", got)
	}
	tag := func(c seedComment, theme, on string) {
		t.Helper()
		if code, out := d.api("/admin/comments/theme", url.Values{"response": {c.ID}, "question": {c.Question}, "theme": {theme}, "on": {on}}); code != http.StatusOK || out["on"] != (on == "1") {
			t.Fatalf("tag %s %s=%s: %d %v", c.Text, theme, on, code, out)
		}
	}
	filter := func(theme string) []string { return shown(d.page(commentsQuery{Theme: theme}.url(1))) }
	var ai string
	t.Run("Add", func(t *testing.T) {
		code, out := d.api("/admin/themes", url.Values{"label": {"  AI and   the public sector "}})
		if code != http.StatusCreated || out["label"] != "AI and the public sector" || out["id"] == "" {
			t.Fatalf("%d %v", code, out)
		}
		ai = out["id"].(string)
		res, _ := d.browser("/admin/themes", url.Values{"label": {"Leadership"}, "back": {"/admin/comments?lang=en"}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/comments?done=added&lang=en#themes" {
			t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		body := d.page(res.Header.Get("Location"))
		for _, want := range []string{"Theme added", `>AI and the public sector</a>`, `<option value="` + ai + `">AI and the public sector (0)</option>`, `>Leadership</a>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page has no %q", want)
			}
		}
		if got := len(d.themes()); got != 4 {
			t.Errorf("themes.json lists %d themes, want 4", got)
		}
	})
	before, _ := st.Codings(context.Background())
	t.Run("ErrAdd", func(t *testing.T) {
		themes := d.themes()
		for _, tc := range []struct {
			label  string
			status int
		}{{"", 422}, {"   ", 422}, {strings.Repeat("x", forms.MaxThemeLabel+1), 422}, {"Skills and training", 409}, {"Leadership", 409}} {
			if code, out := d.api("/admin/themes", url.Values{"label": {tc.label}}); code != tc.status || out["error"] == "" {
				t.Errorf("label %q: %d %v, want %d", tc.label, code, out, tc.status)
			}
		}
		res, body := d.browser("/admin/themes", url.Values{"label": {"Leadership"}, "back": {"/admin/comments?lang=fr"}}, false)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "A theme is already called &#34;Leadership&#34;") ||
			!strings.Contains(body, `id="add-label" name="label" value="Leadership"`) || !strings.Contains(body, `<option value="fr" selected>`) {
			t.Errorf("a taken label should come back on the same page with the input kept: status %d", res.StatusCode)
		}
		if res, _ := d.browser("/admin/themes", url.Values{"label": {"Without CSRF"}}, true); res.StatusCode != http.StatusForbidden {
			t.Errorf("without the CSRF field: status %d", res.StatusCode)
		}
		unchanged(t, d, st, themes, before)
	})
	t.Run("Tag", func(t *testing.T) {
		tag(c1, "skills", "1")
		tag(c1, "skills", "1") // twice is once
		back := "/admin/comments?theme=none#" + commentAnchor(c1.ID, c1.Question)
		res, _ := d.browser("/admin/comments/theme", url.Values{"response": {c1.ID}, "question": {c1.Question}, "theme": {ai}, "on": {"1"}, "back": {back}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != back {
			t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		if s, _ := d.theme("skills"); s.Comments != 1 {
			t.Errorf("skills codes %d comments, want 1", s.Comments)
		}
		art := article(d.page(commentsPath), c1.ID, c1.Question)
		for _, want := range []string{`aria-pressed="true">Skills and training`, `aria-pressed="true">AI and the public sector`, `aria-pressed="false">Digital tools`} {
			if !strings.Contains(art, want) {
				t.Errorf("the tagged comment has no %q", want)
			}
		}
		if got := filter("skills"); !slices.Equal(got, []string{c1.Text}) {
			t.Errorf("theme=skills shows %q", got)
		}
		if got := filter(store.ThemeNone); !slices.Equal(got, []string{c3.Text, c2.Text}) {
			t.Errorf("theme=none shows %q", got)
		}
	})
	t.Run("Untag", func(t *testing.T) {
		tag(c1, "skills", "0")
		if s, _ := d.theme("skills"); s.Comments != 0 || len(filter("skills")) != 0 {
			t.Errorf("skills still codes %d comments", s.Comments)
		}
	})
	testThemeErrors(t, d, st, c1, ai)
	t.Run("Rename", func(t *testing.T) {
		code, out := d.api("/admin/themes/"+ai, url.Values{"label": {"AI in government"}})
		if code != http.StatusOK || out["id"] != ai || out["label"] != "AI in government" {
			t.Fatalf("%d %v", code, out)
		}
		res, _ := d.browser("/admin/themes/digital", url.Values{"label": {"Digital public tools"}, "back": {commentsPath}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/comments?done=renamed#themes" {
			t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		if th, _ := d.theme(ai); th.Label != "AI in government" || th.Comments != 1 {
			t.Errorf("renamed theme %+v", th)
		}
		body := d.page(commentsPath)
		if !strings.Contains(article(body, c1.ID, c1.Question), `aria-pressed="true">AI in government`) || !strings.Contains(body, ">Digital public tools (0)</option>") {
			t.Error("the page should show the new labels")
		}
	})
	t.Run("Merge", func(t *testing.T) {
		tag(c2, "digital", "1")
		tag(c3, ai, "1")
		tag(c1, "digital", "1") // c1 has both: merged, it has digital once
		res, _ := d.browser("/admin/themes/"+ai, url.Values{"into": {"digital"}, "back": {"/admin/comments?theme=" + ai}}, false)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/comments?done=merged&theme=digital#themes" {
			t.Fatalf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))
		}
		if _, ok := d.theme(ai); ok {
			t.Error("a merged theme is still listed")
		}
		if dg, _ := d.theme("digital"); dg.Comments != 3 {
			t.Errorf("digital codes %d comments after the merge, want 3", dg.Comments)
		}
		if got := filter("digital"); !slices.Equal(got, []string{c3.Text, c2.Text, c1.Text}) {
			t.Errorf("theme=digital shows %q", got)
		}
		body := d.page(res.Header.Get("Location"))
		if !strings.Contains(body, "Themes merged") || strings.Contains(body, "AI in government") {
			t.Error("the page should say the themes were merged and no longer offer the old one")
		}
	})
	t.Run("ErrMerge", func(t *testing.T) {
		themes, codings := d.themes(), mustCodings(t, st)
		for _, tc := range []struct {
			id     string
			form   url.Values
			status int
		}{
			{"digital", url.Values{"into": {"digital"}}, 422},
			{"digital", url.Values{"into": {"no_such"}}, 404},
			{"no_such", url.Values{"into": {"digital"}}, 404},
			{ai, url.Values{"into": {"skills"}}, 404}, // merged already
			{"skills", url.Values{"into": {"digital"}, "label": {"Both"}}, 422},
			{"skills", url.Values{}, 422},
			{"skills", url.Values{"label": {""}}, 422},
			{"skills", url.Values{"label": {"Leadership"}}, 409},
			{"no_such", url.Values{"label": {"Fine label"}}, 404},
		} {
			if code, out := d.api("/admin/themes/"+tc.id, tc.form); code != tc.status || out["error"] == "" {
				t.Errorf("%s %v: %d %v, want %d", tc.id, tc.form, code, out, tc.status)
			}
		}
		if res, _ := d.browser("/admin/themes/skills", url.Values{"into": {"digital"}}, true); res.StatusCode != http.StatusForbidden {
			t.Errorf("merge without the CSRF field: status %d", res.StatusCode)
		}
		unchanged(t, d, st, themes, codings)
	})
}

func mustCodings(t *testing.T, st store.Store) map[store.CommentKey]store.Coding {
	t.Helper()
	c, err := st.Codings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testThemeErrors sends tags that must be refused, each with a clear
// message, changing nothing.
func testThemeErrors(t *testing.T, d *deskClient, st store.Store, c seedComment, theme string) {
	t.Run("ErrTag", func(t *testing.T) {
		themes, codings := d.themes(), mustCodings(t, st)
		for _, tc := range []struct {
			name   string
			form   url.Values
			status int
			says   string
		}{
			{"NoResponse", url.Values{"question": {c.Question}, "theme": {theme}, "on": {"1"}}, 422, "Which comment?"},
			{"NoTheme", url.Values{"response": {c.ID}, "question": {c.Question}, "on": {"1"}}, 422, "Which theme?"},
			{"BadOn", url.Values{"response": {c.ID}, "question": {c.Question}, "theme": {theme}, "on": {"yes"}}, 422, "on=1"},
			{"UnknownTheme", url.Values{"response": {c.ID}, "question": {c.Question}, "theme": {"no_such"}, "on": {"1"}}, 404, "There is no theme"},
			{"UnknownResponse", url.Values{"response": {"0190aaaa-0000-7000-8000-000000000000"}, "question": {c.Question}, "theme": {theme}, "on": {"1"}}, 404, "does not exist"},
			{"UnknownQuestion", url.Values{"response": {c.ID}, "question": {"overall"}, "theme": {theme}, "on": {"1"}}, 404, "does not exist"},
		} {
			code, out := d.api("/admin/comments/theme", tc.form)
			if code != tc.status || !strings.Contains(out["error"].(string), tc.says) {
				t.Errorf("%s: %d %v, want %d saying %q", tc.name, code, out, tc.status, tc.says)
			}
		}
		res, body := d.browser("/admin/comments/theme", url.Values{"response": {c.ID}, "question": {c.Question}, "theme": {"no_such"}, "on": {"1"}, "back": {"/admin/comments?q=skills"}}, false)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "There is no theme &#34;no_such&#34;") || !strings.Contains(body, `name="q" value="skills"`) {
			t.Errorf("the browser should get the same page back with the message: status %d\n%.3000s", res.StatusCode, body)
		}
		if res, _ := d.browser("/admin/comments/theme", url.Values{"response": {c.ID}, "question": {c.Question}, "theme": {"digital"}, "on": {"1"}}, true); res.StatusCode != http.StatusForbidden {
			t.Errorf("without the CSRF field: status %d", res.StatusCode)
		}
		unchanged(t, d, st, themes, codings)
	})
}
