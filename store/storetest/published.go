package storetest

import (
	"context"
	"reflect"
	"testing"
)

// testWorkshopPublished checks the organizer's publishing decisions: set,
// changed, forgotten, and seen alike by another store on the same place.
func testWorkshopPublished(t *testing.T, b Backend) {
	s, place := mustOpen(t, b)
	ctx := context.Background()
	no, yes := false, true
	for _, d := range []struct {
		slug   string
		public *bool
	}{{"alpha", &yes}, {"beta", &no}, {"gamma", &yes}, {"gamma", nil}, {"delta", &yes}, {"delta", &no}} {
		if err := s.SetWorkshopPublished(ctx, d.slug, d.public); err != nil {
			t.Fatalf("%s: %v", d.slug, err)
		}
	}
	want := map[string]bool{"alpha": true, "beta": false, "delta": false}
	if got, err := s.WorkshopPublished(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("published = %v, %v; want %v", got, err, want)
	}
	other := mustOpenAt(t, b, place)
	if got, err := other.WorkshopPublished(ctx); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("published seen by another store = %v, %v; want %v", got, err, want)
	}
	// Publishing is not opening: the two decisions are kept apart.
	if got, err := s.WorkshopOverrides(ctx); err != nil || len(got) != 0 {
		t.Errorf("overrides = %v, %v; want none", got, err)
	}
}
