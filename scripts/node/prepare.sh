#!/usr/bin/env bash
# Prepare the real Kubernetes node of the node tier (tests/node/), beside the control plane of
# scripts/k8s/prepare.sh:
#
#   kubelet, kube-scheduler, kube-proxy   go build of k8s.io/kubernetes (scripts/k8s/gomod, the
#                                          control plane's module and pin)
#   containerd, containerd-shim-runc-v2,  go build of github.com/containerd/containerd/v2
#   ctr                                    (scripts/node/containerd), cgo off
#   coredns                                go build of github.com/coredns/coredns
#                                          (scripts/node/coredns: the plugins the node uses), cgo off
#   pause.oci.tar                          scripts/node/pause.c built static, packed by podman
#
# runc, the CNI plugins, iptables and conntrack are Debian's (scripts/node/install-deps.sh).
# Binaries go to ${TOUCHLINE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/node-<version>}
# under bin/, with a stamp of what built them: a second run with the same inputs only checks the
# stamp. Exits non-zero with a message naming the failed step.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s="$here/../k8s"
# shellcheck source=../k8s/versions.env
source "$k8s/versions.env"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${TOUCHLINE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/node-$K8S_VERSION}"
bin="$cache/bin"
stamp="$cache/stamp"
binaries=(kubelet kube-scheduler kube-proxy containerd containerd-shim-runc-v2 ctr coredns pause)

say() { echo "node: $*"; }
fail() {
    echo "node: ERROR: $*" >&2
    echo "node: the node tier needs these binaries; fix the cause above and run 'make node'." >&2
    exit 1
}

fingerprint() {
    cat "$k8s/versions.env" "$k8s/gomod/go.mod" "$k8s/gomod/go.sum" "$here/versions.env" \
        "$here/containerd/go.mod" "$here/containerd/go.sum" "$here/coredns/go.mod" \
        "$here/coredns/go.sum" "$here/coredns/main.go" "$here/pause.c" "${BASH_SOURCE[0]}" \
        | sha256sum | cut -d' ' -f1
}

all_present() {
    local name
    for name in "${binaries[@]}"; do
        [[ -x "$bin/$name" ]] || return 1
    done
    [[ -s "$cache/pause.oci.tar" ]]
}

go_env() {
    if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
        PATH="/usr/local/go/bin:$PATH"
    fi
    command -v go >/dev/null || fail "no Go toolchain on PATH (needed to build the kubelet)"
}

build_kube() {
    say "building kubelet, kube-scheduler, kube-proxy ($K8S_VERSION) from scripts/k8s/gomod"
    local v=k8s.io/component-base/version minor="${K8S_VERSION#v1.}" start=$SECONDS
    local ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=${minor%%.*}"
    ldflags+=" -X $v.gitTreeState=clean"
    (
        cd "$k8s/gomod"
        GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 go build -trimpath \
            -ldflags "$ldflags" -o "$bin/" k8s.io/kubernetes/cmd/kubelet \
            k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy
    ) || fail "go build of kubelet, kube-scheduler, kube-proxy failed"
    say "  built in $((SECONDS - start)) s"
}

build_containerd() {
    say "building containerd $CONTAINERD_VERSION (cgo off) from scripts/node/containerd"
    local pkg=github.com/containerd/containerd/v2 start=$SECONDS
    local ldflags="-s -w -X $pkg/version.Version=$CONTAINERD_VERSION"
    grep -q "$pkg $CONTAINERD_VERSION" "$here/containerd/go.mod" \
        || fail "scripts/node/containerd/go.mod does not pin containerd $CONTAINERD_VERSION"
    (
        cd "$here/containerd"
        CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 \
            go build -trimpath -tags "no_btrfs no_devmapper no_zfs" -ldflags "$ldflags" \
            -o "$bin/" "$pkg/cmd/containerd" "$pkg/cmd/containerd-shim-runc-v2" "$pkg/cmd/ctr"
    ) || fail "go build of containerd failed"
    say "  built in $((SECONDS - start)) s"
}

build_coredns() {
    say "building CoreDNS $COREDNS_VERSION (cgo off) from scripts/node/coredns"
    local start=$SECONDS
    grep -q "github.com/coredns/coredns $COREDNS_VERSION" "$here/coredns/go.mod" \
        || fail "scripts/node/coredns/go.mod does not pin CoreDNS $COREDNS_VERSION"
    (
        cd "$here/coredns"
        CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 \
            go build -trimpath -ldflags "-s -w" -o "$bin/coredns" .
    ) || fail "go build of CoreDNS failed"
    say "  built in $((SECONDS - start)) s"
}

build_pause() {
    say "building the pause image $PAUSE_IMAGE"
    local tmp start=$SECONDS
    tmp="$(mktemp -d)"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    gcc -static -Os -s -o "$bin/pause" "$here/pause.c" || fail "gcc -static of pause.c failed"
    mkdir -p "$tmp/root"
    cp "$bin/pause" "$tmp/root/pause"
    tar -C "$tmp/root" -cf "$tmp/pause.tar" pause
    local pm=(podman --root "$tmp/podman" --runroot "$tmp/podman-run" --storage-driver vfs
        --cgroup-manager cgroupfs --events-backend file)
    "${pm[@]}" import --quiet --change 'ENTRYPOINT ["/pause"]' "$tmp/pause.tar" "$PAUSE_IMAGE" \
        >/dev/null || fail "podman import of the pause image failed"
    rm -f "$cache/pause.oci.tar"
    "${pm[@]}" save --quiet --format oci-archive --output "$cache/pause.oci.tar" "$PAUSE_IMAGE" \
        || fail "podman save of the pause image failed"
    "${pm[@]}" rmi --all --force >/dev/null 2>&1 || true
    say "  built in $((SECONDS - start)) s"
}

check_versions() {
    "$bin/kubelet" --version | grep -q "$K8S_VERSION" || fail "kubelet does not report $K8S_VERSION"
    "$bin/containerd" --version | grep -q "$CONTAINERD_VERSION" \
        || fail "containerd does not report $CONTAINERD_VERSION"
    # Captured first: grep -q would close the pipe on coredns's second line (SIGPIPE, pipefail).
    [[ "$("$bin/coredns" -version)" == *"CoreDNS-${COREDNS_VERSION#v}"* ]] \
        || fail "coredns does not report $COREDNS_VERSION"
    command -v runc >/dev/null || fail "no runc: run scripts/node/install-deps.sh"
    [[ -x /usr/lib/cni/bridge ]] || fail "no CNI plugins: run scripts/node/install-deps.sh"
    say "  $("$bin/kubelet" --version), containerd $CONTAINERD_VERSION, CoreDNS $COREDNS_VERSION, $(runc --version | head -1)"
}

main() {
    local want
    want="$(fingerprint)"
    if all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "node $K8S_VERSION cached in $bin"
        return 0
    fi
    mkdir -p "$bin"
    exec 9>"$cache/.lock"
    say "taking the lock $cache/.lock (waits if another prepare is running)"
    flock 9 || fail "could not lock $cache/.lock"
    if all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "node $K8S_VERSION prepared meanwhile by another run"
        return 0
    fi
    rm -f "$stamp"
    go_env
    build_kube
    build_containerd
    build_coredns
    build_pause
    check_versions
    echo "$want" >"$stamp"
    say "node $K8S_VERSION ready in $bin"
}

main "$@"
