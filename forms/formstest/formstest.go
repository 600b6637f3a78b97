// Package formstest gives tests a small forms file of their own, so that
// tests that are not about the shipped questionnaire do not break when it is
// reworded.
package formstest

import (
	_ "embed"
	"testing"

	"feedback/forms"
)

// FileName is how the fixture is named in errors and logs.
const FileName = "formstest/small.yaml"

//go:embed small.yaml
var small []byte

// Small is the parsed fixture: workshops "alpha" and "beta" (beta asks
// "beta_idea" too), questions overall (rating 1–5, required), pace (rating
// 1–3), recommend (nps), sector (single), formats (multi), comment (text, 200).
func Small(tb testing.TB) *forms.Forms {
	tb.Helper()
	f, err := forms.Parse(FileName, small)
	if err != nil {
		tb.Fatalf("formstest: %v", err)
	}
	return f
}

// Bytes is the fixture's text, for tests that write it to a file.
func Bytes() []byte { return append([]byte(nil), small...) }
