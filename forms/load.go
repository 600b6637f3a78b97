package forms

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the forum's time zone, whatever the machine has

	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultFile []byte

// DefaultFileName names the embedded forms file in error messages and logs.
const DefaultFileName = "default.yaml (embedded)"

// Default returns the embedded forms file: the eight workshops and the default
// questionnaire. It panics if the embedded file is broken, which a test rules out.
func Default() *Forms {
	f, err := Parse(DefaultFileName, defaultFile)
	if err != nil {
		panic(err)
	}
	return f
}

// DefaultYAML returns the text of the embedded forms file, a starting point for
// an organizer's own.
func DefaultYAML() []byte { return bytes.Clone(defaultFile) }

// LoadFile reads and checks a forms file.
func LoadFile(path string) (*Forms, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("forms: %w", err)
	}
	return Parse(path, data)
}

type fileForms struct {
	Title          Text                      `yaml:"title"`
	Timezone       string                    `yaml:"timezone"`
	Languages      []string                  `yaml:"languages"`
	Figures        *fileFigures              `yaml:"figures"`
	Themes         []fileTheme               `yaml:"themes"`
	Questionnaires map[string][]fileQuestion `yaml:"questionnaires"`
	Questions      []fileQuestion            `yaml:"questions"`
	Workshops      []fileWorkshop            `yaml:"workshops"`
}

type fileFigures struct {
	Headline string   `yaml:"headline"`
	Gain     []string `yaml:"gain"`
	Profile  []string `yaml:"profile"`
}

type fileWorkshop struct {
	Slug          string         `yaml:"slug"`
	Title         Text           `yaml:"title"`
	OpensAt       *time.Time     `yaml:"opens_at"`
	ClosesAt      *time.Time     `yaml:"closes_at"`
	Questionnaire string         `yaml:"questionnaire"`
	Results       string         `yaml:"results"`
	Questions     []fileQuestion `yaml:"questions"`
}

// fileQuestion is an item of a list of questions: a question, or a section
// heading (section: set) whose show_if covers the questions after it.
// ShowIf is a yaml.Node, not a pointer: with KnownFields the decoder takes a
// *yaml.Node field for a struct and refuses the condition's keys.
type fileQuestion struct {
	Section   Text         `yaml:"section"`
	Text      Text         `yaml:"text"`
	ID        string       `yaml:"id"`
	Type      string       `yaml:"type"`
	Required  bool         `yaml:"required"`
	Label     Text         `yaml:"label"`
	Hint      Text         `yaml:"hint"`
	ShowIf    yaml.Node    `yaml:"show_if"`
	Other     bool         `yaml:"other"`
	Min       *int         `yaml:"min"`
	Max       *int         `yaml:"max"`
	MinLabel  Text         `yaml:"min_label"`
	MaxLabel  Text         `yaml:"max_label"`
	MaxLength *int         `yaml:"max_length"`
	Options   []fileOption `yaml:"options"`
}

type fileOption struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
}

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	// reservedIDs are form fields of our own that a question may not shadow.
	reservedIDs = map[string]bool{"submission_id": true, "lang": true, "csrf": true, "page": true, "nav": true}
)

// Parse checks a forms file and returns its workshops. Every error names the
// file and the line, so an organizer can fix it the week before the forum.
func Parse(name string, data []byte) (*Forms, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	var ff fileForms
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&ff); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty", name)
		}
		return nil, yamlError(name, err)
	}
	p := parser{name: name, root: &root}
	return p.forms(&ff)
}

type parser struct {
	name string
	root *yaml.Node
	// langs are the file's languages, the only ones its texts may be in.
	langs []string
}

// fail returns an error at the line of the node found by following path.
func (p *parser) fail(path []any, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, lineOf(p.root, path), fmt.Sprintf(format, args...))
}

func (p *parser) forms(ff *fileForms) (*Forms, error) {
	f, err := p.header(ff)
	if err != nil {
		return nil, err
	}
	if len(ff.Workshops) == 0 {
		return nil, p.fail(nil, "no workshops: the file needs a workshops: list")
	}
	shared, err := p.items(ff.Questions, []any{"questions"}, nil, "")
	if err != nil {
		return nil, err
	}
	named, err := p.questionnaires(ff)
	if err != nil {
		return nil, err
	}
	slugs := map[string]bool{}
	for i := range ff.Workshops {
		w, err := p.workshop(ff, i, shared, named)
		if err != nil {
			return nil, err
		}
		if slugs[w.Slug] {
			return nil, p.fail([]any{"workshops", i, "slug"}, "duplicate workshop slug %q", w.Slug)
		}
		slugs[w.Slug] = true
		f.Workshops = append(f.Workshops, w)
	}
	if err := p.consistent(f); err != nil {
		return nil, err
	}
	if err := p.figures(f, ff.Figures); err != nil {
		return nil, err
	}
	if f.Themes, err = p.themes(ff.Themes); err != nil {
		return nil, err
	}
	return f, nil
}

// header reads what the file says of the whole forum: its title, time zone
// and languages.
func (p *parser) header(ff *fileForms) (*Forms, error) {
	langs, err := p.languages(ff.Languages)
	if err != nil {
		return nil, err
	}
	p.langs = langs
	f := &Forms{Title: ff.Title, Languages: langs, Location: time.UTC}
	if ff.Title != nil {
		if err := p.text(ff.Title, []any{"title"}, "title"); err != nil {
			return nil, err
		}
	}
	if ff.Timezone != "" {
		loc, err := time.LoadLocation(ff.Timezone)
		if err != nil || ff.Timezone == "Local" {
			return nil, p.fail([]any{"timezone"}, "unknown time zone %q: use an IANA name such as Asia/Tbilisi or Europe/Paris", ff.Timezone)
		}
		f.Location = loc
	}
	return f, nil
}

// questionnaires reads the named lists of questions.
func (p *parser) questionnaires(ff *fileForms) (map[string][]*Question, error) {
	named := map[string][]*Question{}
	for _, name := range sortedKeys(ff.Questionnaires) {
		if !idPattern.MatchString(name) || name == "none" {
			return nil, p.fail([]any{"questionnaires", name}, "questionnaire name %q must start with a letter and use only a-z, 0-9 and _ (and not be none)", name)
		}
		qs, err := p.items(ff.Questionnaires[name], []any{"questionnaires", name}, nil, " in questionnaire "+strconv.Quote(name))
		if err != nil {
			return nil, err
		}
		if len(qs) == 0 {
			return nil, p.fail([]any{"questionnaires", name}, "questionnaire %q has no questions", name)
		}
		named[name] = qs
	}
	return named, nil
}

// workshop reads workshop i: its schedule, its questionnaire (shared, one of
// named, or none) and its own questions after it.
func (p *parser) workshop(ff *fileForms, i int, shared []*Question, named map[string][]*Question) (*Workshop, error) {
	fw := &ff.Workshops[i]
	path := []any{"workshops", i}
	if !slugPattern.MatchString(fw.Slug) {
		return nil, p.fail(append(path, "slug"), "workshop slug %q must be lower-case letters, digits and dashes", fw.Slug)
	}
	if err := p.text(fw.Title, append(path, "title"), "title"); err != nil {
		return nil, err
	}
	w := &Workshop{Slug: fw.Slug, Title: fw.Title, Questionnaire: fw.Questionnaire}
	if fw.OpensAt != nil {
		w.OpensAt = fw.OpensAt.UTC()
	}
	if fw.ClosesAt != nil {
		w.ClosesAt = fw.ClosesAt.UTC()
	}
	if !w.OpensAt.IsZero() && !w.ClosesAt.IsZero() && !w.ClosesAt.After(w.OpensAt) {
		return nil, p.fail(append(path, "closes_at"), "workshop %q closes_at must be after opens_at", fw.Slug)
	}
	switch fw.Results {
	case "":
	case ResultsPublic:
		w.ResultsPublic = true
	default:
		return nil, p.fail(append(path, "results"), "workshop %q: results must be %s (or left out), not %q", fw.Slug, ResultsPublic, fw.Results)
	}
	switch fw.Questionnaire {
	case "":
		w.Questions = append(w.Questions, shared...)
	case "none":
	default:
		qs, ok := named[fw.Questionnaire]
		if !ok {
			return nil, p.fail(append(path, "questionnaire"), "workshop %q: unknown questionnaire %q (the file has: %s)", fw.Slug, fw.Questionnaire, strings.Join(append(sortedKeys(ff.Questionnaires), "none"), ", "))
		}
		w.Questions = append(w.Questions, qs...)
	}
	own, err := p.items(fw.Questions, append(path, "questions"), w.Questions, " in workshop "+strconv.Quote(fw.Slug))
	if err != nil {
		return nil, err
	}
	w.Questions = append(w.Questions, own...)
	if len(w.Questions) == 0 {
		return nil, p.fail(path, "workshop %q has no questions", fw.Slug)
	}
	return w, nil
}

// consistent refuses two workshops that ask a question of the same id with a
// different type: their answers would not add up in one column.
func (p *parser) consistent(f *Forms) error {
	types := map[string]Type{}
	for i, w := range f.Workshops {
		for _, q := range w.Questions {
			if t, ok := types[q.ID]; ok && t != q.Type {
				return p.fail([]any{"workshops", i}, "question %q is a %s here but a %s in another workshop", q.ID, q.Type, t)
			}
			types[q.ID] = q.Type
		}
	}
	return nil
}

func (p *parser) question(fq *fileQuestion, path []any) (*Question, error) {
	if fq.ID == "" {
		return nil, p.fail(path, "question without id")
	}
	if !idPattern.MatchString(fq.ID) || reservedIDs[fq.ID] {
		return nil, p.fail(append(path, "id"), "question id %q must start with a letter and use only a-z, 0-9 and _ (and not be submission_id, lang, csrf, page or nav)", fq.ID)
	}
	q := &Question{ID: fq.ID, Type: Type(fq.Type), Required: fq.Required, Label: fq.Label, MinLabel: fq.MinLabel, MaxLabel: fq.MaxLabel,
		Hint: fq.Hint, Other: fq.Other}
	if err := p.text(fq.Label, append(path, "label"), fmt.Sprintf("question %q label", fq.ID)); err != nil {
		return nil, err
	}
	if fq.Hint != nil {
		if err := p.text(fq.Hint, append(path, "hint"), fmt.Sprintf("question %q hint", fq.ID)); err != nil {
			return nil, err
		}
	}
	if fq.Text != nil {
		return nil, p.fail(append(path, "text"), "question %q: text: is for a section heading; a question's note under its label is hint:", fq.ID)
	}
	if err := p.answerRules(fq, q, path); err != nil {
		return nil, err
	}
	if !q.IsScore() && (fq.Min != nil || fq.Max != nil) {
		return nil, p.fail(path, "question %q: min and max are only for rating and nps questions", fq.ID)
	}
	if !q.IsChoice() && len(fq.Options) > 0 {
		return nil, p.fail(append(path, "options"), "question %q: options are only for single and multi questions", fq.ID)
	}
	if fq.Other {
		if !q.IsChoice() {
			return nil, p.fail(append(path, "other"), "question %q: other: true is only for single and multi questions", fq.ID)
		}
		if _, ok := q.Option(OtherOption); ok {
			return nil, p.fail(append(path, "other"), "question %q: other: true adds the option %q, which the question has already", fq.ID, OtherOption)
		}
		q.Options = append(q.Options, Option{ID: OtherOption, Label: otherLabel})
	}
	if q.Type != FreeText && fq.MaxLength != nil {
		return nil, p.fail(append(path, "max_length"), "question %q: max_length is only for text questions", fq.ID)
	}
	return q, nil
}

// answerRules reads what the question's type allows: a rating's scale, a
// choice's options, a text's length.
func (p *parser) answerRules(fq *fileQuestion, q *Question, path []any) error {
	switch q.Type {
	case Rating, NPS:
		q.Min, q.Max = 1, 5
		if q.Type == NPS {
			q.Min, q.Max = 0, 10
		}
		if fq.Min != nil {
			q.Min = *fq.Min
		}
		if fq.Max != nil {
			q.Max = *fq.Max
		}
		if q.Min >= q.Max {
			return p.fail(append(path, "max"), "question %q: min (%d) must be less than max (%d)", fq.ID, q.Min, q.Max)
		}
		// A negative difference is an overflow: bounds near the ends of int
		// would otherwise pass as a short scale (found by FuzzParse).
		if d := q.Max - q.Min; d > 100 || d < 0 {
			return p.fail(append(path, "max"), "question %q: a scale of more than 100 steps cannot be answered on a phone", fq.ID)
		}
	case Single, Multi:
		if len(fq.Options) == 0 {
			return p.fail(path, "question %q is a %s choice but has no options", fq.ID, fq.Type)
		}
		seen := map[string]bool{}
		for k, fo := range fq.Options {
			opath := append(append([]any{}, path...), "options", k)
			if fo.ID == "" {
				return p.fail(opath, "question %q: option without id", fq.ID)
			}
			if !idPattern.MatchString(fo.ID) {
				return p.fail(append(opath, "id"), "question %q: option id %q must start with a letter and use only a-z, 0-9 and _", fq.ID, fo.ID)
			}
			if seen[fo.ID] {
				return p.fail(append(opath, "id"), "question %q: duplicate option id %q", fq.ID, fo.ID)
			}
			seen[fo.ID] = true
			if err := p.text(fo.Label, append(opath, "label"), fmt.Sprintf("option %q label", fo.ID)); err != nil {
				return err
			}
			q.Options = append(q.Options, Option(fo))
		}
	case FreeText:
		q.MaxLength = DefaultMaxLength
		if fq.MaxLength != nil {
			q.MaxLength = *fq.MaxLength
		}
		if q.MaxLength < 1 || q.MaxLength > 10000 {
			return p.fail(append(path, "max_length"), "question %q: max_length must be between 1 and 10000", fq.ID)
		}
	case "":
		return p.fail(path, "question %q has no type (rating, nps, single, multi or text)", fq.ID)
	default:
		return p.fail(append(path, "type"), "question %q has unknown type %q (rating, nps, single, multi or text)", fq.ID, fq.Type)
	}
	return nil
}
