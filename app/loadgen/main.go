// Command loadgen is `make bench`: it measures the submit paths of the real
// server binary against a bare Fiber handler (the ceiling) on the same
// machine in the same run, and the export against excelize's StreamWriter
// alone, and prints one table. Every load is bounded in time and count and
// stays on loopback; at the end of each run it checks that every response the
// server acknowledged is in the database, once.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"feedback/forms"
)

// options are the bench's flags.
type options struct {
	server      string
	duration    time.Duration
	warmup      time.Duration
	clients     []int
	formClients int
	maxRequests int64
	exportN     int
	profileDir  string
	keep        bool
}

func main() {
	var (
		o            options
		clients      string
		ceilingAddr  string
		exportChild  string
		exportCeilDB string
		exportOut    string
	)
	flag.StringVar(&o.server, "server", "", "feedback server binary; empty builds ./app into a temporary directory")
	flag.DurationVar(&o.duration, "duration", 6*time.Second, "measured time of each load")
	flag.DurationVar(&o.warmup, "warmup", 500*time.Millisecond, "time each load runs before it is measured")
	flag.StringVar(&clients, "clients", "1,16,64,256", "concurrent clients of the submit path, comma-separated")
	flag.IntVar(&o.formClients, "form-clients", 64, "concurrent clients of the browser path (0 skips it)")
	flag.Int64Var(&o.maxRequests, "max-requests", 1_000_000, "upper bound on the requests of one load")
	flag.IntVar(&o.exportN, "export-responses", 100_000, "responses in the export's database (0 skips the export)")
	flag.StringVar(&o.profileDir, "profile", "", "directory for a CPU and heap profile of the server under the 64-client load")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory with the databases")
	flag.StringVar(&ceilingAddr, "ceiling-addr", "", "internal: serve the bare Fiber ceiling on this address")
	flag.StringVar(&exportChild, "export-run", "", "internal: run one export measurement (export or ceiling) and report it")
	flag.StringVar(&exportCeilDB, "export-db", "", "internal: database of -export-run")
	flag.StringVar(&exportOut, "export-out", "", "internal: workbook file of -export-run")
	flag.Parse()

	if ceilingAddr != "" {
		if err := serveCeiling(ceilingAddr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if exportChild != "" {
		if err := exportChildRun(exportChild, exportCeilDB, exportOut, o.exportN, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	for _, s := range strings.Split(clients, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "loadgen: bad -clients %q\n", clients)
			os.Exit(2)
		}
		o.clients = append(o.clients, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := bench(ctx, o, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "loadgen: a check failed (see the table)")
		os.Exit(1)
	}
}

// row is one line of the table.
type row struct {
	name     string
	clients  string
	elapsed  string
	rate     string
	p50, p99 string
	ratio    string
	cpu      string // server CPU time per response
	rss      string
	check    string
}

func bench(ctx context.Context, o options, out, progress io.Writer) (bool, error) {
	dir, err := os.MkdirTemp("", "feedback-bench-")
	if err != nil {
		return false, fmt.Errorf("loadgen: temp dir: %w", err)
	}
	if o.keep {
		fmt.Fprintln(progress, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if o.server == "" {
		o.server = filepath.Join(dir, "feedback")
		fmt.Fprintln(progress, "building ./app")
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", o.server, "./app")
		cmd.Stdout, cmd.Stderr = progress, progress
		if err := cmd.Run(); err != nil {
			return false, fmt.Errorf("loadgen: build ./app: %w", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return false, fmt.Errorf("loadgen: own path: %w", err)
	}
	sets := makeAnswerSets(forms.Default(), 512, 1)
	var (
		rows    []row
		ceiling = map[int]float64{}
		allOK   = true
	)
	mk := func(p path, clients int, seed uint64) *load {
		return &load{clients: clients, warmup: o.warmup, duration: o.duration, maxRequests: o.maxRequests,
			path: p, sets: sets, seed: seed}
	}

	// The ceiling, at every concurrency the submit path is measured at.
	levels := append([]int(nil), o.clients...)
	if o.formClients > 0 && !containsInt(levels, o.formClients) {
		levels = append(levels, o.formClients)
	}
	if len(levels) > 0 {
		r, err := measureCeiling(ctx, self, levels, mk, ceiling, progress)
		if err != nil {
			return false, err
		}
		rows = append(rows, r...)
	}

	// The submit path, each level on a fresh server and database.
	type run struct {
		name    string
		p       path
		clients int
	}
	var runs []run
	for _, c := range o.clients {
		runs = append(runs, run{"submit: POST /api/v1/…/responses", pathAPI, c})
	}
	if o.formClients > 0 {
		runs = append(runs, run{"browser: POST /w/{slug} (303)", pathForm, o.formClients})
	}
	for i, r := range runs {
		fmt.Fprintf(progress, "%s, %d clients\n", r.name, r.clients)
		db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		var env []string
		profiling := o.profileDir != "" && r.clients == 64 && r.p == pathAPI
		debugAddr := ""
		if profiling {
			if debugAddr, err = freeAddr(); err != nil {
				return false, err
			}
			env = append(env, "FEEDBACK_PPROF="+debugAddr)
		}
		sp, err := start(ctx, env, "-addr", o.server, "-db", db, "-admin-token", "bench-only-token")
		if err != nil {
			return false, err
		}
		l := mk(r.p, r.clients, uint64(1000+i))
		l.addr, l.pid = sp.addr, sp.cmd.Process.Pid
		var profErr chan error
		if profiling {
			profErr = make(chan error, 1)
			go func() { profErr <- saveProfiles(ctx, debugAddr, o.profileDir, o.warmup, o.duration) }()
		}
		res, err := l.run(ctx)
		if err != nil {
			sp.kill()
			return false, err
		}
		if profErr != nil {
			if err := <-profErr; err != nil {
				fmt.Fprintln(progress, "profile:", err)
			}
		}
		rss, rssErr := sp.peakRSS()
		if err := sp.stop(); err != nil {
			return false, err
		}
		if rssErr != nil {
			return false, rssErr
		}
		a, err := auditDB(ctx, db, res.acked)
		if err != nil {
			return false, err
		}
		check := a.String()
		if res.errors > 0 || len(res.statuses) > 1 || !a.ok() {
			allOK = false
			check += fmt.Sprintf(" FAIL %v errors=%d %v", res.statuses, res.errors, res.firstErr)
		}
		rows = append(rows, loadRow(r.name, r.clients, res, ceiling[r.clients], mib(rss), check))
		_ = os.Remove(db)
	}

	// The same submit path on the PostgreSQL store, one and two replicas
	// (postgres.go); skipped unless FEEDBACK_BENCH_POSTGRES is set.
	pgRows, pgOK, err := postgresRows(ctx, o, mk, ceiling, progress)
	if err != nil {
		return false, err
	}
	rows, allOK = append(rows, pgRows...), allOK && pgOK

	if o.exportN > 0 {
		er, err := exportRows(ctx, self, dir, o.exportN, progress)
		if err != nil {
			return false, err
		}
		rows = append(rows, er...)
	}

	fmt.Fprintf(out, "\n%s\n\n", machine())
	printTable(out, rows)
	fmt.Fprintf(out, "\nEach load: %s measured after %s of warm-up, closed-loop keep-alive clients on loopback.\n", o.duration, o.warmup)
	return allOK, nil
}

// measureCeiling runs the bare Fiber handler in a process of its own and
// drives it at every level; it records each level's rate in ceiling.
func measureCeiling(ctx context.Context, self string, levels []int, mk func(path, int, uint64) *load,
	ceiling map[int]float64, progress io.Writer) ([]row, error) {
	cp, err := start(ctx, nil, "-ceiling-addr", self)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, c := range levels {
		fmt.Fprintf(progress, "ceiling, %d clients\n", c)
		l := mk(pathAPI, c, uint64(c))
		l.addr, l.pid = cp.addr, cp.cmd.Process.Pid
		res, err := l.run(ctx)
		if err != nil {
			cp.kill()
			return nil, err
		}
		ceiling[c] = res.rate()
		rows = append(rows, loadRow("ceiling: bare Fiber", c, res, 0, "", "-"))
	}
	rss, err := cp.peakRSS()
	if err != nil {
		cp.kill()
		return nil, err
	}
	if err := cp.stop(); err != nil {
		return nil, err
	}
	rows[len(rows)-1].rss = mib(rss)
	return rows, nil
}

func loadRow(name string, clients int, res *result, ceiling float64, rss, check string) row {
	r := row{
		name:    name,
		clients: strconv.Itoa(clients),
		elapsed: fmt.Sprintf("%.1f s", res.elapsed.Seconds()),
		rate:    fmt.Sprintf("%.0f", res.rate()),
		p50:     ms(res.percentile(50)),
		p99:     ms(res.percentile(99)),
		ratio:   "1.00",
		cpu:     "-",
		rss:     rss,
		check:   check,
	}
	if c := res.cpuPerResponse(); c > 0 {
		r.cpu = fmt.Sprintf("%.0f µs", float64(c.Nanoseconds())/1000)
	}
	if ceiling > 0 {
		r.ratio = fmt.Sprintf("%.2f", res.rate()/ceiling)
	}
	return r
}

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "what\tclients\ttime\tresponses/s\tp50\tp99\tvs ceiling\tCPU/resp\tpeak RSS\tcheck\t")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, r.clients, r.elapsed, r.rate, r.p50, r.p99, r.ratio, r.cpu, r.rss, r.check)
	}
	tw.Flush()
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
}

func mib(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// machine describes where the figures come from: they mean little elsewhere.
func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if _, rest, ok := strings.Cut(string(b), "MemTotal:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.SplitN(rest, "\n", 2)[0]), "kB")), 10, 64)
			mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("feedback bench, %s, %s/%s, %d CPUs (%s)%s, %s",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu, mem, runtime.Version())
}

// saveProfiles takes a CPU profile of the server during the measured part of
// a load, then its heap, from the debug listener FEEDBACK_PPROF opens.
func saveProfiles(ctx context.Context, debugAddr, dir string, warmup, d time.Duration) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("loadgen: profile dir: %w", err)
	}
	sleep(ctx, warmup)
	secs := max(1, int(d.Seconds())-1)
	if err := fetch(ctx, "http://"+debugAddr+"/debug/pprof/profile?seconds="+strconv.Itoa(secs), filepath.Join(dir, "submit-cpu.pprof")); err != nil {
		return err
	}
	return fetch(ctx, "http://"+debugAddr+"/debug/pprof/heap", filepath.Join(dir, "submit-heap.pprof"))
}

func fetch(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("loadgen: profile: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("loadgen: profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("loadgen: profile: " + resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("loadgen: profile: %w", err)
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("loadgen: profile: %w", err)
	}
	return f.Close()
}
