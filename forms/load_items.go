package forms

import (
	"slices"
	"strings"
)

// items reads a list of questions and section headings. before are the
// questions the form asks ahead of the list (a workshop's own questions come
// after its questionnaire's): conditions may name those and earlier items.
func (p *parser) items(list []fileQuestion, path []any, before []*Question, where string) ([]*Question, error) {
	asked := map[string]*Question{}
	for _, q := range before {
		asked[q.ID] = q
	}
	var out []*Question
	var section *Section
	sectionAt, sectionQuestions := 0, 0
	for i := range list {
		fq, ipath := &list[i], append(append([]any{}, path...), i)
		if fq.Section != nil {
			if section != nil && sectionQuestions == 0 {
				return nil, p.fail(append(append([]any{}, path...), sectionAt), "section %q has no questions before the next section", section.Title.Get(DefaultLanguage))
			}
			sec, err := p.section(fq, ipath, asked)
			if err != nil {
				return nil, err
			}
			section, sectionAt, sectionQuestions = sec, i, 0
			continue
		}
		q, err := p.question(fq, ipath)
		if err != nil {
			return nil, err
		}
		if asked[q.ID] != nil {
			return nil, p.fail(append(ipath, "id"), "duplicate question id %q%s", q.ID, where)
		}
		q.Section = section
		if fq.ShowIf.Kind != 0 {
			if q.ShowIf, err = p.condition(&fq.ShowIf, append(ipath, "show_if"), asked); err != nil {
				return nil, err
			}
		}
		asked[q.ID] = q
		out = append(out, q)
		sectionQuestions++
		if q.Other {
			o := otherQuestion(q)
			if asked[o.ID] != nil {
				return nil, p.fail(append(ipath, "other"), "question %q: other: true adds a question %q, but the form has one already", q.ID, o.ID)
			}
			asked[o.ID] = o
			out = append(out, o)
		}
	}
	if section != nil && sectionQuestions == 0 {
		return nil, p.fail(append(append([]any{}, path...), sectionAt), "section %q has no questions after it", section.Title.Get(DefaultLanguage))
	}
	return out, nil
}

// section reads a section heading.
func (p *parser) section(fq *fileQuestion, path []any, asked map[string]*Question) (*Section, error) {
	if fq.ID != "" || fq.Type != "" || fq.Label != nil || fq.Options != nil || fq.Required {
		return nil, p.fail(path, "an item is either a question (id:, type:, label:) or a section heading (section:, text:, show_if:), not both")
	}
	if err := p.text(fq.Section, append(path, "section"), "section"); err != nil {
		return nil, err
	}
	if fq.Text != nil {
		if err := p.text(fq.Text, append(path, "text"), "section text"); err != nil {
			return nil, err
		}
	}
	sec := &Section{Title: fq.Section, Text: fq.Text}
	if fq.ShowIf.Kind != 0 {
		c, err := p.condition(&fq.ShowIf, append(path, "show_if"), asked)
		if err != nil {
			return nil, err
		}
		sec.ShowIf = c
	}
	return sec, nil
}

// figures checks the declared figures against the questions the forms ask.
func (p *parser) figures(f *Forms, ff *fileFigures) error {
	if ff == nil {
		return nil
	}
	find := func(id string) *Question {
		for _, q := range f.Questions() {
			if q.ID == id {
				return q
			}
		}
		return nil
	}
	if ff.Headline != "" {
		q := find(ff.Headline)
		if q == nil || q.Type != Rating {
			return p.fail([]any{"figures", "headline"}, "figures: headline %q must be a rating question of the forms", ff.Headline)
		}
	}
	if ff.Gain != nil {
		if len(ff.Gain) != 2 {
			return p.fail([]any{"figures", "gain"}, "figures: gain needs two ratings, [before, after]")
		}
		b, a := find(ff.Gain[0]), find(ff.Gain[1])
		for i, q := range []*Question{b, a} {
			if q == nil || q.Type != Rating {
				return p.fail([]any{"figures", "gain", i}, "figures: gain: %q must be a rating question of the forms", ff.Gain[i])
			}
		}
		if b.ID == a.ID {
			return p.fail([]any{"figures", "gain"}, "figures: gain needs two different ratings, [before, after]")
		}
		if b.Min != a.Min || b.Max != a.Max {
			return p.fail([]any{"figures", "gain"}, "figures: gain: %q (%d to %d) and %q (%d to %d) are not on one scale, so after − before means nothing", b.ID, b.Min, b.Max, a.ID, a.Min, a.Max)
		}
	}
	for i, id := range ff.Profile {
		q := find(id)
		if q == nil || q.Type != Single {
			return p.fail([]any{"figures", "profile", i}, "figures: profile: %q must be a single-choice question of the forms", id)
		}
		if slices.Contains(ff.Profile[:i], id) {
			return p.fail([]any{"figures", "profile", i}, "figures: profile: %q is listed twice", id)
		}
	}
	f.Figures = Figures{Headline: ff.Headline, Gain: ff.Gain, Profile: ff.Profile}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

type fileTheme struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
}

// themes reads the declared comment themes: each an id and a label, both
// unique.
func (p *parser) themes(ft []fileTheme) ([]Theme, error) {
	var out []Theme
	ids, labels := map[string]bool{}, map[string]bool{}
	for i, t := range ft {
		path := []any{"themes", i}
		if !idPattern.MatchString(t.ID) {
			return nil, p.fail(append(path, "id"), "theme id %q must start with a letter and use only a-z, 0-9 and _", t.ID)
		}
		label, ok := CleanThemeLabel(t.Label)
		if !ok {
			return nil, p.fail(append(path, "label"), "theme %q needs a label of 1 to %d characters on one line", t.ID, MaxThemeLabel)
		}
		if ids[t.ID] {
			return nil, p.fail(append(path, "id"), "duplicate theme id %q", t.ID)
		}
		if labels[strings.ToLower(label)] {
			return nil, p.fail(append(path, "label"), "duplicate theme label %q", label)
		}
		ids[t.ID], labels[strings.ToLower(label)] = true, true
		out = append(out, Theme{ID: t.ID, Label: label})
	}
	return out, nil
}
