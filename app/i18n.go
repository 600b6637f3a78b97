package main

import (
	"embed"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"feedback/forms"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// catalog holds every string a person reads, in every language, keyed by
// language then by key: the interface's and the messages of the forms
// problems (the forms.Msg keys). One file per language holds them all, so
// that adding a language is adding a file.
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
		s = fill(s, fmt.Sprint(pairs[i]), pairs[i+1])
	}
	return s
}

func fill(s, name string, value any) string {
	return strings.ReplaceAll(s, "{"+name+"}", fmt.Sprint(value))
}

// Problem puts what forms found wrong into lang's words.
func (c catalog) Problem(lang string, p forms.Problem) string {
	s := c.T(lang, p.Key)
	for name, v := range p.Args {
		s = fill(s, name, v)
	}
	return s
}

// Messages is what err tells a participant, in lang: its own message and one
// per field. It is the one place where the keys of a forms.Error become
// words, for the error pages, a form shown again and the API alike. An error
// with no key says its English Message (the rapporteur's pages); one that is
// no forms.Error says nothing here.
func (c catalog) Messages(lang string, err error) (msg string, fields map[string]string) {
	var fe *forms.Error
	if !errors.As(err, &fe) {
		return "", nil
	}
	msg = fe.Message
	if fe.Key != "" {
		msg = c.Problem(lang, forms.Problem{Key: fe.Key, Args: fe.Args})
	}
	if len(fe.Fields) > 0 {
		fields = make(map[string]string, len(fe.Fields))
		for id, p := range fe.Fields {
			fields[id] = c.Problem(lang, p)
		}
	}
	return msg, fields
}

// Dir is "rtl" for right-to-left languages: those of rightToLeft whatever
// their locale file says, and any whose locale file says dir: rtl.
func (c catalog) Dir(lang string) string {
	if rightToLeft[baseLanguage(lang)] || c[lang]["dir"] == "rtl" {
		return "rtl"
	}
	return "ltr"
}

// rightToLeft are the languages written right to left, so that a forum in
// Persian or Urdu reads the right way before anyone writes its locale file.
var rightToLeft = map[string]bool{
	"ar": true, "fa": true, "ur": true, "he": true, "ps": true,
	"ckb": true, "dv": true, "yi": true, "ug": true, "sd": true,
}

// Name is the language's name in itself, for the language switcher: its
// locale file's lang_name, else a common language's endonym, else its code.
func (c catalog) Name(lang string) string {
	if s := c[lang]["lang_name"]; s != "" {
		return s
	}
	if s := forms.NativeName(lang); s != "" {
		return s
	}
	return lang
}

// missing lists the catalogue's keys that lang has no string for, sorted: what
// its participants read in English.
func (c catalog) missing(lang string) []string {
	var out []string
	for key := range c[forms.DefaultLanguage] {
		if c[lang][key] == "" {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// baseLanguage is a language code without its region: pt for pt-BR.
func baseLanguage(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	return base
}

// negotiate is negotiateAmong the shipped languages, which the default forms
// file offers.
func negotiate(explicit, cookie, acceptLanguage string) string {
	return negotiateAmong(forms.Languages, explicit, cookie, acceptLanguage)
}

// negotiateAmong picks the participant's language among those offered (the
// forms file's): an explicit choice first (the ?lang= link or the remembered
// cookie), then the browser's Accept-Language by its q-values, then English.
func negotiateAmong(offered []string, explicit, cookie, acceptLanguage string) string {
	for _, l := range []string{explicit, cookie} {
		if l != "" && slices.Contains(offered, l) {
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
		if l := matchLanguage(offered, tag); l != "" && q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}

// matchLanguage finds the offered language for a browser's tag, ignoring
// case: the tag itself (pt-BR), else its base language (pt for pt-PT, zh
// for zh-Hans-CN), else a regional variant of that (pt-BR for pt).
func matchLanguage(offered []string, tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" {
		return ""
	}
	base := baseLanguage(tag)
	var sameBase, variant string
	for _, l := range offered {
		switch lower := strings.ToLower(l); {
		case lower == tag:
			return l
		case lower == base && sameBase == "":
			sameBase = l
		case baseLanguage(lower) == base && variant == "":
			variant = l
		}
	}
	if sameBase != "" {
		return sameBase
	}
	return variant
}
