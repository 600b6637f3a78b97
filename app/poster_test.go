package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestPosters(t *testing.T) {
	a := mustApp(t)

	t.Run("ErrNoToken", func(t *testing.T) {
		if res, _ := a.do(t, get("/admin/posters")); res.StatusCode != 401 {
			t.Errorf("posters without the token: %d, want 401", res.StatusCode)
		}
	})

	t.Run("OK", func(t *testing.T) {
		res, body := a.do(t, get("/admin/posters", "Authorization", "Bearer "+testToken))
		if res.StatusCode != 200 {
			t.Fatalf("posters: %d", res.StatusCode)
		}
		posters := strings.Split(body, `<section class="poster">`)[1:]
		if len(posters) != len(a.srv.forms.Workshops) {
			t.Fatalf("%d posters, want one per workshop (%d)", len(posters), len(a.srv.forms.Workshops))
		}
		svg := regexp.MustCompile(`(?s)<svg.*?</svg>`)
		for i, w := range a.srv.forms.Workshops {
			p := posters[i]
			url := "https://feedback.example.org/w/" + w.Slug
			if !strings.Contains(p, htmlText(w.Title.Get("en"))) {
				t.Errorf("poster %d lacks the title %q", i+1, w.Title.Get("en"))
			}
			if !strings.Contains(p, "feedback.example.org/w/"+w.Slug+"</strong>") {
				t.Errorf("poster %d lacks the short URL", i+1)
			}
			code := svg.FindString(p)
			if code == "" {
				t.Fatalf("poster %d has no inline QR code", i+1)
			}
			if got := decodeQR(t, rasterSVG(t, code)); got != url {
				t.Errorf("poster %d's code decodes to %q, want %q", i+1, got, url)
			}
			for _, lang := range a.srv.forms.Languages { // the forum's languages
				line := `<li lang="` + lang + `" dir="` + a.srv.text.Dir(lang) + `"><strong>` + htmlText(a.srv.text.T(lang, "poster_tagline")) + `</strong>`
				if !strings.Contains(p, line) {
					t.Errorf("poster %d lacks the tagline in %s: %s", i+1, lang, line)
				}
			}
		}
	})

	t.Run("TitlesInFrench", func(t *testing.T) {
		_, body := a.do(t, get("/admin/posters?lang=fr", "Authorization", "Bearer "+testToken))
		w := a.srv.forms.Workshops[0]
		if !strings.Contains(body, `<html lang="fr"`) || !strings.Contains(body, htmlText(w.Title.Get("fr"))) ||
			!strings.Contains(body, htmlText(a.srv.text.T("fr", "poster_scan"))) {
			t.Error("?lang=fr does not print French titles")
		}
	})
}
