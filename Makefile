# The two commands a newcomer needs are `make run` and `make test` (README).
SHELL := bash
GO ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
# Lambda artifacts: arm64, cgo-free, without the RPC mode provided.al2023 never uses.
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags="-s -w -buildid="

.PHONY: run test tools vet fmt-check tidy build $(addprefix build-function-,$(FUNCTIONS))

run:
	$(GO) run ./infra/local

test: fmt-check vet tools
	$(GO) test -count=1 ./...

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

# -e: the module proxy refuses one test-only dependency of modernc.org/sqlite's own tests,
# which this module never builds.
tidy:
	$(GO) mod tidy -e

# lambda builds function $(1) into folder $(2) as a provided.al2023 bootstrap: arm64, as
# template.yaml deploys it; the artifact test sets LAMBDA_GOARCH to run it on this machine.
LAMBDA_GOARCH ?= arm64
lambda = CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_GOARCH) $(GO) build $(LAMBDA_FLAGS) -o $(2)/bootstrap ./functions/$(1)

# build: every function's Lambda bootstrap under bin/<function>/.
build: $(addprefix build-function-,$(FUNCTIONS))

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
