# The two commands a newcomer needs are `make run` and `make test` (README).
SHELL := bash
GO ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
# Lambda artifacts: arm64, cgo-free, without the RPC mode provided.al2023 never uses.
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags="-s -w -buildid="

.PHONY: run test soak fuzz bench bench-bootstraps tools vet fmt-check tidy openapi build $(addprefix build-function-,$(FUNCTIONS))

run:
	$(GO) run ./infra/local

test: fmt-check vet tools
	$(GO) test -count=1 ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT)

# soak: the long variants of the crash, fault and race tests, which read IPS_SOAK=1: 50 kills
# of 8 writers instead of 5 of 4, every write interrupted in all four fault modes instead of
# two, 16 racers in 25 rounds instead of 8 in 2. A few minutes; it prints each test's figures
# and failures (README, "What we test"). `make test` runs the same tests in their short variants.
SOAK_RUN := Kill9|EveryWriteOf|Interrupted|Concurrent|Racing|Duplicate
soak: tools
	set -o pipefail; IPS_SOAK=1 $(GO) test -count=1 -timeout=90m -v -run '$(SOAK_RUN)' \
		./infra/local ./shared/httpapi ./shared/deadlines ./shared/caps 2>&1 | \
		grep -E '^(--- (PASS|FAIL): Test|ok|FAIL|panic)|^ +[a-z0-9_]+_test\.go:[0-9]+: ' | grep -v -- '--- PASS: Test.*/'

# fuzz: every native fuzz target, each `func FuzzX(f *testing.F)` of a _test.go file, found by
# grep (a new target is fuzzed without being listed here), one per `go test` run as Go requires,
# for FUZZTIME each; `make test` runs them for FUZZTIME_SHORT after the tests. A failing input
# is written to the package's testdata/fuzz/FuzzX/ and fails the run; commit it with the fix.
# Go 1.26's coordinator can race its own -fuzztime deadline and fail a run with a bare "context
# deadline exceeded" and no failing input (go.dev/issue/75804, fixed in Go 1.27): that, and only
# that, is reported and passed over.
FUZZTIME ?= 60s
FUZZTIME_SHORT ?= 2s
# Go minimises every new interesting input for up to 60 s by default, which would eat a short run.
FUZZMINIMIZETIME ?= 2s
fuzz:
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=tools --exclude-dir=node_modules \
		'^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . | sort | \
	while IFS=: read -r file decl; do \
		name=$${decl#func }; name=$${name%%(*}; dir=$$(dirname "$$file"); \
		echo "fuzz $$name ($$dir) for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) "$$dir" >"$$log" 2>&1; \
		status=$$?; grep -v '^fuzz: elapsed' "$$log"; \
		execs=$$(grep -o 'execs: [0-9]*' "$$log" | tail -1 | cut -d' ' -f2); \
		echo "fuzz $$name: $${execs:-0} execs beyond its corpus"; \
		if [ $$status -ne 0 ]; then \
			if grep -q '^    context deadline exceeded$$' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
				echo "fuzz $$name: Go's deadline race (go.dev/issue/75804), no failing input"; \
			else exit 1; fi; \
		fi; \
	done

# bench: the figures of issue 10, each as a ratio to a baseline measured in the same run, printed
# and written to bench/results.md (README "Benchmarks"). tools: the dynalite sweep.
bench: tools
	$(GO) run ./bench

# tools: what the tests run beside Go, from tools/package-lock.json. dynalite keeps its data in
# memory, so the native LevelDB build its install script would make is skipped.
DYNALITE := tools/node_modules/dynalite/package.json
# versitygw, a Go S3 gateway, is the S3 the document store's tests run against
# (shared/docs3/s3test), installed into tools/bin with the Go toolchain. The stamp names the
# version, so changing VERSITYGW_VERSION (or deleting the binary) reinstalls it.
VERSITYGW_VERSION := v1.8.0
VERSITYGW := tools/bin/versitygw
VERSITYGW_STAMP := tools/bin/.versitygw-$(VERSITYGW_VERSION)
# chromium: Debian's package, which the browser tests (infra/local/browser_*_test.go) drive
# through chromedp (fonts-wqy-microhei so screenshots show Chinese); they fail, never skip,
# without it.
CHROMIUM := /usr/bin/chromium
tools: $(DYNALITE) $(VERSITYGW) $(CHROMIUM)
$(CHROMIUM):
	@echo "installing chromium (Debian package) for the browser tests"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei
$(DYNALITE): tools/package.json tools/package-lock.json
	@command -v npm >/dev/null || { echo "installing Node.js and npm (Debian packages)"; \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
		$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq nodejs npm; }
	npm ci --prefix tools --no-audit --no-fund --ignore-scripts
	@touch $@

$(VERSITYGW): $(VERSITYGW_STAMP)
	GOBIN=$(CURDIR)/tools/bin $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	@touch $@
$(VERSITYGW_STAMP):
	@mkdir -p tools/bin && rm -f tools/bin/.versitygw-* && touch $@

vet:
	$(GO) vet ./...

fmt-check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

# openapi: regenerate the OpenAPI document the filing function serves (shared/openapi), after a
# change to a route, a request or answer type, its comments, or policies/authz; a test fails
# while the committed document differs from what the code generates.
openapi:
	$(GO) run ./shared/openapi/gen

# -e: the module proxy refuses one test-only dependency of modernc.org/sqlite's own tests,
# which this module never builds.
tidy:
	$(GO) mod tidy -e

# lambda builds function $(1) into folder $(2) as a provided.al2023 bootstrap: arm64, as
# template.yaml deploys it; the artifact test sets LAMBDA_GOARCH to run it on this machine.
LAMBDA_GOARCH ?= arm64
# An optional package $(3) builds something other than a function the same way (make bench's
# hello-world baseline).
lambda = CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_GOARCH) $(GO) build $(LAMBDA_FLAGS) -o $(2)/bootstrap $(or $(3),./functions/$(1))

# build: every function's Lambda bootstrap under bin/<function>/.
build: $(addprefix build-function-,$(FUNCTIONS))

# bench-bootstraps: the cold starts make bench measures, every function and the hello-world
# baseline built by the lambda macro into BENCH_BIN/<name>/ (the bench sets LAMBDA_GOARCH to
# this machine's, so they run here).
bench-bootstraps:
	$(foreach f,$(FUNCTIONS),$(call lambda,$(f),$(BENCH_BIN)/$(f)) && ) \
	$(call lambda,hellolambda,$(BENCH_BIN)/hellolambda,./bench/testdata/hellolambda)

$(addprefix build-function-,$(FUNCTIONS)): build-function-%:
	$(call lambda,$*,bin/$*)

# SAM's BuildMethod: makefile calls build-<LogicalId> with ARTIFACTS_DIR set.
build-FilingFunction:
	$(call lambda,filing,$(ARTIFACTS_DIR))

build-AnnualReportFunction:
	$(call lambda,annual-report,$(ARTIFACTS_DIR))

build-DeadlineJan31Function:
	$(call lambda,deadline-jan31,$(ARTIFACTS_DIR))

build-DeadlineJun30Function:
	$(call lambda,deadline-jun30,$(ARTIFACTS_DIR))

build-SubsidyClaimFunction:
	$(call lambda,subsidy-claim,$(ARTIFACTS_DIR))

build-ClusterApplicationFunction:
	$(call lambda,cluster-application,$(ARTIFACTS_DIR))
