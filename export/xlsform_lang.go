package export

import (
	"regexp"
	"strings"

	"feedback/forms"
)

// xlsLanguageColumn is "Name (code)": the code is what counts.
var (
	xlsLanguageColumn = regexp.MustCompile(`^(.*?)\s*\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)$`)
	xlsLanguageCode   = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// xlsLanguageOf reads the language part of a column header or of the
// settings' default_language: "English (en)", "English", or "en". It
// returns "" when it cannot tell the code.
func xlsLanguageOf(s string) string {
	s = strings.TrimSpace(s)
	if m := xlsLanguageColumn.FindStringSubmatch(s); m != nil {
		lang, region, ok := strings.Cut(strings.ReplaceAll(m[2], "_", "-"), "-")
		if ok {
			return strings.ToLower(lang) + "-" + strings.ToUpper(region) // pt-BR
		}
		return strings.ToLower(lang)
	}
	if code := forms.LanguageByEnglishName(s); code != "" {
		return code
	}
	if xlsLanguageCode.MatchString(s) {
		return s
	}
	return ""
}

// xlsLanguageTitle names a code as the columns of an XLSForm do.
func xlsLanguageTitle(code string) string {
	name := forms.EnglishName(code)
	if name == "" {
		name = code
	}
	return name + " (" + code + ")"
}
