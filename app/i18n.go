package main

import (
	"embed"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"feedback/forms"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// catalog holds the user-interface strings of every language, keyed by
// language then by key. Validation messages live in forms, with the domain.
type catalog map[string]map[string]string

func loadCatalog() (catalog, error) {
	c := catalog{}
	for _, lang := range forms.Languages {
		data, err := localeFiles.ReadFile("locales/" + lang + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("locales: %w", err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("locales/%s.yaml: %w", lang, err)
		}
		c[lang] = m
	}
	return c, nil
}

// T returns the string with key in lang, falling back to English, then to the
// key itself so a missing string shows rather than an empty space.
func (c catalog) T(lang, key string) string {
	if s := c[lang][key]; s != "" {
		return s
	}
	if s := c[forms.DefaultLanguage][key]; s != "" {
		return s
	}
	return key
}

// Tf fills {name} placeholders from pairs of name, value.
func (c catalog) Tf(lang, key string, pairs ...any) string {
	s := c.T(lang, key)
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(pairs[i])+"}", fmt.Sprint(pairs[i+1]))
	}
	return s
}

// Dir is "rtl" for right-to-left languages.
func (c catalog) Dir(lang string) string {
	if c.T(lang, "dir") == "rtl" {
		return "rtl"
	}
	return "ltr"
}

// negotiate picks the participant's language: an explicit choice first (the
// ?lang= link or the remembered cookie), then the browser's Accept-Language by
// its q-values, then English.
func negotiate(explicit, cookie, acceptLanguage string) string {
	for _, l := range []string{explicit, cookie} {
		if forms.IsLanguage(l) {
			return l
		}
	}
	best, bestQ := forms.DefaultLanguage, -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if forms.IsLanguage(base) && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	return best
}
