package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"
)

// startDebugListener serves net/http/pprof on addr, for `make bench -profile`
// and for finding what bounds the server under load. It is off unless
// FEEDBACK_PPROF names an address, and it never shares the public listener:
// profiles show internals no participant should reach.
func startDebugListener(addr string, log *slog.Logger) {
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Info("pprof listening", "addr", addr)
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			log.Error("pprof listener", "err", err)
		}
	}()
}
