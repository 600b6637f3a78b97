package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"feedback/store"
	"feedback/store/storetest"
)

// TestSQLiteSuite runs the shared store suite against SQLite. Each place is a
// file in a directory that does not exist yet: Open must create it.
func TestSQLiteSuite(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		New: func(t *testing.T) string { return filepath.Join(t.TempDir(), "sub", "feedback.db") },
		Open: func(t *testing.T, place string) (store.Store, error) {
			return store.Open(context.Background(), place, store.Options{})
		},
		Count: func(t *testing.T, place, query string) int { return rawCount(t, place, query) },
	})
}
