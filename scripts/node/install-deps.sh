#!/usr/bin/env bash
# Installs the Debian packages the node tier and the image build use (scripts/image/build.sh,
# scripts/node/prepare.sh, tests/node/): podman and buildah build the image, mmdebstrap makes
# its Debian base, runc runs the node's containers (under containerd built from its Go module),
# the CNI plugins wire pods, iptables and conntrack serve kube-proxy, uidmap for podman, and
# prometheus scrapes the node's pods (tests/node/prometheus.py runs it; the package's service is
# not used).
# Skips what is already there; nothing else on the host is configured or started.
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in podman buildah mmdebstrap runc containernetworking-plugins iptables conntrack \
    uidmap prometheus; do
    have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "node: installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null
