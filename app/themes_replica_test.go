package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"feedback/store/storetest"
)

// TestThemesAcrossReplicas runs two apps on one PostgreSQL database, as two
// replicas behind a load balancer: a theme added and a comment tagged,
// renamed, translated or merged on one are what the other shows at once.
func TestThemesAcrossReplicas(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	appOne, _ := pgDeskApp(t, dbURL)
	appTwo, _ := pgDeskApp(t, dbURL)
	one, two := newDesk(t, appOne), newDesk(t, appTwo)
	id := one.submit("alpha", "ar", map[string]any{"comment": "التَّدْرِيب مفيد"})
	other := two.submit("beta", "zh", map[string]any{"comment": "人工智能培训很好"})

	code, out := one.api("/admin/themes", url.Values{"label": {"Training"}})
	if code != http.StatusCreated {
		t.Fatalf("add on one: %d %v", code, out)
	}
	training := out["id"].(string)
	if res, body := one.browser("/admin/comments/theme", url.Values{"response": {id}, "question": {"comment"}, "theme": {training}, "on": {"1"}, "back": {commentsPath}}, false); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("tag on one: status %d\n%.500s", res.StatusCode, body)
	}
	if th, ok := two.theme(training); !ok || th.Label != "Training" || th.Comments != 1 {
		t.Fatalf("two sees the theme as %+v (listed %v), want Training with 1 comment", th, ok)
	}
	if got := shown(two.page(commentsQuery{Theme: training}.url(1))); !slices.Equal(got, []string{"التَّدْرِيب مفيد"}) {
		t.Errorf("two's filter by the new theme shows %q", got)
	}
	if art := article(two.page(commentsPath), id, "comment"); !strings.Contains(art, `aria-pressed="true">Training</button>`) {
		t.Errorf("two does not show the comment tagged:\n%s", art)
	}

	// Back the other way: two renames, translates and tags; one sees it.
	if code, out := two.api("/admin/themes/"+training, url.Values{"label": {"Training and skills"}}); code != http.StatusOK {
		t.Fatalf("rename on two: %d %v", code, out)
	}
	if code, out := two.api("/admin/comments/translation", url.Values{"response": {id}, "question": {"comment"}, "text": {"The training was useful"}}); code != http.StatusOK {
		t.Fatalf("translate on two: %d %v", code, out)
	}
	if code, out := two.api("/admin/comments/theme", url.Values{"response": {other}, "question": {"comment"}, "theme": {"skills"}, "on": {"1"}}); code != http.StatusOK {
		t.Fatalf("tag on two: %d %v", code, out)
	}
	body := one.page(commentsPath)
	if art := article(body, id, "comment"); !strings.Contains(art, `aria-pressed="true">Training and skills</button>`) ||
		!strings.Contains(art, `<blockquote lang="en" dir="ltr">The training was useful</blockquote>`) {
		t.Errorf("one does not show two's rename and translation:\n%s", art)
	}

	// One merges; two's page no longer offers the merged theme.
	if code, out := one.api("/admin/themes/skills", url.Values{"into": {training}}); code != http.StatusOK {
		t.Fatalf("merge on one: %d %v", code, out)
	}
	if _, ok := two.theme("skills"); ok {
		t.Error("two still lists the theme merged on one")
	}
	if th, _ := two.theme(training); th.Comments != 2 {
		t.Errorf("two counts %d comments for the merged theme, want 2", th.Comments)
	}
	if got := shown(two.page(commentsQuery{Theme: training}.url(1))); len(got) != 2 {
		t.Errorf("two's filter by the merged theme shows %q, want both comments", got)
	}
}
