# scim-callout: `make run` starts the product on embedded defaults, `make test` runs every test.
SWIFT ?= swift
VENV ?= .venv
export SCIM_CALLOUT_VENV := $(abspath $(VENV))

.PHONY: setup build release test run bench fuzz clean

setup:
	@scripts/setup.sh

build: setup
	@echo "==> swift build (first build takes a few minutes)"
	$(SWIFT) build

release: setup
	@echo "==> swift build -c release (first build takes a few minutes)"
	$(SWIFT) build -c release

# Every test: unit, integration against a real nats-server and nats-py, SCIM conformance.
# The compose, alert-rule, dashboard, layering and fuzzing checks run first, so the test
# runner's summary is the last thing printed.
test: setup
	@scripts/check-compose.sh
	@scripts/check-monitoring.sh
	@python3 scripts/check-architecture.py --self-test
	@python3 scripts/check-architecture.py
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-10} scripts/fuzz.sh
	@echo "==> swift build --build-tests (first build takes a few minutes)"
	$(SWIFT) build --build-tests
	@echo "==> swift test"
	$(SWIFT) test --skip-build

run: release
	@scripts/run-demo.sh

bench: release
	@scripts/bench.sh

# libFuzzer harnesses (Fuzz/), FUZZ_SECONDS each (default 60); see docs/fuzzing.md.
fuzz: setup
	@scripts/fuzz.sh

clean:
	rm -rf .build .build-fuzz
