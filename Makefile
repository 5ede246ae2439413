# Two commands for a user: `make run` and `make test`.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

SAN_BUILD ?= build-asan

.PHONY: deps build run test test-sanitize fuzz-long clean

deps:
	@tools/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/rackscale run --out results/default --force

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite (unit tests, CLI scripts) plus the fuzz targets under ASan + UBSan,
# in a separate clang build. A sanitizer report in any process, even one whose
# failure a test expected, fails the target: reports are logged to files.
# SimGrid switches actor stacks itself: ASan then warns once per process that it
# ignores __asan_handle_no_return ("false positive error reports may follow");
# that warning alone is not a finding, every ERROR or UBSan runtime error is.
# (SimGrid's thread contexts, which ASan follows, hang `collective` under ASan.)
test-sanitize:
	@tools/install-deps.sh --sanitize
	@[ -f $(SAN_BUILD)/build.ninja ] || CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja \
	  -DRACKSCALE_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	rm -rf $(SAN_BUILD)/sanitizer-logs && mkdir -p $(SAN_BUILD)/sanitizer-logs
	cd $(SAN_BUILD) && ASAN_OPTIONS=log_path=$(CURDIR)/$(SAN_BUILD)/sanitizer-logs/asan$(ASAN_EXTRA) \
	  UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(SAN_BUILD)/sanitizer-logs/ubsan \
	  ctest --output-on-failure -j $(JOBS)
	@reports=$$(grep -l -E "ERROR: |runtime error: " $(SAN_BUILD)/sanitizer-logs/* 2>/dev/null); \
	  if [ -n "$$reports" ]; then head -50 $$reports; echo "test-sanitize: sanitizer reports above" >&2; exit 1; fi

# Long fuzzing (results/BENCHMARKS.md): FUZZ_SECONDS per target, one after another.
FUZZ_SECONDS ?= 600
fuzz-long: test-sanitize
	for f in tests/fuzz/corpus/*; do n=$$(basename $$f); \
	  tests/fuzz/run_fuzz.sh $(SAN_BUILD)/fuzz_$$n $$f $(SAN_BUILD)/fuzz/$$n $(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
