package forms

import "testing"

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Plain ASCII":     "plain ascii",
		"École NUMÉRIQUE": "ecole numerique",
		"МИР Ёлка":        "мир елка",
		"التَّدْرِيب":     "التدريب",
		"كـــتاب":         "كتاب",
		"人工智能":            "人工智能",
		"ﬁne Ｆｕｌｌ":        "fine full",
		"Straße İstanbul": "straße istanbul",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestThemeID(t *testing.T) {
	for in, want := range map[string]string{
		"AI and the public sector": "ai_and_the_public_sector",
		"  Changing -- mindsets! ": "changing_mindsets",
		"Éducation numérique":      "education_numerique",
		"Цифровизация":             "theme",
		"2030 agenda":              "theme_2030_agenda",
	} {
		if got := ThemeID(in); got != want {
			t.Errorf("ThemeID(%q) = %q, want %q", in, got, want)
		}
	}
}
