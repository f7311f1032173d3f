"""Ctrl-C ends a command, wherever it arrives: :func:`interrupts_delivered`.

Python runs a signal's handler in whatever Python code the main thread runs
next.  Where that code is a garbage-collector callback (hypothesis installs
one), a ``__del__`` or a weakref callback, the ``KeyboardInterrupt`` is
"ignored": printed through :data:`sys.unraisablehook` and dropped, and the
command runs on.  Code that catches ``BaseException`` can swallow it too, and
while the main thread is inside a C extension no Python handler runs at all.

Two layers make an interrupt end the command:

1. An ignored ``KeyboardInterrupt`` is delivered again
   (SIGINT sent to the main thread) from a short-lived thread once the hook
   has returned, so that it is raised in ordinary code and the command ends
   as usual (its ``finally`` clauses run, the message is printed, exit 130).
2. A watchdog thread learns of every SIGINT from the C-level signal handler
   (:func:`signal.set_wakeup_fd`), whatever the main thread is doing.  If the
   process has not ended ``grace`` seconds after an interrupt, it interrupts
   the main thread again; if it still runs ``grace`` seconds later, it writes
   the interrupted message and ends the process with exit 130
   (:func:`os._exit`: what cleanup had not run by then does not run).  Once
   the command has seen the interrupt (the context has ended), the process
   gets ``grace`` seconds to end before the watchdog ends it with exit 130.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

from .common import INTERRUPTED

__all__ = ["GRACE", "interrupts_delivered"]

#: Seconds the watchdog waits after an interrupt before it acts.
GRACE = 5.0


def _interrupt_main() -> None:
    """Send SIGINT to the main thread: unlike :func:`_thread.interrupt_main`, a
    real signal also ends a ``sleep`` or a wait the main thread is blocked in."""
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)


def _deliver_later() -> None:
    def deliver() -> None:
        time.sleep(0.01)
        _interrupt_main()

    threading.Thread(target=deliver, name="sistereval-interrupt", daemon=True).start()


@contextlib.contextmanager
def _redelivered() -> Iterator[None]:
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            _deliver_later()
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


#: Written to the watchdog's pipe when the context ends (no signal has number 0).
_ENDED = 0


def _wait(read_end: int, seconds: float) -> bool:
    """Whether the context ended (or had ended) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([read_end], [], [], left)
        if ready and _ENDED in os.read(read_end, 64):
            return True
    return False


def _watch(
    read_end: int,
    message: str,
    grace: float,
    settled: threading.Event,
    interrupted: threading.Event,
) -> None:
    while True:
        received = os.read(read_end, 64)
        ended = _ENDED in received
        if signal.SIGINT in received.split(bytes([_ENDED]))[0]:
            break
        if ended or not received:
            settled.set()
            return
    interrupted.set()
    settled.set()
    # Interrupted.  Until the context ends the command has not seen it: ask again,
    # then end the process.  Once it has ended, the command is winding down and
    # has said so; it gets the same time to finish.
    if not ended:
        ended = _wait(read_end, grace)
        if not ended:
            _interrupt_main()
            ended = _wait(read_end, grace)
            if not ended:
                with contextlib.suppress(OSError):
                    os.write(2, (message + "\n").encode())
                os._exit(INTERRUPTED)
    time.sleep(grace)
    os._exit(INTERRUPTED)


@contextlib.contextmanager
def _watchdog(message: str, grace: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: nothing to watch from here
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    settled, interrupted = threading.Event(), threading.Event()
    watcher = threading.Thread(
        target=_watch,
        args=(read_end, message, grace, settled, interrupted),
        name="sistereval-watchdog",
        daemon=True,
    )
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous)
        # The watchdog reads up to the end mark at once.  After an interrupt it
        # keeps its deadline, so that a hang while the command winds down (a pool
        # that does not stop, a thread at exit) still ends it; else it returns.
        os.write(write_end, bytes([_ENDED]))
        settled.wait(timeout=grace)
        if settled.is_set() and not interrupted.is_set():
            watcher.join()
            os.close(read_end)
            os.close(write_end)


@contextlib.contextmanager
def interrupts_delivered(message: str, *, grace: float = GRACE) -> Iterator[None]:
    """Within this context, Ctrl-C ends the process.

    ``message`` is what the watchdog writes when it has to end the process
    itself; ``grace`` the seconds it waits before each of its two steps.
    """
    with _watchdog(message, grace), _redelivered():
        yield
