package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"feedback/forms"
	"feedback/forms/formstest"
	"feedback/store"
)

// dumpDatabase reads every row of every table of the database file, through
// a connection of its own, into one text: two dumps are equal exactly when
// nothing was stored, changed or deleted in between.
func dumpDatabase(tb testing.TB, path string) string {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// The desk's tables (tallies, comment_search, comment_fts and its
	// shadow tables, desk_state) are made from the responses and answers
	// compared here, by the writer on its own time (store/sqlite_desk_update.go):
	// they change after a stored response, never after a refused one.
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND name NOT IN ('tallies', 'comment_search', 'desk_state') AND name NOT LIKE 'comment_fts%' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 2 {
		tb.Fatalf("tables = %v", tables)
	}
	var sb strings.Builder
	for _, table := range tables {
		fmt.Fprintf(&sb, "== %s\n", table)
		rows, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`" ORDER BY rowid`)
		if err != nil {
			// A WITHOUT ROWID table has no rowid to order by.
			rows, err = db.QueryContext(ctx, `SELECT * FROM "`+table+`" ORDER BY 1, 2`)
		}
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&sb, "%s=%q ", cols[i], fmt.Sprint(v))
			}
			sb.WriteString("\n")
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
	}
	return sb.String()
}

// apiAnswers is a valid "answers" object, each value raw JSON, matching
// validForm; a case changes or removes some of them.
func apiAnswers(change map[string]string, remove ...string) string {
	a := map[string]string{
		"overall": `5`, "pace": `2`, "recommend": `9`,
		"formats": `["talks","exercises"]`, "sector": `"government"`,
		"comment": `"Co-design with citizens"`,
	}
	for k, v := range change {
		a[k] = v
	}
	for _, k := range remove {
		delete(a, k)
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		kj, _ := json.Marshal(k)
		if !strings.ContainsRune(k, '\uFFFD') && strings.ToValidUTF8(k, "") != k {
			kj = []byte(`"` + k + `"`) // raw bytes, as a broken client would send them
		}
		parts[i] = string(kj) + ":" + a[k]
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func apiBody(sid, lang, answers string) string {
	return `{"submission_id":"` + sid + `","lang":"` + lang + `","answers":` + answers + `}`
}

// outcome is what one bad input must get back.
type outcome struct {
	status int
	// field is where the message belongs: a question id, or
	// "submission_id", "lang", "body"; empty for a page-level message.
	field string
	msg   string
}

// badInput is one kind of bad input, sent through the form, the JSON API,
// or both.
type badInput struct {
	name     string
	lang     string
	form     url.Values // nil: not a form case
	formWant outcome
	api      string // "": not an API case
	apiWant  outcome
}

// badInputSlug is the workshop TestBadInput sends its bad input to: beta,
// whose own question gives it two text questions.
const badInputSlug = "beta"

// TestBadInput sends every kind of bad input through the browser form and the
// JSON API of the real app, and checks the status, the message (in the
// participant's language, next to its question), that the form keeps the
// answers, that nothing internal leaks, and that the database is byte for
// byte what it was.
func TestBadInput(t *testing.T) {
	a := mustAppOn(t, smallWithGamma(t), func(*config) {})
	ctx := context.Background()
	// Something stored already, so that "unchanged" means something.
	taken := uuid.NewString()
	if res, _ := a.do(t, postForm("/w/alpha", validForm(taken))); res.StatusCode != http.StatusSeeOther {
		t.Fatal("seed form post failed")
	}
	if res, _ := a.do(t, postJSON("/api/v1/workshops/alpha/responses", apiBody(uuid.NewString(), "ar", apiAnswers(nil)))); res.StatusCode != http.StatusCreated {
		t.Fatal("seed API post failed")
	}
	closed := false
	if err := a.db.SetWorkshopOpen(ctx, "gamma", &closed); err != nil {
		t.Fatal(err)
	}
	a.srv.forgetOverrides()

	sid := uuid.NewString()
	form := func(lang string) url.Values { return set(validForm(sid), "lang", lang) }
	text := func(lang, field, s string) url.Values { return set(form(lang), field, s) }
	api := func(lang string, change map[string]string, remove ...string) string {
		return apiBody(sid, lang, apiAnswers(change, remove...))
	}
	jstr := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	m, tf := mustCatalog(t).T, mustCatalog(t).Tf
	inv := func(field, msg string) outcome { return outcome{422, field, msg} }
	long := strings.Repeat("x", 201)         // comment takes 200
	longCyrillic := strings.Repeat("ж", 101) // beta_idea takes 100

	cases := []badInput{
		{name: "InvalidUTF8", lang: "fr",
			form: text("fr", "comment", "caf\xe9 cr\xe8me"), formWant: inv("comment", m("fr", forms.MsgInvalidText)),
			api: api("fr", map[string]string{"comment": "\"caf\xe9 cr\xe8me\""}), apiWant: inv("comment", m("fr", forms.MsgInvalidText))},
		{name: "NULCharacter", lang: "en",
			form: text("en", "beta_idea", "more\x00time"), formWant: inv("beta_idea", m("en", forms.MsgInvalidText)),
			api: api("en", map[string]string{"beta_idea": `"more\u0000time"`}), apiWant: inv("beta_idea", m("en", forms.MsgInvalidText))},
		{name: "EscapeCharacter", lang: "fr",
			form: text("fr", "beta_idea", "\x1b[31mred\x1b[0m"), formWant: inv("beta_idea", m("fr", forms.MsgInvalidText)),
			api: api("fr", map[string]string{"beta_idea": `"\u001b[31mred"`}), apiWant: inv("beta_idea", m("fr", forms.MsgInvalidText))},
		{name: "BidiOverride", lang: "ar",
			form: text("ar", "comment", "abc\u202Edef"), formWant: inv("comment", m("ar", forms.MsgInvalidText)),
			api: api("ar", map[string]string{"comment": `"abc\u202edef"`}), apiWant: inv("comment", m("ar", forms.MsgInvalidText))},
		{name: "ReplacementCharacter", lang: "fr",
			form: text("fr", "comment", "broken \uFFFD text"), formWant: inv("comment", m("fr", forms.MsgInvalidText)),
			api: api("fr", map[string]string{"comment": `"broken \ufffd text"`}), apiWant: inv("comment", m("fr", forms.MsgInvalidText))},
		{name: "TextTooLong", lang: "ar",
			form: text("ar", "comment", long), formWant: inv("comment", tf("ar", forms.MsgTooLong, "max", 200, "length", 201)),
			api: api("ar", map[string]string{"comment": jstr(long)}), apiWant: inv("comment", tf("ar", forms.MsgTooLong, "max", 200, "length", 201))},
		{name: "TextTooLongInCharactersNotBytes", lang: "ar",
			form: text("ar", "beta_idea", longCyrillic), formWant: inv("beta_idea", tf("ar", forms.MsgTooLong, "max", 100, "length", 101)),
			api: api("ar", map[string]string{"beta_idea": jstr(longCyrillic)}), apiWant: inv("beta_idea", tf("ar", forms.MsgTooLong, "max", 100, "length", 101))},
		{name: "TextTwice", lang: "ar",
			form: set(form("ar"), "comment", "one", "two"), formWant: inv("comment", m("ar", forms.MsgOneText)),
			api: api("ar", map[string]string{"comment": `["one","two"]`}), apiWant: inv("comment", m("ar", forms.MsgWrongType))},
		{name: "RatingAboveMax", lang: "fr",
			form: set(form("fr"), "overall", "6"), formWant: inv("overall", tf("fr", forms.MsgOutOfRange, "min", 1, "max", 5)),
			api: api("fr", map[string]string{"overall": `6`}), apiWant: inv("overall", tf("fr", forms.MsgOutOfRange, "min", 1, "max", 5))},
		{name: "RatingBelowMin", lang: "en",
			form: set(form("en"), "pace", "0"), formWant: inv("pace", tf("en", forms.MsgOutOfRange, "min", 1, "max", 3)),
			api: api("en", map[string]string{"pace": `0`}), apiWant: inv("pace", tf("en", forms.MsgOutOfRange, "min", 1, "max", 3))},
		{name: "RatingNegative", lang: "fr",
			form: set(form("fr"), "pace", "-3"), formWant: inv("pace", tf("fr", forms.MsgOutOfRange, "min", 1, "max", 3)),
			api: api("fr", map[string]string{"pace": `-3`}), apiWant: inv("pace", tf("fr", forms.MsgOutOfRange, "min", 1, "max", 3))},
		{name: "RatingNotANumber", lang: "fr",
			form: set(form("fr"), "overall", "five"), formWant: inv("overall", tf("fr", forms.MsgNotAScore, "min", 1, "max", 5)),
			api: api("fr", map[string]string{"overall": `"five"`}), apiWant: inv("overall", m("fr", forms.MsgWrongType))},
		{name: "RatingFraction", lang: "ar",
			form: set(form("ar"), "overall", "4.5"), formWant: inv("overall", tf("ar", forms.MsgNotAScore, "min", 1, "max", 5)),
			api: api("ar", map[string]string{"overall": `4.5`}), apiWant: inv("overall", m("ar", forms.MsgWrongType))},
		{name: "RatingHuge", lang: "en",
			form: set(form("en"), "pace", "99999999999999999999999"), formWant: inv("pace", tf("en", forms.MsgNotAScore, "min", 1, "max", 3)),
			api: api("en", map[string]string{"pace": `1e300`}), apiWant: inv("pace", m("en", forms.MsgWrongType))},
		{name: "RatingTwice", lang: "ar",
			form: set(form("ar"), "overall", "4", "5"), formWant: inv("overall", m("ar", forms.MsgOneScore)),
			api: api("ar", map[string]string{"overall": `[4,5]`}), apiWant: inv("overall", m("ar", forms.MsgWrongType))},
		{name: "NPSAboveMax", lang: "fr",
			form: set(form("fr"), "recommend", "11"), formWant: inv("recommend", tf("fr", forms.MsgOutOfRange, "min", 0, "max", 10)),
			api: api("fr", map[string]string{"recommend": `11`}), apiWant: inv("recommend", tf("fr", forms.MsgOutOfRange, "min", 0, "max", 10))},
		{name: "NPSBelowMin", lang: "ar",
			form: set(form("ar"), "recommend", "-1"), formWant: inv("recommend", tf("ar", forms.MsgOutOfRange, "min", 0, "max", 10)),
			api: api("ar", map[string]string{"recommend": `-1`}), apiWant: inv("recommend", tf("ar", forms.MsgOutOfRange, "min", 0, "max", 10))},
		{name: "UnknownOption", lang: "fr",
			form: set(form("fr"), "sector", "astronaut"), formWant: inv("sector", m("fr", forms.MsgUnknownOption)),
			api: api("fr", map[string]string{"sector": `"astronaut"`}), apiWant: inv("sector", m("fr", forms.MsgUnknownOption))},
		{name: "UnknownOptionInMulti", lang: "fr",
			form: set(form("fr"), "formats", "talks", "dancing"), formWant: inv("formats", m("fr", forms.MsgUnknownOption)),
			api: api("fr", map[string]string{"formats": `["talks","dancing"]`}), apiWant: inv("formats", m("fr", forms.MsgUnknownOption))},
		{name: "OptionInOtherCase", lang: "en",
			form: set(form("en"), "sector", "ACADEMIA"), formWant: inv("sector", m("en", forms.MsgUnknownOption)),
			api: api("en", map[string]string{"sector": `"ACADEMIA"`}), apiWant: inv("sector", m("en", forms.MsgUnknownOption))},
		{name: "OptionOfAnotherQuestion", lang: "fr",
			form: set(form("fr"), "sector", "talks"), formWant: inv("sector", m("fr", forms.MsgUnknownOption)),
			api: api("fr", map[string]string{"sector": `"talks"`}), apiWant: inv("sector", m("fr", forms.MsgUnknownOption))},
		{name: "DuplicateOption", lang: "ar",
			form: set(form("ar"), "formats", "talks", "talks"), formWant: inv("formats", m("ar", forms.MsgDuplicateChoice)),
			api: api("ar", map[string]string{"formats": `["talks","talks"]`}), apiWant: inv("formats", m("ar", forms.MsgDuplicateChoice))},
		{name: "SingleChoiceTwice", lang: "ar",
			form: set(form("ar"), "sector", "academia", "other"), formWant: inv("sector", m("ar", forms.MsgOneChoice)),
			api: api("ar", map[string]string{"sector": `["academia","other"]`}), apiWant: inv("sector", m("ar", forms.MsgWrongType))},
		{name: "UnknownQuestion", lang: "fr",
			form: set(form("fr"), "favourite_colour", "red"), formWant: inv("favourite_colour", m("fr", forms.MsgUnknownQuestion)),
			api: api("fr", map[string]string{"favourite_colour": `"red"`}), apiWant: inv("favourite_colour", m("fr", forms.MsgUnknownQuestion))},
		{name: "QuestionOfAnotherWorkshopStyleID", lang: "en",
			form: set(form("en"), "__proto__", "1"), formWant: inv("__proto__", m("en", forms.MsgUnknownQuestion)),
			api: api("en", map[string]string{"__proto__": `1`}), apiWant: inv("__proto__", m("en", forms.MsgUnknownQuestion))},
		{name: "QuestionIDWithMarkup", lang: "fr",
			form: set(form("fr"), `<img src=x onerror=alert(1)>`, "1"), formWant: inv(`<img src=x onerror=alert(1)>`, m("fr", forms.MsgUnknownQuestion)),
			api: api("fr", map[string]string{`<img src=x onerror=alert(1)>`: `1`}), apiWant: inv(`<img src=x onerror=alert(1)>`, m("fr", forms.MsgUnknownQuestion))},
		{name: "RequiredMissing", lang: "fr",
			form: without(form("fr"), "overall"), formWant: inv("overall", m("fr", forms.MsgRequired)),
			api: api("fr", nil, "overall"), apiWant: inv("overall", m("fr", forms.MsgRequired))},
		{name: "RequiredBlank", lang: "ar",
			form: set(form("ar"), "overall", "   "), formWant: inv("overall", m("ar", forms.MsgRequired)),
			api: api("ar", map[string]string{"overall": `null`}), apiWant: inv("overall", m("ar", forms.MsgRequired))},
		{name: "SubmissionIDMissing", lang: "ar",
			form: without(form("ar"), "submission_id"), formWant: outcome{422, "", m("ar", forms.MsgSubmissionID)},
			api: `{"lang":"ar","answers":` + apiAnswers(nil) + `}`, apiWant: inv("submission_id", m("ar", forms.MsgSubmissionID))},
		{name: "SubmissionIDMalformed", lang: "fr",
			form: set(form("fr"), "submission_id", "42"), formWant: outcome{422, "", m("fr", forms.MsgSubmissionID)},
			api: apiBody("42", "fr", apiAnswers(nil)), apiWant: inv("submission_id", m("fr", forms.MsgSubmissionID))},
		{name: "SubmissionIDNotHex", lang: "en",
			form: set(form("en"), "submission_id", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"), formWant: outcome{422, "", m("en", forms.MsgSubmissionID)},
			api: apiBody("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "en", apiAnswers(nil)), apiWant: inv("submission_id", m("en", forms.MsgSubmissionID))},
		{name: "SubmissionIDInjection", lang: "fr",
			form: set(form("fr"), "submission_id", "'; DROP TABLE responses; --"), formWant: outcome{422, "", m("fr", forms.MsgSubmissionID)},
			api: apiBody(`'; DROP TABLE responses; --`, "fr", apiAnswers(nil)), apiWant: inv("submission_id", m("fr", forms.MsgSubmissionID))},
		{name: "SubmissionIDOfAnotherWorkshop", lang: "ar",
			form: set(set(validForm(taken), "lang", "ar"), "overall", "1"), formWant: outcome{422, "", m("ar", forms.MsgSubmissionTaken)},
			api: apiBody(taken, "ar", apiAnswers(nil)), apiWant: inv("submission_id", m("ar", forms.MsgSubmissionTaken))},
		{name: "EmptyBody", lang: "fr",
			form: url.Values{}, formWant: outcome{422, "", m("fr", forms.MsgSubmissionID)},
			api: " ", apiWant: inv("body", m("fr", forms.MsgBody))},

		// The JSON API's own ways to be wrong.
		{name: "JSONArrayBody", lang: "en", api: `[]`, apiWant: inv("body", m("en", forms.MsgBody))},
		{name: "JSONAnswersArray", lang: "fr", api: `{"submission_id":"` + sid + `","answers":[5,4]}`, apiWant: inv("body", m("fr", forms.MsgBody))},
		{name: "JSONUnknownField", lang: "fr", api: `{"submission_id":"` + sid + `","name":"Ann","answers":{}}`, apiWant: inv("body", m("fr", forms.MsgBody))},
		{name: "JSONTrailingData", lang: "ar", api: api("ar", nil) + `{"again":1}`, apiWant: inv("body", m("ar", forms.MsgBody))},
		{name: "JSONTruncated", lang: "ar", api: api("ar", nil)[:40], apiWant: inv("body", m("ar", forms.MsgBody))},
		{name: "JSONSubmissionIDNumber", lang: "ar", api: `{"submission_id":42,"answers":{}}`, apiWant: inv("body", m("ar", forms.MsgBody))},
		{name: "JSONDeeplyNested", lang: "en", api: `{"submission_id":"` + sid + `","answers":{"comment":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`,
			apiWant: inv("body", m("en", forms.MsgBody))},
		{name: "JSONUnknownLanguage", lang: "fr", api: apiBody(sid, "tlh", apiAnswers(nil)), apiWant: inv("lang", tf("fr", forms.MsgLanguage, "languages", strings.Join(a.srv.forms.Languages, ", ")))},
		{name: "JSONTextAsNumber", lang: "fr", api: api("fr", map[string]string{"comment": `42`}), apiWant: inv("comment", m("fr", forms.MsgWrongType))},
		{name: "JSONMultiAsString", lang: "fr", api: api("fr", map[string]string{"formats": `"talks"`}), apiWant: inv("formats", m("fr", forms.MsgWrongType))},
		{name: "JSONRatingAsBool", lang: "ar", api: api("ar", map[string]string{"pace": `true`}), apiWant: inv("pace", m("ar", forms.MsgWrongType))},
		{name: "JSONRatingAsObject", lang: "ar", api: api("ar", map[string]string{"pace": `{"value":2}`}), apiWant: inv("pace", m("ar", forms.MsgWrongType))},
		{name: "JSONEmptyOptionInMulti", lang: "ar", api: api("ar", map[string]string{"formats": `[""]`}), apiWant: inv("formats", m("ar", forms.MsgWrongType))},
		{name: "JSONFormEncodedBody", lang: "en", api: validForm(sid).Encode(), apiWant: inv("body", m("en", forms.MsgBody))},

		// Workshops that cannot take the response.
		{name: "UnknownWorkshop", lang: "fr",
			form: form("fr"), formWant: outcome{404, "", m("fr", forms.MsgNotFound)},
			api: api("fr", nil), apiWant: outcome{404, "", m("fr", forms.MsgNotFound)}},
		{name: "ClosedWorkshop", lang: "fr",
			form: form("fr"), formWant: outcome{403, "", m("fr", forms.MsgClosed)},
			api: api("fr", nil), apiWant: outcome{403, "", m("fr", forms.MsgClosed)}},
	}

	both := 0
	for _, tc := range cases {
		if tc.form != nil && tc.api != "" {
			both++
		}
	}
	if both < 30 {
		t.Fatalf("only %d kinds of bad input go through both the form and the API", both)
	}

	before := dumpDatabase(t, a.path)
	if !strings.Contains(before, taken) || !strings.Contains(before, "Co-design with citizens") || !strings.Contains(before, "gamma") {
		t.Fatalf("the dump misses what was stored:\n%s", before)
	}
	for _, tc := range cases {
		slug := badInputSlug
		switch tc.name {
		case "UnknownWorkshop":
			slug = "no-such-workshop"
		case "ClosedWorkshop":
			slug = "gamma"
		}
		if tc.form != nil {
			t.Run("Form/"+tc.name, func(t *testing.T) {
				res, page := a.do(t, postForm("/w/"+slug, tc.form, "Accept-Language", tc.lang))
				checkFormOutcome(t, res, page, tc)
				if after := dumpDatabase(t, a.path); after != before {
					t.Errorf("the database changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
		if tc.api != "" {
			t.Run("API/"+tc.name, func(t *testing.T) {
				res, body := a.do(t, postJSON("/api/v1/workshops/"+slug+"/responses", tc.api, "Accept-Language", tc.lang))
				checkAPIOutcome(t, res, body, tc)
				if after := dumpDatabase(t, a.path); after != before {
					t.Errorf("the database changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}
}

// leaks are what must never reach a participant: internals of the server.
var leaks = []string{"sqlite", "goroutine", "runtime.", "panic", ".go:", "SQL logic"}

func checkFormOutcome(t *testing.T, res *http.Response, page string, tc badInput) {
	t.Helper()
	w := tc.formWant
	if res.StatusCode != w.status {
		t.Fatalf("status = %d, want %d\n%s", res.StatusCode, w.status, page)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, `<html lang="`+tc.lang+`"`) {
		t.Errorf("page is not in %s", tc.lang)
	}
	esc := template.HTMLEscapeString(w.msg)
	if !strings.Contains(page, esc) {
		t.Errorf("page lacks the message %q", w.msg)
	}
	if q := formstest.Small(t).Workshop(badInputSlug).Question(w.field); q != nil {
		if !strings.Contains(page, `<p class="error" id="e-`+w.field+`">`+esc+`</p>`) {
			t.Errorf("the message is not next to question %s", w.field)
		}
	}
	if w.status == http.StatusUnprocessableEntity && len(tc.form) > 0 {
		// Every answer given is still in the form (unless it is the one
		// being refused).
		if w.field != "pace" && !strings.Contains(page, `name="pace" value="2" checked`) {
			t.Error("the answer to pace was lost")
		}
		if w.field != "sector" && !strings.Contains(page, `value="government" checked`) {
			t.Error("the answer to sector was lost")
		}
		if w.field != "comment" && !strings.Contains(page, ">Co-design with citizens</textarea>") {
			t.Error("the comment was lost")
		}
		if w.field == "comment" && tc.name == "TextTooLong" && !strings.Contains(page, strings.Repeat("x", 201)+"</textarea>") {
			t.Error("the over-long text was not given back to be shortened")
		}
	}
	for _, l := range leaks {
		if strings.Contains(page, l) {
			t.Errorf("page shows %q", l)
		}
	}
	if strings.Contains(page, "<img src=x") {
		t.Error("markup from the input reached the page unescaped")
	}
}

func checkAPIOutcome(t *testing.T, res *http.Response, body string, tc badInput) {
	t.Helper()
	w := tc.apiWant
	if res.StatusCode != w.status {
		t.Fatalf("status = %d, want %d\n%s", res.StatusCode, w.status, body)
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type = %q", res.Header.Get("Content-Type"))
	}
	var got struct {
		Error  string            `json:"error"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, body)
	}
	if w.field == "" {
		if got.Error != w.msg {
			t.Errorf("error = %q, want %q", got.Error, w.msg)
		}
	} else if got.Errors[w.field] != w.msg {
		t.Errorf("errors[%q] = %q, want %q (all: %v)", w.field, got.Errors[w.field], w.msg, got.Errors)
	}
	for _, l := range leaks {
		if strings.Contains(body, l) {
			t.Errorf("body shows %q", l)
		}
	}
}

// TestWrongMethod checks that a method a route does not take is a 405 that
// says which ones it does take, in the participant's language, for pages
// and API alike, and changes nothing.
func TestWrongMethod(t *testing.T) {
	a := mustApp(t)
	before := dumpDatabase(t, a.path)
	tests := []struct {
		method, path, lang, allow string
		api                       bool
	}{
		{"PUT", "/w/alpha", "fr", "POST", false},
		{"DELETE", "/w/alpha", "ar", "GET", false},
		{"PATCH", "/w/alpha/thanks", "en", "GET", false},
		{"POST", "/", "fr", "GET", false},
		{"POST", "/healthz", "en", "GET", false},
		{"PUT", "/api/v1/workshops/alpha/responses", "fr", "POST", true},
		{"DELETE", "/api/v1/workshops/alpha/responses", "ar", "POST", true},
		{"POST", "/api/v1/workshops", "ar", "GET", true},
		{"GET", "/api/v1/workshops/alpha/responses", "en", "POST", true},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.path, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader("overall=5"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept-Language", tt.lang)
			res, body := a.do(t, req)
			if res.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d\n%s", res.StatusCode, body)
			}
			if !strings.Contains(res.Header.Get("Allow"), tt.allow) {
				t.Errorf("Allow = %q, want it to name %s", res.Header.Get("Allow"), tt.allow)
			}
			msg := a.srv.text.T(tt.lang, "method_not_allowed")
			if tt.api {
				if !strings.Contains(body, `"error":"`+msg+`"`) {
					t.Errorf("body = %s", body)
				}
			} else if !strings.Contains(body, template.HTMLEscapeString(msg)) || !strings.Contains(body, `<html lang="`+tt.lang+`"`) {
				t.Errorf("page lacks the message in %s:\n%s", tt.lang, body)
			}
		})
	}
	if after := dumpDatabase(t, a.path); after != before {
		t.Errorf("the database changed")
	}
}

// TestBodyTooLarge sends bodies over the limit to a real listener (the limit
// is enforced while reading, before any handler runs): a page for the form,
// JSON for the API, each saying so in the participant's language.
func TestBodyTooLarge(t *testing.T) {
	a := mustApp(t)
	base := a.serve(t)
	before := dumpDatabase(t, a.path)
	big := set(set(validForm(uuid.NewString()), "lang", "fr"), "comment", strings.Repeat("a", 70*1024)).Encode()
	tests := []struct {
		name, path, contentType, body, lang string
		api                                 bool
	}{
		{"Form", "/w/alpha", "application/x-www-form-urlencoded", big, "fr", false},
		{"API", "/api/v1/workshops/alpha/responses", "application/json",
			apiBody(uuid.NewString(), "fr", apiAnswers(map[string]string{"comment": `"` + strings.Repeat("a", 70*1024) + `"`})), "fr", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(t, "POST", base+tt.path, tt.contentType, tt.body)
			req.Header.Set("Accept-Language", tt.lang)
			res, body := send(t, req)
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Fatalf("status = %d\n%s", res.StatusCode, body)
			}
			msg := a.srv.text.T(tt.lang, "too_large")
			if tt.api {
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"error":"`+msg+`"`) {
					t.Errorf("body = %s", body)
				}
			} else if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, template.HTMLEscapeString(msg)) {
				t.Errorf("page = %s", body)
			}
		})
	}
	// Just under the limit is read and judged on its content.
	fits := set(validForm(uuid.NewString()), "comment", strings.Repeat("b", 60*1024)).Encode()
	res, page := send(t, newRequest(t, "POST", base+"/w/alpha", "application/x-www-form-urlencoded", fits))
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, mustCatalog(t).Tf("en", forms.MsgTooLong, "max", 200, "length", 60*1024)) {
		t.Errorf("a body under the limit: %d", res.StatusCode)
	}
	if after := dumpDatabase(t, a.path); after != before {
		t.Error("the database changed")
	}
}

// TestPanicIsAPlainErrorPage registers, on the test's own app, a route that
// panics: the participant gets a plain error page in their language, with
// nothing of the panic in it, and the log gets the panic.
func TestPanicIsAPlainErrorPage(t *testing.T) {
	var logged strings.Builder
	a := mustAppWith(t, func(*config) {})
	a.srv.log = slog.New(slog.NewTextHandler(&lockedWriter{w: &logged}, nil))
	a.Get("/w/alpha/explode", func(*fiber.Ctx) error { panic("secret internal detail") })
	a.Get("/api/v1/explode", func(*fiber.Ctx) error { panic("secret internal detail") })

	res, page := a.do(t, get("/w/alpha/explode", "Accept-Language", "ar"))
	if res.StatusCode != http.StatusInternalServerError || strings.Contains(page, "secret") || strings.Contains(page, "goroutine") ||
		!strings.Contains(page, template.HTMLEscapeString(a.srv.text.T("ar", "error_body"))) {
		t.Errorf("page after a panic: %d\n%s", res.StatusCode, page)
	}
	res, body := a.do(t, get("/api/v1/explode"))
	if res.StatusCode != http.StatusInternalServerError || body != `{"error":"Internal error."}` {
		t.Errorf("API after a panic: %d %s", res.StatusCode, body)
	}
	if !strings.Contains(logged.String(), "secret internal detail") {
		t.Errorf("the panic was not logged:\n%s", logged.String())
	}
	// The app still serves.
	if res, _ := a.do(t, get("/w/alpha")); res.StatusCode != http.StatusOK {
		t.Errorf("after the panic: %d", res.StatusCode)
	}
}

// lockedWriter lets several goroutines log into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestBodyOverLimitGetsItsPage sends five bodies of 1 MB, far over the
// limit, over real connections: each is read and answered 413 with the page
// that says so, not cut off with a connection reset while it is still being
// sent, and nothing is stored.
func TestBodyOverLimitGetsItsPage(t *testing.T) {
	a := mustApp(t)
	base := a.serve(t)
	before := dumpDatabase(t, a.path)
	body := set(validForm(uuid.NewString()), "comment", strings.Repeat("a", 1_000_000)).Encode()
	for i := 0; i < 5; i++ {
		req := newRequest(t, "POST", base+"/w/alpha", "application/x-www-form-urlencoded", body)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatalf("body %d: %v (the connection was cut instead of answered)", i, err)
		}
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("body %d: reading the answer: %v", i, err)
		}
		if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), template.HTMLEscapeString(a.srv.text.T("en", "too_large"))) {
			t.Fatalf("body %d: %d\n%s", i, res.StatusCode, page)
		}
	}
	if after := dumpDatabase(t, a.path); after != before {
		t.Error("the database changed")
	}
}

// hangingStore is the real store with one call that never answers, as a
// database whose server stopped responding: it returns only when the
// request's context ends, and says why it did.
type hangingStore struct {
	store.Store
	ended chan error
}

func (h *hangingStore) WorkshopOverrides(ctx context.Context) (map[string]bool, error) {
	<-ctx.Done()
	h.ended <- ctx.Err()
	return nil, fmt.Errorf("store: workshop overrides: %w", ctx.Err())
}

// TestHangingStoreCallIsCancelled: a store call that hangs is cancelled at
// the request's deadline, which reaches the store through c.UserContext();
// the participant gets 503 with Retry-After and the "try again" page in their
// language, and the request's slot is freed.
func TestHangingStoreCallIsCancelled(t *testing.T) {
	a := mustApp(t)
	h := &hangingStore{Store: a.db, ended: make(chan error, 4)}
	cfg := a.srv.cfg
	cfg.RequestTimeout = 200 * time.Millisecond
	cfg.MaxInFlight = 1
	srv, err := newServer(cfg, a.srv.forms, h, a.srv.log)
	if err != nil {
		t.Fatal(err)
	}
	app := srv.app()
	for i := 0; i < 2; i++ { // the second would wait forever for the slot if the first kept it
		req := get("/w/alpha?lang=fr")
		res, err := app.Test(req, 10_000)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			!strings.Contains(string(page), template.HTMLEscapeString(srv.text.T("fr", "unavailable_body"))) {
			t.Fatalf("request %d: %d Retry-After %q\n%s", i, res.StatusCode, res.Header.Get("Retry-After"), page)
		}
		select {
		case err := <-h.ended:
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("request %d: the store call ended with %v, want the deadline", i, err)
			}
		default:
			t.Fatalf("request %d was answered while its store call still hung", i)
		}
	}
}
