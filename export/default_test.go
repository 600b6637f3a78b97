package export_test

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"feedback/export"
	"feedback/forms"
)

// This is the one export test on the shipped questionnaire (forms.Default):
// it checks that the figures its forms file declares (figures: in
// forms/default.yaml) lead its workbook as they always have. Declared
// figures in general are tested on a fixture of their own
// (figures_test.go). It names no other question, option or workshop of the
// shipped file, so that rewording those breaks nothing here.

const (
	satisfactionID    = "satisfaction"
	knowledgeBeforeID = "knowledge_before"
	knowledgeAfterID  = "knowledge_after"
)

// profileIDs are the questions that say who answered (the declared profile).
var profileIDs = []string{"role", "region", "gender"}

// profileSeq gives, for each profile question, the index of the option each
// response chooses in turn (-1: no answer). Over 40 responses some groups
// have fewer than five people, some more, and some exactly five.
var profileSeq = map[string][]int{
	"role":   {0, 0, 1, 0, 2, 3, -1, 0, 1, 4},
	"region": {0, 1, 2, 3, 4, -1, 1},
	"gender": {0, 1, 0, 1, 2, 3, 0, 1},
}

// defaultForum is the seeded forum on the shipped file: 40 responses to its
// first workshop, 3 to its second (which answer knowledge_after only, so that
// it has no knowledge gain), none to the others.
type defaultForum struct {
	*seeded
	first, second *forms.Workshop
	nps           string // the id of the NPS question, whose figure the breakdown gives
}

func seedDefault(t *testing.T) *defaultForum {
	t.Helper()
	f := forms.Default()
	if len(f.Workshops) < 2 {
		t.Fatalf("the shipped file has %d workshops, the test wants two at least", len(f.Workshops))
	}
	if fg := f.Figures; fg.Headline != satisfactionID || strings.Join(fg.Gain, " ") != knowledgeBeforeID+" "+knowledgeAfterID ||
		strings.Join(fg.Profile, " ") != strings.Join(profileIDs, " ") {
		t.Fatalf("the shipped file declares figures %+v", fg)
	}
	d := &defaultForum{first: f.Workshops[0], second: f.Workshops[1]}
	for _, id := range append([]string{satisfactionID, knowledgeBeforeID, knowledgeAfterID}, profileIDs...) {
		if d.first.Question(id) == nil || d.second.Question(id) == nil {
			t.Fatalf("the shipped file's first workshops lack %s, which its figures declare", id)
		}
	}
	for _, q := range d.first.Questions {
		if q.Type == forms.NPS && d.nps == "" {
			d.nps = q.ID
		}
	}
	if d.nps == "" {
		t.Fatal("the shipped file has no NPS question")
	}
	counts := map[string]int{d.first.Slug: 40, d.second.Slug: 3}
	d.seeded = seedForms(t, f, counts, func(w *forms.Workshop, i, global int) (string, forms.Answers) {
		a := forms.Answers{satisfactionID: {Number: 1 + (i*7+3)%5}}
		if i%4 != 0 && w == d.first {
			a[knowledgeBeforeID] = forms.Answer{Number: 1 + i%3}
		}
		if i%5 != 0 {
			a[knowledgeAfterID] = forms.Answer{Number: 3 + i%3}
		}
		if i%6 != 5 {
			a[d.nps] = forms.Answer{Number: (i * 5) % 11}
		}
		for _, id := range profileIDs {
			if seq := profileSeq[id]; seq[i%len(seq)] >= 0 {
				k, opts := seq[i%len(seq)], w.Question(id).Options
				a[id] = forms.Answer{Choices: []string{opts[k%len(opts)].ID}}
			}
		}
		return "en", a
	})
	return d
}

// group returns the responses whose profile answer to id is option ("" for
// no answer).
func group(rs []*forms.Response, id, option string) []*forms.Response {
	var out []*forms.Response
	for _, r := range rs {
		got := ""
		if c := r.Answers[id].Choices; len(c) > 0 {
			got = c[0]
		}
		if got == option {
			out = append(out, r)
		}
	}
	return out
}

// headerCol returns the 1-based column of the header h in the first row, or
// 0.
func headerCol(rows [][]string, h string) int {
	for i, v := range rows[0] {
		if v == h {
			return i + 1
		}
	}
	return 0
}

// hasFigure reports whether a workshop sheet has the key figure name.
func hasFigure(rows [][]string, name string) bool {
	for _, row := range rows {
		if len(row) > 0 && row[0] == name {
			return true
		}
	}
	return false
}

func TestWorkbookDefaultFigures(t *testing.T) {
	d := seedDefault(t)
	f := d.forms
	b, _ := buildBook(t, d.seeded, export.Options{})

	t.Run("KnowledgeGain", func(t *testing.T) {
		b := b.with(t)
		const sh = "Overview"
		rows := b.rows(sh)
		col := headerCol(rows, "Knowledge gain")
		if col == 0 {
			t.Fatalf("no Knowledge gain column: %q", rows[0])
		}
		check := func(row int, rs []*forms.Response) {
			t.Helper()
			before, ok1 := meanOf(rs, knowledgeBeforeID)
			after, ok2 := meanOf(rs, knowledgeAfterID)
			if ok1 && ok2 {
				b.wantNum(sh, c(col, row), after-before)
			} else {
				b.wantEmpty(sh, c(col, row))
			}
		}
		for i, w := range f.Workshops {
			check(i+2, d.byWorkshop(w.Slug))
		}
		check(len(f.Workshops)+2, d.responses)
		if _, ok := meanOf(d.byWorkshop(d.second.Slug), knowledgeAfterID); !ok {
			t.Fatal("the seed should answer knowledge_after alone in the second workshop")
		}

		// The same figure leads the workshop's sheet, when it has one.
		rs := d.byWorkshop(d.first.Slug)
		before, _ := meanOf(rs, knowledgeBeforeID)
		after, _ := meanOf(rs, knowledgeAfterID)
		rows = b.rows(d.first.Slug)
		b.wantNum(d.first.Slug, c(3, findRow(t, rows, 1, "Knowledge gain (after − before)", 2)), after-before)
		if hasFigure(b.rows(d.second.Slug), "Knowledge gain (after − before)") {
			t.Errorf("%s has a knowledge gain without knowledge before", d.second.Slug)
		}
	})

	t.Run("MeanSatisfaction", func(t *testing.T) {
		b := b.with(t)
		for _, w := range []*forms.Workshop{d.first, d.second} {
			m, _ := meanOf(d.byWorkshop(w.Slug), satisfactionID)
			b.wantNum(w.Slug, c(3, findRow(t, b.rows(w.Slug), 1, "Mean satisfaction", 2)), m)
		}
		// The Overview's chart is of mean satisfaction, over the workshop
		// rows.
		col := headerCol(b.rows("Overview"), "Mean satisfaction")
		if col == 0 {
			t.Fatal("no Mean satisfaction column in the Overview")
		}
		name, _ := excelize.ColumnNumberToName(col)
		last := strconv.Itoa(len(f.Workshops) + 1)
		values := "'Overview'!$" + name + "$2:$" + name + "$" + last
		categories := "'Overview'!$A$2:$A$" + last
		refs := regexp.MustCompile(`<(?:c:)?f>([^<]*)</(?:c:)?f>`)
		charts := 0
		for part, xml := range b.parts {
			if !strings.HasPrefix(part, "xl/charts/chart") || !regexp.MustCompile(`<(?:c:)?barDir val="bar"`).MatchString(xml) {
				continue
			}
			var fs []string
			for _, m := range refs.FindAllStringSubmatch(xml, -1) {
				fs = append(fs, html.UnescapeString(m[1]))
			}
			if all := strings.Join(fs, " "); strings.Contains(all, values) && strings.Contains(all, categories) {
				charts++
			}
		}
		if charts != 1 {
			t.Errorf("%d bar charts of %s by %s, want 1", charts, values, categories)
		}
	})

	t.Run("ProfileSmallGroups", func(t *testing.T) {
		b := b.with(t)
		sh := d.first.Slug
		rs := d.byWorkshop(sh)
		rows := b.rows(sh)
		small, shown, five := 0, 0, 0
		for _, id := range profileIDs {
			q := d.first.Question(id)
			head := findRow(t, rows, 2, q.Label.Get("en"), 3)
			if rows[head-1][0] != "Group" {
				t.Fatalf("%s: no breakdown header at row %d", id, head)
			}
			ids := []string{}
			for _, o := range q.Options {
				ids = append(ids, o.ID)
			}
			ids = append(ids, "")
			for i, opt := range ids {
				row := head + 1 + i
				if opt == "" {
					if b.str(sh, c(2, row)) != "No answer" {
						t.Fatalf("%s: row %d should be No answer", id, row)
					}
				} else if got := b.str(sh, c(1, row)); got != opt {
					t.Fatalf("%s: row %d is %q, want %q", id, row, got, opt)
				}
				g := group(rs, id, opt)
				if len(g) < 5 {
					small++
					for col := 3; col <= 6; col++ {
						if got := b.str(sh, c(col, row)); got != "<5" {
							t.Errorf("%s=%q has %d people: %s shows %q, want <5", id, opt, len(g), c(col, row), got)
						}
					}
					continue
				}
				shown++
				if len(g) == 5 {
					five++
				}
				b.wantNum(sh, c(3, row), float64(len(g)))
				b.wantNum(sh, c(4, row), float64(len(g))/float64(len(rs)))
				m, _ := meanOf(g, satisfactionID)
				b.wantNum(sh, c(5, row), m)
				if len(scoresOf(g, d.nps)) < 5 {
					if got := b.str(sh, c(6, row)); got != "<5" {
						t.Errorf("%s=%q NPS from %d answers shows %q, want <5", id, opt, len(scoresOf(g, d.nps)), got)
					}
				} else {
					_, _, _, score, _ := npsOf(g, d.nps)
					b.wantNum(sh, c(6, row), score)
				}
			}
		}
		// Exactly five people is enough to be shown.
		if small == 0 || shown == 0 || five == 0 {
			t.Fatalf("the seed should have small, large and five-people groups: %d small, %d shown, %d of five", small, shown, five)
		}
	})
}

// TestXLSFormRoundTripDefault takes a workshop of the shipped forms to an
// XLSForm and back: every question, option, label, hint and scale the same.
func TestXLSFormRoundTripDefault(t *testing.T) {
	def := forms.Default()
	slug := def.Workshops[0].Slug
	var b bytes.Buffer
	if err := export.WriteXLSForm(&b, def, slug); err != nil {
		t.Fatal(err)
	}
	back, err := export.ParseXLSForm(slug+".xlsx", bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("the shipped form does not load back: %v", err)
	}
	describe := func(w *forms.Workshop) []string {
		out := []string{fmt.Sprintf("%s %v", w.Slug, w.Title)}
		for _, q := range w.Questions {
			out = append(out, fmt.Sprintf("%s %s %v %v %v %d-%d %v %v %d", q.ID, q.Type, q.Required, q.Label, q.Hint, q.Min, q.Max, q.MinLabel, q.MaxLabel, q.MaxLength))
			for _, o := range q.Options {
				out = append(out, fmt.Sprintf("  %s %v", o.ID, o.Label))
			}
		}
		return out
	}
	if len(back.Workshops) != 1 || !slices.Equal(back.Languages, def.Languages) {
		t.Fatalf("workshops %d, languages %v", len(back.Workshops), back.Languages)
	}
	if got, want := describe(back.Workshops[0]), describe(def.Workshop(slug)); !slices.Equal(got, want) {
		t.Errorf("round trip:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
