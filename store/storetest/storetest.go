// Package storetest is the one test suite every implementation of
// store.Store must pass, so that the app and the export can treat SQLite and
// PostgreSQL as the same thing. Each store's own test file runs it with a
// Backend that says how to make, open and look into that store.
package storetest

import (
	"context"
	"testing"

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
	t.Run("Source", func(t *testing.T) { testSource(t, b) })                 // source.go
	t.Run("DeleteResponse", func(t *testing.T) { testDeleteResponse(t, b) }) // source.go
	t.Run("MigrationsAppliedOnce", func(t *testing.T) { testMigrations(t, b) })
	t.Run("WorkshopOverrides", func(t *testing.T) { testWorkshopOverrides(t, b) })
	t.Run("WorkshopPublished", func(t *testing.T) { testWorkshopPublished(t, b) }) // published.go
	t.Run("StarComment", func(t *testing.T) { testStars(t, b) })
	t.Run("ChangeLimit", func(t *testing.T) { testChangeLimit(t, b) })
	t.Run("AnsweredQuestions", func(t *testing.T) { testAnsweredQuestions(t, b) })
	t.Run("QuestionPeriods", func(t *testing.T) { testQuestionPeriods(t, b) }) // question_periods.go
	t.Run("LoginFailures", func(t *testing.T) { testLoginFailures(t, b) })
	t.Run("Desk", func(t *testing.T) { testDesk(t, b) }) // desk.go
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
		"overall":   {Number: 5},
		"pace":      {Number: 3},
		"recommend": {Number: 0},
		"formats":   {Choices: []string{"talks", "exercises"}},
		"sector":    {Choices: []string{"academia"}},
		"comment":   {Text: "Полезно — مفيد"},
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
