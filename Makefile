# The README's two commands: `make report` and `make test`.
SWIFT ?= swift
RELEASE_BIN := .build/release

.PHONY: report test bench deps clean fuzz install

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

## Installs the binary in PREFIX/bin and its templates and math font in PREFIX/share/mle-report,
## where the binary finds them (so a copy outlives the checkout). PREFIX defaults to /usr/local.
PREFIX ?= /usr/local
install: deps
	$(SWIFT) build -c release --product mle-report
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/mle-report/Templates"
	install -m 755 $(RELEASE_BIN)/mle-report "$(PREFIX)/bin/mle-report"
	cp -R Templates/. "$(PREFIX)/share/mle-report/Templates/"
	@for f in /usr/share/texmf/fonts/opentype/public/tex-gyre-math/texgyredejavu-math.otf \
	          /usr/share/fonts/opentype/tex-gyre-math/texgyredejavu-math.otf; do \
	  if [ -f "$$f" ]; then install -m 644 "$$f" "$(PREFIX)/share/mle-report/texgyredejavu-math.otf"; break; fi; \
	done
	@echo "installed $(PREFIX)/bin/mle-report (templates in $(PREFIX)/share/mle-report)"

## Fuzzes the CSV, config, Mustache and TeX parsers and partial names with libFuzzer, FUZZ_SECONDS each
## (default 60). New inputs go to .build/fuzz-corpus; crashes to Fuzz/crashes/<target>-…,
## which `make test` replays (commit them once fixed).
FUZZ_SECONDS ?= 60
fuzz: deps
	$(SWIFT) build -c release --product mle-fuzz --build-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	@for t in csv stream config mustache tex partial; do \
	  mkdir -p .build/fuzz-corpus/$$t; \
	  echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  MLE_FUZZ_TARGET=$$t .build/fuzz/release/mle-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
	    -artifact_prefix=Fuzz/crashes/$$t- .build/fuzz-corpus/$$t Fuzz/corpus/$$t || exit 1; \
	done
