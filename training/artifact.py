"""Atomic artifact directories, versions and the ``current`` symlink."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (data hashes, ONNX export checksums)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def new_version() -> str:
    """Unique, sortable version: ``YYYYmmdd-HHMMSS-<6 hex>`` (UTC)."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=False, default=_json_default)
        fh.write("\n")
    os.replace(tmp, path)


def _json_default(o: Any) -> Any:
    try:
        import numpy as np

        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def is_artifact(path: Path) -> bool:
    return (path / "labels.json").is_file() and (path / "config.json").is_file()


def is_models_folder(path: Path, set_current: bool = False) -> bool:
    """Where does ``--output DIR`` put the artifact: DIR/<version> (models folder) or DIR itself?

    A models folder is: named ``models``, has a ``current`` link, is asked to get one
    (``--set-current``), or is a non-empty directory that is not itself an artifact.
    """
    if set_current or path.name == "models" or (path / "current").is_symlink() or (path / "current").exists():
        return True
    if path.is_dir() and not is_artifact(path) and any(p for p in path.iterdir() if not p.name.startswith(".")):
        return True
    return False


def write_artifact(output: Path, version: str, fill: Callable[[Path], None], *, set_current: bool = False) -> Path:
    """Create the artifact in a temporary directory beside its final place, then rename it in.

    ``fill(tmpdir)`` writes the files. Returns the final path.
    """
    output = Path(output)
    models_mode = is_models_folder(output, set_current)
    parent = output if models_mode else output.parent
    parent.mkdir(parents=True, exist_ok=True)
    final = output / version if models_mode else output
    tmp = parent / f".tmp-{version}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        fill(tmp)
        if final.exists():
            if final.is_dir() and not any(final.iterdir()):
                final.rmdir()
                os.rename(tmp, final)
            else:  # replace an older artifact at the same path: swap, then delete the old one
                old = parent / f".old-{version}"
                os.rename(final, old)
                os.rename(tmp, final)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if set_current:
        point_current(parent, final.name)
    return final


def point_current(models_dir: Path, version: str) -> Path:
    """Atomically point ``models_dir/current`` at ``models_dir/version`` (relative symlink)."""
    link = Path(models_dir) / "current"
    tmp = Path(models_dir) / f".current-{secrets.token_hex(4)}"
    os.symlink(version, tmp)
    try:
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return link
