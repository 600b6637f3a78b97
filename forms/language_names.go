package forms

import "strings"

// languageName is how a language is named: in English (as XLSForm columns
// name it, "label::Georgian (ka)") and in itself (as the language switcher
// does, "ქართული"). Either may be unknown ("").
type languageName struct{ english, native string }

// languageNames are the names of common languages, by ISO 639 code.
var languageNames = map[string]languageName{
	"am":  {"", "አማርኛ"},
	"ar":  {"Arabic", "العربية"},
	"az":  {"Azerbaijani", "Azərbaycanca"},
	"be":  {"", "Беларуская"},
	"bg":  {"", "Български"},
	"bn":  {"Bengali", "বাংলা"},
	"bs":  {"", "Bosanski"},
	"ckb": {"", "کوردیی ناوەندی"},
	"cs":  {"", "Čeština"},
	"da":  {"", "Dansk"},
	"de":  {"German", "Deutsch"},
	"dv":  {"", "ދިވެހި"},
	"el":  {"", "Ελληνικά"},
	"en":  {"English", "English"},
	"es":  {"Spanish", "Español"},
	"et":  {"", "Eesti"},
	"fa":  {"Persian", "فارسی"},
	"fi":  {"", "Suomi"},
	"fil": {"", "Filipino"},
	"fr":  {"French", "Français"},
	"ha":  {"", "Hausa"},
	"he":  {"", "עברית"},
	"hi":  {"Hindi", "हिन्दी"},
	"hr":  {"", "Hrvatski"},
	"hu":  {"", "Magyar"},
	"hy":  {"Armenian", "Հայերեն"},
	"id":  {"Indonesian", "Bahasa Indonesia"},
	"it":  {"Italian", "Italiano"},
	"ja":  {"Japanese", "日本語"},
	"ka":  {"Georgian", "ქართული"},
	"kk":  {"Kazakh", "Қазақ тілі"},
	"km":  {"", "ខ្មែរ"},
	"ko":  {"Korean", "한국어"},
	"ku":  {"", "Kurdî"},
	"ky":  {"Kyrgyz", "Кыргызча"},
	"lo":  {"", "ລາວ"},
	"lt":  {"", "Lietuvių"},
	"lv":  {"", "Latviešu"},
	"mk":  {"", "Македонски"},
	"mn":  {"Mongolian", "Монгол"},
	"ms":  {"", "Bahasa Melayu"},
	"my":  {"", "မြန်မာ"},
	"ne":  {"", "नेपाली"},
	"nl":  {"", "Nederlands"},
	"no":  {"", "Norsk"},
	"pl":  {"", "Polski"},
	"ps":  {"", "پښتو"},
	"pt":  {"Portuguese", "Português"},
	"ro":  {"", "Română"},
	"ru":  {"Russian", "Русский"},
	"sd":  {"", "سنڌي"},
	"si":  {"", "සිංහල"},
	"sk":  {"", "Slovenčina"},
	"sl":  {"", "Slovenščina"},
	"so":  {"", "Soomaali"},
	"sq":  {"", "Shqip"},
	"sr":  {"", "Српски"},
	"sv":  {"", "Svenska"},
	"sw":  {"Swahili", "Kiswahili"},
	"ta":  {"", "தமிழ்"},
	"tg":  {"Tajik", "Тоҷикӣ"},
	"th":  {"", "ไทย"},
	"tk":  {"Turkmen", "Türkmençe"},
	"tr":  {"Turkish", "Türkçe"},
	"ug":  {"", "ئۇيغۇرچە"},
	"uk":  {"Ukrainian", "Українська"},
	"ur":  {"Urdu", "اردو"},
	"uz":  {"Uzbek", "Oʻzbekcha"},
	"vi":  {"", "Tiếng Việt"},
	"yi":  {"", "ייִדיש"},
	"yo":  {"", "Yorùbá"},
	"zh":  {"Chinese", "中文"},
	"zu":  {"", "isiZulu"},
}

// EnglishName is the language's name in English, or "" if not known.
func EnglishName(code string) string { return languageNames[baseCode(code)].english }

// NativeName is the language's name in itself, or "" if not known.
func NativeName(code string) string { return languageNames[baseCode(code)].native }

// LanguageByEnglishName is the code of a language named in English
// ("Georgian" → "ka", in any case), or "".
func LanguageByEnglishName(name string) string {
	for code, n := range languageNames {
		if n.english != "" && strings.EqualFold(n.english, name) {
			return code
		}
	}
	return ""
}

// baseCode is a code without its region ("pt-BR" → "pt").
func baseCode(code string) string {
	base, _, _ := strings.Cut(code, "-")
	return base
}
