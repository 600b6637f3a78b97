package forms

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Theme is one of the rapporteur's codes for comments, such as "AI and the
// public sector". Themes may be declared in the forms file (themes:) and are
// added, renamed and merged on the comments page; the store keeps them.
type Theme struct {
	// ID is stable: links, the workbook's columns and summary.json name a
	// theme by it, whatever its label becomes.
	ID    string
	Label string
}

// MaxThemeLabel is the longest theme label, in characters.
const MaxThemeLabel = 80

// CleanThemeLabel trims a label and checks it: not empty, at most
// MaxThemeLabel characters, one line. ok is false when it is not a label.
func CleanThemeLabel(label string) (string, bool) {
	label = strings.Join(strings.Fields(label), " ")
	if label == "" || utf8.RuneCountInString(label) > MaxThemeLabel || !utf8.ValidString(label) {
		return "", false
	}
	return label, true
}

// ThemeID makes an id from a label, "AI and the public sector" becoming
// "ai_and_the_public_sector": lower-case ASCII letters and digits joined by
// underscores, accents dropped; a label with none of those (written in
// another script) makes "theme". The caller makes it unique.
func ThemeID(label string) string {
	var b strings.Builder
	gap := false
	for _, r := range norm.NFD.String(label) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
		default:
			gap = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	id := strings.TrimRight(b.String(), "_")
	if id == "" || !unicode.IsLetter(rune(id[0])) {
		id = "theme_" + id
		id = strings.TrimRight(id, "_")
	}
	return id
}

// UniqueThemeID returns id, or id_2, id_3 … when taken says it is taken.
func UniqueThemeID(id string, taken func(string) bool) string {
	if !taken(id) {
		return id
	}
	for n := 2; ; n++ {
		if c := id + "_" + strconv.Itoa(n); !taken(c) {
			return c
		}
	}
}

// Fold is how comments are searched: lower case, without accents or other
// combining marks (Arabic short vowels among them), in compatibility form, so
// that "ecole" finds "École", "мир" finds "МИР" and "تدريب" finds "تَدْرِيب".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) || r == '\u0640' { // marks, and the Arabic tatweel that only stretches a word
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
