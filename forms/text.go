package forms

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// DefaultLanguage is the language every text must have and every missing
// translation falls back to.
const DefaultLanguage = "en"

// Languages lists the languages the participant pages are offered in: the six
// UN official languages and Uzbek, the host country's.
var Languages = []string{"en", "fr", "es", "ru", "zh", "ar", "uz"}

// IsLanguage reports whether lang is one of Languages.
func IsLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

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
