package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"feedback/store/storetest"
)

// replica is one running copy of the real binary.
type replica struct {
	base   string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

// buildBinary builds the service as it is shipped, into t's temporary
// directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "feedback")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startReplica runs the binary on a free loopback port against dbURL, with
// the forms file at formsPath, and waits until /healthz answers; it is stopped with SIGTERM when t ends.
func startReplica(t *testing.T, bin, dbURL, token, formsPath string) *replica {
	t.Helper()
	addr := freeAddr(t)
	r := &replica{base: "http://" + addr, stderr: &bytes.Buffer{}}
	r.cmd = exec.Command(bin, "-addr", addr, "-db", dbURL, "-forms", formsPath, "-admin-token", token, "-public-url", r.base)
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("replica %s: %v\n%s", r.base, err, r.stderr)
			}
		// Longer than the service's own 20 s budget for finishing the
		// requests in flight, so only a shutdown that hangs fails.
		case <-time.After(30 * time.Second):
			r.cmd.Process.Kill()
			t.Errorf("replica %s did not stop on SIGTERM\n%s", r.base, r.stderr)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(r.base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return r
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("replica exited: %v\n%s", err, r.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica %s did not start: %v\n%s", r.base, err, r.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// post sends one response through the JSON API and returns the status and
// the id the replica acknowledged.
func (r *replica) post(t *testing.T, slug string, body map[string]any) (int, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	res, err := http.Post(r.base+"/api/v1/workshops/"+slug+"/responses", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer res.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Errorf("%s: %d %s", r.base, res.StatusCode, raw)
	}
	return res.StatusCode, out.ID
}

// workbook downloads the rapporteur's workbook and returns every sheet's
// cell values, by sheet name.
func (r *replica) workbook(t *testing.T, token string) map[string][][]string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, r.base+"/admin/export.xlsx", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("export from %s: %d %v", r.base, res.StatusCode, err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("export from %s: %v", r.base, err)
	}
	defer f.Close()
	sheets := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		sheets[name] = rows
	}
	return sheets
}

// sent is what the test told the replicas about one submission, and what it
// expects stored.
type sent struct {
	workshop string
	overall  int
	id       string
	comment  string
}

// TestReplicas runs two replicas of the real binary against one PostgreSQL
// database, sends responses to both (the same submission_id to both at
// once, and changes through the other replica), and checks that the
// workbook is the same from either and counts every response once.
func TestReplicas(t *testing.T) {
	dbURL := storetest.PostgresURL(t)
	bin := buildBinary(t)
	token := "replica-" + uuid.NewString()
	formsPath := smallFormsFile(t)
	replicas := []*replica{startReplica(t, bin, dbURL, token, formsPath), startReplica(t, bin, dbURL, token, formsPath)}
	slugs := []string{"alpha", "beta"}

	const n = 160
	var (
		mu   sync.Mutex
		want = map[string]*sent{}
		wg   sync.WaitGroup
		work = make(chan int)
	)
	body := func(sid string, i, overall int) map[string]any {
		a := map[string]any{"overall": overall, "pace": 1 + (i/5)%3, "recommend": i % 11,
			"formats": []string{"talks", "exercises"}[:1+i%2], "sector": "government"}
		if i%3 == 0 {
			a["comment"] = fmt.Sprintf("=HYPERLINK(\"x\") idea %d — فكرة", i)
		}
		return map[string]any{"submission_id": sid, "lang": []string{"en", "fr", "ar"}[i%3], "answers": a}
	}
	send := func(i int) {
		sid := uuid.NewString()
		slug := slugs[i%len(slugs)]
		s := &sent{workshop: slug, overall: 1 + i%5}
		if t, ok := body(sid, i, 0)["answers"].(map[string]any)["comment"].(string); ok {
			s.comment = t
		}
		first := replicas[i%2]
		if i%4 == 0 {
			// The same submission to both replicas at the same moment, as a
			// phone retrying through a load balancer would.
			var ids [2]string
			var codes [2]int
			var both sync.WaitGroup
			for k, r := range replicas {
				both.Add(1)
				go func() {
					defer both.Done()
					codes[k], ids[k] = r.post(t, slug, body(sid, i, s.overall))
				}()
			}
			both.Wait()
			if ids[0] == "" || ids[0] != ids[1] || codes[0]+codes[1] != http.StatusCreated+http.StatusOK {
				t.Errorf("%s sent to both: statuses %v, ids %v", sid, codes, ids)
			}
			s.id = ids[0]
		} else {
			code, id := first.post(t, slug, body(sid, i, s.overall))
			if code != http.StatusCreated {
				t.Errorf("%s: status %d", sid, code)
			}
			s.id = id
		}
		if i%7 == 0 {
			// The participant comes back and changes an answer, through the
			// other replica.
			s.overall = 5 - i%5
			code, id := replicas[(i+1)%2].post(t, slug, body(sid, i, s.overall))
			if code != http.StatusOK || id != s.id {
				t.Errorf("%s changed: status %d, id %s, want %s", sid, code, id, s.id)
			}
		}
		mu.Lock()
		want[sid] = s
		mu.Unlock()
	}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				send(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// What the rapporteur and the organizer do on one replica, the other
	// sees: a starred quote, a closed workshop.
	var quote *sent
	for _, s := range want {
		if s.comment != "" {
			quote = s
			break
		}
	}
	if code := replicas[0].admin(t, token, "/admin/comments/star", url.Values{"response": {quote.id}, "question": {"comment"}, "star": {"1"}}); code != http.StatusOK {
		t.Fatalf("star: status %d", code)
	}
	closing := slugs[1]
	if code := replicas[0].admin(t, token, "/admin/workshops/"+closing, url.Values{"action": {"close"}}); code != http.StatusSeeOther {
		t.Fatalf("close: status %d", code)
	}
	replicas[1].waitOpen(t, closing, false)
	if code, _ := replicas[1].post(t, closing, body(uuid.NewString(), 1, 5)); code != http.StatusForbidden {
		t.Errorf("a workshop closed on one replica took a response on the other: status %d", code)
	}
	if code := replicas[1].admin(t, token, "/admin/workshops/"+closing, url.Values{"action": {"schedule"}}); code != http.StatusSeeOther {
		t.Fatalf("back to schedule: status %d", code)
	}
	replicas[0].waitOpen(t, closing, true)

	one, two := replicas[0].workbook(t, token), replicas[1].workbook(t, token)
	compareWorkbooks(t, one, two)
	if q := one["Key quotes"]; len(q) != 2 || !slices.Contains(q[1], quote.comment) {
		t.Errorf("Key quotes = %q, want the one starred: %q", q, quote.comment)
	}
	checkOverview(t, one["Overview"], n, len(slugs))

	// Every response once, with the answers it was last given.
	rows := one["Responses"]
	if len(rows) == 0 {
		t.Fatalf("no Responses sheet in %v", sheetNames(one))
	}
	col := func(name string) int {
		for i, h := range rows[0] {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		t.Fatalf("Responses has no %q column: %q", name, rows[0])
		return -1
	}
	sidCol, overallCol := col("submission_id"), col("overall")
	seen := map[string]int{}
	perWorkshop := map[string]int{}
	for _, row := range rows[1:] {
		if len(row) <= sidCol || row[sidCol] == "" {
			continue
		}
		sid := row[sidCol]
		seen[sid]++
		s, ok := want[sid]
		if !ok {
			t.Errorf("Responses has %s, which was never sent", sid)
			continue
		}
		perWorkshop[s.workshop]++
		if len(row) <= overallCol || row[overallCol] != fmt.Sprint(s.overall) {
			t.Errorf("%s: overall %q, want %d", sid, cell(row, overallCol), s.overall)
		}
	}
	for sid := range want {
		if seen[sid] != 1 {
			t.Errorf("%s is in the workbook %d times", sid, seen[sid])
		}
	}
	if len(seen) != n {
		t.Errorf("workbook has %d responses, want %d", len(seen), n)
	}
	for _, slug := range slugs {
		if perWorkshop[slug] != n/len(slugs) {
			t.Errorf("%s: %d responses, want %d", slug, perWorkshop[slug], n/len(slugs))
		}
	}
}

// admin sends a rapporteur's POST with the token and returns the status.
func (r *replica) admin(t *testing.T, token, path string, form url.Values) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// waitOpen waits until the replica's API says the workshop is open (or
// closed): replicas read the organizer's overrides again every few seconds.
func (r *replica) waitOpen(t *testing.T, slug string, open bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(r.base + "/api/v1/workshops")
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Workshops []apiWorkshop `json:"workshops"`
		}
		err = json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range list.Workshops {
			if w.Slug == slug && w.Open == open {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s never showed open=%v", r.base, slug, open)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkOverview checks the Overview's Responses column: n/workshops for each
// workshop, n in the total row.
func checkOverview(t *testing.T, rows [][]string, n, workshops int) {
	t.Helper()
	if len(rows) == 0 || len(rows[0]) < 2 || rows[0][1] != "Responses" {
		t.Fatalf("Overview header = %q", rows)
	}
	var got []string
	for _, row := range rows[1:] {
		if len(row) < 2 || row[1] == "" {
			break
		}
		got = append(got, row[1])
	}
	want := slices.Repeat([]string{fmt.Sprint(n / workshops)}, workshops)
	want = append(want, fmt.Sprint(n))
	if !slices.Equal(got, want) {
		t.Errorf("Overview responses = %q, want %q", got, want)
	}
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func sheetNames(wb map[string][][]string) []string {
	var names []string
	for name := range wb {
		names = append(names, name)
	}
	return names
}

// compareWorkbooks fails t where two workbooks' cell values differ, except
// for the export time on the About sheet, which says when each was made.
func compareWorkbooks(t *testing.T, a, b map[string][][]string) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("sheets %v and %v", sheetNames(a), sheetNames(b))
	}
	for name, ra := range a {
		rb, ok := b[name]
		if !ok {
			t.Errorf("sheet %q only in the first workbook", name)
			continue
		}
		if len(ra) != len(rb) {
			t.Errorf("sheet %q: %d and %d rows", name, len(ra), len(rb))
		}
		for i := 0; i < min(len(ra), len(rb)); i++ {
			if name == "About" && isExportTime(ra[i]) {
				continue
			}
			if strings.Join(ra[i], "\x00") != strings.Join(rb[i], "\x00") {
				t.Errorf("sheet %q row %d differs:\n%q\n%q", name, i+1, ra[i], rb[i])
			}
		}
	}
}

// isExportTime tells the About sheet's row that holds the export time.
func isExportTime(row []string) bool {
	return len(row) > 0 && strings.Contains(strings.ToLower(row[0]), "export")
}

func TestRedactDB(t *testing.T) {
	for in, want := range map[string]string{
		"data/feedback.db": "data/feedback.db",
		"postgres://feedback:s3cret@db.internal:5432/feedback?sslmode=verify-full": "postgres://feedback:xxxxx@db.internal:5432/feedback?sslmode=verify-full",
		"postgresql://feedback@db.internal/feedback":                               "postgresql://feedback@db.internal/feedback",
		"POSTGRES://u:s3cret@[::1/x":                                               "postgres://(unparsable URL)",
	} {
		if got := redactDB(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("redactDB(%q) = %q, want %q", in, got, want)
		}
	}
}
