package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"feedback/forms"
)

// The organizer's locale files (-locales DIR): DIR/<code>.yaml holds the
// interface's strings for a language beyond the seven shipped ones, in the
// format of locales/en.yaml (feedback -print-locale en prints it). A file for
// a shipped language changes or adds to its strings. A string a file lacks is
// shown in English.

// loadLocales is the shipped catalogue with the locale files of dir, if any,
// laid over it. A file that is not a language's, a key the catalogue does not
// have, or a {placeholder} the English string does not fill stops the start,
// with the file and the line.
func loadLocales(dir string) (catalog, error) {
	c, err := loadCatalog()
	if err != nil || dir == "" {
		return c, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("-locales: %w", err)
	}
	for _, e := range entries {
		code, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok || e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if !forms.IsLanguageCode(code) {
			return nil, fmt.Errorf("%s: a locale file is named for its language's ISO 639 code (ka.yaml, pt-BR.yaml)", path)
		}
		strs, err := readLocale(path, c[forms.DefaultLanguage])
		if err != nil {
			return nil, err
		}
		if c[code] == nil {
			c[code] = map[string]string{}
		}
		for k, v := range strs {
			c[code][k] = v
		}
	}
	return c, nil
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// readLocale reads one locale file, holding it to the English catalogue's
// keys and placeholders.
func readLocale(path string, english map[string]string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-locales: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file: every string in English
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a locale file is a list of key: text lines", path, m.Line)
	}
	out := map[string]string{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		en, ok := english[k.Value]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s:%d: unknown key %q (feedback -print-locale en lists every key)", path, k.Line, k.Value)
		case v.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("%s:%d: %s: expected a text", path, v.Line, k.Value)
		}
		for _, p := range placeholder.FindAllString(v.Value, -1) {
			if !strings.Contains(en, p) {
				return nil, fmt.Errorf("%s:%d: %s: %s is not filled in (the English text has %s)", path, v.Line, k.Value, p,
					orNone(placeholder.FindAllString(en, -1)))
			}
		}
		out[k.Value] = v.Value
	}
	return out, nil
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	slices.Sort(list)
	return strings.Join(slices.Compact(list), ", ")
}
