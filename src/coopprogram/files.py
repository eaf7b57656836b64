"""Writing a file the person named (`-o FILE`, a backup): through a temporary file in the target
folder and a rename, so a reader never sees half a file and a failure leaves no debris; an
existing target replaced only when asked; a private file (contact details) 0600 from its creation
and never written through a symbolic link.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from coopprogram.errors import Conflict, CoopError

PUBLIC_MODE = 0o644
PRIVATE_MODE = 0o600


def check_target(target: Path, *, replace: bool, private: bool) -> None:
    """Refuse a target that must not be written: an existing file (unless `replace`), a folder,
    a device or pipe, or (for a private file) a symbolic link."""
    if private and target.is_symlink():
        raise Conflict(
            f"{target} is a symbolic link; a file with contact details is never written through one. "
            "Nothing was written: choose another file name."
        )
    if not os.path.lexists(target):
        return
    if not replace:
        raise Conflict(
            f"{target} already exists; nothing was written. Add --force to replace it, or choose another file name."
        )
    if target.is_dir() or not (target.is_file() or target.is_symlink()):
        raise Conflict(f"{target} is not a regular file; nothing was written. Choose a file name.")


def write_through_temporary(target: Path, fill: Callable[[Path], object], *, replace: bool, private: bool) -> None:
    """Create a temporary file beside `target` (0600 before any byte), let `fill` write it, make
    it durable, then rename it into place: all of the file, or none of it."""
    check_target(target, replace=replace, private=private)
    try:
        descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(target, error) from None
    temporary = Path(name)
    try:
        os.close(descriptor)
        fill(temporary)
        with open(temporary, "rb+") as handle:
            if not private:
                os.fchmod(handle.fileno(), PUBLIC_MODE)
            os.fsync(handle.fileno())
        _publish(temporary, target, replace=replace)
    except OSError as error:
        raise _cannot_write(target, error) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_file(target: Path, data: bytes, *, replace: bool = False, private: bool = False) -> None:
    write_through_temporary(target, lambda temporary: temporary.write_bytes(data), replace=replace, private=private)


def write_files(files: dict[Path, bytes], *, replace: bool = False) -> None:
    """Several independent files (a publish's feeds), each written as `write_file` writes one, side
    by side so that the waits for the disk overlap; the first failure is raised once all are done."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(files)))) as pool:
        futures = [pool.submit(write_file, target, data, replace=replace) for target, data in files.items()]
    for future in futures:
        future.result()


def _publish(temporary: Path, target: Path, *, replace: bool) -> None:
    """Rename into place. Without `replace`, a hard link: it fails if the target appeared meanwhile,
    where a rename would silently overwrite it."""
    if replace:
        os.replace(temporary, target)  # replaces a symbolic link itself, never what it points to
        return
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise Conflict(
            f"{target} already exists; nothing was written. Add --force to replace it, or choose another file name."
        ) from None
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise Conflict(f"{target} already exists; nothing was written. Choose another file name.") from None
        os.replace(temporary, target)


def _cannot_write(target: Path, error: OSError) -> CoopError:
    return CoopError(
        f"Could not write {target}: {error.strerror or error}. Nothing was written; choose another file or folder."
    )
