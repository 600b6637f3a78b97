package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"feedback/forms"
	"feedback/store"
)

// The rapporteur's desk (store/desk.go): kept counts, comments and their
// search, themes and translations, alike in every store.

func testDesk(t *testing.T, b Backend) {
	t.Run("Counts", func(t *testing.T) { testCounts(t, b) })
	t.Run("CountsAcrossStores", func(t *testing.T) { testCountsAcrossStores(t, b) })
	t.Run("CommentFilters", func(t *testing.T) { testCommentFilters(t, b) })
	t.Run("CommentSearch", func(t *testing.T) { testCommentSearch(t, b) })
	t.Run("CommentPaging", func(t *testing.T) { testCommentPaging(t, b) })
	t.Run("Themes", func(t *testing.T) { testThemes(t, b) })
	t.Run("ThemeMerge", func(t *testing.T) { testThemeMerge(t, b) })
	t.Run("ThemesAcrossStores", func(t *testing.T) { testThemesAcrossStores(t, b) })
	t.Run("Translations", func(t *testing.T) { testTranslations(t, b) })
}

// countsOf computes what the kept counts must be from the stored responses
// themselves.
func countsOf(t *testing.T, s store.Store) *store.Counts {
	t.Helper()
	c := &store.Counts{Responses: map[string]int{}, Scores: map[string]map[string]map[int]int{}, Texts: map[string]map[string]int{}}
	for _, r := range all(t, s, store.Filter{}) {
		c.Responses[r.Workshop]++
		for q, a := range r.Answers {
			switch {
			case len(a.Choices) > 0:
			case a.Text != "":
				if c.Texts[r.Workshop] == nil {
					c.Texts[r.Workshop] = map[string]int{}
				}
				c.Texts[r.Workshop][q]++
			default:
				if c.Scores[r.Workshop] == nil {
					c.Scores[r.Workshop] = map[string]map[int]int{}
				}
				if c.Scores[r.Workshop][q] == nil {
					c.Scores[r.Workshop][q] = map[int]int{}
				}
				c.Scores[r.Workshop][q][a.Number]++
			}
		}
	}
	return c
}

func mustCounts(t *testing.T, s store.Store) *store.Counts {
	t.Helper()
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCounts(t *testing.T, s store.Store, when string) {
	t.Helper()
	got, want := mustCounts(t, s), countsOf(t, s)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: kept counts\n%+v\nwant (from the responses)\n%+v", when, got, want)
	}
	// AnsweredQuestions comes from the kept counts too.
	kinds := map[string]map[string]forms.Type{}
	for _, r := range all(t, s, store.Filter{}) {
		if kinds[r.Workshop] == nil {
			kinds[r.Workshop] = map[string]forms.Type{}
		}
		for q, a := range r.Answers {
			k, seen := kinds[r.Workshop][q]
			switch {
			case len(a.Choices) > 0:
				k = forms.Multi
			case a.Text != "" && k != forms.Multi:
				k = forms.FreeText
			case !seen:
				k = forms.Rating
			}
			kinds[r.Workshop][q] = k
		}
	}
	answered, err := s.AnsweredQuestions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for w, qs := range kinds {
		if len(qs) == 0 {
			delete(kinds, w)
		}
	}
	if !reflect.DeepEqual(answered, kinds) {
		t.Errorf("%s: answered questions %v, want %v", when, answered, kinds)
	}
}

func mustSave(t *testing.T, s store.Store, r *forms.Response) store.Saved {
	t.Helper()
	saved, err := s.SaveResponse(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// testCounts checks the kept counts after stores, retries, changes, a
// removal and a reopen.
func testCounts(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	wantCounts(t, s, "empty")
	var first *forms.Response
	for i := 0; i < 12; i++ {
		a := sample()
		a["overall"] = forms.Answer{Number: 1 + i%5}
		a["recommend"] = forms.Answer{Number: i % 11}
		if i%3 == 0 {
			delete(a, "comment")
		}
		r := newResponse([]string{"alpha", "beta"}[i%2], a)
		mustSave(t, s, r)
		if i == 0 {
			first = r
		}
	}
	wantCounts(t, s, "after 12 responses")
	// A retry changes nothing; a change replaces the old answers' counts.
	mustSave(t, s, first)
	changed := *first
	changed.Answers = forms.Answers{"overall": {Number: 2}, "comment": {Text: "changed my mind"}}
	if saved := mustSave(t, s, &changed); !saved.Changed {
		t.Fatalf("change: %+v", saved)
	}
	wantCounts(t, s, "after a retry and a change")
	other := newResponse("alpha", sample())
	saved := mustSave(t, s, other)
	if err := s.DeleteResponse(context.Background(), saved.ID); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, s, "after a removal")
	before := mustCounts(t, s)
	s.Close()
	s2 := mustOpenAt(t, b, place)
	if got := mustCounts(t, s2); !reflect.DeepEqual(got, before) {
		t.Errorf("after a reopen: %+v, want %+v", got, before)
	}
	if n := mustCounts(t, s2).Responses["alpha"] + mustCounts(t, s2).Responses["beta"]; n != 12 {
		t.Errorf("%d responses counted, want 12", n)
	}
}

// testCountsAcrossStores stores through two stores on one place, at once.
func testCountsAcrossStores(t *testing.T, b Backend) {
	place := b.New(t)
	s1, s2 := mustOpenAt(t, b, place), mustOpenAt(t, b, place)
	done := make(chan error, 2)
	for _, s := range []store.Store{s1, s2} {
		go func(s store.Store) {
			for i := 0; i < 40; i++ {
				a := sample()
				a["overall"] = forms.Answer{Number: 1 + i%5}
				if _, err := s.SaveResponse(context.Background(), newResponse("alpha", a)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}(s)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	wantCounts(t, s1, "two stores")
	if got := mustCounts(t, s2).Responses["alpha"]; got != 80 {
		t.Errorf("the second store counts %d responses, want 80", got)
	}
}

// deskFixture stores comments in several scripts and returns their keys by
// text.
func deskFixture(t *testing.T, s store.Store) map[string]store.CommentKey {
	t.Helper()
	texts := []struct{ workshop, lang, question, text string }{
		{"alpha", "ru", "comment", "Обучение ИИ было полезным"},
		{"alpha", "ar", "comment", "التَّدْرِيب مفيد جدا"},
		{"beta", "zh", "comment", "人工智能培训很好"},
		{"beta", "fr", "comment", "École numérique: très utile"},
		{"beta", "en", "beta_idea", "More AI examples, please"},
		{"alpha", "en", "comment", "The pace was too fast"},
	}
	keys := map[string]store.CommentKey{}
	for _, x := range texts {
		r := newResponse(x.workshop, forms.Answers{"overall": {Number: 4}, x.question: {Text: x.text}})
		r.Lang = x.lang
		keys[x.text] = store.CommentKey{ResponseID: mustSave(t, s, r).ID, Question: x.question}
	}
	return keys
}

func mustComments(t *testing.T, s store.Store, f store.CommentFilter) store.CommentPage {
	t.Helper()
	p, err := s.Comments(context.Background(), f)
	if err != nil {
		t.Fatalf("%+v: %v", f, err)
	}
	return p
}

// textsOf lists a page's texts, sorted.
func textsOf(p store.CommentPage) []string {
	var out []string
	for _, c := range p.Comments {
		out = append(out, c.Text)
	}
	sort.Strings(out)
	return out
}

func wantTexts(t *testing.T, s store.Store, f store.CommentFilter, want ...string) {
	t.Helper()
	p := mustComments(t, s, f)
	sort.Strings(want)
	if got := textsOf(p); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%+v: %q, want %q", f, got, want)
	}
	if p.Total != len(want) {
		t.Errorf("%+v: total %d, want %d", f, p.Total, len(want))
	}
}

func testCommentFilters(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	ctx := context.Background()
	keys := deskFixture(t, s)
	wantTexts(t, s, store.CommentFilter{Workshop: "beta"}, "人工智能培训很好", "École numérique: très utile", "More AI examples, please")
	wantTexts(t, s, store.CommentFilter{Question: "beta_idea"}, "More AI examples, please")
	wantTexts(t, s, store.CommentFilter{Lang: "ar"}, "التَّدْرِيب مفيد جدا")
	wantTexts(t, s, store.CommentFilter{Workshop: "alpha", Lang: "en"}, "The pace was too fast")
	wantTexts(t, s, store.CommentFilter{Workshop: "nowhere"})
	k := keys["The pace was too fast"]
	if err := s.StarComment(ctx, k.ResponseID, k.Question, true); err != nil {
		t.Fatal(err)
	}
	wantTexts(t, s, store.CommentFilter{Starred: true}, "The pace was too fast")
	theme, err := s.AddTheme(ctx, "Pace")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TagComment(ctx, k.ResponseID, k.Question, theme.ID, true); err != nil {
		t.Fatal(err)
	}
	wantTexts(t, s, store.CommentFilter{Theme: theme.ID}, "The pace was too fast")
	wantTexts(t, s, store.CommentFilter{Theme: store.ThemeNone, Workshop: "alpha"}, "Обучение ИИ было полезным", "التَّدْرِيب مفيد جدا")
	// Newest first, each with what the desk shows.
	p := mustComments(t, s, store.CommentFilter{})
	if len(p.Comments) != 6 || p.Comments[0].Text != "The pace was too fast" || p.Comments[5].Text != "Обучение ИИ было полезным" {
		t.Fatalf("order: %q", textsInOrder(p))
	}
	c := p.Comments[0]
	if !c.Starred || !reflect.DeepEqual(c.Themes, []string{theme.ID}) || c.Workshop != "alpha" || c.Lang != "en" || c.SubmittedAt.IsZero() || c.CommentKey != k {
		t.Errorf("newest comment: %+v", c)
	}
}

func textsInOrder(p store.CommentPage) []string {
	var out []string
	for _, c := range p.Comments {
		out = append(out, c.Text)
	}
	return out
}

// testCommentSearch searches in every script, in any case, with or without
// accents and short vowels, for words inside sentences and two-character
// Chinese words.
func testCommentSearch(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	deskFixture(t, s)
	for q, want := range map[string][]string{
		"ОБУЧЕНИЕ":    {"Обучение ИИ было полезным"},
		"ии":          {"Обучение ИИ было полезным"},
		"التدريب":     {"التَّدْرِيب مفيد جدا"},
		"مفيد":        {"التَّدْرِيب مفيد جدا"},
		"培训":          {"人工智能培训很好"},
		"人工智能":        {"人工智能培训很好"},
		"ecole":       {"École numérique: très utile"},
		"ÉCOLE TRES":  {"École numérique: très utile"},
		"numerique":   {"École numérique: très utile"},
		"ai":          {"More AI examples, please"},
		"examples ai": {"More AI examples, please"},
		"pace fast":   {"The pace was too fast"},
		"pace slow":   nil,
		"xyzzy":       nil,
		`"quoted`:     nil,
	} {
		wantTexts(t, s, store.CommentFilter{Query: q}, want...)
	}
	wantTexts(t, s, store.CommentFilter{Query: "e", Workshop: "beta", Question: "beta_idea"}, "More AI examples, please")
}

func testCommentPaging(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	const n = 123
	for i := 0; i < n; i++ {
		mustSave(t, s, newResponse("alpha", forms.Answers{"comment": {Text: fmt.Sprintf("comment %03d", i)}}))
	}
	seen := map[string]bool{}
	for page := 0; page*store.CommentsPerPage < n; page++ {
		p := mustComments(t, s, store.CommentFilter{Offset: page * store.CommentsPerPage})
		if p.Total != n {
			t.Fatalf("total %d, want %d", p.Total, n)
		}
		want := min(store.CommentsPerPage, n-page*store.CommentsPerPage)
		if len(p.Comments) != want {
			t.Fatalf("page %d: %d comments, want %d", page+1, len(p.Comments), want)
		}
		for i, c := range p.Comments {
			if wantText := fmt.Sprintf("comment %03d", n-1-page*store.CommentsPerPage-i); c.Text != wantText {
				t.Fatalf("page %d item %d: %q, want %q (newest first)", page+1, i, c.Text, wantText)
			}
			seen[c.Text] = true
		}
	}
	if len(seen) != n {
		t.Errorf("%d comments seen over the pages, want %d", len(seen), n)
	}
	if p := mustComments(t, s, store.CommentFilter{Offset: 1000}); len(p.Comments) != 0 || p.Total != n {
		t.Errorf("past the end: %d comments, total %d", len(p.Comments), p.Total)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if forms.ErrorCode(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func themeIDs(t *testing.T, s store.Store) map[string]store.ThemeCount {
	t.Helper()
	themes, err := s.Themes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.ThemeCount{}
	for _, th := range themes {
		out[th.ID] = th
	}
	return out
}
