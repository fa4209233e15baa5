#!/usr/bin/env bash
# Platform matrix (issue 4): go vet and go build on every GOARCH we promise,
# with and without -tags purego; the arm64 suite under qemu-aarch64-static with
# NEON and with the generic kernels; the generic suite under qemu for s390x
# (big-endian) and riscv64; the NEON emitter's own tests.
# 386 is build and vet only: Go's 386 binaries crash under qemu-i386 7.2.
# Usage: bash .ci/matrix.sh   (from anywhere; installs qemu-user-static if missing)
set -uo pipefail
cd "$(dirname "$0")/.."

pass=0
fail=0
failed=()
step() { # step NAME CMD...: run, log, count
	local name=$1
	shift
	local t0=$SECONDS
	if "$@" >/tmp/matrix-step.log 2>&1; then
		pass=$((pass + 1))
		echo "PASS ${name} ($((SECONDS - t0))s)"
	else
		fail=$((fail + 1))
		failed+=("$name")
		echo "FAIL ${name} ($((SECONDS - t0))s)"
		tail -n 40 /tmp/matrix-step.log | sed 's/^/    /'
	fi
}

need_qemu() {
	command -v qemu-aarch64-static >/dev/null && command -v qemu-s390x-static >/dev/null &&
		command -v qemu-riscv64-static >/dev/null && return 0
	echo "installing qemu-user-static"
	export DEBIAN_FRONTEND=noninteractive
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO apt-get update -qq && $SUDO apt-get install -y -qq qemu-user-static >/dev/null
}
need_qemu || echo "warning: could not install qemu-user-static"

# 1. vet and build
targets="linux/amd64 linux/arm64 linux/386 linux/riscv64 linux/ppc64le linux/s390x linux/loong64 js/wasm darwin/arm64"
for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	for tags in "" purego; do
		name="$os/$arch${tags:+ -tags $tags}"
		step "vet   $name" env GOOS=$os GOARCH=$arch go vet ${tags:+-tags $tags} ./...
		step "build $name" env GOOS=$os GOARCH=$arch go build ${tags:+-tags $tags} ./...
	done
done

# 2. tests under emulation (natively where the host is that GOARCH)
host=$(go env GOHOSTARCH)
exec_for() { [ "$1" = "$host" ] && return 0; echo "-exec qemu-$1-static"; }
exec_arch() { # qemu binary name per GOARCH
	case $1 in arm64) echo aarch64 ;; *) echo "$1" ;; esac
}
run_tests() { # run_tests GOARCH ISA [go test flags...]
	local arch=$1 isa=$2
	shift 2
	local ex=""
	if [ "$arch" != "$host" ]; then
		ex="-exec qemu-$(exec_arch "$arch")-static"
	fi
	# SIMDPOOL_EXPECT makes TestExpectedISAs fail if NEON did not run
	# (TestNEONExpected checks the same from the arm64 side).
	local expect=""
	if [ "$arch" = arm64 ] && [ "$isa" != generic ] && [[ " $* " != *" purego "* ]]; then
		expect=neon
	fi
	if [ "$isa" = default ]; then
		env -u SIMDPOOL_ISA SIMDPOOL_EXPECT=$expect GOARCH=$arch go test -count=1 $ex "$@" ./...
	else
		env SIMDPOOL_ISA=$isa SIMDPOOL_EXPECT=$expect GOARCH=$arch go test -count=1 $ex "$@" ./...
	fi
}
step "test  arm64 neon (qemu)" run_tests arm64 default
step "test  arm64 neon forced (qemu)" run_tests arm64 neon
step "test  arm64 generic (qemu)" run_tests arm64 generic
step "test  arm64 -tags purego (qemu)" run_tests arm64 default -tags purego -short
step "test  s390x generic (qemu, big-endian)" run_tests s390x generic -short
step "test  riscv64 generic (qemu)" run_tests riscv64 generic -short

# 3. the NEON emitter: encodings checked against llvm-mc's, generated files up to date
step "test  asm/neon emitter" bash -c 'cd asm && go test -count=1 ./neon'

echo
if [ "$fail" -ne 0 ]; then
	printf 'failed: %s\n' "${failed[@]}"
fi
echo "matrix: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
