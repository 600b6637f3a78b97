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
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
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
	// The desk (desk.go): database sizes, and the baseline build.
	deskSizes   []int
	baseline    string
	baselineRev string
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
	var deskSizes string
	flag.StringVar(&deskSizes, "desk-sizes", "10000,100000,1000000", "responses in the desk's database at each of its measurements, ascending (empty skips them)")
	flag.StringVar(&o.baseline, "baseline", "", "baseline server binary for the desk's submit rate; empty builds -baseline-rev")
	flag.StringVar(&o.baselineRev, "baseline-rev", "696c77e", "git revision of the baseline: the last commit before the desk's kept counts (empty skips it)")
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
	var err error
	if o.deskSizes, err = parseCounts(deskSizes); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: bad -desk-sizes %q\n", deskSizes)
		os.Exit(2)
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

// parseCounts reads a comma-separated list of positive counts.
func parseCounts(list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad count %q", s)
		}
		out = append(out, n)
	}
	return out, nil
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
