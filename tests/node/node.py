"""A real single Kubernetes node for the node tier: containerd, kube-scheduler, kubelet and
kube-proxy, and CoreDNS for the cluster's names, with a control plane of its own, all inside the
namespaces of ``netns``.

``running(workdir)`` makes the namespaces, starts the control plane there (the API server on the
node's address too, so pods reach it through the ``kubernetes`` Service), writes the node's
configuration under ``workdir``, starts containerd (Debian's runc, the CNI bridge), imports the
sandbox image and the project's image (``scripts/image/build.sh``) into it, starts the scheduler,
the kubelet and kube-proxy, waits until the node is Ready and yields a ``Node``. On exit it stops
everything, removes the pods' cgroups the kubelet made, and the namespaces go with their holder.
Facts this follows: docs/testing.md ("The node tier").
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import yaml

from tests.e2e import binaries, cluster, flags, processes
from tests.node import netns

NODE_NAME = "node-1"
POD_CIDR = "10.88.0.0/16"
API_PORT = 6443
KUBELET_PORT = 10250
# How often the kubelet resyncs pods, and so how soon a ConfigMap edit reaches a mounted volume
# (the default 1 m gives 60-80 s; docs/testing.md).
SYNC_FREQUENCY = "10s"
# CoreDNS answers on the node's address (port 53 of the node's own network namespace); pods get
# it as their nameserver (kubelet clusterDNS) with the usual search path of this domain.
CLUSTER_DOMAIN = "cluster.local"
DNS_READY_PORT = 10281
NODE_READY_SECS = 180.0
_CGROUP_ROOT = Path("/sys/fs/cgroup")


class NodeMissingError(RuntimeError):
    """The node's binaries or the image have not been prepared on this machine."""


def node_bin_dir() -> Path:
    """The prepared node ``bin/`` (scripts/node/prepare.sh); raises if incomplete."""
    pins = binaries.versions()
    explicit = os.environ.get("TOUCHLINE_NODE_CACHE")
    cache = (
        Path(explicit)
        if explicit
        else binaries.cache_dir(os.environ, pins).parent / f"node-{pins['K8S_VERSION']}"
    )
    names = (
        "kubelet", "kube-scheduler", "kube-proxy", "containerd", "containerd-shim-runc-v2",
        "coredns",
    )  # fmt: skip
    missing = [n for n in (*names, "ctr") if not os.access(cache / "bin" / n, os.X_OK)]
    if missing or not (cache / "pause.oci.tar").is_file():
        raise NodeMissingError(
            f"node binaries missing from {cache}: {', '.join(missing) or 'pause.oci.tar'}. "
            "Run `make node` (scripts/node/prepare.sh)."
        )
    return cache / "bin"


def image_env() -> dict[str, str]:
    """``image.env`` of the last ``scripts/image/build.sh`` run (IMAGE, ARCHIVE, SIZE_BYTES)."""
    explicit = os.environ.get("TOUCHLINE_IMAGE_CACHE")
    home = Path(os.environ.get("HOME", "~")).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "touchline" / "image"
    path = Path(explicit) if explicit else base
    env_file = path / "image.env"
    if not env_file.is_file():
        raise NodeMissingError(f"no image in {path}: run `make image` (scripts/image/build.sh)")
    pairs = (line.partition("=") for line in env_file.read_text().splitlines() if line)
    return {key: value for key, _, value in pairs}


@dataclasses.dataclass(frozen=True)
class Node:
    """The running node and its control plane."""

    plane: cluster.ControlPlane
    spaces: netns.Namespaces
    bin_dir: Path
    workdir: Path
    image: str
    ready_secs: float
    """From the kubelet's start to the node's Ready condition."""

    def ctr(self, *args: str) -> str:
        """Run ``ctr`` against the node's containerd (namespace ``k8s.io``)."""
        sock = "/run/containerd/containerd.sock"
        argv = (str(self.bin_dir / "ctr"), f"--address={sock}", "--namespace=k8s.io", *args)
        return self.spaces.run(*argv).stdout


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _containerd_config(workdir: Path) -> Path:
    pause = binaries.versions(Path(__file__).resolve().parents[2] / "scripts/node/versions.env")
    runtime = 'plugins."io.containerd.cri.v1.runtime"'
    text = f"""version = 3
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[{runtime}]
  # Without CAP_SYS_RESOURCE runc cannot lower a container's oom_score_adj.
  restrict_oom_score_adj = true
  enable_selinux = false
[{runtime}.containerd]
  default_runtime_name = "runc"
[{runtime}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[{runtime}.containerd.runtimes.runc.options]
  BinaryName = "{shutil.which("runc") or "runc"}"
  SystemdCgroup = false
[{runtime}.cni]
  bin_dirs = ["/usr/lib/cni"]
  conf_dir = "/etc/cni/net.d"
[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
[plugins."io.containerd.cri.v1.images".pinned_images]
  sandbox = "{pause["PAUSE_IMAGE"]}"
"""
    return _write(workdir / "containerd.toml", text)


def _cni_config(workdir: Path) -> None:
    bridge = {
        "cniVersion": "1.0.0",
        "name": "touchline-node",
        "plugins": [
            {
                "type": "bridge",
                "bridge": "cni0",
                "isGateway": True,
                "ipMasq": False,
                "hairpinMode": True,
                "ipam": {
                    "type": "host-local",
                    "ranges": [[{"subnet": POD_CIDR}]],
                    "routes": [{"dst": "0.0.0.0/0"}],
                },
            },
            {"type": "portmap", "capabilities": {"portMappings": True}},
        ],
    }
    _write(workdir / "etc-cni" / "net.d" / "10-bridge.conflist", json.dumps(bridge, indent=2))


def _kubelet_config(workdir: Path, ca: Path) -> Path:
    config = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        # This kind of machine has a hybrid cgroup v1 hierarchy (docs/testing.md).
        "failCgroupV1": False,
        "cgroupDriver": "cgroupfs",
        "containerRuntimeEndpoint": "unix:///run/containerd/containerd.sock",
        "address": netns.NODE_IP,
        "port": KUBELET_PORT,
        "readOnlyPort": 0,
        "healthzBindAddress": "127.0.0.1",
        "healthzPort": 10248,
        "authentication": {
            "anonymous": {"enabled": False},
            "webhook": {"enabled": True},
            "x509": {"clientCAFile": str(ca)},
        },
        "authorization": {"mode": "Webhook"},
        "syncFrequency": SYNC_FREQUENCY,
        "clusterDNS": [netns.NODE_IP],
        "clusterDomain": CLUSTER_DOMAIN,
        "resolvConf": str(_write(workdir / "resolv.conf", "options ndots:1\n")),
        "failSwapOn": False,
        "oomScoreAdj": 0,
        "serializeImagePulls": False,
        "evictionHard": {"memory.available": "50Mi", "nodefs.available": "1%"},
        "imageGCHighThresholdPercent": 100,
        "imageGCLowThresholdPercent": 99,
        "protectKernelDefaults": False,
        "maxPods": 40,
    }
    return _write(workdir / "kubelet.yaml", yaml.safe_dump(config))


def _corefile(workdir: Path, kubeconfig: Path) -> Path:
    """Service and Pod names of the cluster from the API server (as the admin); nothing is
    forwarded: the node has no route out, and a name outside the cluster is not found."""
    text = f""".:53 {{
    errors
    health 127.0.0.1:{DNS_READY_PORT - 1}
    ready 127.0.0.1:{DNS_READY_PORT}
    kubernetes {CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {{
        kubeconfig {kubeconfig}
    }}
    cache 5
    loadbalance
}}
"""
    return _write(workdir / "Corefile", text)


def _dns_ready(spaces: netns.Namespaces) -> bool:
    def get() -> bool:
        try:
            url = f"http://127.0.0.1:{DNS_READY_PORT}/ready"
            return httpx.get(url, timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False

    return spaces.call(get)


def _kube_proxy_config(workdir: Path, kubeconfig: Path) -> Path:
    config = {
        "apiVersion": "kubeproxy.config.k8s.io/v1alpha1",
        "kind": "KubeProxyConfiguration",
        "clientConnection": {"kubeconfig": str(kubeconfig)},
        "mode": "iptables",
        "hostnameOverride": NODE_NAME,
        "clusterCIDR": POD_CIDR,
        # Pods on one bridge: without br_netfilter the reply of a Service's backend would skip
        # the un-DNAT, so every Service connection is masqueraded through the node.
        "iptables": {"masqueradeAll": True},
        # Host-wide conntrack settings stay as they are (zero means: leave alone).
        "conntrack": {
            "maxPerCore": 0,
            "min": 0,
            "tcpEstablishedTimeout": "0s",
            "tcpCloseWaitTimeout": "0s",
        },
        "metricsBindAddress": "127.0.0.1:10249",
        "healthzBindAddress": "127.0.0.1:10256",
    }
    return _write(workdir / "kube-proxy.yaml", yaml.safe_dump(config))


def _node_ready(plane: cluster.ControlPlane) -> bool:
    got = plane.kubectl("get", "node", NODE_NAME, "-o", "json", check=False)
    if got.returncode != 0:
        return False
    conditions = json.loads(got.stdout)["status"].get("conditions", [])
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


def _kill_pods() -> None:
    """SIGKILL every process in the kubelet's cgroups: the pods' containers and pause."""
    for hierarchy in _CGROUP_ROOT.iterdir():
        top = hierarchy / "kubepods"
        if not top.is_dir():
            continue
        for procs in top.rglob("cgroup.procs"):
            with contextlib.suppress(OSError):
                for pid in procs.read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)


def _kill_namespace_members(spaces: netns.Namespaces) -> None:
    """SIGKILL what still runs in the node's mount namespace besides its holder: containerd's
    shims detach from their parent (new session), so stopping containerd leaves them."""
    try:
        ours = Path(f"/proc/{spaces.pid}/ns/mnt").readlink()
    except FileNotFoundError:
        return
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == spaces.pid:
            continue
        with contextlib.suppress(OSError):
            if (entry / "ns" / "mnt").readlink() == ours:
                os.kill(int(entry.name), signal.SIGKILL)


def _teardown(spaces: netns.Namespaces) -> None:
    """After the node's own processes stopped: no pod, shim or cgroup of it remains."""
    _kill_pods()
    _kill_namespace_members(spaces)
    processes.wait_until(lambda: not _pod_pids(), timeout_secs=30, what="pods killed")
    _remove_cgroups()


def _pod_pids() -> list[str]:
    found: list[str] = []
    for procs in (_CGROUP_ROOT / "pids" / "kubepods").rglob("cgroup.procs"):
        with contextlib.suppress(OSError):
            found += procs.read_text().split()
    return found


def _remove_cgroups() -> None:
    """The kubelet's cgroups (``kubepods``) outlive it: remove them, deepest first."""
    for hierarchy in _CGROUP_ROOT.iterdir():
        top = hierarchy / "kubepods"
        if not top.is_dir():
            continue
        for directory in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if directory.is_dir():
                with contextlib.suppress(OSError):
                    directory.rmdir()
        with contextlib.suppress(OSError):
            top.rmdir()


@contextlib.contextmanager
def running(workdir: Path, *, import_image: bool = True) -> Iterator[Node]:
    """Make the namespaces, start the control plane and the node; tear all of it down after."""
    node_bins = node_bin_dir()
    image = image_env() if import_image else {}
    with contextlib.ExitStack() as stack:
        spaces = netns.create(workdir / "ns")
        stack.callback(spaces.close)
        stack.callback(_teardown, spaces)
        ports = iter(range(20000, 21000))
        placement = cluster.Placement(
            prefix=spaces.prefix,
            # Inside the node's own network namespace: its loopback and the node's address.
            bind_address="0.0.0.0",
            advertise_address=netns.NODE_IP,
            extra_ips=(netns.NODE_IP, flags.KUBERNETES_SERVICE_IP),
            probe=spaces.probe,
            port=lambda: next(ports),
        )
        plane = stack.enter_context(cluster.running(workdir / "plane", placement=placement))
        logs = workdir / "logs"
        logs.mkdir(exist_ok=True)

        def launch(name: str, argv: list[str]) -> processes.Child:
            path = f"PATH={node_bins}:/usr/sbin:/usr/bin:/sbin:/bin"
            child = processes.start(name, ["env", path, *argv], logs, prefix=spaces.prefix)
            stack.callback(processes.stop, child)
            return child

        _cni_config(spaces.workdir)
        containerd = launch(
            "containerd",
            [str(node_bins / "containerd"), f"--config={_containerd_config(workdir)}"],
        )
        node = Node(plane, spaces, node_bins, workdir, image.get("IMAGE", ""), 0.0)
        processes.wait_until(
            lambda: spaces.run(str(node_bins / "ctr"), "version", check=False).returncode == 0,
            timeout_secs=60,
            what="containerd",
            watch=[containerd],
        )
        node.ctr("images", "import", str(node_bins.parent / "pause.oci.tar"))
        if image:
            node.ctr("images", "import", image["ARCHIVE"])
        admin = plane.kubeconfig
        coredns = launch(
            "coredns", [str(node_bins / "coredns"), "-conf", str(_corefile(workdir, admin))]
        )
        launch(
            "kube-scheduler",
            [
                str(node_bins / "kube-scheduler"),
                f"--kubeconfig={admin}",
                f"--authentication-kubeconfig={admin}",
                f"--authorization-kubeconfig={admin}",
                "--bind-address=127.0.0.1",
                "--secure-port=10259",
                "--leader-elect=false",
                "--v=1",
            ],
        )
        kubelet_started = time.monotonic()
        kubelet = launch(
            "kubelet",
            [
                str(node_bins / "kubelet"),
                f"--config={_kubelet_config(workdir, plane.pki.ca.cert)}",
                f"--kubeconfig={admin}",
                f"--hostname-override={NODE_NAME}",
                f"--node-ip={netns.NODE_IP}",
                f"--cert-dir={workdir / 'kubelet-pki'}",
                "--v=1",
            ],
        )
        proxy = launch(
            "kube-proxy",
            [str(node_bins / "kube-proxy"), f"--config={_kube_proxy_config(workdir, admin)}"],
        )
        spaces.run(
            "ip", "route", "add", flags.SERVICE_CIDR, "dev", "lo", "src", netns.NODE_IP, check=False
        )
        processes.wait_until(
            lambda: _node_ready(plane),
            timeout_secs=NODE_READY_SECS,
            what=f"node {NODE_NAME} Ready",
            watch=[containerd, kubelet, proxy],
        )
        processes.wait_until(
            lambda: _dns_ready(spaces), timeout_secs=60, what="CoreDNS ready", watch=[coredns]
        )
        yield dataclasses.replace(node, ready_secs=time.monotonic() - kubelet_started)
