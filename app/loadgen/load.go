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

	"feedback/forms/formsgen"
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
		sw    switches
		wg    sync.WaitGroup
		mu    sync.Mutex
		total = &result{statuses: map[int]int{}}
	)
	for c := 0; c < l.clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			part := l.client(ctx, hc, c, &sw)
			mu.Lock()
			defer mu.Unlock()
			total.add(part)
		}(c)
	}
	sleep(ctx, l.warmup)
	cpu0, cpuErr := processCPU(l.pid)
	sw.counting.Store(true)
	start := time.Now()
	sleep(ctx, l.duration)
	sw.counting.Store(false)
	elapsed := time.Since(start)
	cpu1, cpuErr1 := processCPU(l.pid)
	sw.stop.Store(true)
	wg.Wait()
	total.elapsed = elapsed
	if cpuErr == nil && cpuErr1 == nil {
		total.serverCPU = cpu1 - cpu0
	}
	total.finish()
	return total, ctx.Err()
}

// switches are what a load's clients share: the requests sent so far, against
// maxRequests, and whether the figures are being counted or the load is over.
type switches struct {
	sent     atomic.Int64
	counting atomic.Bool
	stop     atomic.Bool
}

// client is one closed-loop client of the load, until sw says stop; its
// result holds what it saw, latencies only while sw was counting.
func (l *load) client(ctx context.Context, hc *fasthttp.HostClient, c int, sw *switches) *result {
	rng := rand.New(rand.NewPCG(l.seed, uint64(c)+1))
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	want := fasthttp.StatusCreated
	if l.path == pathForm {
		want = fasthttp.StatusSeeOther
	}
	r := &result{statuses: map[int]int{}}
	var body []byte
	for !sw.stop.Load() && ctx.Err() == nil {
		if sw.sent.Add(1) > l.maxRequests {
			break
		}
		a := &l.sets[rng.IntN(len(l.sets))]
		id := formsgen.SubmissionID(rng)
		body = l.request(req, body, id, a)
		counted := sw.counting.Load()
		start := time.Now()
		err := hc.Do(req, resp)
		took := time.Since(start)
		if err != nil {
			r.errors++
			if r.firstErr == nil {
				r.firstErr = err
			}
			continue
		}
		status := resp.StatusCode()
		r.statuses[status]++
		if status == want || status == fasthttp.StatusOK {
			r.acked = append(r.acked, id)
		} else if r.firstErr == nil {
			r.firstErr = fmt.Errorf("status %d: %.200s", status, resp.Body())
		}
		if counted && sw.counting.Load() && status == want {
			r.latencies = append(r.latencies, uint32(min(took.Microseconds(), 1<<31)))
		}
	}
	return r
}

// request makes req the submission of a with id on the load's path; body is
// the buffer it reuses, returned for the next request.
func (l *load) request(req *fasthttp.Request, body []byte, id string, a *answerSet) []byte {
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
	return body
}

// add counts p into r: the clients of one load, or loads that ran side by
// side over the same time.
func (r *result) add(p *result) {
	r.latencies = append(r.latencies, p.latencies...)
	r.acked = append(r.acked, p.acked...)
	for k, v := range p.statuses {
		r.statuses[k] += v
	}
	r.errors += p.errors
	if r.firstErr == nil {
		r.firstErr = p.firstErr
	}
	r.elapsed = max(r.elapsed, p.elapsed)
	r.serverCPU += p.serverCPU
}

// finish sorts the latencies for percentile and counts the requests.
func (r *result) finish() {
	slices.Sort(r.latencies)
	r.requests = len(r.latencies)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
