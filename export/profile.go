package export

import (
	"fmt"

	"feedback/forms"
)

// suppressed is what a breakdown cell shows for a group of fewer than
// forms.MinGroupSize people.
const suppressed = "<5"

// profileFigures are the questions whose figures the profile breakdown gives
// per group, beside the people and their share: the declared headline and
// the NPS; nil when the form lacks one.
type profileFigures struct {
	headline, nps *forms.Question
}

// profile breaks the workshop's responses down by the declared profile
// questions (Figures.Profile) its form asks. Every cell that describes fewer
// than forms.MinGroupSize people shows "<5": in a small group a count, a
// share or a mean could point at one person.
func (ws *workshopSheet) profile() {
	pf := profileFigures{headline: ws.wb.headline(ws.w.Questions), nps: ws.sum.NPSQuestion()}
	first := true
	for _, q := range ws.w.Questions {
		groups, ok := ws.sum.Profiles[q.ID]
		if !ok {
			continue
		}
		if first {
			ws.section("Who answered", fmt.Sprintf("Any figure about fewer than %d people is shown as %s, so that nobody in a small group can be recognised.", forms.MinGroupSize, suppressed))
			first = false
		}
		ws.profileTable(q, groups, pf)
		ws.row++
	}
}

// profileTable writes the breakdown by one profile question: a row per
// option in form order, then those since removed, then the people who did
// not answer.
func (ws *workshopSheet) profileTable(q *forms.Question, groups map[string]*forms.Summary, pf profileFigures) {
	heads := []string{"Group", label(q), "People", "Share"}
	if pf.headline != nil {
		heads = append(heads, headlineName(pf.headline))
	}
	if pf.nps != nil {
		heads = append(heads, "NPS")
	}
	for i, h := range heads {
		ws.text(i+1, ws.row, h, ws.wb.st.headerWrap)
	}
	ws.height(ws.row, 32)
	ws.row++
	counts := map[string]int{}
	for id, g := range groups {
		if id != forms.NoAnswer {
			counts[id] = g.Responses
		}
	}
	// Responses whose form did not have the question have no answer
	// either; the label says so when there are any.
	noAnswer := "No answer"
	if ws.sum.Asked(q.ID) < ws.sum.Responses {
		noAnswer = "No answer or not asked"
	}
	for _, id := range append(optionIDs(q, counts), forms.NoAnswer) {
		if id == forms.NoAnswer {
			ws.text(colID, ws.row, "", ws.wb.st.wrap)
			ws.text(colText, ws.row, noAnswer, ws.wb.st.wrap)
		} else {
			ws.text(colID, ws.row, id, ws.wb.st.wrap)
			ws.text(colText, ws.row, optionLabel(q, id), ws.wb.st.wrap)
		}
		ws.profileRow(groups[id], pf)
		ws.row++
	}
}

// profileRow writes the figures of one group (nil when nobody is in it).
func (ws *workshopSheet) profileRow(g *forms.Summary, pf profileFigures) {
	st := ws.wb.st
	people := 0
	if g != nil {
		people = g.Responses
	}
	c := colN
	ws.groupInt(c, people, people)
	c++
	share := 0.0
	if ws.sum.Responses > 0 {
		share = float64(people) / float64(ws.sum.Responses)
	}
	ws.groupFloat(c, people, share, st.share)
	c++
	if pf.headline != nil {
		var t *forms.ScoreTally
		if g != nil {
			t = g.Scores[pf.headline.ID]
		}
		m, _ := t.Mean()
		ws.groupFloat(c, tallyN(t), m, st.mean)
		c++
	}
	if pf.nps != nil {
		var t *forms.ScoreTally
		if g != nil {
			t = g.Scores[pf.nps.ID]
		}
		n, _ := t.NPS()
		ws.groupFloat(c, tallyN(t), n.Score, st.nps)
	}
}

func tallyN(t *forms.ScoreTally) int {
	if t == nil {
		return 0
	}
	return t.N
}

// groupInt writes a count about a profile group, or "<5" for a small group.
func (ws *workshopSheet) groupInt(col, people, v int) {
	if people < forms.MinGroupSize {
		ws.text(col, ws.row, suppressed, ws.wb.st.count)
		return
	}
	ws.int(col, ws.row, v, ws.wb.st.count)
}

// groupFloat writes a figure about people in a profile group, or "<5" when
// it describes fewer than forms.MinGroupSize of them.
func (ws *workshopSheet) groupFloat(col, people int, v float64, style int) {
	if people < forms.MinGroupSize {
		ws.text(col, ws.row, suppressed, ws.wb.st.count)
		return
	}
	ws.float(col, ws.row, v, style)
}
