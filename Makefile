# scim-callout: `make run` starts the product on embedded defaults, `make test` runs every test.
SWIFT ?= swift
VENV ?= .venv
export SCIM_CALLOUT_VENV := $(abspath $(VENV))

.PHONY: setup build release test run bench clean

setup:
	@scripts/setup.sh

build: setup
	@echo "==> swift build (first build takes a few minutes)"
	$(SWIFT) build

release: setup
	@echo "==> swift build -c release (first build takes a few minutes)"
	$(SWIFT) build -c release

# Every test: unit, integration against a real nats-server and nats-py, SCIM conformance.
# The compose, alert-rule and dashboard checks run first so the test runner's summary is the last thing printed.
test: setup
	@scripts/check-compose.sh
	@scripts/check-monitoring.sh
	@echo "==> swift build --build-tests (first build takes a few minutes)"
	$(SWIFT) build --build-tests
	@echo "==> swift test"
	$(SWIFT) test --skip-build

run: release
	@scripts/run-demo.sh

bench: release
	@scripts/bench.sh

clean:
	rm -rf .build
