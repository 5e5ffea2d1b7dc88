#!/usr/bin/env bash
# Build the project's image here, without a registry (docs/image.md):
#
#   1. one Debian bookworm base made with `mmdebstrap --variant=minbase` from this machine's own
#      apt sources and `podman import`ed (python3.11, CA certificates): the runtime stage's base,
#      and the build stage's too, whose apt-get adds gcc, venv and headers (a second mmdebstrap
#      for a build base took 186 s cold, the apt-get 25 s);
#   2. the project's Dockerfile built on them with podman (runc; explicit ulimits; the host's CA
#      bundle mounted for pip, which may sit behind a TLS-intercepting proxy);
#   3. `podman save --format oci-archive`, the file the node's containerd imports.
#
# Output, in the cache ${TOUCHLINE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/image}:
# touchline.oci.tar (the image named localhost/touchline:${TOUCHLINE_IMAGE_TAG:-dev}), and
# image.env (IMAGE=, ARCHIVE=, SIZE_BYTES=). Each step is cached by a fingerprint of what decides
# its content; a second run with the same inputs only compares fingerprints. Podman keeps its
# storage inside the cache too (nothing under the host's /var/lib/containers).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${TOUCHLINE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/touchline/image}"
tag="${TOUCHLINE_IMAGE_TAG:-dev}"
image="localhost/touchline:$tag"
suite=bookworm
runtime_packages=python3,ca-certificates
# Documentation, manuals and translations are left out of the bases (dpkg path excludes).
dpkg_opts=(
    'path-exclude=/usr/share/doc/*' 'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*'
    'path-exclude=/usr/share/locale/*' 'path-include=/usr/share/locale/locale.alias'
    'path-exclude=/usr/share/lintian/*'
)

say() { echo "image: $*"; }
fail() {
    echo "image: ERROR: $*" >&2
    exit 1
}

pm() {
    podman --root "$cache/podman/root" --runroot "$cache/podman/run" --storage-driver overlay \
        --cgroup-manager cgroupfs --events-backend file "$@"
}

apt_sources() {
    # This machine's own Debian sources, passed to mmdebstrap as a file: no mirror is named here.
    local f
    for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
        if [[ -s "$f" ]]; then
            echo "$f"
            return
        fi
    done
    fail "no Debian apt sources on this machine"
}

ca_bundle() {
    local f
    for f in "${SSL_CERT_FILE:-}" /etc/ssl/certs/ca-certificates.crt; do
        if [[ -n "$f" && -s "$f" ]]; then
            echo "$f"
            return
        fi
    done
    fail "no CA bundle (set SSL_CERT_FILE)"
}

# Bump when make_base changes what it produces (the bases are slow to make: 3-5 minutes).
base_revision=1

base_fingerprint() {
    # What decides a base's content: the suite, its packages and dpkg options, the revision.
    { echo "$suite $1 $base_revision"; printf '%s\n' "${dpkg_opts[@]}"; } \
        | sha256sum | cut -c1-16
}

image_exists() { pm image exists "$1"; }

make_base() {
    local name="$1" packages="$2" fp ref tar opts=() e start
    fp="$(base_fingerprint "$packages")"
    ref="localhost/touchline-base-$name:$fp"
    if image_exists "$ref"; then
        say "base $ref cached" >&2
        echo "$ref"
        return
    fi
    for e in "${dpkg_opts[@]}"; do opts+=("--dpkgopt=$e"); done
    tar="$cache/base-$name.tar"
    start=$SECONDS
    say "mmdebstrap --variant=minbase $suite with $packages" >&2
    mmdebstrap --verbose --logfile="$cache/mmdebstrap-$name.log" --variant=minbase \
        --include="$packages" "${opts[@]}" \
        --aptopt='Acquire::Retries "3"' "$suite" "$tar" "$(apt_sources)" </dev/null >&2 \
        || fail "mmdebstrap of the $name base failed (log: $cache/mmdebstrap-$name.log)"
    pm import --quiet "$tar" "$ref" >/dev/null || fail "podman import of $tar failed"
    rm -f "$tar"
    say "  base $ref made in $((SECONDS - start)) s" >&2
    echo "$ref"
}

source_fingerprint() {
    # The files the Dockerfile copies, plus the Dockerfile, this script and the bases.
    (
        cd "$repo"
        # A symbolic link (bot/touchline_bot/builtin_config) counts by its target's name.
        git ls-files -z -- Dockerfile .dockerignore pyproject.toml setup.py README.md \
            bot operator config scripts/build-wheel.sh | while IFS= read -r -d '' f; do
            if [[ -L "$f" ]]; then echo "link $f -> $(readlink "$f")"; else sha256sum "$f"; fi
        done
        echo "$1 $2 $tag"
        cat "${BASH_SOURCE[0]}"
    ) | sha256sum | cut -c1-16
}

build_image() {
    local build_base="$1" runtime_base="$2" nofile nproc start
    # Within this machine's hard limits: podman's defaults ask for more than a process without
    # CAP_SYS_RESOURCE may set (runc failed "error setting rlimit type 6" for nproc 65535 under
    # a hard limit of 96363; 32768 works).
    nofile="$(ulimit -Hn)"
    nproc="$(ulimit -Hu)"
    [[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
    [[ "$nproc" == unlimited || "$nproc" -gt 32768 ]] && nproc=32768
    start=$SECONDS
    say "podman build $image (runc, nofile $nofile, nproc $nproc)"
    (
        cd "$repo"
        pm build --quiet --pull=never --runtime runc --network host --layers \
            --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc" \
            --volume "$(ca_bundle):/run/touchline-build/ca.crt:ro" \
            --build-arg PIP_CERT=/run/touchline-build/ca.crt \
            --build-arg "BUILD_IMAGE=$build_base" --build-arg "RUNTIME_IMAGE=$runtime_base" \
            --tag "$image" --file Dockerfile . >/dev/null
    ) || fail "podman build failed"
    say "  built in $((SECONDS - start)) s"
}

main() {
    command -v mmdebstrap >/dev/null && command -v podman >/dev/null \
        || fail "mmdebstrap and podman are needed: run scripts/node/install-deps.sh"
    mkdir -p "$cache"
    exec 9>"$cache/.lock"
    flock 9 || fail "could not lock $cache/.lock"
    local runtime_base build_base want archive="$cache/touchline.oci.tar" start size
    runtime_base="$(make_base runtime "$runtime_packages")"
    build_base="$runtime_base"
    want="$(source_fingerprint "$build_base" "$runtime_base")"
    if [[ -s "$archive" && -f "$cache/stamp" && "$(cat "$cache/stamp")" == "$want" ]] \
        && image_exists "$image"; then
        say "$image cached in $archive"
        return 0
    fi
    rm -f "$cache/stamp"
    build_image "$build_base" "$runtime_base"
    start=$SECONDS
    rm -f "$archive"
    pm save --quiet --format oci-archive --output "$archive" "$image" \
        || fail "podman save failed"
    size="$(pm image inspect --format '{{.Size}}' "$image")"
    printf 'IMAGE=%s\nARCHIVE=%s\nSIZE_BYTES=%s\n' "$image" "$archive" "$size" >"$cache/image.env"
    echo "$want" >"$cache/stamp"
    say "  saved in $((SECONDS - start)) s: $archive"
    say "$image: $((size / 1024 / 1024)) MiB uncompressed, archive $(($(stat -c %s "$archive") / 1024 / 1024)) MiB"
}

main "$@"
