# Familytime: the commands a developer and CI use. `make help` lists them.
#
#   make run     the platform on this machine (see README.md for what it runs today)
#   make test    every module's tests, -race -shuffle on, against real PostgreSQL and JetStream
#   make lint    gofmt, go vet, staticcheck, buf lint
#   make setup   install the pinned tools and download modules (make test does not need it)
#   make bench   the performance benchmarks; results go in docs/performance.md

SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go

# Every module of the workspace (go.work), as import-path patterns for one go command.
MODULE_PATTERNS = $(shell $(GO) list -m -f '{{.Path}}/...')
# Generous: the suite starts real servers; 2 cores.
TEST_TIMEOUT ?= 20m
TEST_FLAGS ?= -race -shuffle on -count=1 -timeout $(TEST_TIMEOUT)

STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(CURDIR)/.bin/staticcheck-$(STATICCHECK_VERSION)

.PHONY: help setup run test lint fmt

help:
	@sed -n 's/^#   //p' Makefile

setup: tools $(STATICCHECK)
	for m in $$($(GO) list -m -f '{{.Dir}}'); do (cd $$m && $(GO) mod download); done

run:
	$(GO) run ./tools/cmd/familytime dev --seed

test:
	$(GO) test $(TEST_FLAGS) $(MODULE_PATTERNS)

lint: $(STATICCHECK) proto-lint
	@unformatted=$$(gofmt -l $$($(GO) list -m -f '{{.Dir}}')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:" $$unformatted >&2; exit 1; fi
	$(GO) vet $(MODULE_PATTERNS)
	$(STATICCHECK) $(MODULE_PATTERNS)

fmt:
	gofmt -w $$($(GO) list -m -f '{{.Dir}}')

$(STATICCHECK):
	@mkdir -p .bin
	GOBIN=$(CURDIR)/.bin/tmp-staticcheck $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv .bin/tmp-staticcheck/staticcheck $@ && rmdir .bin/tmp-staticcheck

## proto ----------------------------------------------------------------------------------------
## Protobuf contracts in proto/ (buf v2 module) and the Go generated from them into proto/gen/go,
## which is committed. Generators are pinned here and installed into .bin/ on first use; a stamp
## file named after the versions makes a version bump reinstall them, and nothing else does.

#   make proto           regenerate proto/gen/go (installs the pinned tools if needed)
#   make proto-check     regenerate, then fail if that changed anything under proto/gen
#   make proto-lint      buf lint (STANDARD, formerly DEFAULT, plus COMMENTS rules; see proto/buf.yaml)
#   make proto-breaking  buf breaking (FILE rules) against proto/ on main (PROTO_AGAINST_BRANCH)
#   make proto-tools     install the pinned tools only (`make tools` includes it)

BUF_VERSION                 := v1.75.0
# Must equal the google.golang.org/protobuf version in proto/go.mod (proto-versions checks it): the
# generated code is only guaranteed to work with the runtime it was generated for.
PROTOC_GEN_GO_VERSION       := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION  := v1.6.2
# protovalidate's validate.proto (buf.validate constraints) comes from this Go module and is copied
# to proto/.deps (not committed). The runtime, buf.build/go/protovalidate, must understand it.
PROTOVALIDATE_VERSION       := v1.2.2
PROTO_DEPS_STAMP            := proto/.deps/.protovalidate-$(PROTOVALIDATE_VERSION)
# The branch proto-breaking compares against; CI on a pull request can override it.
PROTO_AGAINST_BRANCH        ?= main

PROTO_BIN         := $(CURDIR)/.bin
BUF               := $(PROTO_BIN)/buf
PROTO_TOOL_BINS   := $(BUF) $(PROTO_BIN)/protoc-gen-go $(PROTO_BIN)/protoc-gen-go-grpc
PROTO_TOOLS_STAMP := $(PROTO_BIN)/.tools-proto-buf-$(BUF_VERSION)-protoc-gen-go-$(PROTOC_GEN_GO_VERSION)-protoc-gen-go-grpc-$(PROTOC_GEN_GO_GRPC_VERSION)
# A tool deleted by hand forces a reinstall even when the stamp survived.
PROTO_TOOLS_MISSING := $(filter-out $(wildcard $(PROTO_TOOL_BINS)),$(PROTO_TOOL_BINS))

.PHONY: proto proto-check proto-lint proto-breaking proto-tools tools proto-versions proto-tools-force

proto: $(PROTO_TOOLS_STAMP) $(PROTO_DEPS_STAMP)
	cd proto && PATH="$(PROTO_BIN):$$PATH" $(BUF) generate

proto-check: proto
	@if ! git diff --quiet -- proto/gen || [ -n "$$(git ls-files --others --exclude-standard -- proto/gen)" ]; then \
		git status --short -- proto/gen >&2; \
		echo "generated code is stale: run make proto" >&2; \
		exit 1; \
	fi
	@echo "proto-check: generated code is up to date"

proto-lint: $(PROTO_TOOLS_STAMP) $(PROTO_DEPS_STAMP)
	cd proto && $(BUF) lint

# Before proto/ exists on the branch there is nothing to be compatible with, so the check is
# skipped (with a note) rather than failed.
proto-breaking: $(PROTO_TOOLS_STAMP) $(PROTO_DEPS_STAMP)
	@if git cat-file -e '$(PROTO_AGAINST_BRANCH):proto/buf.yaml' 2>/dev/null; then \
		against=$$(mktemp -d) && trap 'rm -rf "$$against"' EXIT && \
		git archive '$(PROTO_AGAINST_BRANCH)' proto | tar -x -C "$$against" && \
		if grep -q '.deps/protovalidate' "$$against/proto/buf.yaml"; then \
			mkdir -p "$$against/proto/.deps" && cp -r proto/.deps/protovalidate "$$against/proto/.deps/"; \
		fi && \
		echo "buf breaking proto against $(PROTO_AGAINST_BRANCH)" && \
		cd proto && $(BUF) breaking --against "$$against/proto"; \
	else \
		echo "proto-breaking: skipped, branch $(PROTO_AGAINST_BRANCH) has no proto/buf.yaml yet"; \
	fi

proto-tools: $(PROTO_TOOLS_STAMP)

tools: proto-tools

# Runs before the tools are installed or used (an order-only prerequisite of the stamp), so a pin
# that drifted from proto/go.mod never installs, and never generates code for the wrong runtime.
proto-versions:
	@want=$$(cd proto && GOWORK=off go list -m -f '{{.Version}}' google.golang.org/protobuf) || exit 1; \
	if [ "$$want" != "$(PROTOC_GEN_GO_VERSION)" ]; then \
		echo "protoc-gen-go is pinned at $(PROTOC_GEN_GO_VERSION) but proto/go.mod requires google.golang.org/protobuf $$want: make them equal (PROTOC_GEN_GO_VERSION in Makefile), then run make proto" >&2; \
		exit 1; \
	fi

$(PROTO_TOOLS_STAMP): $(if $(PROTO_TOOLS_MISSING),proto-tools-force) | proto-versions
	@mkdir -p $(PROTO_BIN)
	rm -f $(PROTO_BIN)/.tools-proto-*
	GOBIN=$(PROTO_BIN) go install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	GOBIN=$(PROTO_BIN) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(PROTO_BIN) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	touch $@

proto-tools-force:

$(PROTO_DEPS_STAMP):
	@dir=$$(GOFLAGS=-mod=mod go mod download -json github.com/bufbuild/protovalidate@$(PROTOVALIDATE_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
	if [ ! -f "$$dir/proto/protovalidate/buf/validate/validate.proto" ]; then \
		echo "could not fetch github.com/bufbuild/protovalidate@$(PROTOVALIDATE_VERSION) from the Go module proxy" >&2; exit 1; \
	fi; \
	rm -rf proto/.deps/protovalidate && mkdir -p proto/.deps/protovalidate/buf/validate && \
	cp "$$dir/proto/protovalidate/buf/validate/validate.proto" proto/.deps/protovalidate/buf/validate/ && \
	chmod u+w proto/.deps/protovalidate/buf/validate/validate.proto && rm -f proto/.deps/.protovalidate-* && touch $@
## end proto -------------------------------------------------------------------------------------

## bench ----------------------------------------------------------------------------------------
## The performance benchmarks of services/platform/benchmarks, each against a raw baseline run in
## the same go test; raw output goes to bench.out (gitignored), and tools/benchreport prints the
## table for docs/performance.md. Targets are reported, never enforced: make bench fails only when
## the benchmarks fail to run. BENCH_TIME is per benchmark; drains (relay, consumer) are a fixed
## workload per operation, so BENCH_TIME=1x runs each of them once. The whole suite runs
## BENCH_RUNS times, one after another, and the report takes each benchmark's median: a benchmark
## and its baseline are then sampled across the same minutes, and one noisy sample decides nothing.

BENCH_TIME ?= 4s
BENCH_RUNS ?= 3
BENCH_PKGS ?= ./services/platform/benchmarks/... ./services/platform/benchmarks/peer/ ./services/referral/benchmarks/... ./services/scheduling/benchmarks/... ./services/reporting/benchmarks/... ./tools/benchmarks/...

.PHONY: bench

bench:
	rm -f bench.out
	set -o pipefail; for run in $$(seq $(BENCH_RUNS)); do \
		FT_NATIONAL_YEAR=$(NATIONAL_YEAR) $(GO) test -run '^$$' -bench . -count=1 -benchtime=$(BENCH_TIME) -timeout 30m $(BENCH_PKGS) | tee -a bench.out || exit 1; \
	done
	$(GO) run ./tools/benchreport < bench.out

## bench-national: familytime simulate over 10% of a national year (300 centres, scale 0.1) on a
## fresh dev platform on a simulated clock, each service in a process of its own (--processes);
## wall time, commands/s, the ground-truth check and each service's resident memory (memwatch:
## idle after 10 s, peak during the run) go to docs/bench/national.txt (docs/performance.md,
## "A national year through the APIs").
SIM_DATA ?= .familytime-bench-national
.PHONY: bench-national
bench-national:
	$(GO) build -o .bin/familytime ./tools/cmd/familytime
	$(GO) build -o .bin/memwatch ./tools/cmd/memwatch
	rm -rf $(SIM_DATA) && mkdir -p docs/bench
	set -o pipefail; .bin/familytime dev --processes --clock simulated --data $(SIM_DATA) >/dev/null 2>&1 & dev=$$!; \
		for i in $$(seq 120); do [ -f $(SIM_DATA)/dev.json ] && break; sleep 1; done; \
		.bin/memwatch --data $(SIM_DATA) --idle 10s -- \
		.bin/familytime simulate --data $(SIM_DATA) --centres 300 --from 2026-01-01 --to 2026-12-31 --scale 0.1 --seed 42 \
			--concurrency 8 | tee docs/bench/national.txt; rc=$$?; kill $$dev; wait $$dev; exit $$rc

## national-year: the national year that make bench rebuilds reporting from
## (tools/benchmarks/national), made once through the real services (familytime simulate over
## NATIONAL_SCALE of a year, 300 centres, seed 42, on a dev platform with its own private
## PostgreSQL and NATS) and kept in NATIONAL_YEAR; a second run finds it and does nothing, and
## make bench skips those benchmarks until it exists. An unfinished year is made again from the
## start; as root in a folder "nobody" cannot reach, its relocated PostgreSQL (decision 33) is
## removed with it. Scale 1.0 (about a million events) takes 20 to 35 minutes on 2 cores, by
## the machine; NATIONAL_SCALE=0.1 three to six.
NATIONAL_SCALE ?= 1.0
# The folder's name says the year's format: v2 since events carry the bus key's MAC (decisions.md
# 149), which a year made before cannot be rebuilt with.
NATIONAL_YEAR ?= $(HOME)/.cache/familytime/national-year-v2-scale$(NATIONAL_SCALE)
.PHONY: national-year
national-year:
	$(GO) build -o .bin/familytime ./tools/cmd/familytime
	@if [ -f "$(NATIONAL_YEAR)/national-year-complete" ]; then echo "a national year is cached in $(NATIONAL_YEAR)"; else \
		rm -rf "$$(sed -n 's|.* kept in \(/var/lib/familytime/postgres-[0-9a-f]*\),.*|\1|p' "$(NATIONAL_YEAR)/postgres/RELOCATED" 2>/dev/null)" \
			"$(NATIONAL_YEAR)" && mkdir -p "$(NATIONAL_YEAR)" && \
		{ env -u DATABASE_URL .bin/familytime dev --clock simulated --data "$(NATIONAL_YEAR)" >"$(NATIONAL_YEAR)/dev.out" 2>&1 & dev=$$!; \
		for i in $$(seq 120); do [ -f "$(NATIONAL_YEAR)/dev.json" ] && break; sleep 1; done; \
		.bin/familytime simulate --data "$(NATIONAL_YEAR)" --centres 300 --from 2026-01-01 --to 2026-12-31 \
			--scale $(NATIONAL_SCALE) --seed 42 --concurrency 8; rc=$$?; kill $$dev; wait $$dev; \
		if [ $$rc -eq 0 ]; then touch "$(NATIONAL_YEAR)/national-year-complete"; fi; exit $$rc; }; fi
## end bench -------------------------------------------------------------------------------------
