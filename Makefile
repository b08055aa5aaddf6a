# The README's two commands: `make report` and `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: report test bench deps clean

deps:
	@./scripts/install-deps.sh

## Builds in release mode and writes the default report to Output/.
report: deps
	$(SWIFT) build -c release --product mle-report
	$(RELEASE_BIN)/mle-report

## Runs the whole test suite, then checks that the committed Output/ is current.
test:
	@./scripts/install-deps.sh --browser
	$(SWIFT) build -c release --product mle-report
	MLE_REPORT_BINARY=$(CURDIR)/$(RELEASE_BIN)/mle-report $(SWIFT) test --disable-swift-testing
	$(RELEASE_BIN)/mle-report --check --quiet

## Times the default run and the fits at n = 10^3 … 10^7 (release mode).
bench: deps
	$(SWIFT) build -c release --product mle-report
	$(SWIFT) build -c release --product mle-bench
	$(RELEASE_BIN)/mle-bench --report-binary $(RELEASE_BIN)/mle-report | tee Benchmarks/results.md

clean:
	rm -rf .build
