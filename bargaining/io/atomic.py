"""Writes that cannot lose data: the one way the toolkit puts a file on disk (docs/format.md#the-command-line).

:func:`write_atomic` writes into a new temporary file beside the target (created with ``O_EXCL``,
mode ``0o644`` less the umask), flushes it to disk (``fsync``), and only then gives it the
target's name:

- without ``force`` by a hard link (``os.link``), which fails if the name exists, even if it
  appeared while the work ran: an existing file is never overwritten, and never checked first and
  written after;
- with ``force`` by ``os.replace``, which swaps the name in one step: a reader sees the old file or
  the new one, never half of one.

Whatever is at the target's name is looked at with ``lstat`` (links are not followed): a symbolic
link (dangling or not), a directory or a special file (fifo, device, socket) is refused, with or
without ``force``, so nothing is written through a link and nothing is ever opened but the
temporary file (a fifo with no reader cannot make a write hang). An interruption (Ctrl-C) or a
failure at any point leaves nothing behind: the temporary file is removed, and the steps that
create, place and remove it run with Ctrl-C held back until they are done. Errors of the
operating system (a missing directory, no permission, a read-only file system, a full disk, a
name too long) become a :class:`~bargaining.errors.ScenarioError` naming the path and the
reason (``os.strerror``).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_atomic(folder / "a.txt", b"first\\n").read_bytes()
b'first\\n'
>>> write_atomic(folder / "a.txt", b"second\\n")
Traceback (most recent call last):
...
bargaining.errors.ScenarioError: ...a.txt: path: expected a path that does not exist yet (or force=True), ...
>>> write_atomic(folder / "a.txt", b"second\\n", force=True).read_bytes()
b'second\\n'
>>> sorted(p.name for p in folder.iterdir())  # no temporary file left
['a.txt']
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from bargaining.errors import ScenarioError

__all__ = ["check_target", "write_atomic"]

Fill = Callable[[IO[bytes]], None]
_TAKEN = "a path that does not exist yet (or force=True)"
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}


def _error(path: Path, exc: OSError, field: str | None) -> ScenarioError:
    """An ``OSError`` on ``path`` as one line: what was expected, and the system's reason."""
    code = exc.errno or 0
    reason = os.strerror(code) if code else str(exc)
    expected = {
        errno.ENOENT: "a path in an existing directory",
        errno.ENOTDIR: "a path in an existing directory",
        errno.ENAMETOOLONG: "a shorter file name",
        errno.ENOSPC: "room on the disk",
        errno.EDQUOT: "room on the disk",
        errno.EROFS: "a path on a writable file system",
        errno.EACCES: "a path in a directory you may write to",
        errno.EPERM: "a path in a directory you may write to",
        errno.EISDIR: "a path that is not a directory",
        errno.ELOOP: "a path without a loop of symbolic links",
    }.get(code, "a path that can be written")
    return ScenarioError(expected, found=reason, file=str(path), field=field)


def check_target(path: str | os.PathLike[str], *, force: bool = False, field: str | None = "path") -> Path:
    """``path`` as a Path if a new file may be written there, else a ``ScenarioError`` saying why.

    The name must be free (or, with ``force``, hold a regular file), not a symbolic link, a
    directory or a special file, and its directory must exist and be writable. This is a check
    for early feedback, before long work; :func:`write_atomic` checks again as it places the file,
    and its own checks are the ones that hold.

    >>> check_target("/dev/null", force=True)
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: /dev/null: path: expected a regular file or a new name, found a character device
    """
    target = Path(path)
    _refuse_existing(target, force, field)
    parent = target.parent
    try:
        st = os.stat(parent)
    except OSError as exc:
        raise _error(target, exc, field) from None
    if not stat.S_ISDIR(st.st_mode):
        raise _error(target, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)), field)
    if not os.access(parent, os.W_OK | os.X_OK):
        code = errno.EROFS if _read_only(parent) else errno.EACCES
        raise _error(target, OSError(code, os.strerror(code)), field)
    return target


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:  # pragma: no cover - statvfs unsupported
        return False


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link (links are not written through)"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _refuse_existing(target: Path, force: bool, field: str | None) -> None:
    """Refuse whatever stands at ``target``'s name, unless ``force`` and it is a regular file."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _error(target, exc, field) from None
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError("a regular file or a new name", found=_kind(st.st_mode), file=str(target), field=field)
    if not force:
        raise ScenarioError(_TAKEN, found="an existing file", file=str(target), field=field)


@contextlib.contextmanager
def _held_interrupts() -> Iterator[None]:
    """Hold Ctrl-C back while the body runs, then raise ``KeyboardInterrupt`` if one came.

    Only the main thread receives Python's signals; elsewhere the body simply runs.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:  # deliver it now, to whatever handled it before (Python's: KeyboardInterrupt)
            signal.raise_signal(signal.SIGINT)


def _temporary(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, opened for writing (``O_EXCL``: never an existing file)."""
    stem = target.name.encode("utf-8", "surrogateescape")[:40].decode("utf-8", "ignore")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o644), tmp
        except FileExistsError:  # pragma: no cover - a name taken by chance: draw another
            continue


def _place(tmp: Path, target: Path, force: bool, field: str | None) -> None:
    """Give the finished ``tmp`` the name ``target`` (see the module's docstring)."""
    _refuse_existing(target, force, field)  # right before placing: a link or a fifo that appeared meanwhile
    if force:
        os.replace(tmp, target)  # rename never follows a link at the target, never opens it
        return
    try:
        os.link(tmp, target, follow_symlinks=False)  # fails if the name is taken, whatever took it
    except FileExistsError:
        raise ScenarioError(_TAKEN, found="an existing file", file=str(target), field=field) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # no hard links here: reserve the name with O_EXCL (fails if taken), then swap the file in
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644))
        try:
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise


def write_atomic(
    path: str | os.PathLike[str],
    content: bytes | Fill,
    *,
    force: bool = False,
    field: str | None = "path",
) -> Path:
    """Write ``content`` (bytes, or a function that writes into a binary file) to ``path``, whole or not at all.

    ``force`` allows replacing an existing regular file; links, directories and special files are
    always refused. ``field`` names the argument in errors (``None``: the path alone). Returns the path written.
    Every failure, and an interruption, leaves the target as it was and no temporary file.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "b.txt", lambda fh: fh.write(b"written by a function")).read_text()
    'written by a function'
    >>> write_atomic(folder / "missing" / "c.txt", b"")
    Traceback (most recent call last):
    ...
    bargaining.errors.ScenarioError: ...c.txt: path: expected a path in an existing directory, found No such file...
    """
    target = check_target(path, force=force, field=field)
    tmp: Path | None = None
    try:
        with _held_interrupts():
            try:
                fd, tmp = _temporary(target)
            except FileNotFoundError:  # the directory exists (checked above) but takes no new files (/proc)
                raise ScenarioError(
                    "a directory in which files can be created",
                    found=os.strerror(errno.ENOENT),
                    file=str(target),
                    field=field,
                ) from None
            fh = os.fdopen(fd, "wb")
        with fh:
            if isinstance(content, bytes):
                fh.write(content)
            else:
                content(fh)
            fh.flush()
            os.fsync(fh.fileno())
        with _held_interrupts():
            _place(tmp, target, force, field)
        return target
    except OSError as exc:
        raise _error(target, exc, field) from None
    finally:
        with _held_interrupts():
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
