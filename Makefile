# LiveSolve: the two commands a fresh Debian machine needs are `make run` and `make test`.
# Each installs the system packages it needs first (as root, or through sudo).

SWIFT ?= swift
APT_PACKAGES := coinor-libclp-dev coinor-libcbc-dev librabbitmq-dev rabbitmq-server iproute2 pkg-config zlib1g-dev libsqlite3-dev openssl curl
BROWSER_PACKAGES := chromium chromium-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STREAMS ?= Benchmarks/streams
LADDER := afiro adlittle ship12l 80bau3b d2q06c dfl001

.PHONY: deps browser-deps highs-deps python-deps build release run example test fuzz fuzz-build bench bench-server clean

## deps: install CLP, CBC, rabbitmq-c, RabbitMQ (for the remote-worker tests), zlib and pkg-config from Debian when missing.
deps:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
		echo "installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(APT_PACKAGES); }

## browser-deps: headless Chromium, its driver and Python selenium for the dashboard test.
browser-deps:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
		echo "installing $(BROWSER_PACKAGES)"; \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES); }
	@python3 -c "import selenium, pytest" 2>/dev/null \
		|| python3 -m pip install --quiet selenium pytest 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages selenium pytest 2>/dev/null \
		|| $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-selenium python3-pytest

## highs-deps: HiGHS's Python package, the reference reader of the LP differential test (Tests/lp).
HIGHSPY := highspy==1.16.0
highs-deps:
	@python3 -c "import highspy" 2>/dev/null \
		|| python3 -m pip install --quiet "$(HIGHSPY)" 2>/dev/null \
		|| python3 -m pip install --quiet --break-system-packages "$(HIGHSPY)"

## python-deps: what the Python client and its tests use (websockets, Pyomo, schemathesis for the
## OpenAPI check), then the client itself (clients/python), installed again each time from the tree.
PYTHON_PACKAGES := websockets==17.4 pyomo==6.10.1 schemathesis==4.32.5 pyyaml
PIP := python3 -m pip install --quiet
python-deps: highs-deps
	@python3 -c "import websockets, pyomo, schemathesis, yaml" 2>/dev/null \
		|| $(PIP) $(PYTHON_PACKAGES) 2>/dev/null \
		|| $(PIP) --break-system-packages $(PYTHON_PACKAGES)
	@$(PIP) --no-deps --force-reinstall ./clients/python 2>/dev/null \
		|| $(PIP) --break-system-packages --no-deps --force-reinstall ./clients/python
	@rm -rf clients/python/build

build: deps
	$(SWIFT) build

## Release builds skip Swift's run-time exclusivity checks, in our modules and SwiftNIO's alike
## (the compile-time ones stay): swift_beginAccess sat on every class property access of the
## update path, about 10 µs of W1's 170 µs per step here. They also optimize across modules,
## so SwiftNIO's and Hummingbird's generic code is specialized into ours instead of going
## through run-time metadata: W1 overhead medians of 8 alternating rounds, afiro 79.0 -> 75.1 µs,
## adlittle 92.8 -> 82.6 µs.
RELEASE_FLAGS := -Xswiftc -enforce-exclusivity=unchecked -Xswiftc -cross-module-optimization

release: deps
	$(SWIFT) build -c release --product livesolve $(RELEASE_FLAGS)

## run: the server on http://127.0.0.1:8080/ (Config/livesolve.yaml; override keys as ARGS="--http-port 9000").
run: release
	.build/release/livesolve serve $(ARGS)

## example: solve the bundled refinery example once and print the plan.
example: release
	.build/release/livesolve solve Public/examples/refinery.json --values

## test: every test: Swift (real CLP and CBC, workers, sockets), the LP reader and small MIPs against HiGHS,
## the dashboard in headless Chromium, the Python client and Pyomo bridge, the OpenAPI document, the docs' commands and the examples.
test: build browser-deps python-deps fuzz-build
	$(SWIFT) test
	python3 -m pytest -q Tests/lp Tests/mip Tests/browser clients/python/tests Tests/api Tests/docs Tests/examples
	Fuzz/run $(TEST_FUZZ_SECONDS)

## fuzz: each libFuzzer target (Fuzz/Targets) for SECONDS (default 60) from its corpus;
## fails on a crash, leak or timeout, keeping the input in Fuzz/Crashes/.
SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 20
fuzz: fuzz-build
	Fuzz/run $(SECONDS)

# The targets are built with swiftc from the sources they read (an instrumented
# LiveSolveModel, then each target): SwiftPM would instrument every dependency.
SWIFTC ?= swiftc
FUZZ_FLAGS := -sanitize=fuzzer,address -parse-as-library -Onone -g
FUZZ_IPC := $(filter-out %/FrameChannel.swift %/WorkerClient.swift,$(wildcard Sources/LiveSolveWorkerIPC/*.swift))
fuzz-build:
	@mkdir -p .build/fuzz
	$(SWIFTC) $(FUZZ_FLAGS) -emit-library -static -emit-module -module-name LiveSolveModel Sources/LiveSolveModel/*.swift \
		-emit-module-path .build/fuzz/LiveSolveModel.swiftmodule -o .build/fuzz/libLiveSolveModel.a
	@for t in json lp mps; do \
		$(SWIFTC) $(FUZZ_FLAGS) -I .build/fuzz Fuzz/Targets/$$t.swift .build/fuzz/libLiveSolveModel.a -o .build/fuzz/$$t || exit 1; \
	done
	$(SWIFTC) $(FUZZ_FLAGS) -I .build/fuzz Fuzz/Targets/update.swift Sources/LiveSolveServer/Protocol/QuickUpdateReader.swift \
		Sources/LiveSolveServer/Protocol/EchoedID.swift .build/fuzz/libLiveSolveModel.a -o .build/fuzz/update
	$(SWIFTC) $(FUZZ_FLAGS) -I .build/fuzz Fuzz/Targets/frames.swift $(FUZZ_IPC) .build/fuzz/libLiveSolveModel.a -o .build/fuzz/frames

## bench: `bench solver` on every ladder stream, through a worker and in-process.
bench: release
	@for m in $(LADDER); do \
		.build/release/livesolve bench solver --stream $(STREAMS)/$$m.jsonl.gz --json; \
		.build/release/livesolve bench solver --stream $(STREAMS)/$$m.jsonl.gz --json --in-process; \
	done

## bench-server: W1-W4 of bench/WORKLOAD.md against a server each run starts.
bench-server: release
	@for m in afiro adlittle; do .build/release/livesolve bench w1 --stream $(STREAMS)/$$m.jsonl.gz --json; done
	.build/release/livesolve bench w2 --stream $(STREAMS)/adlittle.jsonl.gz --rate 10000 --seconds 10 --json
	@for s in 100 1000 10000; do .build/release/livesolve bench w3 --subscribers $$s --rate 10 --seconds 10 --json; done
	.build/release/livesolve bench w4 --json

clean:
	rm -rf .build
