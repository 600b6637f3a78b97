# make run   — start the service on :8080 with data/feedback.db and the embedded forms
# make test  — every test (what CI runs)
# make bench — throughput, latency and export figures against their ceilings
# make lint  — gofmt, go vet and staticcheck
# make vuln  — govulncheck against Go's vulnerability database, read from the module proxy
#
# The service is built with Go 1.27.3: it fixes vulnerabilities in Go 1.26's
# html/template and net/http that the service reaches. A machine that has an
# older Go fetches 1.27.3 from the module proxy on first use (about 10 s).
export GOTOOLCHAIN := go1.27.3

GO      ?= go
PKGS    := ./...
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# The vulnerability database as a Go module, so that it comes through the
# module proxy like everything else (no other host is reached).
VULNDB      := golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

.PHONY: run build test lint race vuln

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
	$(GO) run $(STATICCHECK) $(PKGS)

vuln:
	@dir=$$($(GO) mod download -json $(VULNDB) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$$/\1/p'); \
	if [ -z "$$dir" ]; then echo "could not download $(VULNDB)"; exit 1; fi; \
	echo "$(GO) run $(GOVULNCHECK) -db file://$$dir/data/osv $(PKGS)"; \
	$(GO) run $(GOVULNCHECK) -db file://$$dir/data/osv $(PKGS)

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
