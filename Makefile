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

test:
	$(GO) test -count=1 $(PKGS)

race:
	$(GO) test -race -count=1 ./store ./forms

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
