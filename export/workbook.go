// Package export builds what the rapporteur downloads: the Excel workbook
// that summarises every workshop, and the CSV of raw responses.
//
// Both read the responses once, as a stream: the raw sheets are written row by
// row with excelize's StreamWriter (which spills to a temporary file) while
// the figures are tallied, and the summary sheets, a few hundred cells, are
// written at the end. Memory does not grow with the number of responses.
//
// The package knows forms but not the store: the app hands it a Source.
package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"feedback/forms"
)

// Source streams the responses to export in submission order, calling fn
// once for each; fn must not keep r. The store's EachResponse with its filter
// bound is one:
//
//	func(ctx context.Context, fn func(*forms.Response) error) error {
//		return db.EachResponse(ctx, store.Filter{Workshop: slug}, fn)
//	}
type Source func(ctx context.Context, fn func(r *forms.Response) error) error

// QuoteKey names one comment: the text answer to one question of one
// response (by the response's public id).
type QuoteKey struct {
	ResponseID string
	Question   string
}

// Options says what to export.
type Options struct {
	// Workshop limits the export to the workshop with this slug; empty means
	// every workshop.
	Workshop string
	// Now is the export time the About sheet shows; zero means time.Now().
	Now time.Time
	// KeyQuotes are the comments the rapporteur starred; they make the Key
	// quotes sheet.
	KeyQuotes map[QuoteKey]bool
	// Retired are questions that stored responses answer but the forms file
	// no longer asks (removed or renamed mid-forum): the raw data (Responses
	// sheet and CSV) gives them columns after the current questions, so no
	// stored answer is left out. See rawColumns.
	Retired []*forms.Question
	// Periods says which questions each workshop's form asked, and when
	// (store.QuestionPeriods): with it every summary gives, beside n, the
	// responses asked each question, and lists the questions added or
	// removed mid-forum (changes.go). Nil takes the forms file's questions
	// to have been asked of every response.
	Periods forms.QuestionPeriods
	// Themes are the rapporteur's live themes (store.Themes), in the order
	// they were made: the Themes sheet has a row for each, in this order,
	// and a comment's themes are named by these labels. A coding's theme
	// not among them counts nowhere.
	Themes []forms.Theme
	// Codings are the themes and translation of every comment that has any
	// (store.Codings). The workbook counts the themes from the comments it
	// writes, so a one-workshop export counts only that workshop's, and a
	// comment emptied since it was coded counts nowhere.
	Codings map[QuoteKey]Coding
}

// Coding is what the rapporteur added to one comment: the ids of the
// themes she coded it with, and a colleague's translation.
type Coding struct {
	Themes      []string
	Translation string
}

// Sheet names that are not workshops.
const (
	SheetOverview  = "Overview"
	SheetThemes    = "Themes"
	SheetKeyQuotes = "Key quotes"
	SheetComments  = "Comments"
	SheetResponses = "Responses"
	SheetAbout     = "About"
)

// Workbook is a built workbook, ready to be written once. Its raw sheets live
// in temporary files until Close.
type Workbook struct {
	file      *excelize.File
	forms     *forms.Forms
	opt       Options
	workshops []*forms.Workshop
	sheets    map[string]string // workshop slug → sheet name
	st        styles
	tally     *forms.Tally
	retired   map[string][]*retiredCount // by workshop slug, see changes.go
	comments  int
	quotes    []quote
	sources   map[string]map[string]int // by workshop slug ("" for all), then source
	themes    themeTally                // see themes.go
}

// quote is a starred comment, kept for the Key quotes and Themes sheets.
type quote struct {
	workshop, question, text, lang string
	at                             time.Time
	// themes are live theme ids in the order of Options.Themes.
	themes      []string
	translation string
}

// Filename is the attachment name of a workbook exported at t, in UTC to the
// minute, such as workshop-feedback-2025-06-25T1530Z.xlsx.
func Filename(t time.Time, ext string) string {
	return "workshop-feedback-" + t.UTC().Format("2006-01-02T1504Z") + "." + ext
}

// Build reads every response from src once and builds the workbook. The
// caller must Close it. An unknown opt.Workshop is forms.ENOTFOUND.
func Build(ctx context.Context, f *forms.Forms, src Source, opt Options) (*Workbook, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.UTC()
	wb := &Workbook{file: excelize.NewFile(), forms: f, opt: opt, sheets: map[string]string{}, tally: forms.NewTally(f), themes: newThemeTally()}
	ok := false
	defer func() {
		if !ok {
			wb.file.Close()
		}
	}()
	wb.workshops = f.Workshops
	if opt.Workshop != "" {
		w := f.Workshop(opt.Workshop)
		if w == nil {
			return nil, &forms.Error{Code: forms.ENOTFOUND, Message: "no such workshop"}
		}
		wb.workshops = []*forms.Workshop{w}
	}
	wb.tally.Periods = opt.Periods
	wb.startRetired()
	if err := wb.addSheets(); err != nil {
		return nil, err
	}
	var err error
	if wb.st, err = newStyles(wb.file); err != nil {
		return nil, err
	}
	if err := wb.stream(ctx, src); err != nil {
		return nil, err
	}
	if err := wb.writeOverview(); err != nil {
		return nil, err
	}
	for _, w := range wb.workshops {
		if err := wb.writeWorkshop(w); err != nil {
			return nil, err
		}
	}
	wb.sortQuotes()
	if err := wb.writeThemes(); err != nil {
		return nil, err
	}
	if err := wb.writeKeyQuotes(); err != nil {
		return nil, err
	}
	if err := wb.writeAbout(); err != nil {
		return nil, err
	}
	// Overview is the first sheet and already the active one. Nothing may
	// touch every sheet here (SetActiveSheet does): it would read the
	// streamed sheets back into memory.
	title := "Workshop feedback"
	if t := f.Title.Get(forms.DefaultLanguage); t != "" {
		title = t + ": workshop feedback"
	}
	if err := wb.file.SetDocProps(&excelize.DocProperties{
		Title:   title,
		Created: opt.Now.Format(time.RFC3339),
		Creator: "feedback",
	}); err != nil {
		return nil, fmt.Errorf("export: properties: %w", err)
	}
	ok = true
	return wb, nil
}

// Tally returns the figures the workbook shows.
func (wb *Workbook) Tally() *forms.Tally { return wb.tally }

// WriteTo writes the workbook as an .xlsx file to w. The zip goes straight to
// w instead of excelize's in-memory buffer, so a large workbook costs no more
// memory than a small one.
func (wb *Workbook) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	wb.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(cw) })
	if _, err := wb.file.WriteToBuffer(); err != nil {
		return cw.n, fmt.Errorf("export: write workbook: %w", err)
	}
	return cw.n, nil
}

// Close removes the workbook's temporary files.
func (wb *Workbook) Close() error {
	if err := wb.file.Close(); err != nil {
		return fmt.Errorf("export: close workbook: %w", err)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// addSheets creates every sheet in the order the rapporteur reads them.
func (wb *Workbook) addSheets() error {
	if err := wb.file.SetSheetName("Sheet1", SheetOverview); err != nil {
		return fmt.Errorf("export: overview sheet: %w", err)
	}
	used := map[string]bool{}
	for _, n := range []string{SheetOverview, SheetThemes, SheetKeyQuotes, SheetComments, SheetResponses, SheetAbout} {
		used[strings.ToLower(n)] = true
	}
	for _, w := range wb.workshops {
		wb.sheets[w.Slug] = SheetName(w.Slug, used)
	}
	names := make([]string, 0, len(wb.workshops)+5)
	for _, w := range wb.workshops {
		names = append(names, wb.sheets[w.Slug])
	}
	names = append(names, SheetThemes, SheetKeyQuotes, SheetComments, SheetResponses, SheetAbout)
	for _, n := range names {
		if _, err := wb.file.NewSheet(n); err != nil {
			return fmt.Errorf("export: sheet %q: %w", n, err)
		}
	}
	return nil
}

// SheetName makes a valid, unique sheet name from base: at most 31
// characters, none of []:*?/\, not starting or ending with an apostrophe, and
// not in used (compared case-insensitively, as Excel does). It records the
// name in used.
func SheetName(base string, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return '-'
		}
		return r
	}, base)
	clean = strings.Trim(clean, "'")
	if clean == "" {
		clean = "Workshop"
	}
	name := truncateRunes(clean, 31)
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf("~%d", i)
		name = truncateRunes(clean, 31-len(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimRight(string(r[:n]), "'")
}

// title is how the workbook names a workshop: its English title, or its slug
// when the forms file no longer has it.
func (wb *Workbook) title(slug string) string {
	if w := wb.forms.Workshop(slug); w != nil {
		return w.Title.Get(forms.DefaultLanguage)
	}
	return slug
}

// questionsOf returns the questions asked in a response's workshop; for a
// workshop no longer in the forms file, every question of the file.
func (wb *Workbook) questionsOf(slug string) []*forms.Question {
	if w := wb.forms.Workshop(slug); w != nil {
		return w.Questions
	}
	return wb.forms.Questions()
}

// label is a question's English text, or its id when it has none.
func label(q *forms.Question) string {
	if s := q.Label.Get(forms.DefaultLanguage); s != "" {
		return s
	}
	return q.ID
}

// optionLabel is an option's English label, or the id itself for an option
// no longer in the forms file.
func optionLabel(q *forms.Question, id string) string {
	if o, ok := q.Option(id); ok {
		if s := o.Label.Get(forms.DefaultLanguage); s != "" {
			return s
		}
	}
	return id
}

// optionIDs returns a choice question's option ids in form order, followed by
// any other ids found in the answers (options since removed), sorted.
func optionIDs(q *forms.Question, counts map[string]int) []string {
	ids := make([]string, 0, len(q.Options))
	known := map[string]bool{}
	for _, o := range q.Options {
		ids = append(ids, o.ID)
		known[o.ID] = true
	}
	var extra []string
	for id := range counts {
		if !known[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	return append(ids, extra...)
}

// humanize turns a question id into a column header: "knowledge_before" →
// "knowledge before".
func humanize(id string) string { return strings.ReplaceAll(id, "_", " ") }
