"""Command lines and kubeconfig files of the end-to-end control plane's processes.

Everything listens on 127.0.0.1 only. etcd skips fsync (test data is thrown away);
kube-apiserver authenticates client certificates and ServiceAccount tokens and authorizes
with RBAC; kube-controller-manager runs every default controller with per-controller
ServiceAccount credentials and no leader election.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.e2e import pki

_SA_ISSUER = "https://kubernetes.default.svc.cluster.local"
SERVICE_CIDR = "10.0.0.0/24"
# The ClusterIP of the ``kubernetes`` Service: the first address of SERVICE_CIDR.
KUBERNETES_SERVICE_IP = "10.0.0.1"


def kubeconfig(server: str, ca: Path, user: dict[str, str]) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "e2e", "cluster": {"server": server, "certificate-authority": str(ca)}}
        ],
        "users": [{"name": "user", "user": user}],
        "contexts": [{"name": "e2e", "context": {"cluster": "e2e", "user": "user"}}],
        "current-context": "e2e",
    }


def write_kubeconfig(path: Path, config: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(config))
    path.chmod(0o600)
    return path


def etcd(bins: Path, workdir: Path, client_port: int, peer_port: int) -> list[str]:
    client, peer = f"http://127.0.0.1:{client_port}", f"http://127.0.0.1:{peer_port}"
    return [
        str(bins / "etcd"),
        "--name=e2e",
        f"--data-dir={workdir / 'etcd'}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=e2e={peer}",
        "--unsafe-no-fsync=true",
        "--log-level=warn",
    ]


def apiserver(
    bins: Path,
    keys: pki.Pki,
    etcd_port: int,
    port: int,
    *,
    bind_address: str = "127.0.0.1",
    advertise_address: str = "127.0.0.1",
) -> list[str]:
    return [
        str(bins / "kube-apiserver"),
        f"--etcd-servers=http://127.0.0.1:{etcd_port}",
        f"--bind-address={bind_address}",
        f"--advertise-address={advertise_address}",
        f"--secure-port={port}",
        f"--tls-cert-file={keys.serving.cert}",
        f"--tls-private-key-file={keys.serving.key}",
        f"--client-ca-file={keys.ca.cert}",
        "--authorization-mode=RBAC",
        f"--service-account-key-file={keys.service_account_pub}",
        f"--service-account-signing-key-file={keys.service_account_key}",
        f"--service-account-issuer={_SA_ISSUER}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        # A node's name is not in any DNS: exec, logs and port-forward dial its InternalIP,
        # as the admin (the node tier's kubelet trusts the session's CA).
        "--kubelet-preferred-address-types=InternalIP",
        f"--kubelet-client-certificate={keys.admin.cert}",
        f"--kubelet-client-key={keys.admin.key}",
        f"--cert-dir={keys.ca.cert.parent}",
        "--profiling=false",
        "--v=1",
    ]


def controller_manager(bins: Path, keys: pki.Pki, kubeconfig: Path, port: int) -> list[str]:
    return [
        str(bins / "kube-controller-manager"),
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={port}",
        "--leader-elect=false",
        f"--service-account-private-key-file={keys.service_account_key}",
        f"--root-ca-file={keys.ca.cert}",
        "--use-service-account-credentials=true",
        "--v=1",
    ]
