"""A real Kubernetes control plane for the end-to-end tests: etcd, kube-apiserver, controllers.

``running(workdir)`` starts etcd, kube-apiserver (secure port on 127.0.0.1, client-certificate
and ServiceAccount-token authentication, RBAC authorization) and kube-controller-manager from
the binaries ``scripts/k8s/prepare.sh`` prepared, waits for ``/readyz``, yields a
``ControlPlane`` and stops every process on exit. There is no kubelet or scheduler: Pods are
created as objects but never run — unless a ``Placement`` puts the control plane inside the
network and mount namespaces of the node tier (tests/node/), which adds them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.e2e import binaries, flags, pki, processes

READY_TIMEOUT_SECS = 120.0
EVENTUALLY_SECS = 90.0
_CLI_TIMEOUT_SECS = 120.0


def _as_is(probe: Callable[[], bool]) -> Callable[[], bool]:
    return probe


@dataclasses.dataclass(frozen=True)
class Placement:
    """Where the control plane runs. The default is the e2e tier's: the host's loopback, on
    free ephemeral ports. The node tier runs it inside namespaces it owns: every command line is
    prefixed (``nsenter``), probes run inside the namespace, and the API server listens on the
    node's address too, so that pods reach it through the ``kubernetes`` Service."""

    prefix: tuple[str, ...] = ()
    bind_address: str = "127.0.0.1"
    advertise_address: str = "127.0.0.1"
    extra_ips: tuple[str, ...] = ()
    probe: Callable[[Callable[[], bool]], Callable[[], bool]] = _as_is
    port: Callable[[], int] = processes.free_port


@dataclasses.dataclass(frozen=True)
class ControlPlane:
    """A running control plane and the clients to talk to it as admin or as a ServiceAccount."""

    server: str
    kubeconfig: Path
    binaries: Path
    pki: pki.Pki
    workdir: Path
    startup_secs: float
    prefix: tuple[str, ...] = ()
    """Prepended to every kubectl and helm command line (the node tier's ``nsenter``)."""

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        for var, sub in (("HELM_CACHE_HOME", "cache"), ("HELM_CONFIG_HOME", "config")):
            env[var] = str(self.workdir / "helm" / sub)
        env["HELM_DATA_HOME"] = str(self.workdir / "helm" / "data")
        env["KUBECACHEDIR"] = str(self.workdir / "kubectl-cache")
        return env

    def _run(
        self,
        tool: str,
        args: Sequence[str],
        *,
        stdin: str | None,
        check: bool,
        kubeconfig: Path | None,
    ) -> subprocess.CompletedProcess[str]:
        argv = [
            *self.prefix,
            str(self.binaries / tool),
            f"--kubeconfig={kubeconfig or self.kubeconfig}",
            *args,
        ]
        result = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=_CLI_TIMEOUT_SECS,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{tool} {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
            )
        return result

    def kubectl(
        self,
        *args: str,
        stdin: str | None = None,
        check: bool = True,
        kubeconfig: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run the pinned kubectl (as admin unless ``kubeconfig``); raise on failure if check."""
        return self._run("kubectl", args, stdin=stdin, check=check, kubeconfig=kubeconfig)

    def helm(
        self, *args: str, check: bool = True, kubeconfig: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the pinned helm (as admin unless ``kubeconfig``), caches in the session's workdir."""
        return self._run("helm", args, stdin=None, check=check, kubeconfig=kubeconfig)

    def apply(self, manifest: Mapping[str, object]) -> subprocess.CompletedProcess[str]:
        """``kubectl apply`` one object given as a dict."""
        return self.kubectl("apply", "-f", "-", stdin=json.dumps(manifest))

    def get_json(self, *args: str, namespace: str | None = None) -> dict[str, Any]:
        """``kubectl get ARGS -o json`` parsed (in ``namespace`` if given)."""
        scope = ["-n", namespace] if namespace else []
        parsed: dict[str, Any] = json.loads(self.kubectl("get", *args, *scope, "-o", "json").stdout)
        return parsed

    def names(self, kind: str, namespace: str) -> list[str]:
        """Names of the ``kind`` objects in ``namespace``."""
        return [
            item["metadata"]["name"] for item in self.get_json(kind, namespace=namespace)["items"]
        ]

    def mint_token(
        self, namespace: str, service_account: str, audiences: Sequence[str] | None = None
    ) -> str:
        """A TokenRequest token for ``namespace/service_account`` (created if missing)."""
        account = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": service_account, "namespace": namespace},
        }
        self.apply(account)
        extra = [f"--audience={aud}" for aud in audiences or ()]
        return self.kubectl(
            "create", "token", service_account, "-n", namespace, *extra
        ).stdout.strip()

    def kubeconfig_for_token(self, token: str) -> Path:
        """A kubeconfig (file in the session's workdir) that authenticates with ``token``."""
        directory = self.workdir / "token-kubeconfigs"
        directory.mkdir(exist_ok=True)
        count = len(list(directory.iterdir()))
        config = flags.kubeconfig(self.server, self.pki.ca.cert, {"token": token})
        return flags.write_kubeconfig(directory / f"token-{count}.yaml", config)

    def ssl_context(self) -> ssl.SSLContext:
        """Trusts the session's CA; no client certificate."""
        return ssl.create_default_context(cafile=str(self.pki.ca.cert))

    def http(self, token: str | None = None) -> httpx.Client:
        """An HTTP client for the API server: as admin (client cert) or with a bearer token."""
        context = self.ssl_context()
        headers = {}
        if token is None:
            context.load_cert_chain(str(self.pki.admin.cert), str(self.pki.admin.key))
        else:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.server, verify=context, headers=headers, timeout=30.0)


def eventually(ready: Callable[[], bool], what: str, timeout_secs: float = EVENTUALLY_SECS) -> None:
    """Wait until ``ready()`` holds (controllers act asynchronously); fail after the deadline."""
    processes.wait_until(ready, timeout_secs=timeout_secs, what=what)


@contextlib.contextmanager
def running(
    workdir: Path,
    ready_timeout_secs: float = READY_TIMEOUT_SECS,
    placement: Placement = Placement(),
) -> Iterator[ControlPlane]:
    """Start the control plane in ``workdir``; stop all of it when the block exits."""
    bins = binaries.bin_dir()
    started = time.monotonic()
    keys = pki.generate(workdir / "pki", extra_ips=placement.extra_ips)
    probe = placement.probe
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:

        def launch(name: str, argv: list[str]) -> processes.Child:
            child = processes.start(name, argv, logs, prefix=placement.prefix)
            stack.callback(processes.stop, child)
            return child

        etcd_port, api_port, kcm_port = placement.port(), placement.port(), placement.port()
        etcd = launch("etcd", flags.etcd(bins, workdir, etcd_port, placement.port()))
        processes.wait_until(
            probe(processes.http_ok(f"http://127.0.0.1:{etcd_port}/health", verify=False)),
            timeout_secs=ready_timeout_secs,
            what="etcd",
            watch=[etcd],
        )
        apiserver = launch(
            "kube-apiserver",
            flags.apiserver(
                bins,
                keys,
                etcd_port,
                api_port,
                bind_address=placement.bind_address,
                advertise_address=placement.advertise_address,
            ),
        )
        server = f"https://127.0.0.1:{api_port}"
        context = ssl.create_default_context(cafile=str(keys.ca.cert))
        processes.wait_until(
            probe(processes.http_ok(f"{server}/readyz", verify=context)),
            timeout_secs=ready_timeout_secs,
            what="kube-apiserver /readyz",
            watch=[etcd, apiserver],
        )
        admin = flags.write_kubeconfig(
            workdir / "admin.kubeconfig",
            flags.kubeconfig(
                server,
                keys.ca.cert,
                {"client-certificate": str(keys.admin.cert), "client-key": str(keys.admin.key)},
            ),
        )
        kcm_user = {
            "client-certificate": str(keys.controller_manager.cert),
            "client-key": str(keys.controller_manager.key),
        }
        kcm_config = flags.write_kubeconfig(
            workdir / "controller-manager.kubeconfig",
            flags.kubeconfig(server, keys.ca.cert, kcm_user),
        )
        kcm = launch(
            "kube-controller-manager", flags.controller_manager(bins, keys, kcm_config, kcm_port)
        )
        processes.wait_until(
            probe(processes.http_ok(f"https://127.0.0.1:{kcm_port}/healthz", verify=False)),
            timeout_secs=ready_timeout_secs,
            what="kube-controller-manager /healthz",
            watch=[etcd, apiserver, kcm],
        )
        yield ControlPlane(
            server=server,
            kubeconfig=admin,
            binaries=bins,
            pki=keys,
            workdir=workdir,
            startup_secs=time.monotonic() - started,
            prefix=placement.prefix,
        )
