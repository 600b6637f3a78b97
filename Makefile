# make run   — start the service on :8080 with data/feedback.db and the embedded forms
# make test  — every test (what CI runs)
# make bench — throughput, latency and export figures against their ceilings
GO      ?= go
PKGS    := ./...

.PHONY: run build test lint race

run:
	$(GO) run ./app

build:
	$(GO) build -trimpath -o bin/feedback ./app

# The race detector runs again over the packages with goroutines of their own
# (the store's writer, the export's reader); `make race` adds the app.
test:
	$(GO) test -count=1 $(PKGS)
	$(GO) test -race -count=1 ./store/... ./export ./forms

race:
	$(GO) test -race -count=1 ./store/... ./export ./forms ./app

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# One table: the submit paths against a bare Fiber handler and the export
# against excelize's StreamWriter, measured in the same run (under 5 minutes).
# BENCHFLAGS passes options, e.g. BENCHFLAGS="-duration 3s -profile prof".
# The PostgreSQL rows run on the server FEEDBACK_BENCH_POSTGRES names, or,
# as root with Debian's postgresql installed, on a throwaway loopback cluster.
.PHONY: bench
bench:
	@if [ -z "$$FEEDBACK_BENCH_POSTGRES$$FEEDBACK_TEST_POSTGRES" ] && [ "$$(id -u)" = 0 ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "bash .ci/postgres.sh $(GO) run ./app/loadgen $(BENCHFLAGS)"; bash .ci/postgres.sh $(GO) run ./app/loadgen $(BENCHFLAGS); \
	else \
		echo "$(GO) run ./app/loadgen $(BENCHFLAGS)"; $(GO) run ./app/loadgen $(BENCHFLAGS); \
	fi
