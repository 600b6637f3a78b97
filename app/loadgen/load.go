package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// path picks which of the two submit paths a load drives.
type path int

const (
	pathAPI  path = iota // JSON to the API, 201 expected
	pathForm             // a browser's form post, 303 expected
)

// load is one fixed-time run of closed-loop clients against one address.
type load struct {
	addr     string
	clients  int
	warmup   time.Duration // requests sent but not counted in the figures
	duration time.Duration
	// maxRequests bounds the run whatever the speed, so a fast machine
	// cannot fill the disk.
	maxRequests int64
	path        path
	sets        []answerSet
	seed        uint64
	// pid is the server's process, whose CPU time the load measures.
	pid int
}

// result is what a load measured.
type result struct {
	requests  int           // counted requests (after the warm-up)
	elapsed   time.Duration // counted time
	latencies []uint32      // microseconds, one per counted request
	statuses  map[int]int   // every request, warm-up included
	errors    int           // transport errors, warm-up included
	firstErr  error
	// acked holds every submission_id the server acknowledged, warm-up
	// included: all of them must be in the database at the end.
	acked []string
	// serverCPU is the CPU time (user and system) the server spent in the
	// counted time: per response it says what the work costs, whatever else
	// runs on the machine.
	serverCPU time.Duration
}

// cpuPerResponse is the server's CPU time per counted response.
func (r *result) cpuPerResponse() time.Duration {
	if r.requests == 0 || r.serverCPU <= 0 {
		return 0
	}
	return r.serverCPU / time.Duration(r.requests)
}

// rate is the counted requests per second.
func (r *result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// percentile returns the p-th percentile latency (0 < p <= 100).
func (r *result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	i = max(0, min(i, len(r.latencies)-1))
	return time.Duration(r.latencies[i]) * time.Microsecond
}

// run drives the load: each client sends one request, waits for its answer
// and sends the next, over its own keep-alive connection.
func (l *load) run(ctx context.Context) (*result, error) {
	if l.clients <= 0 || len(l.sets) == 0 {
		return nil, errors.New("loadgen: no clients or no answers")
	}
	hc := &fasthttp.HostClient{
		Addr:                l.addr,
		MaxConns:            l.clients,
		ReadTimeout:         15 * time.Second,
		WriteTimeout:        15 * time.Second,
		MaxIdleConnDuration: time.Minute,
	}
	defer hc.CloseIdleConnections()

	var (
		sent     atomic.Int64
		counting atomic.Bool
		stop     atomic.Bool
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    = &result{statuses: map[int]int{}}
	)
	want := fasthttp.StatusCreated
	if l.path == pathForm {
		want = fasthttp.StatusSeeOther
	}
	for c := 0; c < l.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(l.seed, uint64(c)+1))
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			var (
				body     []byte
				lat      []uint32
				acked    []string
				statuses = map[int]int{}
				errs     int
				firstErr error
			)
			for !stop.Load() && ctx.Err() == nil {
				if sent.Add(1) > l.maxRequests {
					break
				}
				a := &l.sets[rng.IntN(len(l.sets))]
				id := newSubmissionID(rng)
				req.Reset()
				req.Header.SetMethod(fasthttp.MethodPost)
				req.Header.SetHost(l.addr)
				if l.path == pathForm {
					req.SetRequestURI(formPath(a.slug))
					req.Header.SetContentType("application/x-www-form-urlencoded")
					body = formBody(body, id, a)
				} else {
					req.SetRequestURI(apiPath(a.slug))
					req.Header.SetContentType("application/json")
					body = apiBody(body, id, a)
				}
				req.SetBodyRaw(body)
				counted := counting.Load()
				start := time.Now()
				err := hc.Do(req, resp)
				took := time.Since(start)
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				status := resp.StatusCode()
				statuses[status]++
				if status == want || status == fasthttp.StatusOK {
					acked = append(acked, id)
				} else if firstErr == nil {
					firstErr = fmt.Errorf("status %d: %.200s", status, resp.Body())
				}
				if counted && counting.Load() && status == want {
					lat = append(lat, uint32(min(took.Microseconds(), 1<<31)))
				}
			}
			mu.Lock()
			defer mu.Unlock()
			total.latencies = append(total.latencies, lat...)
			total.acked = append(total.acked, acked...)
			for k, v := range statuses {
				total.statuses[k] += v
			}
			total.errors += errs
			if total.firstErr == nil {
				total.firstErr = firstErr
			}
		}(c)
	}
	sleep(ctx, l.warmup)
	cpu0, cpuErr := processCPU(l.pid)
	counting.Store(true)
	start := time.Now()
	sleep(ctx, l.duration)
	counting.Store(false)
	total.elapsed = time.Since(start)
	if cpu1, err := processCPU(l.pid); err == nil && cpuErr == nil {
		total.serverCPU = cpu1 - cpu0
	}
	stop.Store(true)
	wg.Wait()
	total.requests = len(total.latencies)
	slices.Sort(total.latencies)
	return total, ctx.Err()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
