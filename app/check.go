package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"feedback/forms"
)

// The jobs that start nothing: feedback -check reads the forms file (and the
// -locales folder) as the start would, stopping with the same errors, and
// reports each form and how far each language is translated, so that the
// organizer knows before the forum what participants will read in English;
// feedback -print-locale CODE prints a shipped locale file to translate from.

// printLocale writes the shipped locale file of code, every key of the
// interface, as the start of a locale file for -locales.
func printLocale(w io.Writer, code string) error {
	data, err := localeFiles.ReadFile("locales/" + code + ".yaml")
	if !forms.IsLanguage(code) || err != nil {
		return fmt.Errorf("-print-locale %s: the shipped languages are %s; print one of them (en has every string) and translate it into %s.yaml in the -locales folder",
			code, strings.Join(forms.Languages, ", "), code)
	}
	_, err = w.Write(data)
	return err
}

// checkForms reports on the loaded forms file f: its forms, then each of its
// languages' translations and interface strings. The locale files are read as
// at start, so a broken one fails the check too.
func checkForms(out io.Writer, cfg config, f *forms.Forms, name string) error {
	text, err := loadLocales(cfg.Locales)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "%s: valid. %d workshops, %d questions, languages %s.\n", name, len(f.Workshops), len(f.Questions()), strings.Join(f.Languages, ", "))
	for _, ws := range f.Workshops {
		writeWorkshop(w, f, ws)
	}
	fmt.Fprintf(w, "\nTranslations (what is not translated is shown in English):\n")
	for _, lang := range f.Languages {
		fmt.Fprintf(w, "\n%s %s\n", lang, text.Name(lang))
		for _, t := range translations(f, lang) {
			writeTally(w, t)
		}
		missing := text.missing(lang)
		writeTally(w, tally{what: "interface strings", total: len(text[forms.DefaultLanguage]), done: len(text[forms.DefaultLanguage]) - len(missing), missing: missing})
		if _, ok := text[lang]; !ok {
			fmt.Fprintf(w, "  no locale file: the pages' own words are in English. Start one with: feedback -print-locale en > LOCALES/%s.yaml\n", lang)
		}
	}
	return w.Flush()
}

// writeWorkshop lists a workshop's form: its schedule, sections and questions.
func writeWorkshop(w io.Writer, f *forms.Forms, ws *forms.Workshop) {
	fmt.Fprintf(w, "\nWorkshop %s: %s\n  %s\n", ws.Slug, ws.Title.Get(forms.DefaultLanguage), schedule(f, ws))
	var section *forms.Section
	n := 0
	for _, q := range ws.Questions {
		if q.Section != section && q.Section != nil {
			fmt.Fprintf(w, "  Section: %s", q.Section.Title.Get(forms.DefaultLanguage))
			if c := askedWhen(q.Section.ShowIf, ws); c != "" {
				fmt.Fprintf(w, " (%s)", strings.TrimSuffix(c, "."))
			}
			fmt.Fprintln(w)
		}
		section = q.Section
		n++
		fmt.Fprintf(w, "  %2d. %s (%s): %s\n", n, q.ID, kind(q), questionLabelEN(q))
		if h := q.Hint.Get(forms.DefaultLanguage); h != "" {
			fmt.Fprintf(w, "      hint: %s\n", h)
		}
		if q.IsChoice() {
			ids := make([]string, len(q.Options))
			for i, o := range q.Options {
				ids[i] = o.ID
			}
			fmt.Fprintf(w, "      options: %s\n", strings.Join(ids, ", "))
		}
		if c := askedWhen(q.ShowIf, ws); c != "" {
			fmt.Fprintf(w, "      %s\n", c)
		}
	}
}

// kind is a question's type as the organizer wrote it, with its scale and
// whether it is required: "rating 1–5, required".
func kind(q *forms.Question) string {
	k := string(q.Type)
	switch {
	case q.IsScore():
		k += fmt.Sprintf(" %d–%d", q.Min, q.Max)
	case q.Type == forms.FreeText:
		k += fmt.Sprintf(" up to %d characters", q.MaxLength)
	}
	if q.Required {
		k += ", required"
	}
	return k
}

func questionLabelEN(q *forms.Question) string {
	if q.OtherOf != "" {
		return "“please specify” for " + q.OtherOf
	}
	return q.Label.Get(forms.DefaultLanguage)
}

// schedule says when a workshop's form is open by the file, in the forum's
// time zone.
func schedule(f *forms.Forms, ws *forms.Workshop) string {
	at := func(t time.Time) string {
		return t.In(f.Location).Format("2006-01-02 15:04") + " " + f.Location.String()
	}
	switch {
	case ws.OpensAt.IsZero() && ws.ClosesAt.IsZero():
		return "no opening times: open until closed on /admin/workshops"
	case ws.ClosesAt.IsZero():
		return "opens " + at(ws.OpensAt)
	case ws.OpensAt.IsZero():
		return "closes " + at(ws.ClosesAt)
	}
	return "opens " + at(ws.OpensAt) + ", closes " + at(ws.ClosesAt)
}

// tally is how many of one kind of text a language has, and which it lacks.
type tally struct {
	what        string
	done, total int
	missing     []string
}

func writeTally(w io.Writer, t tally) {
	fmt.Fprintf(w, "  %s: %d of %d", t.what, t.done, t.total)
	if len(t.missing) > 0 {
		fmt.Fprintf(w, "; missing: %s", strings.Join(t.missing, ", "))
	}
	fmt.Fprintln(w)
}

// translations counts the forms file's texts in lang: titles, labels (the
// scale's ends too), options, hints and section headings. The "other" option
// and its "please specify" question are worded by the catalogue, not counted.
func translations(f *forms.Forms, lang string) []tally {
	titles, labels, options := tally{what: "titles"}, tally{what: "labels"}, tally{what: "options"}
	hints, sections := tally{what: "hints"}, tally{what: "sections"}
	count := func(t *tally, text forms.Text, name string) {
		if text.Get(forms.DefaultLanguage) == "" {
			return // an optional text the file does not have
		}
		t.total++
		if text.Has(lang) {
			t.done++
		} else {
			t.missing = append(t.missing, name)
		}
	}
	count(&titles, f.Title, "the forum's title")
	seen := map[any]bool{}
	for _, ws := range f.Workshops {
		count(&titles, ws.Title, ws.Slug)
		for _, q := range ws.Questions {
			if s := q.Section; s != nil && !seen[s] {
				seen[s] = true
				title := fmt.Sprintf("%q", s.Title.Get(forms.DefaultLanguage))
				count(&sections, s.Title, title)
				count(&sections, s.Text, title+" text")
			}
			if seen[q] || q.OtherOf != "" {
				continue
			}
			seen[q] = true
			count(&labels, q.Label, q.ID)
			count(&labels, q.MinLabel, q.ID+" min_label")
			count(&labels, q.MaxLabel, q.ID+" max_label")
			count(&hints, q.Hint, q.ID)
			for _, o := range q.Options {
				if !(q.Other && o.ID == forms.OtherOption) {
					count(&options, o.Label, q.ID+"/"+o.ID)
				}
			}
		}
	}
	return []tally{titles, labels, options, hints, sections}
}
