package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"feedback/export"
	"feedback/forms"
	"feedback/forms/formstest"
)

func questionIDs(w *forms.Workshop) []string {
	var ids []string
	for _, q := range w.Questions {
		ids = append(ids, q.ID)
	}
	return ids
}

// TestAdminFormXLSForm downloads a workshop's form as an XLSForm through the
// real app and loads it back as -forms would.
func TestAdminFormXLSForm(t *testing.T) {
	_, app, _ := adminTestServer(t, adminTestToken)
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"ErrNoToken", get("/admin/forms/beta.xlsx"), http.StatusUnauthorized},
		{"ErrUnknownWorkshop", bearerGet(t, "/admin/forms/nope.xlsx"), http.StatusNotFound},
		{"OK", bearerGet(t, "/admin/forms/beta.xlsx"), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := adminDo(t, app, tc.req)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.200s", res.StatusCode, tc.status, body)
			}
			if tc.status != http.StatusOK {
				return
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
				t.Errorf("content type %q", ct)
			}
			path := filepath.Join(t.TempDir(), "beta.xlsx")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			back, err := loadForms(path)
			if err != nil {
				t.Fatalf("the download does not load as -forms: %v", err)
			}
			want := formstest.Small(t).Workshop("beta")
			if w := back.Workshop("beta"); w == nil || !slices.Equal(questionIDs(w), questionIDs(want)) || w.Title["fr"] != want.Title["fr"] {
				t.Errorf("loaded back %+v, want the questions %v", back.Workshops, questionIDs(want))
			}
			if _, err := export.ParseXLSForm("again.xlsx", bytes.NewReader([]byte(body))); err != nil {
				t.Error(err)
			}
		})
	}
}
