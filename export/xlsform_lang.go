package export

import (
	"regexp"
	"strings"
)

// xlsLanguageNames are the English names XLSForm columns give languages in
// (label::English (en)). Old files name the language without its code
// (label:English), so the reader maps a name back to a code with the same
// table; the writer uses it to name a code, and a code it does not know is
// named by itself (label::xx (xx)), which still reads back.
var xlsLanguageNames = map[string]string{
	"en": "English", "fr": "French", "es": "Spanish", "ru": "Russian", "zh": "Chinese",
	"ar": "Arabic", "uz": "Uzbek", "ka": "Georgian", "kk": "Kazakh", "ky": "Kyrgyz",
	"tg": "Tajik", "tk": "Turkmen", "az": "Azerbaijani", "hy": "Armenian", "tr": "Turkish",
	"fa": "Persian", "de": "German", "it": "Italian", "pt": "Portuguese", "uk": "Ukrainian",
	"hi": "Hindi", "ur": "Urdu", "bn": "Bengali", "ja": "Japanese", "ko": "Korean",
	"id": "Indonesian", "sw": "Swahili", "mn": "Mongolian",
}

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
	for code, name := range xlsLanguageNames {
		if strings.EqualFold(name, s) {
			return code
		}
	}
	if xlsLanguageCode.MatchString(s) {
		return s
	}
	return ""
}

// xlsLanguageTitle names a code as the columns of an XLSForm do.
func xlsLanguageTitle(code string) string {
	name, ok := xlsLanguageNames[code]
	if !ok {
		name = code
	}
	return name + " (" + code + ")"
}
