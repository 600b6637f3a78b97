package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"

	"feedback/forms"
	"feedback/forms/formstest"
)

var localePlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)

func placeholders(s string) string {
	p := localePlaceholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, " ")
}

// TestLocaleFiles checks that every locale file, one per language, has
// exactly English's keys (the interface's and forms' messages alike), none
// empty, with the same {placeholders}: a new language is one more file.
func TestLocaleFiles(t *testing.T) {
	read := func(lang string) map[string]string {
		data, err := localeFiles.ReadFile("locales/" + lang + ".yaml")
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		return m
	}
	en := read(forms.DefaultLanguage)
	files, _ := fs.Glob(localeFiles, "locales/*.yaml")
	if len(files) != len(forms.Languages) {
		t.Errorf("%d locale files, want one per language (%v)", len(files), forms.Languages)
	}
	langs := slices.Clone(forms.Languages)
	for _, f := range files {
		if lang := strings.TrimSuffix(path.Base(f), ".yaml"); !slices.Contains(langs, lang) {
			langs = append(langs, lang) // not offered yet, but held to the same rule
		}
	}
	for _, lang := range langs {
		m := read(lang)
		for k, v := range en {
			got, ok := m[k]
			switch {
			case !ok || strings.TrimSpace(got) == "":
				t.Errorf("%s.yaml: %s missing", lang, k)
			case placeholders(got) != placeholders(v):
				t.Errorf("%s.yaml: %s has placeholders %q, English has %q", lang, k, placeholders(got), placeholders(v))
			}
		}
		for k := range m {
			if _, ok := en[k]; !ok {
				t.Errorf("%s.yaml: %s is not in en.yaml", lang, k)
			}
		}
		if d := m["dir"]; d != "ltr" && d != "rtl" {
			t.Errorf("%s.yaml: dir %q", lang, d)
		}
	}
	if read("ar")["dir"] != "rtl" {
		t.Error("Arabic is not right-to-left")
	}
}

// TestEveryKeyUsedExists finds every string key the templates and handlers
// ask for and checks that English has it (and so, by TestLocaleFiles, every
// language): a typo would otherwise show the key to participants.
func TestEveryKeyUsedExists(t *testing.T) {
	uses := regexp.MustCompile(`\b(?:T|Tf)\(?\s*(?:[a-zA-Z.]+,\s*)?"([a-z_]+)"`)
	var sources []string
	for _, pattern := range []string{"templates/*.html", "*.go"} {
		names, _ := filepath.Glob(pattern)
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				sources = append(sources, n)
			}
		}
	}
	seen := 0
	for _, n := range sources {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range uses.FindAllStringSubmatch(string(data), -1) {
			seen++
			if _, ok := mustCatalog(t)[forms.DefaultLanguage][m[1]]; !ok {
				t.Errorf("%s asks for %q, which en.yaml lacks", n, m[1])
			}
		}
	}
	if seen < 30 {
		t.Errorf("found only %d uses of locale keys: the pattern is out of date", seen)
	}
}

func mustCatalog(t *testing.T) catalog {
	t.Helper()
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestValidationMessages checks that every key forms may return is in the
// catalogue, fills the placeholders forms gives it, and is translated (by
// TestLocaleFiles, every language has it with the same placeholders).
func TestValidationMessages(t *testing.T) {
	c := mustCatalog(t)
	keys := forms.MessageKeys()
	if len(keys) < 15 {
		t.Fatalf("only %d message keys", len(keys))
	}
	fills := map[string]string{
		forms.MsgNotAScore:  "{max} {min}",
		forms.MsgOutOfRange: "{max} {min}",
		forms.MsgTooLong:    "{length} {max}",
		forms.MsgLanguage:   "{languages}",
	}
	for _, k := range keys {
		en, ok := c[forms.DefaultLanguage][k]
		if !ok {
			t.Errorf("en.yaml lacks %s, a key forms returns", k)
			continue
		}
		if got := placeholders(en); got != fills[k] {
			t.Errorf("%s fills %q, forms gives %q", k, got, fills[k])
		}
		for _, lang := range forms.Languages {
			if lang != forms.DefaultLanguage && strings.TrimSpace(c[lang][k]) == strings.TrimSpace(en) {
				t.Errorf("%s in %s is the English text", k, lang)
			}
		}
	}
}

// TestProblemsInWords checks what a participant reads, word for word, for
// what Validate finds wrong, in the languages of the cases.
func TestProblemsInWords(t *testing.T) {
	c := mustCatalog(t)
	w := formstest.Small(t).Workshop("beta")
	with := func(extra forms.Input) forms.Input {
		in := forms.Input{"overall": {"4"}}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	cases := []struct {
		name, lang string
		in         forms.Input
		want       map[string]string
	}{
		{"ErrRequiredMissing", "en", forms.Input{"pace": {"3"}}, map[string]string{"overall": "Please answer this question."}},
		{"ErrRequiredFrench", "fr", forms.Input{}, map[string]string{"overall": "Veuillez répondre à cette question."}},
		{"ErrRatingTooHigh", "en", with(forms.Input{"overall": {"6"}}), map[string]string{"overall": "The score must be between 1 and 5."}},
		{"ErrRatingNotNumber", "en", with(forms.Input{"pace": {"five"}}), map[string]string{"pace": "Please choose a score from 1 to 3."}},
		{"ErrRatingNotNumberUzbek", "uz", with(forms.Input{"pace": {"five"}}), map[string]string{"pace": "Iltimos, 1 dan 3 gacha baho tanlang."}},
		{"ErrRatingTwice", "en", with(forms.Input{"pace": {"2", "3"}}), map[string]string{"pace": "Please choose only one score."}},
		{"ErrNPSEleven", "ru", with(forms.Input{"recommend": {"11"}}), map[string]string{"recommend": "Оценка должна быть от 0 до 10."}},
		{"ErrNPSNegativeArabic", "ar", with(forms.Input{"recommend": {"-1"}}), map[string]string{"recommend": "يجب أن تكون الدرجة بين 0 و10."}},
		{"ErrSingleUnknownOption", "en", with(forms.Input{"sector": {"astronaut"}}), map[string]string{"sector": "Please choose one of the options shown."}},
		{"ErrSingleTwice", "en", with(forms.Input{"sector": {"academia", "other"}}), map[string]string{"sector": "Please choose only one option."}},
		{"ErrMultiDuplicate", "en", with(forms.Input{"formats": {"talks", "talks"}}), map[string]string{"formats": "Each option can be chosen only once."}},
		{"ErrTextTooLong", "en", with(forms.Input{"comment": {strings.Repeat("a", 201)}}), map[string]string{"comment": "Please shorten your answer to 200 characters at most (it has 201)."}},
		{"ErrTextTooLongArabic", "ar", with(forms.Input{"comment": {strings.Repeat("ب", 201)}}), map[string]string{"comment": "يرجى اختصار إجابتك إلى 200 حرفًا على الأكثر (عدد أحرفها الآن 201)."}},
		{"ErrTextTooLongChinese", "zh", with(forms.Input{"beta_idea": {strings.Repeat("好", 102)}}), map[string]string{"beta_idea": "请将回答缩短至最多 100 个字符（当前为 102 个）。"}},
		{"ErrTextControlChar", "en", with(forms.Input{"comment": {"bell\x07"}}), map[string]string{"comment": "This text contains characters that cannot be saved. Please retype it."}},
		{"ErrTextTwice", "en", with(forms.Input{"comment": {"a", "b"}}), map[string]string{"comment": "Please give one answer only."}},
		{"ErrUnknownQuestion", "en", with(forms.Input{"favourite_colour": {"blue"}}), map[string]string{"favourite_colour": "This form has no such question."}},
		{"ErrUnknownLanguageFallsBackToEnglish", "xx", forms.Input{"pace": {"3"}}, map[string]string{"overall": "Please answer this question."}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Validate(tt.in, tt.lang)
			msg, fields := c.Messages(tt.lang, err)
			if want := c.T(tt.lang, forms.MsgInvalid); msg != want {
				t.Errorf("message %q, want %q", msg, want)
			}
			if !reflect.DeepEqual(fields, tt.want) {
				t.Errorf("fields\n got: %v\nwant: %v", fields, tt.want)
			}
		})
	}
	t.Run("ErrWrongTypeInJSON", func(t *testing.T) {
		_, unread := w.InputFromJSON(map[string]json.RawMessage{"overall": json.RawMessage(`"5"`)}, "es")
		if got, want := c.Problem("es", unread["overall"]), "Esta respuesta no es del tipo esperado."; got != want {
			t.Errorf("%q, want %q", got, want)
		}
	})
	t.Run("NoKeySaysMessage", func(t *testing.T) {
		// An error with no key (the rapporteur's pages) says its Message.
		msg, fields := c.Messages("fr", &forms.Error{Code: forms.ENOTFOUND, Message: "no such workshop"})
		if msg != "no such workshop" || fields != nil {
			t.Errorf("%q, %v", msg, fields)
		}
	})
}

// TestEveryPageInEveryLanguage renders each participant page in each
// language and checks its lang and dir, its own words in that language, and
// that no English interface string leaks into another language's page.
func TestEveryPageInEveryLanguage(t *testing.T) {
	// The small fixture, offered in every language the app speaks.
	f := formstest.Small(t)
	f.Languages = slices.Clone(forms.Languages)
	a := mustAppOn(t, f, func(*config) {})
	closed := false
	if err := a.db.SetWorkshopOpen(context.Background(), "beta", &closed); err != nil {
		t.Fatal(err)
	}
	a.srv.forgetOverrides()
	cat := a.srv.text
	const slug = "alpha"
	for _, lang := range forms.Languages {
		t.Run(lang, func(t *testing.T) {
			sid := uuid.NewString()
			ok := url.Values{"submission_id": {sid}, "lang": {lang}, "overall": {"4"}, "pace": {"3"}}
			res, _ := a.do(t, postForm("/w/"+slug, ok))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send: %d", res.StatusCode)
			}
			pages := []struct {
				name   string
				req    *http.Request
				status int
				keys   []string
				extra  []string
			}{
				{"list", get("/?lang=" + lang), 200, []string{"list_title", "list_intro", "workshop_closed"}, nil},
				{"form", get("/w/" + slug + "?lang=" + lang), 200, []string{"required_note", "submit", "choose_any", "sending", "saved_offline", "restored"}, nil},
				{"form-errors", postForm("/w/"+slug+"?lang="+lang, url.Values{"submission_id": {uuid.NewString()}, "lang": {lang}}), 422,
					nil, []string{cat.T(lang, forms.MsgRequired)}},
				{"thanks", get("/w/"+slug+"/thanks?lang="+lang, "Cookie", submissionCookie(slug)+"="+sid), 200, []string{"thanks_title", "change_answers", "back_to_list"}, nil},
				{"returning", get("/w/"+slug+"?lang="+lang, "Cookie", submissionCookie(slug)+"="+sid), 200, []string{"already_answered"}, nil},
				{"closed", get("/w/beta?lang=" + lang), 200, []string{"closed_title"}, nil},
				{"closed-post", postForm("/w/beta?lang="+lang, ok), 403, []string{"closed_title"}, []string{cat.T(lang, forms.MsgClosed)}},
				{"not-found", get("/w/no-such-workshop?lang=" + lang), 404, []string{"not_found_title", "not_found_body"}, nil},
			}
			for _, p := range pages {
				res, body := a.do(t, p.req)
				if res.StatusCode != p.status {
					t.Errorf("%s: status %d, want %d", p.name, res.StatusCode, p.status)
				}
				if head := `<html lang="` + lang + `" dir="` + cat.Dir(lang) + `">`; !strings.Contains(body, head) {
					t.Errorf("%s: no %s", p.name, head)
				}
				for _, k := range append([]string{"site_title", "skip_to_form"}, p.keys...) {
					if !strings.Contains(body, htmlText(cat.T(lang, k))) {
						t.Errorf("%s: lacks %s in %s: %q", p.name, k, lang, cat.T(lang, k))
					}
				}
				for _, s := range p.extra {
					if !strings.Contains(body, htmlText(s)) {
						t.Errorf("%s: lacks %q", p.name, s)
					}
				}
				if lang != "en" {
					for k, en := range cat["en"] {
						if k == "lang_name" || len(en) < 8 || cat[lang][k] == en {
							continue
						}
						for _, part := range localePlaceholder.Split(en, -1) {
							if len(strings.TrimSpace(part)) >= 8 && strings.Contains(body, htmlText(part)) {
								t.Errorf("%s: English %s leaks into the %s page: %q", p.name, k, lang, part)
							}
						}
					}
				}
				if links := strings.Count(body, ` hreflang="`); links != len(forms.Languages) {
					t.Errorf("%s: %d language links, want %d", p.name, links, len(forms.Languages))
				}
				if !strings.Contains(body, `hreflang="`+lang+`" dir="`+cat.Dir(lang)+`" aria-current="true"`) {
					t.Errorf("%s: the language switcher does not mark %s as current", p.name, lang)
				}
			}
		})
	}
}

// TestLanguageRemembered follows the switcher's link once and checks that
// the choice sticks, that Accept-Language picks a first page's language, and
// that a response is stored with its language and its options by id.
func TestLanguageRemembered(t *testing.T) {
	a := mustApp(t)
	res, body := a.do(t, get("/", "Accept-Language", "ar-EG,ar;q=0.9,en;q=0.5"))
	if !strings.Contains(body, `<html lang="ar" dir="rtl">`) {
		t.Fatalf("Accept-Language ar: %d", res.StatusCode)
	}
	res, _ = a.do(t, get("/w/alpha?lang=fr", "Accept-Language", "ar"))
	var chosen *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "lang" {
			chosen = c
		}
	}
	if chosen == nil || chosen.Value != "fr" {
		t.Fatalf("the switcher's choice is not remembered: %v", res.Cookies())
	}
	_, body = a.do(t, get("/", "Accept-Language", "ar", "Cookie", "lang=fr"))
	if !strings.Contains(body, `<html lang="fr" dir="ltr">`) {
		t.Error("the remembered choice does not win over Accept-Language")
	}

	stored := map[string]string{}
	for _, lang := range []string{"fr", "ar"} { // the fixture's languages but the cookie's
		sid := uuid.NewString()
		v := url.Values{"submission_id": {sid}, "lang": {lang}, "overall": {"5"}, "pace": {"3"},
			"formats": {"talks", "exercises"}, "sector": {"academia"}}
		if res, _ := a.do(t, postForm("/w/alpha", v, "Cookie", "lang=en")); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", lang, res.StatusCode)
		}
		r, err := a.db.ResponseBySubmission(context.Background(), sid)
		if err != nil {
			t.Fatal(err)
		}
		stored[lang] = r.Lang + " " + strings.Join(r.Answers["formats"].Choices, ",") + " " + strings.Join(r.Answers["sector"].Choices, ",")
	}
	for lang, got := range stored {
		if want := lang + " talks,exercises academia"; got != want {
			t.Errorf("stored %q, want %q", got, want)
		}
	}
}
