"""Where the chunks of a sweep or a region are computed: in this process, or on a Dask cluster.

Every grid the toolkit maps (a sweep, a consistent region) is cut into chunks of flat indices
``[start, stop)``, and each chunk is computed by a pure function of its bounds: ``fn(start, stop)``
returns that chunk's arrays and reads nothing else that changes. :func:`map_chunks` runs such a
function over the chunks and yields ``(start, stop, result)`` *in order*, so a caller can write each
result into its preallocated arrays (or fold it into a summary) and drop it before the next one
arrives: memory stays bounded by a few chunks whatever the grid's size.

``scheduler`` says where the chunks run:

- ``None`` (the default): one after the other, in this process;
- a :class:`dask.distributed.Client`, or the address of a Dask scheduler (``"tcp://host:8786"``,
  which is connected to for the call and closed after): the same function, shipped once, runs on the
  cluster's workers (Rocklin 2015, *Dask: parallel computation with blocked algorithms and task
  scheduling*). At most :data:`IN_FLIGHT` chunks per worker thread are submitted ahead of the one
  being collected, so results stream back in order without the whole grid waiting in memory.

Dask is an optional extra (``pip install 'bargaining[dask]'``); without it a scheduler other than
``None`` is refused in one line that says what to install.

>>> list(map_chunks(lambda a, b: b - a, 10, 4))
[(0, 4, 4), (4, 8, 4), (8, 10, 2)]
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from bargaining.errors import ScenarioError

__all__ = ["IN_FLIGHT", "Scheduler", "chunk_bounds", "describe", "map_chunks"]

T = TypeVar("T")
Scheduler = Any
"""``None``, a ``dask.distributed.Client``, or a Dask scheduler's address (a string)."""
IN_FLIGHT = 4
"""Chunks submitted ahead per worker thread when a Dask cluster computes them."""
DASK_EXTRA = "pip install 'bargaining[dask]'"
_NOTHING: Any = object()


def chunk_bounds(total: int, step: int) -> list[tuple[int, int]]:
    """The chunks ``[start, stop)`` of ``range(total)``, each ``step`` long but the last.

    >>> chunk_bounds(5, 2)
    [(0, 2), (2, 4), (4, 5)]
    >>> chunk_bounds(0, 3)
    []
    """
    step = max(1, int(step))
    return [(start, min(total, start + step)) for start in range(0, total, step)]


def _client(scheduler: Scheduler) -> tuple[Any, bool]:
    """The Dask client for ``scheduler`` and whether this call opened it (and must close it)."""
    try:
        from distributed import Client
    except ImportError:
        raise ScenarioError(
            f"Dask to run on a cluster ({DASK_EXTRA})", found="dask.distributed not installed", field="scheduler"
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    if isinstance(scheduler, str) and scheduler.strip():
        try:
            return Client(scheduler.strip(), timeout="10s", set_as_default=False), True  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as err:
            raise ScenarioError(
                "the address of a running Dask scheduler (tcp://HOST:PORT)",
                found=f"{scheduler!r}, which did not answer ({type(err).__name__})",
                field="scheduler",
            ) from None
    raise ScenarioError(
        "None, a dask.distributed Client or a scheduler's address", found=type(scheduler).__name__, field="scheduler"
    )


def describe(scheduler: Scheduler) -> str:
    """Where ``scheduler`` runs chunks, for a result's method (``"this process"`` for None)."""
    if scheduler is None:
        return "this process"
    if isinstance(scheduler, str):
        return f"the Dask cluster at {scheduler.strip()}"
    info: dict[str, Any] = getattr(scheduler, "scheduler_info", dict)()
    workers = info.get("workers", {})
    return f"a Dask cluster of {len(workers)} workers"


def map_chunks(
    fn: Callable[..., T],
    total: int,
    step: int,
    *,
    scheduler: Scheduler = None,
    progress: Callable[[int, int], None] | None = None,
    shared: Any = _NOTHING,
) -> Iterator[tuple[int, int, T]]:
    """``(start, stop, fn(start, stop))`` for every chunk of ``range(total)``, in order; with
    ``shared``, ``fn(shared, start, stop)``.

    ``fn`` must be a pure function of its arguments (on a cluster it is pickled once per call, with
    what it refers to, and called on the workers); ``shared`` is for a large object that many calls
    use unchanged (a compiled model): it is sent to each worker once per client and kept there for
    later calls with the same object. ``progress(done, total)`` is called as chunks arrive.
    """
    bounds = chunk_bounds(total, step)
    lead = () if shared is _NOTHING else (shared,)
    if scheduler is None:
        for start, stop in bounds:
            out = fn(*lead, start, stop)
            if progress is not None:
                progress(stop, total)
            yield start, stop, out
        return
    client, opened = _client(scheduler)
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        ahead = max(1, IN_FLIGHT * max(1, threads))
        shipped = client.scatter(fn, broadcast=True, hash=False)
        lead = () if shared is _NOTHING else (_scattered(client, shared),)
        pending: deque[tuple[int, int, Any]] = deque()
        todo = iter(bounds)

        def submit() -> bool:
            nxt = next(todo, None)
            if nxt is None:
                return False
            pending.append((*nxt, client.submit(_call, shipped, *lead, *nxt, pure=False)))
            return True

        while len(pending) < ahead and submit():
            pass
        while pending:
            start, stop, future = pending.popleft()
            out = future.result()
            submit()
            if progress is not None:
                progress(stop, total)
            yield start, stop, out
    finally:
        if opened:
            with contextlib.suppress(Exception):
                client.close()


def _call(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


_SHIPPED: dict[int, tuple[Any, Any, Any]] = {}
"""id(shared object) -> (the object, the client, its future on the workers); a few kept at most."""
KEEP_SHIPPED = 8


def _scattered(client: Any, shared: Any) -> Any:
    """``shared``'s future on every worker of ``client``, sent once and reused while both live."""
    held = _SHIPPED.get(id(shared))
    if held is not None and held[0] is shared and held[1] is client and held[2].status == "finished":
        return held[2]
    future = client.scatter(shared, broadcast=True, hash=False)
    _SHIPPED[id(shared)] = (shared, client, future)
    while len(_SHIPPED) > KEEP_SHIPPED:
        del _SHIPPED[next(iter(_SHIPPED))]
    return future
