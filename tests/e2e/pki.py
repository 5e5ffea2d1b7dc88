"""Certificates and keys for the end-to-end control plane, generated with ``cryptography``.

One throw-away CA per test session signs the API server's serving certificate (valid for
127.0.0.1 and localhost) and the client certificates of the admin (group ``system:masters``)
and of kube-controller-manager. A separate RSA key signs ServiceAccount tokens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_KEY_BITS = 2048


@dataclasses.dataclass(frozen=True)
class CertPair:
    """A PEM certificate and its private key on disk."""

    cert: Path
    key: Path


@dataclasses.dataclass(frozen=True)
class Pki:
    """Everything the control plane and its clients need, as files in one directory."""

    ca: CertPair
    serving: CertPair
    admin: CertPair
    controller_manager: CertPair
    service_account_key: Path
    service_account_pub: Path


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)


def _write_key(key: rsa.RSAPrivateKey, path: Path) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization is not None:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attrs)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey
) -> x509.CertificateBuilder:
    not_before = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    # Long enough for any session: the CA lives only as long as the test session's temp dir.
    not_after = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _issue_ca(directory: Path) -> tuple[CertPair, x509.Certificate, rsa.RSAPrivateKey]:
    key = _new_key()
    name = _name("touchline-e2e-ca")
    cert = (
        _builder(name, name, key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    pair = CertPair(directory / "ca.crt", directory / "ca.key")
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, pair.key)
    return pair, cert, key


def _issue_leaf(
    directory: Path,
    stem: str,
    subject: x509.Name,
    ca: tuple[x509.Certificate, rsa.RSAPrivateKey],
    *,
    server: bool,
    extra_ips: tuple[str, ...] = (),
) -> CertPair:
    ca_cert, ca_key = ca
    key = _new_key()
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        _builder(subject, ca_cert.subject, key)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if server:
        names: list[x509.GeneralName] = [
            x509.DNSName("localhost"),
            x509.DNSName("kubernetes.default.svc"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            *(x509.IPAddress(ipaddress.ip_address(ip)) for ip in extra_ips),
        ]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    pair = CertPair(directory / f"{stem}.crt", directory / f"{stem}.key")
    pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, pair.key)
    return pair


def generate(directory: Path, extra_ips: tuple[str, ...] = ()) -> Pki:
    """Create a fresh CA, the serving and client certificates and the ServiceAccount key.

    ``extra_ips`` are more addresses the API server's certificate is valid for (the node tier's
    node address and the ``kubernetes`` Service's ClusterIP)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_pair, ca_cert, ca_key = _issue_ca(directory)
    ca = (ca_cert, ca_key)
    sa_key = _new_key()
    sa_key_path, sa_pub_path = directory / "sa.key", directory / "sa.pub"
    _write_key(sa_key, sa_key_path)
    sa_pub_path.write_bytes(
        sa_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return Pki(
        ca=ca_pair,
        serving=_issue_leaf(
            directory, "apiserver", _name("kube-apiserver"), ca, server=True, extra_ips=extra_ips
        ),
        admin=_issue_leaf(directory, "admin", _name("admin", "system:masters"), ca, server=False),
        controller_manager=_issue_leaf(
            directory,
            "controller-manager",
            _name("system:kube-controller-manager"),
            ca,
            server=False,
        ),
        service_account_key=sa_key_path,
        service_account_pub=sa_pub_path,
    )
