// Command bench measures the rapporteur's workbook at scale: it stores
// responses in a temporary SQLite file through the real store, then builds
// and writes the workbook, printing the time, the file size and the peak
// memory of the export alone. Several sizes show whether memory grows with
// the number of responses:
//
//	go run ./export/bench -n 10000,100000
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"feedback/export"
	"feedback/forms"
	"feedback/forms/formsgen"
	"feedback/store"
)

func main() {
	sizes := flag.String("n", "10000,100000", "comma-separated numbers of responses to measure, ascending")
	dir := flag.String("dir", "", "directory for the database and workbook (default: a temporary one, removed after)")
	flag.Parse()
	if err := run(*sizes, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(sizes, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "workbook-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"), store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	f := forms.Default()
	stored := 0
	fmt.Printf("%10s  %8s  %9s  %14s  %14s\n", "responses", "export", "file", "peak RSS", "peak heap")
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < stored {
			return fmt.Errorf("sizes must be ascending numbers: %q", sizes)
		}
		if err := fill(ctx, db, f, stored, n); err != nil {
			return err
		}
		stored = n
		m, err := measure(ctx, db, f, filepath.Join(dir, fmt.Sprintf("workbook-%d.xlsx", n)))
		if err != nil {
			return err
		}
		fmt.Printf("%10d  %7.1fs  %7.1fMB  %11.1f MiB  %11.1f MiB\n", n, m.elapsed.Seconds(),
			float64(m.size)/1e6, float64(m.peakRSS)/(1<<20), float64(m.peakHeap)/(1<<20))
	}
	return nil
}

// crowd answers as a forum does: most questions, a third of the free-text
// ones, a third of a multiple choice's options. Its texts come in several
// scripts and include one a spreadsheet could take for a formula.
var crowd = formsgen.Crowd{
	Answered: 0.9,
	Written:  0.3,
	Ticked:   1.0 / 3,
	Texts: []string{
		"Peer exchange with colleagues from other regions was the most valuable part of the day.",
		"Очень полезный семинар: конкретные инструменты, которые можно применить сразу.",
		"ورشة عمل مفيدة جداً، خاصة دراسات الحالة من المنطقة",
		"学到了很多关于数据治理的实用方法。",
		"=SUM(A1:A9) is how we still track projects, sadly.",
		"Les études de cas étaient excellentes, merci.",
		"More time for questions and group work, fewer slides.",
		"Больше времени на обсуждение.",
		"+ interpretation into more languages",
		"Share the slides before the session.",
	},
}

// fill stores responses from up to n, many at a time, as a crowd would: the
// store commits them in groups.
func fill(ctx context.Context, db *store.DB, f *forms.Forms, from, n int) error {
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		first error
		once  sync.Once
	)
	next.Store(int64(from))
	start := time.Now()
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if _, err := db.SaveResponse(ctx, response(f, i)); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil {
		fmt.Fprintf(os.Stderr, "stored %d responses in %.1fs\n", n-from, time.Since(start).Seconds())
	}
	return first
}

// response makes the i-th response, the same every time, submitted i
// seconds into the forum's morning.
func response(f *forms.Forms, i int) *forms.Response {
	rng := rand.New(rand.NewPCG(uint64(i), 42))
	return formsgen.Response(f, rng, crowd, time.Date(2025, 6, 25, 9, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Second))
}

type measurement struct {
	elapsed           time.Duration
	size              int64
	peakRSS, peakHeap uint64
}

// measure builds and writes the workbook, as GET /admin/export.xlsx does.
// Peak RSS is the kernel's high-water mark, reset just before (Linux); peak
// heap is sampled every 10 ms.
func measure(ctx context.Context, db *store.DB, f *forms.Forms, path string) (measurement, error) {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM
	var (
		m    measurement
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			m.peakHeap = max(m.peakHeap, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	src := func(ctx context.Context, fn func(*forms.Response) error) error {
		return db.EachResponse(ctx, store.Filter{}, fn)
	}
	wb, err := export.Build(ctx, f, src, export.Options{})
	if err != nil {
		return m, err
	}
	out, err := os.Create(path)
	if err != nil {
		wb.Close()
		return m, err
	}
	m.size, err = wb.WriteTo(out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	wb.Close()
	m.elapsed = time.Since(start)
	close(stop)
	<-done
	m.peakRSS = vmHWM()
	return m, err
}

// vmHWM reads the peak resident set size from /proc (0 elsewhere).
func vmHWM() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
