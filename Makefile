# simdpool: generate the assembly kernels, test, refresh the golden copy, compare with PyTorch.

.PHONY: generate generate-go generate-amd64 generate-neon test race fuzz-smoke staticcheck vulncheck golden golden-check golden-nhwc onnx-golden onnx-golden-check compare ci

# generate rewrites every generated kernel file from its generator in asm/.
generate: generate-go generate-amd64 generate-neon

# The Go side of the pure-Go kernels of the table (asm/table): table_go.go.
generate-go:
	cd asm && go run ./gotable

# The AVX2 and AVX-512 kernels (avo, asm/amd64): pool_amd64.s, its declarations
# pool_amd64.go, and their part of the table, table_amd64.go; then seqpool's
# token-rows kernels, seqpool/rows_amd64.s and .go and seqpool/table_amd64.go
# (avo writes one package per run).
generate-amd64:
	cd asm && go run ./amd64 -pkg simdpool -out ../pool_amd64.s -stubs ../pool_amd64.go
	cd asm && go run ./amd64 -pkg seqpool -out ../seqpool/rows_amd64.s -stubs ../seqpool/rows_amd64.go

# The NEON kernels (our emitter, asm/neon): pool_arm64.s, its declarations
# pool_arm64.go, and their part of the table, table_arm64.go; and seqpool's
# token-rows kernels, seqpool/rows_arm64.s and .go and seqpool/table_arm64.go.
generate-neon:
	cd asm && go run ./neon

# The tests: every package (golden conformance per ISA and layout, forward
# and backward, differential tests against the generic kernels, guard pages),
# the generators' own tests, and the conformance check of the command on the
# generic kernels and on the best ISA here (the same exact rules on both), in
# both layouts, and on the ONNX cases; each check ends with "N passed, M
# failed".
test:
	go test ./...
	cd asm && go test ./...
	SIMDPOOL_ISA=generic go run ./cmd/simdpool verify -grad -golden testdata/golden
	go run ./cmd/simdpool verify -grad -golden testdata/golden
	go run ./cmd/simdpool verify -grad -layout nhwc -golden testdata/golden
	go run ./cmd/simdpool verify -layout nhwc -golden testdata/golden_nhwc
	SIMDPOOL_ISA=generic go run ./cmd/simdpool verify -onnx testdata/onnx
	go run ./cmd/simdpool verify -onnx testdata/onnx

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

# onnx-golden refreshes testdata/onnx from the ONNX pooling suite in ONNX_SRC:
# every file the cases read (cases/*.json, cases/data/*.bin and the node tests'
# .pb tensors), gzip-compressed under its name plus .gz; onnx-golden-check
# fails when the copy differs from them.
ONNX_SRC ?= ../shared/onnx
ONNX_FILES = cases/*.json cases/data/*.bin node-1.12/*/test_data_set_0/*.pb

onnx-golden:
	rm -rf testdata/onnx/cases testdata/onnx/node-1.12
	cd $(ONNX_SRC) && for f in $(ONNX_FILES); do \
		mkdir -p "$(CURDIR)/testdata/onnx/$$(dirname "$$f")" && gzip -9 -n -c "$$f" > "$(CURDIR)/testdata/onnx/$$f.gz" || exit 1; \
	done

onnx-golden-check:
	@cd $(ONNX_SRC) && for f in $(ONNX_FILES); do \
		gzip -dc "$(CURDIR)/testdata/onnx/$$f.gz" 2>/dev/null | cmp -s - "$$f" || { echo "testdata/onnx is out of date with $(ONNX_SRC)/$$f: run make onnx-golden" >&2; exit 1; }; \
	done
	@n=$$(find testdata/onnx -name '*.gz' | wc -l); m=$$(cd $(ONNX_SRC) && ls $(ONNX_FILES) | wc -l); \
	[ "$$n" -eq "$$m" ] || { echo "testdata/onnx has $$n files, $(ONNX_SRC) has $$m: run make onnx-golden" >&2; exit 1; }
# golden-nhwc records testdata/golden_nhwc/channels_last.json.gz: PyTorch 1.13 on
# channels_last inputs (Debian's python3-torch).
golden-nhwc:
	$(PYTHON) testdata/golden_nhwc/record.py

# compare runs PyTorch 1.13 (Debian's python3-torch; 1 thread, NCHW and channels_last)
# on the suite next to simdpool and prints the joined table: make compare [CASES=S1,S4];
# make compare PASS=backward compares the backward (autograd, NCHW) of the backward cases.
PYTHON ?= /usr/bin/python3
CASES ?=
PASS ?= forward

compare:
	@command -v $(PYTHON) >/dev/null || { echo "make compare: $(PYTHON) not found; it needs Debian's PyTorch: apt-get install -y python3-torch" >&2; exit 1; }
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	cases="$(CASES)" && if [ -z "$$cases" ] && [ "$(PASS)" = backward ]; then cases=$$(go run ./cmd/simdpool bench -pass backward -list | cut -d' ' -f1 | paste -sd, -); fi && \
	$(PYTHON) compare/torch_bench.py --pass $(PASS) $${cases:+--cases $$cases} >"$$d/torch.jsonl" && \
	go run ./cmd/simdpool bench -json -pass $(PASS) $${cases:+-cases $$cases} >"$$d/simdpool.jsonl" && \
	go run ./compare "$$d/simdpool.jsonl" "$$d/torch.jsonl"

# ci is what CI runs on a clean clone.
ci:
	bash .ci/run
