package formstest

import "testing"

// TestSmall holds the fixture to what its doc comment promises, so that tests
// relying on it fail here first when it changes.
func TestSmall(t *testing.T) {
	f := Small(t)
	if len(f.Workshops) != 2 || f.Workshop("alpha") == nil || f.Workshop("beta") == nil {
		t.Fatalf("workshops: %+v", f.Workshops)
	}
	if f.Workshop("beta").Question("beta_idea") == nil || f.Workshop("alpha").Question("beta_idea") != nil {
		t.Error("beta_idea must be beta's own question")
	}
	for _, id := range []string{"overall", "pace", "recommend", "sector", "formats", "comment"} {
		if f.Workshop("alpha").Question(id) == nil {
			t.Errorf("alpha lacks %s", id)
		}
	}
	if q := f.Workshop("alpha").Question("overall"); !q.Required || q.Min != 1 || q.Max != 5 {
		t.Errorf("overall: %+v", q)
	}
}
