package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"feedback/forms"
)

// Any language: a forum in English and Georgian with a locale file of the
// organizer's, one in English and Persian, the check before the forum, the
// English catalogue to translate from, and the previews of /admin/forms.

const georgianForum = `languages: [en, ka]
questions:
  - id: overall
    type: rating
    required: true
    label: {en: "How was the session?", ka: "როგორი იყო სესია?"}
  - id: sector
    type: single
    label: {en: "Where do you work?"}
    options:
      - {id: gov, label: {en: Government, ka: მთავრობა}}
      - {id: ngo, label: {en: Civil society}}
workshops:
  - slug: tbilisi
    title: {en: Tbilisi session, ka: თბილისის სესია}
`

const persianForum = `languages: [en, fa]
questions:
  - {id: overall, type: rating, required: true, label: {en: "How was it?", fa: "چطور بود؟"}}
workshops:
  - slug: tehran
    title: {en: Tehran session, fa: نشست تهران}
`

// languageApp serves forms text with the locale files in locales (name →
// content).
func languageApp(t *testing.T, text string, locales map[string]string) *testApp {
	t.Helper()
	dir := t.TempDir()
	for name, body := range locales {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	f, err := forms.Parse("forum.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return mustAppOn(t, f, func(c *config) { c.Locales = dir })
}

func TestAnyLanguage(t *testing.T) {
	ka := "lang_name: ქართული\nsubmit: გაგზავნა\nrequired_note: \"* აღნიშნული კითხვები სავალდებულოა.\"\n"
	t.Run("OKGeorgian", func(t *testing.T) {
		a := languageApp(t, georgianForum, map[string]string{"ka.yaml": ka})
		res, page := a.do(t, get("/w/tbilisi?lang=ka"))
		if res.StatusCode != http.StatusOK {
			t.Fatal(res.StatusCode)
		}
		for _, want := range []string{`<html lang="ka" dir="ltr">`, "თბილისის სესია", "როგორი იყო სესია?", "გაგზავნა", "მთავრობა",
			// What the locale file and the forms file lack is in English.
			"Where do you work?", "Civil society", a.srv.text.T("en", "choose_one"), "ქართული"} {
			if !strings.Contains(page, want) {
				t.Errorf("the Georgian page lacks %q", want)
			}
		}
	})
	t.Run("OKFallsBackToEnglish", func(t *testing.T) {
		a := languageApp(t, georgianForum, map[string]string{"ka.yaml": ka})
		_, page := a.do(t, get("/w/tbilisi?lang=ru"))
		if !strings.Contains(page, `<html lang="en" dir="ltr">`) || !strings.Contains(page, "How was the session?") {
			t.Errorf("?lang=ru on a forum in English and Georgian is not English:\n%.400s", page)
		}
	})
	t.Run("OKPersianIsRightToLeft", func(t *testing.T) {
		// No locale file at all: the pages' words are English, the direction
		// is the language's.
		a := languageApp(t, persianForum, nil)
		_, page := a.do(t, get("/w/tehran?lang=fa"))
		if !strings.Contains(page, `<html lang="fa" dir="rtl">`) || !strings.Contains(page, "چطور بود؟") {
			t.Errorf("the Persian page:\n%.400s", page)
		}
	})
	t.Run("ErrLocaleFile", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "ka.yaml"), []byte("submit: გაგზავნა\nno_such_key: x\n"), 0o600)
		if _, err := loadLocales(dir); err == nil || !strings.Contains(err.Error(), "no_such_key") || !strings.Contains(err.Error(), "ka.yaml") {
			t.Errorf("a locale file with an unknown key: %v", err)
		}
	})
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "forum.yaml")
	if err := os.WriteFile(path, []byte(georgianForum), 0o600); err != nil {
		t.Fatal(err)
	}
	locales := filepath.Join(dir, "locales")
	os.Mkdir(locales, 0o700)
	os.WriteFile(filepath.Join(locales, "ka.yaml"), []byte("lang_name: ქართული\nsubmit: გაგზავნა\n"), 0o600)
	t.Run("OK", func(t *testing.T) {
		f, err := forms.LoadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := checkForms(&out, config{Locales: locales}, f, path); err != nil {
			t.Fatal(err)
		}
		report := out.String()
		for _, want := range []string{"valid", "tbilisi", "overall", "sector", "ka"} {
			if !strings.Contains(report, want) {
				t.Errorf("the report lacks %q:\n%s", want, report)
			}
		}
		// What Georgian lacks: the sector label, one option, and interface
		// strings such as choose_one.
		kaPart := report[strings.LastIndex(report, "\nka "):]
		for _, want := range []string{"sector", "ngo", "choose_one"} {
			if !strings.Contains(kaPart, want) {
				t.Errorf("the Georgian part does not name %q as missing:\n%s", want, kaPart)
			}
		}
	})
	t.Run("ErrBrokenFile", func(t *testing.T) {
		broken := filepath.Join(dir, "broken.yaml")
		os.WriteFile(broken, []byte(strings.Replace(georgianForum, "type: rating", "type: ratings", 1)), 0o600)
		err := run(context.Background(), []string{"-check", "-forms", broken}, func(string) string { return "" }, io.Discard, slog.New(slog.NewTextHandler(io.Discard, nil)))
		_, startErr := forms.LoadFile(broken)
		if err == nil || startErr == nil || err.Error() != startErr.Error() || !strings.Contains(err.Error(), "broken.yaml:4") {
			t.Errorf("-check on a broken file: %v (the start says %v)", err, startErr)
		}
	})
	t.Run("OKPrintLocale", func(t *testing.T) {
		var out bytes.Buffer
		if err := printLocale(&out, "en"); err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := yaml.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		for key := range mustCatalogEN(t) {
			if _, ok := m[key]; !ok {
				t.Errorf("-print-locale en lacks %s", key)
			}
		}
		if err := printLocale(io.Discard, "xx"); err == nil {
			t.Error("-print-locale xx printed something")
		}
	})
}

func mustCatalogEN(t *testing.T) map[string]string {
	t.Helper()
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c["en"]
}

func TestAdminForms(t *testing.T) {
	a := languageApp(t, georgianForum, map[string]string{"ka.yaml": "lang_name: ქართული\n"})
	if res, _ := a.do(t, get("/admin/forms")); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %d", res.StatusCode)
	}
	res, page := a.do(t, get("/admin/forms", "Authorization", "Bearer "+testToken))
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode)
	}
	for _, want := range []string{`lang="ka"`, "როგორი იყო სესია?", "How was the session?", "/admin/forms/tbilisi.xlsx"} {
		if !strings.Contains(page, want) {
			t.Errorf("/admin/forms lacks %q", want)
		}
	}
	if n := a.countResponses(t); n != 0 {
		t.Errorf("the preview stored %d responses", n)
	}
}
