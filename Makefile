# sciml.cpp: the two commands of the README.
#   make demo   install what is missing, build and run the demos (ODE basics, then the UDE pipeline)
#   make test   install what is missing, build and run all tests
# Also: make test-sanitize (ASan + UBSan), make bench (races the competitors), make install PREFIX=...
#   make bench TORCHDIFFEQ_PATH=DIR also races torchdiffeq's gradients (DIR: a torchdiffeq checkout kept outside
#   the repository; without it, or without torch, that step says so and is skipped)
JOBS ?= $(shell nproc)
BUILD ?= build
PREFIX ?= /usr/local

.PHONY: demo test test-sanitize bench install deps clean fuzz

deps:
	@scripts/deps.sh core

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target demo ude_lotka_volterra
	./$(BUILD)/examples/demo
	./$(BUILD)/examples/ude_lotka_volterra --out $(BUILD)/ude_out

test: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-sanitize: deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DSCIML_SANITIZE=ON -DSCIML_BUILD_EXAMPLES=OFF
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ctest --output-on-failure -j $(JOBS)

bench:
	@scripts/deps.sh bench
	cmake -S . -B $(BUILD)-bench -DCMAKE_BUILD_TYPE=Release -DSCIML_BUILD_BENCH=ON -DSCIML_BUILD_TESTS=OFF
	cmake --build $(BUILD)-bench -j $(JOBS) --target bench_nonstiff bench_stiff bench_sciml sciml_python ude_lotka_volterra bench_ensemble_cpu
	./$(BUILD)-bench/bench/nonstiff/bench_nonstiff --out docs/benchmarks.md --csv bench/results
	/usr/bin/python3 bench/plot_nonstiff.py bench/results docs/img
	./$(BUILD)-bench/bench/stiff/bench_stiff --out docs/benchmarks-stiff.md --csv bench/results
	./$(BUILD)-bench/bench/sciml/bench_sciml --out docs/benchmarks-sciml.md --csv bench/results/sciml_gradients.csv
	/usr/bin/python3 bench/sciml/ude_recovery.py $(BUILD)-bench/examples/ude_lotka_volterra --append docs/benchmarks-sciml.md
	/usr/bin/python3 bench/sciml/race_torchdiffeq.py $(if $(TORCHDIFFEQ_PATH),--torchdiffeq $(TORCHDIFFEQ_PATH)) --sciml-csv bench/results/sciml_gradients.csv --append docs/benchmarks-sciml.md
	PYTHONPATH=$(BUILD)-bench/python /usr/bin/python3 bench/python/bench_python.py --out docs/benchmarks-python.md
	./$(BUILD)-bench/bench/ensemble/bench_ensemble_cpu --max-k 5 --wait-idle 600 --out docs/benchmarks-ensemble.md

# make fuzz: each libFuzzer harness of tests/fuzz (clang++, ASan + UBSan) for FUZZ_SECONDS; the corpus grows in
# $(FUZZ_DIR)/corpus/<harness>, crash files land in $(FUZZ_DIR)/crashes/<harness>/ (docs/fuzzing.md).
# FUZZ_HARNESSES=bytecode picks some of deserialize, bytecode, derivative.
FUZZ_SECONDS ?= 300
FUZZ_DIR ?= $(BUILD)-fuzz
FUZZ_HARNESSES ?=
# It then runs the Python property tests with Hypothesis's "long" profile (about 7 minutes; docs/fuzzing.md).
fuzz: deps $(BUILD)/CMakeCache.txt
	tests/fuzz/run_fuzzers.sh --dir $(FUZZ_DIR) --seconds $(FUZZ_SECONDS) --jobs $(JOBS) $(FUZZ_HARNESSES)
	cmake --build $(BUILD) -j $(JOBS) --target sciml_python
	SCIML_HYPOTHESIS_PROFILE=long PYTHONPATH=$(BUILD)/python /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python/test_properties.py

install: deps $(BUILD)/CMakeCache.txt
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-bench
