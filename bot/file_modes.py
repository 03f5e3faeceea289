"""Private files: everything the running system writes (databases, logs, exports, spool, token, salt) is 0600.

The launcher sets the umask to 077 before it creates anything, so every file it and its components
create is readable by the owner only, and tightens what an earlier run left readable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def use_private_umask() -> int:
    """Set the process umask to 077 (children inherit it); returns the previous one."""
    return os.umask(PRIVATE_UMASK)


def tighten(folder: Path) -> int:
    """Make every file under `folder` 0600 and every folder 0700 (symlinks untouched); returns how many changed."""
    changed = 0
    if not folder.is_dir():
        return 0
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o700 if path.is_dir() else mode & 0o700 or 0o600
        if mode != wanted:
            path.chmod(wanted)
            changed += 1
    return changed
