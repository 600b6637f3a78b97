// Package storetest is the one test suite every implementation of
// store.Store must pass, so that the app and the export can treat SQLite and
// PostgreSQL as the same thing. Each store's own test file runs it with a
// Backend that says how to make, open and look into that store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"feedback/forms"
	"feedback/store"
)

// Backend is how the suite reaches one implementation. A place names where
// one test's data lives (a file path, a database URL): opening the same place
// twice, one after the other or at the same time, reaches the same data, as a
// restart or a second replica would.
type Backend struct {
	// New returns a new, empty place, removed when t ends.
	New func(t *testing.T) string
	// Open opens the store at place, creating and migrating it if needed.
	// The suite closes what it opens.
	Open func(t *testing.T, place string) (store.Store, error)
	// Count runs a query returning one number (a count(*)) over a connection
	// of its own, to see what is stored as an outside observer would. The
	// suite's queries are plain SQL that both SQLite and PostgreSQL run.
	Count func(t *testing.T, place, query string) int
}

// Run runs the whole suite against b.
func Run(t *testing.T, b Backend) {
	t.Run("SaveResponse", func(t *testing.T) { testSaveResponse(t, b) })
	t.Run("ConcurrentSaves", func(t *testing.T) { testConcurrentSaves(t, b) })
	t.Run("TwoStoresOnePlace", func(t *testing.T) { testTwoStores(t, b) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, b) })
	t.Run("CloseKeepsAcknowledged", func(t *testing.T) { testCloseKeepsAcknowledged(t, b) })
	t.Run("EachResponse", func(t *testing.T) { testEachResponse(t, b) })
	t.Run("MigrationsAppliedOnce", func(t *testing.T) { testMigrations(t, b) })
	t.Run("WorkshopOverrides", func(t *testing.T) { testWorkshopOverrides(t, b) })
	t.Run("StarComment", func(t *testing.T) { testStars(t, b) })
	t.Run("ChangeLimit", func(t *testing.T) { testChangeLimit(t, b) })
	t.Run("AnsweredQuestions", func(t *testing.T) { testAnsweredQuestions(t, b) })
	t.Run("Ping", func(t *testing.T) { testPing(t, b) })
}

// mustOpen opens a store at a new place and closes it when the test ends.
func mustOpen(t *testing.T, b Backend) (store.Store, string) {
	t.Helper()
	place := b.New(t)
	return mustOpenAt(t, b, place), place
}

func mustOpenAt(t *testing.T, b Backend, place string) store.Store {
	t.Helper()
	s, err := b.Open(t, place)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newResponse(workshop string, answers forms.Answers) *forms.Response {
	return &forms.Response{SubmissionID: uuid.NewString(), Workshop: workshop, Lang: "en", Answers: answers}
}

func sample() forms.Answers {
	return forms.Answers{
		"satisfaction":   {Number: 5},
		"relevance":      {Number: 3},
		"recommend":      {Number: 0},
		"useful_formats": {Choices: []string{"presentations", "peer_exchange"}},
		"role":           {Choices: []string{"academia"}},
		"takeaway":       {Text: "Полезно — مفيد"},
	}
}

func all(t *testing.T, s store.Store, f store.Filter) []*forms.Response {
	t.Helper()
	var out []*forms.Response
	err := s.EachResponse(context.Background(), f, func(r *forms.Response) error {
		cp := *r
		out = append(out, &cp)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testSaveResponse(t *testing.T, b Backend) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("data-governance", sample())
		saved, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if !saved.Created || saved.ID == "" {
			t.Fatalf("saved = %+v", saved)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != saved.ID || got.Workshop != "data-governance" || got.Lang != "en" || !got.Answers.Equal(r.Answers) {
			t.Errorf("stored = %+v", got)
		}
		if got.SubmittedAt.IsZero() || got.SubmittedAt.Location().String() != "UTC" {
			t.Errorf("submitted at = %v", got.SubmittedAt)
		}
		if d := time.Since(got.SubmittedAt); d < -time.Minute || d > time.Minute {
			t.Errorf("submitted at = %v, %v from now", got.SubmittedAt, d)
		}
		// One row per answer and per chosen option, so SQL can count them.
		if n := b.Count(t, place, `SELECT count(*) FROM answers WHERE question = 'useful_formats'`); n != 2 {
			t.Errorf("useful_formats rows = %d", n)
		}
	})
	t.Run("OKRetryStoresOnce", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("data-governance", sample())
		first, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "en", Answers: sample()})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || again.Changed {
			t.Errorf("retry = %+v, first = %+v", again, first)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM responses`); n != 1 {
			t.Errorf("responses = %d", n)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 7 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKChangeReplacesAnswers", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("data-governance", sample())
		first, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		changed := forms.Answers{"satisfaction": {Number: 2}, "relevance": {Number: 2}}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "fr", Answers: changed})
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Created || !again.Changed {
			t.Errorf("change = %+v", again)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Answers.Equal(changed) || got.Lang != "fr" {
			t.Errorf("stored = %+v", got)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 2 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKChangeToNoAnswers", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("data-governance", sample())
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		again, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: r.Workshop, Lang: "en", Answers: forms.Answers{}})
		if err != nil || !again.Changed {
			t.Fatalf("change = %+v, %v", again, err)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM answers`); n != 0 {
			t.Errorf("answers = %d", n)
		}
	})
	t.Run("OKKeepsOrderAndTime", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		// Choices keep the order they were given in, not alphabetical, and a
		// given time is kept to the millisecond, in UTC.
		at := time.Date(2025, 6, 25, 15, 30, 1, 123456789, time.FixedZone("UZT", 5*3600))
		r := newResponse("data-governance", forms.Answers{
			"useful_formats": {Choices: []string{"practical_tools", "case_studies", "peer_exchange"}},
			"improve":        {Text: "=SUM(A1:A9)\n\"quoted\" 'and' \\ back"},
		})
		r.SubmittedAt = at
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Answers, r.Answers) {
			t.Errorf("answers = %#v, want %#v", got.Answers, r.Answers)
		}
		if want := at.UTC().Truncate(time.Millisecond); !got.SubmittedAt.Equal(want) || got.SubmittedAt.Location() != time.UTC {
			t.Errorf("submitted at = %v, want %v", got.SubmittedAt, want)
		}
	})
	t.Run("ErrSubmissionOfAnotherWorkshop", func(t *testing.T) {
		s, place := mustOpen(t, b)
		r := newResponse("data-governance", sample())
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: r.SubmissionID, Workshop: "next-generation", Lang: "en", Answers: sample()})
		if forms.ErrorCode(err) != forms.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		if forms.FieldErrors(err)["submission_id"] == "" {
			t.Errorf("no message for submission_id: %v", err)
		}
		if n := b.Count(t, place, `SELECT count(*) FROM responses WHERE workshop = 'next-generation'`); n != 0 {
			t.Errorf("stored in the other workshop: %d", n)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		_, err := s.ResponseBySubmission(ctx, uuid.NewString())
		if forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrClosed", func(t *testing.T) {
		s, _ := mustOpen(t, b)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := s.SaveResponse(ctx, newResponse("data-governance", sample()))
		if forms.ErrorCode(err) != forms.EUNAVAILABLE {
			t.Fatalf("err = %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("closing twice: %v", err)
		}
	})
}

// sendAll sends n responses to the stores, round robin, at once; every tenth
// is sent twice at the same time, to two different stores if there are two.
// It returns how many calls said they created a response.
func sendAll(t *testing.T, stores []store.Store, ids []string) int {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ids))
	created := make(chan bool, 2*len(ids))
	send := func(s store.Store, i int) {
		defer wg.Done()
		r := &forms.Response{SubmissionID: ids[i], Workshop: "leading-change", Lang: "en",
			Answers: forms.Answers{"satisfaction": {Number: 1 + i%5}, "relevance": {Number: 1 + (i/5)%5}}}
		saved, err := s.SaveResponse(ctx, r)
		errs <- err
		created <- saved.Created
	}
	for i := range ids {
		wg.Add(1)
		go send(stores[i%len(stores)], i)
		if i%10 == 0 {
			wg.Add(1)
			go send(stores[(i+1)%len(stores)], i)
		}
	}
	wg.Wait()
	close(errs)
	close(created)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for c := range created {
		if c {
			n++
		}
	}
	return n
}

func newIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	return ids
}

// testConcurrentSaves sends many responses at once, a tenth of them twice and
// at the same time, and checks each submission is stored exactly once.
func testConcurrentSaves(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	const n = 400
	if got := sendAll(t, []store.Store{s}, newIDs(n)); got != n {
		t.Errorf("created = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM answers`); got != 2*n {
		t.Errorf("answers = %d, want %d", got, 2*n)
	}
}

// testTwoStores opens the same place twice, as two replicas of the app would,
// sends the same submissions to both at once, and changes some answers from
// both at once: each submission is stored once, with one of the answer sets
// whole, never a mix of the two.
func testTwoStores(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	one := mustOpenAt(t, b, place)
	two := mustOpenAt(t, b, place)
	const n = 200
	ids := newIDs(n)
	if got := sendAll(t, []store.Store{one, two}, ids); got != n {
		t.Errorf("created = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses = %d, want %d", got, n)
	}

	// The same participant changes their answers on both replicas at once.
	a := forms.Answers{"satisfaction": {Number: 5}, "useful_formats": {Choices: []string{"presentations", "case_studies"}}}
	c := forms.Answers{"satisfaction": {Number: 1}, "improve": {Text: "shorter talks"}}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ids[:40]))
	for _, id := range ids[:40] {
		for i, s := range []store.Store{one, two} {
			wg.Add(1)
			go func(s store.Store, answers forms.Answers) {
				defer wg.Done()
				_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: id, Workshop: "leading-change", Lang: "en", Answers: answers})
				errs <- err
			}(s, []forms.Answers{a, c}[i])
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := 2 * (n - 40) // answer rows of the responses not changed
	for _, id := range ids[:40] {
		got, err := two.ResponseBySubmission(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got.Answers.Equal(a):
			rows += 3
		case got.Answers.Equal(c):
			rows += 2
		default:
			t.Errorf("%s: answers = %+v, a mix of two changes", id, got.Answers)
		}
	}
	if got := b.Count(t, place, `SELECT count(*) FROM responses`); got != n {
		t.Errorf("responses after changes = %d, want %d", got, n)
	}
	if got := b.Count(t, place, `SELECT count(*) FROM answers`); got != rows {
		t.Errorf("answers after changes = %d, want %d: the replaced answers were not all removed", got, rows)
	}
	// What one replica wrote, the other reads.
	if x, y := len(all(t, one, store.Filter{})), len(all(t, two, store.Filter{})); x != n || y != n {
		t.Errorf("read %d and %d responses, want %d", x, y, n)
	}
}

func testReopen(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s, err := b.Open(t, place)
	if err != nil {
		t.Fatal(err)
	}
	var want []*forms.Response
	for i := 0; i < 20; i++ {
		r := newResponse([]string{"data-governance", "next-generation"}[i%2], forms.Answers{
			"satisfaction": {Number: 1 + i%5}, "relevance": {Number: 5}, "improve": {Text: fmt.Sprintf("idea %d", i)}})
		saved, err := s.SaveResponse(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		r.ID = saved.ID
		want = append(want, r)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpenAt(t, b, place)
	got := all(t, s, store.Filter{})
	if len(got) != len(want) {
		t.Fatalf("after reopen: %d responses, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.SubmissionID != w.SubmissionID || g.Workshop != w.Workshop || !g.Answers.Equal(w.Answers) {
			t.Errorf("response %d = %+v, want %+v", i, g, w)
		}
	}
	only := all(t, s, store.Filter{Workshop: "next-generation"})
	if len(only) != 10 {
		t.Errorf("filtered = %d", len(only))
	}
	counts, err := s.CountResponses(ctx)
	if err != nil || !reflect.DeepEqual(counts, map[string]int{"data-governance": 10, "next-generation": 10}) {
		t.Errorf("counts = %v, %v", counts, err)
	}
}

// testCloseKeepsAcknowledged closes the store while responses are coming
// in, as a SIGTERM does: every save that succeeded is stored, and every one
// that did not says the store is unavailable.
func testCloseKeepsAcknowledged(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s, err := b.Open(t, place)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	ids := newIDs(n)
	acked := make(chan string, n)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: id, Workshop: "next-generation", Lang: "en",
				Answers: forms.Answers{"satisfaction": {Number: 1 + i%5}}})
			switch {
			case err == nil:
				acked <- id
			case forms.ErrorCode(err) != forms.EUNAVAILABLE:
				t.Errorf("save during close: %v", err)
			}
		}()
		if i == n/2 {
			go s.Close()
		}
	}
	wg.Wait()
	close(acked)
	s.Close()
	s = mustOpenAt(t, b, place)
	stored := map[string]bool{}
	for _, r := range all(t, s, store.Filter{}) {
		stored[r.SubmissionID] = true
	}
	nAcked := 0
	for id := range acked {
		nAcked++
		if !stored[id] {
			t.Errorf("%s was acknowledged, then lost on close", id)
		}
	}
	t.Logf("%d of %d acknowledged before the store closed", nAcked, n)
}

// testEachResponse checks the stream the export is built from: submission
// order, answers whole (a response without answers too), a filter, a
// changed response keeping its place, and fn's error ending the stream.
func testEachResponse(t *testing.T, b Backend) {
	ctx := context.Background()
	s, _ := mustOpen(t, b)
	var ids []string
	for i := 0; i < 12; i++ {
		a := forms.Answers{"satisfaction": {Number: 1 + i%5}, "useful_formats": {Choices: []string{"peer_exchange", "presentations"}}}
		if i == 3 {
			a = forms.Answers{}
		}
		r := newResponse([]string{"enabling-environment", "digital-government", "leading-change"}[i%3], a)
		r.Lang = []string{"en", "fr", "ar", "zh"}[i%4]
		if _, err := s.SaveResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.SubmissionID)
	}
	// Changing the first response does not move it to the end.
	if _, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: ids[0], Workshop: "enabling-environment", Lang: "ru",
		Answers: forms.Answers{"takeaway": {Text: "trust"}}}); err != nil {
		t.Fatal(err)
	}
	got := all(t, s, store.Filter{})
	if len(got) != len(ids) {
		t.Fatalf("%d responses, want %d", len(got), len(ids))
	}
	for i, r := range got {
		if r.SubmissionID != ids[i] {
			t.Fatalf("response %d is %s, want %s: not in submission order", i, r.SubmissionID, ids[i])
		}
		if r.ID == "" || r.SubmittedAt.IsZero() || r.Answers == nil {
			t.Errorf("response %d = %+v", i, r)
		}
		if i > 0 && r.SubmittedAt.Before(got[i-1].SubmittedAt) {
			t.Errorf("response %d submitted before the one ahead of it", i)
		}
	}
	if len(got[3].Answers) != 0 {
		t.Errorf("response without answers = %+v", got[3].Answers)
	}
	if got[0].Lang != "ru" || got[0].Answers["takeaway"].Text != "trust" || len(got[0].Answers) != 1 {
		t.Errorf("changed response = %+v", got[0])
	}
	if c := got[1].Answers["useful_formats"].Choices; !reflect.DeepEqual(c, []string{"peer_exchange", "presentations"}) {
		t.Errorf("choices = %v", c)
	}
	only := all(t, s, store.Filter{Workshop: "digital-government"})
	if len(only) != 4 || only[0].SubmissionID != ids[1] || only[3].SubmissionID != ids[10] {
		t.Errorf("filtered = %d responses", len(only))
	}
	if none := all(t, s, store.Filter{Workshop: "no-such-workshop"}); len(none) != 0 {
		t.Errorf("unknown workshop: %d responses", len(none))
	}
	stop := errors.New("enough")
	calls := 0
	err := s.EachResponse(ctx, store.Filter{}, func(*forms.Response) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("stopping: err = %v after %d calls", err, calls)
	}
}

// migrationLister is what both stores offer besides store.Store, for
// operators and this test.
type migrationLister interface {
	Migrations(ctx context.Context) ([]string, error)
}

func testMigrations(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	for i := 0; i < 3; i++ {
		s, err := b.Open(t, place)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		m, ok := s.(migrationLister)
		if !ok {
			s.Close()
			t.Fatalf("%T does not list its migrations", s)
		}
		names, err := m.Migrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(names) < 2 || names[0] != "0001_responses.sql" {
			t.Errorf("migrations = %v", names)
		}
		s.Close()
	}
	if n := b.Count(t, place, `SELECT count(*) FROM migrations`); n != b.Count(t, place, `SELECT count(DISTINCT name) FROM migrations`) {
		t.Errorf("a migration was recorded twice")
	}
}

func testWorkshopOverrides(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	ctx := context.Background()
	closed, open := false, true
	if err := s.SetWorkshopOpen(ctx, "data-governance", &closed); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "next-generation", &open); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "next-generation", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "leading-change", &closed); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWorkshopOpen(ctx, "leading-change", &open); err != nil {
		t.Fatal(err)
	}
	got, err := s.WorkshopOverrides(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"data-governance": false, "leading-change": true}) {
		t.Errorf("overrides = %v, %v", got, err)
	}
	// Another process (a replica, a restart) sees the same.
	other := mustOpenAt(t, b, place)
	got, err = other.WorkshopOverrides(ctx)
	if err != nil || !reflect.DeepEqual(got, map[string]bool{"data-governance": false, "leading-change": true}) {
		t.Errorf("overrides seen by another store = %v, %v", got, err)
	}
}

func testStars(t *testing.T, b Backend) {
	ctx := context.Background()
	s, place := mustOpen(t, b)
	save := func(a forms.Answers) string {
		t.Helper()
		saved, err := s.SaveResponse(ctx, &forms.Response{SubmissionID: uuid.NewString(), Workshop: "data-governance", Lang: "ru", Answers: a})
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	first := save(forms.Answers{"satisfaction": {Number: 4}, "takeaway": {Text: "Данные — это доверие"}, "improve": {Text: "=1+1"}})
	second := save(forms.Answers{"satisfaction": {Number: 2}, "takeaway": {Text: "أكثر وقتاً للنقاش"}})
	for _, k := range [][2]string{{first, "takeaway"}, {second, "takeaway"}, {first, "improve"}, {first, "takeaway"}} {
		if err := s.StarComment(ctx, k[0], k[1], true); err != nil {
			t.Fatalf("star %v: %v", k, err)
		}
	}
	got, err := s.Stars(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d stars, want 3 (starring twice is once): %+v", len(got), got)
	}
	if got[0].ResponseID != first || got[0].Question != "improve" || got[2].ResponseID != first || got[2].Question != "takeaway" {
		t.Errorf("stars, most recent first = %+v", got)
	}
	for _, st := range got {
		if st.StarredAt.IsZero() || st.StarredAt.Location() != time.UTC {
			t.Errorf("starred at = %v", st.StarredAt)
		}
	}
	for name, k := range map[string][2]string{
		"ErrNotText":         {first, "satisfaction"},
		"ErrNoAnswer":        {second, "improve"},
		"ErrUnknownResponse": {uuid.NewString(), "takeaway"},
	} {
		if err := s.StarComment(ctx, k[0], k[1], true); forms.ErrorCode(err) != forms.ENOTFOUND {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if err := s.StarComment(ctx, first, "improve", false); err != nil {
		t.Fatal(err)
	}
	if err := s.StarComment(ctx, first, "improve", false); err != nil {
		t.Fatalf("unstarring twice: %v", err)
	}
	if n := b.Count(t, place, `SELECT count(*) FROM starred`); n != 2 {
		t.Errorf("starred rows = %d, want 2", n)
	}
}

func testPing(t *testing.T, b Backend) {
	s, _ := mustOpen(t, b)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// testChangeLimit changes one response as fast as it can, through two stores
// at the same place (two replicas): the per-minute limit holds across both,
// the refusal says how long to wait, nothing of the refused change is
// stored, and a retry of what is stored is never refused.
func testChangeLimit(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	stores := []store.Store{mustOpenAt(t, b, place), mustOpenAt(t, b, place)}
	limit := store.ChangeLimits[0]
	for _, l := range store.ChangeLimits {
		if l.Window < limit.Window {
			limit = l
		}
	}
	sid := uuid.NewString()
	version := func(i int) *forms.Response {
		return &forms.Response{SubmissionID: sid, Workshop: "data-governance", Lang: "fr",
			Answers: forms.Answers{"satisfaction": {Number: 1 + i%5}, "takeaway": {Text: fmt.Sprintf("version %d", i)}}}
	}
	if _, err := stores[0].SaveResponse(ctx, version(0)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 1; i <= limit.Max; i++ {
		saved, err := stores[i%2].SaveResponse(ctx, version(i))
		if err != nil || !saved.Changed {
			t.Fatalf("change %d: %+v, %v", i, saved, err)
		}
	}
	_, err := stores[0].SaveResponse(ctx, version(limit.Max+1))
	if forms.ErrorCode(err) != forms.ELIMIT {
		t.Fatalf("change %d within %v: err = %v, want a limit", limit.Max+1, time.Since(start), err)
	}
	var le *store.LimitError
	if !errors.As(err, &le) || le.RetryAfter <= 0 || le.RetryAfter > limit.Window {
		t.Errorf("refusal = %v, want a wait within %v", err, limit.Window)
	}
	got, err := stores[1].ResponseBySubmission(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Answers.Equal(version(limit.Max).Answers) {
		t.Errorf("stored = %+v, want the last accepted change", got.Answers)
	}
	// The phone retrying what was accepted is not a change.
	if saved, err := stores[1].SaveResponse(ctx, version(limit.Max)); err != nil || saved.Changed || saved.Created {
		t.Errorf("retry after the limit: %+v, %v", saved, err)
	}
	if n := b.Count(t, place, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("responses = %d", n)
	}
}

// answeredQuestionsLister is what the app asks a store for to find the
// questions a changed forms file no longer asks (app/retired.go); every
// store offers it, so that no store drops those answers from the export.
type answeredQuestionsLister interface {
	AnsweredQuestions(ctx context.Context) (map[string]map[string]forms.Type, error)
}

// testAnsweredQuestions stores answers to questions no forms file asks (the
// store does not know the forms file): they come back as they were, a 0
// score and a multiple choice included, and AnsweredQuestions names them
// with their kind, after a reopen too.
func testAnsweredQuestions(t *testing.T, b Backend) {
	ctx := context.Background()
	place := b.New(t)
	s := mustOpenAt(t, b, place)
	r := &forms.Response{SubmissionID: uuid.NewString(), Workshop: "data-governance", Lang: "fr", Answers: forms.Answers{
		"satisfaction":  {Number: 4},
		"pilot_score":   {Number: 0},
		"pilot_formats": {Choices: []string{"talks", "labs"}},
		"pilot_comment": {Text: "à garder"},
	}}
	if _, err := s.SaveResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveResponse(ctx, newResponse("leading-change", forms.Answers{"satisfaction": {Number: 2}})); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]forms.Type{
		"data-governance": {"satisfaction": forms.Rating, "pilot_score": forms.Rating, "pilot_formats": forms.Multi, "pilot_comment": forms.FreeText},
		"leading-change":  {"satisfaction": forms.Rating},
	}
	for i, s := range []store.Store{s, mustOpenAt(t, b, place)} {
		l, ok := s.(answeredQuestionsLister)
		if !ok {
			t.Fatalf("%T does not list its answered questions", s)
		}
		got, err := l.AnsweredQuestions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("store %d: AnsweredQuestions = %v, want %v", i, got, want)
		}
		back, err := s.ResponseBySubmission(ctx, r.SubmissionID)
		if err != nil || !reflect.DeepEqual(back.Answers, r.Answers) {
			t.Errorf("store %d: read back %+v, %v", i, back, err)
		}
	}
}
