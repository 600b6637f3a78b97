package forms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultLanguage is the language every text must have and every missing
// translation falls back to.
const DefaultLanguage = "en"

// Languages lists the languages the shipped interface speaks: the six UN
// official languages and Uzbek, the host country's. A forms file that names
// no languages is offered in these; one may name any other, whose interface
// text the organizer brings (the app's -locales).
var Languages = []string{"en", "fr", "es", "ru", "zh", "ar", "uz"}

// IsLanguage reports whether lang is one of Languages, the shipped
// interface's.
func IsLanguage(lang string) bool { return slices.Contains(Languages, lang) }

// languageCode is the shape of a language a forms file may name: an ISO 639-1,
// -2 or -3 code, with an optional ISO 3166 region (pt-BR). The shape is
// checked, not a list, so that a forum in any language needs no release.
var languageCode = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)

// IsLanguageCode reports whether code has the shape of a language a forms
// file may name (en, ka, fil, pt-BR).
func IsLanguageCode(code string) bool { return languageCode.MatchString(code) }

// HasLanguage reports whether lang is one of the forms file's languages: the
// ones its texts may be in and its participants are offered.
func (f *Forms) HasLanguage(lang string) bool { return slices.Contains(f.Languages, lang) }

// Text is a string in several languages, keyed by language code. The organizer
// may write a plain string in the forms file, which is taken as English.
type Text map[string]string

// Get returns the text in lang, falling back to English string by string, so
// that a partly translated file still shows something to everyone.
func (t Text) Get(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t[DefaultLanguage]
}

// Has reports whether the text is translated into lang, rather than shown
// there in English.
func (t Text) Has(lang string) bool { return strings.TrimSpace(t[lang]) != "" }

// UnmarshalYAML accepts either a plain string or a map of language to string.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*t = Text{DefaultLanguage: n.Value}
		return nil
	case yaml.MappingNode:
		m := map[string]string{}
		if err := n.Decode(&m); err != nil {
			return err
		}
		*t = m
		return nil
	}
	return fmt.Errorf("line %d: expected a text or a map of language to text", n.Line)
}

// languages reads the file's languages: the shipped ones when it names none,
// else any codes of the right shape, each once.
func (p *parser) languages(listed []string) ([]string, error) {
	if len(listed) == 0 {
		return slices.Clone(Languages), nil
	}
	for i, l := range listed {
		if !IsLanguageCode(l) {
			return nil, p.fail([]any{"languages", i}, "unknown language %q: write an ISO 639 code of two or three lower-case letters (en, ka, fil), optionally with a region (pt-BR)", l)
		}
		if slices.Contains(listed[:i], l) {
			return nil, p.fail([]any{"languages", i}, "language %q is listed twice", l)
		}
	}
	return listed, nil
}

// text checks a text of the file: it has English, and no language the file
// does not list.
func (p *parser) text(t Text, path []any, what string) error {
	if strings.TrimSpace(t[DefaultLanguage]) == "" {
		return p.fail(path, "%s needs an English (en) text", what)
	}
	for _, l := range sortedKeys(t) {
		if !slices.Contains(p.langs, l) {
			return p.fail(path, "%s has a text in unknown language %q (the file's languages: %s)", what, l, strings.Join(p.langs, ", "))
		}
	}
	return nil
}
