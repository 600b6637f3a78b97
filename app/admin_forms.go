package main

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"feedback/forms"
)

// The organizer's preview of the forms file (/admin/forms): every workshop's
// questions as a participant sees them, in every language of the file, so
// that a missing translation or a condition on the wrong question shows the
// week before the forum, not on the day. It reads the loaded file and stores
// nothing; feedback -check (check.go) says the same on a terminal.

// formPreview is one workshop on the page.
type formPreview struct {
	Slug, Title string
	Open        bool
	Questions   int
	Languages   []languagePreview
}

// languagePreview is a workshop's form in one language.
type languagePreview struct {
	Lang, Dir, Name, Title string
	Items                  []previewItem
}

// previewItem is a section heading or a question, with when it is asked in
// the organizer's words ("Asked when satisfaction is 1 or 2."). Required is
// the catalogue's "required" in the preview's language.
type previewItem struct {
	Section  *sectionView
	Question *questionView
	Options  []string
	Scale    string
	Required string
	When     string
}

func (s *server) handleAdminForms(c *fiber.Ctx) error {
	ctx := c.UserContext()
	previews := make([]formPreview, 0, len(s.forms.Workshops))
	for _, w := range s.forms.Workshops {
		open, err := s.openNow(ctx, w)
		if err != nil {
			return err
		}
		fp := formPreview{Slug: w.Slug, Title: w.Title.Get(forms.DefaultLanguage), Open: open, Questions: len(w.Questions)}
		for _, lang := range s.forms.Languages {
			fp.Languages = append(fp.Languages, languagePreview{
				Lang: lang, Dir: s.text.Dir(lang), Name: s.text.Name(lang), Title: w.Title.Get(lang),
				Items: s.previewItems(w, lang),
			})
		}
		previews = append(previews, fp)
	}
	return s.render(c, fiber.StatusOK, "admin_forms", s.adminPage("Forms", map[string]any{
		"Workshops": previews,
		"Languages": strings.Join(s.forms.Languages, ", "),
	}))
}

// previewItems are a workshop's sections and questions in lang, in the order
// the form asks them.
func (s *server) previewItems(w *forms.Workshop, lang string) []previewItem {
	var items []previewItem
	var section *forms.Section
	for _, q := range w.Questions {
		if q.Section != section && q.Section != nil {
			items = append(items, previewItem{Section: s.sectionView(q.Section, lang, false, false), When: askedWhen(q.Section.ShowIf, w)})
		}
		section = q.Section
		qv := s.questionView(q, lang, nil, "")
		it := previewItem{Question: &qv, When: askedWhen(q.ShowIf, w)}
		if q.Required {
			it.Required = s.text.T(lang, "required")
		}
		if q.IsScore() {
			it.Scale = fmt.Sprintf("%d–%d", q.Min, q.Max)
		}
		if q.IsChoice() {
			for _, ch := range qv.Choices {
				it.Options = append(it.Options, ch.Label)
			}
		}
		items = append(items, it)
	}
	return items
}

// askedWhen says when a question or section is asked, in the forms file's
// ids: "Asked when satisfaction is 1 or 2." ("" when it always is).
func askedWhen(c *forms.Condition, w *forms.Workshop) string {
	if c == nil {
		return ""
	}
	return "Asked when " + conditionWords(c, w, false) + "."
}

// conditionWords writes a condition in words; nested says it is part of a
// longer one, so a list of several is put in brackets.
func conditionWords(c *forms.Condition, w *forms.Workshop, nested bool) string {
	list, joiner := c.Any, " or "
	if c.All != nil {
		list, joiner = c.All, " and "
	}
	if list != nil {
		parts := make([]string, len(list))
		for i, sub := range list {
			parts[i] = conditionWords(sub, w, true)
		}
		words := strings.Join(parts, joiner)
		if nested && len(parts) > 1 {
			words = "(" + words + ")"
		}
		return words
	}
	if c.Answered {
		return c.Question + " is answered"
	}
	verb := "is"
	if q := w.Question(c.Question); q != nil && q.Type == forms.Multi {
		verb = "includes"
	}
	return c.Question + " " + verb + " " + orList(c.In)
}

// orList joins values as one says them: "1", "1 or 2", "1, 2 or 3".
func orList(values []string) string {
	if len(values) <= 1 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
