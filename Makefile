# Guichet — two commands for a newcomer: `make run` and `make test`.
SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: setup deps model build run test bench clean install resilience

deps:
	@bash scripts/install-deps.sh

model: deps
	@bash scripts/setup-model.sh

build: deps
	$(SWIFT) build

setup: build model

## Set everything up, then run the daemon on ./Watch → ./Output with the bundled local model.
run: setup
	$(SWIFT) run guichet run $(ARGS)

## Set everything up, then run every test (the real local model included). Tests run one at a
## time: several spawn the daemon, LibreOffice or the model, and on 2 cores parallel runs starve
## each other into timeouts.
test: setup
	@bash scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	GUICHET_BIN="$$($(SWIFT) build --show-bin-path)/guichet" GUICHET_REQUIRE_MODEL=1 GUICHET_REQUIRE_BROWSER=1 $(SWIFT) test --no-parallel

## The resilience suite in full (CI runs it smaller, inside `make test`): repeated kill -9,
## a flood of files, model faults (a 60 s outage, 429, 500, hangs, malformed bodies), SIGTERM
## mid-batch, a full state disk (tmpfs; needs root, skipped otherwise); prints the figures.
resilience: build
	$(SWIFT) build --build-tests
	GUICHET_RESILIENCE_FULL=1 GUICHET_BIN="$$($(SWIFT) build --show-bin-path)/guichet" $(SWIFT) test --no-parallel --filter ResilienceTests 2>&1 | grep -E "resilience/|Test run|✘"

## Benchmarks (figures printed, never asserted), side by side with pandoc and pdftotext.
bench: deps
	@command -v pandoc >/dev/null || { [ "$$(id -u)" -eq 0 ] && apt-get install -y -qq --no-install-recommends pandoc >/dev/null || echo "pandoc missing: no side-by-side Markdown figure"; }
	$(SWIFT) build -c release --product guichet-bench
	$(SWIFT) build -c release --product guichet
	"$$($(SWIFT) build -c release --show-bin-path)/guichet-bench"

## Install as a systemd service (root): /usr/local/bin/guichet, /etc/guichet, /var/lib/guichet.
install: deps
	$(SWIFT) build -c release --product guichet
	bash scripts/install.sh "$$($(SWIFT) build -c release --show-bin-path)/guichet"

clean:
	rm -rf .build
