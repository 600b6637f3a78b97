package main

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"golang.org/x/net/html"
)

// checkSecurityHeaders checks the headers every response must carry: a
// Content-Security-Policy that allows nothing from another host and no inline
// script or style, and may not be framed; no MIME sniffing; no referrer
// leaving the site.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	directives := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			directives[f[0]] = f[1:]
		}
	}
	if got := directives["default-src"]; len(got) != 1 || (got[0] != "'self'" && got[0] != "'none'") {
		t.Errorf("default-src = %v in %q", got, csp)
	}
	if got := directives["frame-ancestors"]; len(got) != 1 || got[0] != "'none'" {
		t.Errorf("frame-ancestors = %v", got)
	}
	for name, sources := range directives {
		for _, src := range sources {
			switch {
			case src == "'self'", src == "'none'", src == "data:" && name == "img-src":
			default:
				// A host, a scheme, a wildcard, 'unsafe-inline', 'unsafe-eval', a nonce…
				t.Errorf("%s allows %s", name, src)
			}
		}
	}
	for _, d := range []string{"script-src", "style-src", "form-action", "base-uri"} {
		if _, ok := directives[d]; !ok {
			t.Errorf("CSP has no %s (default-src would not cover form-action or base-uri)", d)
		}
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	switch h.Get("Referrer-Policy") {
	case "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin":
	default:
		t.Errorf("Referrer-Policy = %q", h.Get("Referrer-Policy"))
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options = %q (old browsers ignore frame-ancestors)", got)
	}
}

// TestSecurityHeaders checks the headers on every kind of response: pages,
// API, assets, errors of every status, and the rapporteur's pages.
func TestSecurityHeaders(t *testing.T) {
	a := mustApp(t)
	requests := map[string]*http.Request{
		"Index":         get("/"),
		"Form":          get("/w/alpha"),
		"Thanks":        get("/w/alpha/thanks"),
		"QR":            get("/w/alpha/qr.png"),
		"Stylesheet":    get(a.srv.assets.url("style.css")),
		"Script":        get(a.srv.assets.url("form.js")),
		"Health":        get("/healthz"),
		"APIList":       get("/api/v1/workshops"),
		"NotFound":      get("/w/nope"),
		"Invalid":       postForm("/w/alpha", url.Values{"submission_id": {uuid.NewString()}}),
		"APIInvalid":    postJSON("/api/v1/workshops/alpha/responses", `{}`),
		"WrongMethod":   postForm("/", nil),
		"AdminLogin":    get("/admin/login"),
		"AdminNoToken":  get("/admin/", "Accept", "text/html"),
		"AdminBearer":   get("/admin/", "Authorization", "Bearer "+testToken),
		"AdminAPIToken": get("/admin/", "Accept", "application/json"),
	}
	for name, req := range requests {
		t.Run(name, func(t *testing.T) {
			res, _ := a.do(t, req)
			checkSecurityHeaders(t, res.Header)
		})
	}
	t.Run("TooLargeOnARealListener", func(t *testing.T) {
		base := a.serve(t)
		res, _ := send(t, newRequest(t, "POST", base+"/w/alpha", "application/x-www-form-urlencoded", strings.Repeat("a", 100*1024)))
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d", res.StatusCode)
		}
		checkSecurityHeaders(t, res.Header)
	})
}

// checkNoInline fails on anything the CSP would block or that would load
// from another host: inline styles, inline scripts, event handler attributes,
// javascript: URLs, links to other hosts. It reads tags as a browser would,
// so text that merely looks like markup (escaped) does not count. A link to
// one of sameSite (the service's own public URL) is not another host.
func checkNoInline(t *testing.T, name, page string, sameSite ...string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		hasSrc := false
		for _, at := range tok.Attr {
			key, val := strings.ToLower(at.Key), strings.ToLower(strings.TrimSpace(at.Val))
			switch {
			case key == "style":
				t.Errorf("%s: <%s> has an inline style", name, tok.Data)
			case strings.HasPrefix(key, "on"):
				t.Errorf("%s: <%s> has an event handler %s", name, tok.Data, key)
			case key == "href" || key == "src" || key == "action" || key == "formaction":
				hasSrc = hasSrc || key == "src"
				own := false
				for _, p := range sameSite {
					own = own || strings.HasPrefix(val, strings.ToLower(p)+"/")
				}
				if own {
					continue
				}
				if strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "//") ||
					strings.HasPrefix(val, "http:") || strings.HasPrefix(val, "https:") {
					t.Errorf("%s: <%s %s=%q> goes to another host or runs script", name, tok.Data, key, at.Val)
				}
			}
		}
		switch tok.Data {
		case "style":
			t.Errorf("%s has a <style> element", name)
		case "script":
			if !hasSrc {
				t.Errorf("%s has an inline script", name)
			}
		}
	}
}

// TestTemplatesHaveNoInlineCode reads every template as written.
func TestTemplatesHaveNoInlineCode(t *testing.T) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(templateFiles, n)
		if err != nil {
			t.Fatal(err)
		}
		checkNoInline(t, n, string(b))
	}
}

// payload is a participant's text that would run if shown unescaped.
const payload = `"><script>alert('x')</script><img src=x onerror=alert(1)><style>*{display:none}</style>`

// TestParticipantTextIsEscaped stores a response whose every text answer is
// markup, then reads every page where answers can appear: the form a
// returning participant sees, the form refused for another answer, and every
// rapporteur page reachable from the dashboard. The markup must never come
// back as markup.
func TestParticipantTextIsEscaped(t *testing.T) {
	a := mustApp(t)
	sid := uuid.NewString()
	v := validForm(sid)
	for _, q := range []string{"comment", "beta_idea"} { // beta's text questions
		v = set(v, q, q+" "+payload)
	}
	res, _ := a.do(t, postForm("/w/beta", v))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("storing the payload: %d", res.StatusCode)
	}
	// Starred, so that the key quotes show it too.
	stored, err := a.db.ResponseBySubmission(context.Background(), sid)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.StarComment(context.Background(), stored.ID, "comment", true); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	_, pages["returning form"] = a.do(t, get("/w/beta", "Cookie", submissionCookie("beta")+"="+sid))
	_, pages["refused form"] = a.do(t, postForm("/w/beta", set(v, "overall", "9")))
	if !strings.Contains(pages["returning form"], "comment &#34;&gt;&lt;script&gt;") {
		t.Fatalf("the returning form does not show the stored text:\n%s", pages["returning form"])
	}
	// Every rapporteur page linked from the dashboard, and the pages those
	// link to, one level deep.
	seen := map[string]bool{}
	queue := []string{"/admin/"}
	link := regexp.MustCompile(`href="(/admin[^"#]*)"`)
	for len(queue) > 0 && len(seen) < 60 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] || strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".db") || strings.Contains(p, "logout") {
			continue
		}
		seen[p] = true
		res, body := a.do(t, get(strings.ReplaceAll(p, "&amp;", "&"), "Authorization", "Bearer "+testToken))
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		pages[p] = body
		for _, m := range link.FindAllStringSubmatch(body, -1) {
			queue = append(queue, m[1])
		}
	}
	if !strings.Contains(pages["/admin/"], "comment &#34;&gt;&lt;script&gt;") {
		t.Errorf("the dashboard does not show the starred comment, so its escaping is not tested")
	}
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	t.Logf("pages read: %v", names)
	for name, html := range pages {
		for _, bad := range []string{"<script>alert", "<img src=x", "<style>*"} {
			if strings.Contains(html, bad) {
				t.Errorf("%s shows the participant's text unescaped (%q)", name, bad)
			}
		}
		checkNoInline(t, name, html, a.srv.cfg.PublicURL)
	}
}
