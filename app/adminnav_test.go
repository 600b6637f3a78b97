package main

import (
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestAdminNavigation: every admin page has the rapporteur's navigation,
// with the page she is on, and only that one, marked as current.
func TestAdminNavigation(t *testing.T) {
	a := mustApp(t)
	current := regexp.MustCompile(`<a href="([^"]+)" aria-current="page">`)
	for path, want := range map[string]string{
		"/admin":                     "/admin",
		"/admin/comments":            "/admin/comments",
		"/admin/comments?theme=none": "/admin/comments",
		"/admin/workshops":           "/admin/workshops",
		"/admin/posters":             "/admin/posters",
		"/admin/forms":               "/admin/forms",
	} {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		res, body := a.do(t, req)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		got := current.FindAllStringSubmatch(body, -1)
		if len(got) != 1 || got[0][1] != want {
			t.Errorf("%s: current links %v, want only %s", path, got, want)
		}
	}
	// The login page has no navigation: nothing behind it opens yet.
	res, body := a.do(t, httptest.NewRequest("GET", "/admin/login", nil))
	if res.StatusCode != 200 || regexp.MustCompile(`class="adminnav"`).MatchString(body) {
		t.Errorf("login page: %d, navigation shown", res.StatusCode)
	}
}
