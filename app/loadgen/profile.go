package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

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
