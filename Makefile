# simdpool: generate the assembly kernels, test, refresh the golden copy, compare with PyTorch.

.PHONY: generate generate-go generate-amd64 generate-neon test race fuzz-smoke staticcheck vulncheck golden golden-check golden-nhwc compare ci

# generate rewrites every generated kernel file from its generator in asm/.
generate: generate-go generate-amd64 generate-neon

# The Go side of the pure-Go kernels of the table (asm/table): table_go.go.
generate-go:
	cd asm && go run ./gotable

# The AVX2 and AVX-512 kernels (avo, asm/amd64): pool_amd64.s, its declarations
# pool_amd64.go, and their part of the table, table_amd64.go.
generate-amd64:
	cd asm && go run ./amd64 -pkg simdpool -out ../pool_amd64.s -stubs ../pool_amd64.go

# The NEON kernels (our emitter, asm/neon): pool_arm64.s, its declarations
# pool_arm64.go, and their part of the table, table_arm64.go.
generate-neon:
	cd asm && go run ./neon

# The tests: every package (golden conformance per ISA, differential tests
# against the generic kernels, guard pages), the generators' own tests, and the
# conformance check of the command on the generic kernels (bit-exact rules) and
# on the best ISA here (SIMD tolerances); it ends with "N passed, M failed".
test:
	go test ./...
	cd asm && go test ./...
	SIMDPOOL_ISA=generic go run ./cmd/simdpool verify -golden testdata/golden
	go run ./cmd/simdpool verify -golden testdata/golden
	go run ./cmd/simdpool verify -layout nhwc -golden testdata/golden
	go run ./cmd/simdpool verify -layout nhwc -golden testdata/golden_nhwc

# race runs the tests with the race detector (cgo: needs gcc).
race:
	go test -race ./...

# fuzz-smoke runs every Fuzz target for FUZZTIME each (default 30000x, executions): make fuzz-smoke FUZZTIME=1000000x.
fuzz-smoke:
	bash .ci/fuzz-smoke.sh

# staticcheck and govulncheck, both pinned and fetched through the Go module
# proxy; vulncheck builds its database from the golang.org/x/vulndb module.
staticcheck:
	bash .ci/staticcheck.sh

vulncheck:
	bash .ci/vulncheck.sh

# golden refreshes testdata/golden/*.json.gz from the PyTorch vectors in GOLDEN_SRC;
# golden-check fails when the copy differs from them.
GOLDEN_SRC ?= ../shared/golden

golden:
	rm -f testdata/golden/*.json.gz
	for f in $(GOLDEN_SRC)/*.json; do gzip -9 -n -c "$$f" > "testdata/golden/$$(basename "$$f").gz" || exit 1; done

golden-check:
	@for f in $(GOLDEN_SRC)/*.json; do \
		gzip -dc "testdata/golden/$$(basename "$$f").gz" | cmp -s - "$$f" || { echo "testdata/golden is out of date with $$f: run make golden" >&2; exit 1; }; \
	done
	@n=$$(ls testdata/golden/*.json.gz | wc -l); m=$$(ls $(GOLDEN_SRC)/*.json | wc -l); \
	[ "$$n" -eq "$$m" ] || { echo "testdata/golden has $$n files, $(GOLDEN_SRC) has $$m: run make golden" >&2; exit 1; }

# golden-nhwc records testdata/golden_nhwc/channels_last.json.gz: PyTorch 1.13 on
# channels_last inputs (Debian's python3-torch).
golden-nhwc:
	$(PYTHON) testdata/golden_nhwc/record.py

# compare runs PyTorch 1.13 (Debian's python3-torch; 1 thread, NCHW and channels_last)
# on the suite next to simdpool and prints the joined table: make compare [CASES=S1,S4].
PYTHON ?= /usr/bin/python3
CASES ?=

compare:
	@command -v $(PYTHON) >/dev/null || { echo "make compare: $(PYTHON) not found; it needs Debian's PyTorch: apt-get install -y python3-torch" >&2; exit 1; }
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	$(PYTHON) compare/torch_bench.py $(if $(CASES),--cases $(CASES)) >"$$d/torch.jsonl" && \
	go run ./cmd/simdpool bench -json $(if $(CASES),-cases $(CASES)) >"$$d/simdpool.jsonl" && \
	go run ./compare "$$d/simdpool.jsonl" "$$d/torch.jsonl"

# ci is what CI runs on a clean clone.
ci:
	bash .ci/run
