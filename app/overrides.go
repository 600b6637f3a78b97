package main

import (
	"context"
	"sync"
	"time"

	"feedback/forms"
)

// overridesFresh is how long the organizer's decisions are read from memory:
// a burst of submissions costs no queries, and a decision taken on another
// replica is seen within it.
const overridesFresh = 2 * time.Second

// overridesCache is the organizer's open/closed decisions, read from the
// store at most every overridesFresh. The lock guards only the fields: the
// store is read outside it, so a slow database slows the one request that
// refreshes and never queues the others behind a lock (they keep the last
// decisions read until the new ones arrive).
type overridesCache struct {
	mu         sync.Mutex
	decisions  map[string]bool // never changed once stored: replaced whole
	read       time.Time
	generation int  // bumped by forget: a read begun before it is dropped
	refreshing bool // one request is reading; the others use what is here
}

// overrideDecisions returns the decisions, reading the store when they are
// stale.
func (s *server) overrideDecisions(ctx context.Context) (map[string]bool, error) {
	o := &s.overrides
	now := s.now()
	o.mu.Lock()
	d, fresh := o.decisions, o.decisions != nil && now.Sub(o.read) <= overridesFresh
	if fresh || (d != nil && o.refreshing) {
		o.mu.Unlock()
		return d, nil
	}
	o.refreshing = true
	gen := o.generation
	o.mu.Unlock()

	read, err := s.db.WorkshopOverrides(ctx)

	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshing = false
	if err != nil {
		return nil, err
	}
	if gen == o.generation {
		o.decisions, o.read = read, now
	}
	return read, nil
}

// forget makes the next read go to the store: the organizer just decided.
func (o *overridesCache) forget() {
	o.mu.Lock()
	o.decisions = nil
	o.generation++
	o.mu.Unlock()
}

// openNow decides whether a workshop takes responses: the organizer's
// decision in the database wins over the forms file's schedule.
func (s *server) openNow(ctx context.Context, w *forms.Workshop) (bool, error) {
	d, err := s.overrideDecisions(ctx)
	if err != nil {
		return false, err
	}
	if open, ok := d[w.Slug]; ok {
		return open, nil
	}
	return w.OpenAt(s.now()), nil
}

// decided reports whether the organizer decided on a workshop, as of the
// decisions last read (openNow reads them).
func (s *server) decided(w *forms.Workshop) bool {
	s.overrides.mu.Lock()
	_, ok := s.overrides.decisions[w.Slug]
	s.overrides.mu.Unlock()
	return ok
}

// opensAt is when a closed workshop opens by its schedule, or the zero time
// when no opening is due: the organizer's "closed" has no end date to show.
// Call it after openNow, which refreshes the organizer's decisions.
func (s *server) opensAt(w *forms.Workshop) time.Time {
	if s.decided(w) || w.OpensAt.IsZero() || !s.now().Before(w.OpensAt) {
		return time.Time{}
	}
	return w.OpensAt
}

// forgetOverrides makes the next openNow read the database again.
func (s *server) forgetOverrides() { s.overrides.forget() }
