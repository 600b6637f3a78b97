package forms_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"feedback/forms"
)

// The keys of the forms file that make any questionnaire: title, timezone,
// figures, questionnaires, hint, section, show_if, other. Each key is read
// as written, and each mistake stops the start with the file, the line and
// the problem.

const organizerFile = `title: {en: UN Public Service Forum 2026, fr: Forum des Nations Unies sur le service public 2026}
timezone: Asia/Tbilisi
figures:
  headline: overall
  gain: [before, after]
  profile: [role]
questionnaires:
  plenary:
    - id: session
      type: rating
      required: true
      label: How useful was this session?
questions:
  - id: overall
    type: rating
    required: true
    label: Overall?
    hint: {en: "1 is the lowest, 5 the highest"}
  - id: before
    type: rating
    label: Before?
  - id: after
    type: rating
    label: After?
  - section: {en: What could be better}
    text: {en: A few more questions.}
    show_if: {question: overall, in: [1, 2]}
  - id: went_wrong
    type: text
    required: true
    label: What went wrong?
  - id: formats
    type: multi
    label: Formats?
    options: [{id: talks, label: Talks}, {id: games, label: Games}]
    show_if: {any: [{question: went_wrong, answered: true}, {question: after, in: [5]}]}
  - section: About you
  - id: role
    type: single
    other: true
    label: Where do you work?
    options: [{id: gov, label: Government}]
workshops:
  - slug: day-one
    title: Day one
  - slug: opening-plenary
    title: {en: Opening plenary}
    questionnaire: plenary
    questions:
      - id: plenary_more
        type: text
        label: More?
        show_if: {question: session, in: [1]}
  - slug: side-event
    title: Side event
    questionnaire: none
    questions:
      - {id: own, type: text, label: "Own?"}
`

func TestParseQuestionnaire(t *testing.T) {
	f, err := forms.Parse("f.yaml", []byte(organizerFile))
	if err != nil {
		t.Fatal(err)
	}
	if f.Title.Get("fr") != "Forum des Nations Unies sur le service public 2026" || f.Location.String() != "Asia/Tbilisi" {
		t.Errorf("title %v, zone %v", f.Title, f.Location)
	}
	if at := time.Date(2026, 6, 25, 5, 0, 0, 0, time.UTC).In(f.Location); at.Hour() != 9 {
		t.Errorf("05:00 UTC is %v in Tbilisi, want 09:00 (UTC+4)", at)
	}
	if fig := f.Figures; fig.Headline != "overall" || strings.Join(fig.Gain, ",") != "before,after" || strings.Join(fig.Profile, ",") != "role" {
		t.Errorf("figures %+v", fig)
	}
	day := f.Workshop("day-one")
	var ids []string
	for _, q := range day.Questions {
		ids = append(ids, q.ID)
	}
	if got := strings.Join(ids, ","); got != "overall,before,after,went_wrong,formats,role,role_other" {
		t.Errorf("day-one asks %s", got)
	}
	if q := day.Question("overall"); q.Hint.Get("en") != "1 is the lowest, 5 the highest" || q.Section != nil || q.Condition() != nil {
		t.Errorf("overall: %+v", q)
	}
	ww := day.Question("went_wrong")
	if ww.Section == nil || ww.Section.Title.Get("en") != "What could be better" || ww.Section.Text.Get("en") != "A few more questions." || !ww.Required {
		t.Errorf("went_wrong's section: %+v", ww.Section)
	}
	if b, _ := json.Marshal(day.Question("formats").Condition()); string(b) != `{"all":[{"in":[1,2],"question":"overall"},{"any":[{"answered":true,"question":"went_wrong"},{"in":[5],"question":"after"}]}]}` {
		t.Errorf("formats' condition: %s", b)
	}
	role := day.Question("role")
	if o, ok := role.Option(forms.OtherOption); !ok || !role.Other || role.Section.Title.Get("en") != "About you" || role.Condition() != nil || o.Label.Get("en") == "" {
		t.Errorf("role: %+v", role)
	}
	other := day.Question("role_other")
	if other.OtherOf != "role" || other.Type != forms.FreeText || other.Section != role.Section {
		t.Errorf("role_other: %+v", other)
	}
	if b, _ := json.Marshal(other.Condition()); string(b) != `{"in":["other"],"question":"role"}` {
		t.Errorf("role_other's condition: %s", b)
	}
	if ws := f.Workshop("opening-plenary"); len(ws.Questions) != 2 || ws.Questions[0].ID != "session" || ws.Questionnaire != "plenary" {
		t.Errorf("plenary: %+v", ws.Questions)
	}
	if ws := f.Workshop("side-event"); len(ws.Questions) != 1 || ws.Questions[0].ID != "own" {
		t.Errorf("side event: %+v", ws.Questions)
	}
	// Pages: a page ends before a question whose condition reads one on it.
	var pages []string
	for _, p := range day.Pages() {
		var ids []string
		for _, q := range p {
			ids = append(ids, q.ID)
		}
		pages = append(pages, strings.Join(ids, ","))
	}
	if got := strings.Join(pages, " | "); got != "overall,before,after | went_wrong | formats,role | role_other" {
		t.Errorf("pages: %s", got)
	}
}

func TestConditionsApply(t *testing.T) {
	f, err := forms.Parse("f.yaml", []byte(organizerFile))
	if err != nil {
		t.Fatal(err)
	}
	w := f.Workshop("day-one")
	tests := []struct {
		name   string
		in     forms.Input
		fields []string // refused, in any order
	}{
		{"OKHighNoFollowUp", forms.Input{"overall": {"5"}}, nil},
		{"ErrLowNeedsFollowUp", forms.Input{"overall": {"1"}}, []string{"went_wrong"}},
		{"OKLowWithFollowUp", forms.Input{"overall": {"2"}, "went_wrong": {"Noise"}, "formats": {"talks"}}, nil},
		{"ErrFollowUpNotAsked", forms.Input{"overall": {"4"}, "went_wrong": {"Noise"}}, []string{"went_wrong"}},
		{"ErrFormatsNotAsked", forms.Input{"overall": {"4"}, "formats": {"talks"}}, []string{"formats"}},
		{"OKOther", forms.Input{"overall": {"4"}, "role": {"other"}, "role_other": {"Parliament"}}, nil},
		{"ErrOtherRequiredWhenShownOnlyIfRoleRequired", forms.Input{"overall": {"4"}, "role": {"gov"}, "role_other": {"x"}}, []string{"role_other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Validate(tt.in, "en")
			fields := forms.FieldErrors(err)
			if len(fields) != len(tt.fields) {
				t.Fatalf("refused %v, want %v", fields, tt.fields)
			}
			for _, id := range tt.fields {
				if fields[id].Key == "" {
					t.Errorf("%s not refused: %v", id, fields)
				}
			}
		})
	}
	// Asked drops what the form no longer shows, and nothing else.
	in := w.Asked(forms.Input{"overall": {"5"}, "went_wrong": {"typed before"}, "role": {"gov"}, "role_other": {"x"}, "stray": {"1"}})
	if _, ok := in["went_wrong"]; ok || in["role_other"] != nil || in["role"][0] != "gov" || in["stray"] == nil {
		t.Errorf("Asked = %v", in)
	}
}

func TestParseQuestionnaireErrors(t *testing.T) {
	q := func(extra string) string {
		return "questions:\n  - {id: r, type: rating, label: R}\n  - {id: c, type: single, label: C, options: [{id: x, label: X}]}\n  - {id: t, type: text, label: T}\n" + extra + "workshops:\n  - {slug: a, title: A}\n"
	}
	tests := []struct{ name, file, want string }{
		{"ErrShowIfLater", "questions:\n  - {id: a, type: text, label: A, show_if: {question: b, answered: true}}\n  - {id: b, type: text, label: B}\nworkshops:\n  - {slug: w, title: W}\n",
			`f.yaml:2: show_if: question "b" is not asked before this one in the same form (a condition may only name an earlier question)`},
		{"ErrShowIfUnknown", q("  - {id: z, type: text, label: Z, show_if: {question: nope, in: [1]}}\n"),
			`f.yaml:5: show_if: question "nope" is not asked before this one in the same form (a condition may only name an earlier question)`},
		{"ErrScoreOutOfScale", q("  - {id: z, type: text, label: Z, show_if: {question: r, in: [0, 6]}}\n"),
			`f.yaml:5: show_if: "0" is not a score of question "r" (1 to 5)`},
		{"ErrUnknownOption", q("  - {id: z, type: text, label: Z, show_if: {question: c, in: [y]}}\n"),
			`f.yaml:5: show_if: "y" is not an option of question "c" (x)`},
		{"ErrInOnText", q("  - {id: z, type: text, label: Z, show_if: {question: t, in: [a]}}\n"),
			`f.yaml:5: show_if: question "t" is a text: only answered: true can be asked of it`},
		{"ErrShowIfUnknownKey", q("  - {id: z, type: text, label: Z, show_if: {question: r, equals: 1}}\n"),
			`f.yaml:5: show_if: unknown field "equals" (known: question, in, answered, any, all)`},
		{"ErrShowIfTwoKinds", q("  - {id: z, type: text, label: Z, show_if: {question: r, in: [1], any: [{question: r, in: [2]}]}}\n"),
			`f.yaml:5: show_if needs exactly one of question:, any: or all:`},
		{"ErrShowIfEmpty", q("  - {id: z, type: text, label: Z, show_if: {question: r}}\n"),
			`f.yaml:5: show_if: question "r" needs in: [values] or answered: true`},
		{"ErrSectionEmpty", q("  - section: Alone\n"),
			`f.yaml:5: section "Alone" has no questions after it`},
		{"ErrSectionAndQuestion", q("  - {section: S, id: z, type: text, label: Z}\n"),
			`f.yaml:5: an item is either a question (id:, type:, label:) or a section heading (section:, text:, show_if:), not both`},
		{"ErrOtherOnText", q("  - {id: z, type: text, label: Z, other: true}\n"),
			`f.yaml:5: question "z": other: true is only for single and multi questions`},
		{"ErrHeadlineNotRating", q("") + "figures: {headline: c}\n",
			`f.yaml:7: figures: headline "c" must be a rating question of the forms`},
		{"ErrGainTwoScales", "questions:\n  - {id: b, type: rating, label: B}\n  - {id: a, type: rating, label: A, min: 0, max: 10}\nworkshops:\n  - {slug: w, title: W}\nfigures: {gain: [b, a]}\n",
			`f.yaml:6: figures: gain: "b" (1 to 5) and "a" (0 to 10) are not on one scale, so after − before means nothing`},
		{"ErrGainOne", q("") + "figures: {gain: [r]}\n",
			`f.yaml:7: figures: gain needs two ratings, [before, after]`},
		{"ErrProfileNotSingle", q("") + "figures: {profile: [r]}\n",
			`f.yaml:7: figures: profile: "r" must be a single-choice question of the forms`},
		{"ErrUnknownQuestionnaire", "questions:\n  - {id: r, type: rating, label: R}\nworkshops:\n  - {slug: w, title: W, questionnaire: plenary}\n",
			`f.yaml:4: workshop "w": unknown questionnaire "plenary" (the file has: none)`},
		{"ErrTimezone", q("") + "timezone: Mars/Olympus\n",
			`f.yaml:7: unknown time zone "Mars/Olympus": use an IANA name such as Asia/Tbilisi or Europe/Paris`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forms.Parse("f.yaml", []byte(tt.file))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant  %s", err, tt.want)
			}
		})
	}
}
