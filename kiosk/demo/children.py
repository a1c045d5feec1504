"""The demo's windows are processes of their own; they end with the demo, however it ends.

- **Ctrl-C (SIGINT), SIGTERM, SIGHUP**: :func:`stop_on_signals` makes each of them an
  exception in the demo's main thread, so ``run_demo``'s ``finally`` runs: it terminates the
  windows (SIGTERM, SIGKILL after 5 s), closes the day and stops the hall. Python's default
  for SIGTERM and SIGHUP is to die on the spot, leaving the windows running.
- **SIGKILL, or a crash of the interpreter**: nothing of the demo runs any more. Each window
  was started with Linux's parent-death signal (``PR_SET_PDEATHSIG`` = SIGTERM), so the
  kernel sends it SIGTERM when the demo dies, and the windows quit on SIGTERM.

The death signal is set in the child itself, by ``python -m kiosk.demo.children PPID -- CMD``
which sets it, checks that the demo is still its parent (it may have died in between), and
execs the window's command (the flag survives ``exec``). Not a ``preexec_fn``: the demo runs
threads, and Python warns that ``preexec_fn`` is not safe then.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

PR_SET_PDEATHSIG = 1


class Terminated(Exception):
    """The demo was asked to stop by a signal; ``code`` is the conventional 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.code = 128 + signum


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the main thread, SIGINT its usual
    KeyboardInterrupt; a second signal while the demo is stopping is ignored (the windows
    die with it anyway)."""

    def handler(signum: int, frame: Any) -> None:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGHUP, handler)


def start_window(cmd: list[str], **popen: Any) -> subprocess.Popen[Any]:
    """``cmd`` as a child that ends when this process does (see the module's docstring)."""
    launcher = [sys.executable, "-m", "kiosk.demo.children", str(os.getpid()), "--", *cmd]
    return subprocess.Popen(launcher, **popen)


def set_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False elsewhere."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return False
    return bool(prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m kiosk.demo.children PARENT_PID -- COMMAND…", file=sys.stderr)
        return 2
    parent, cmd = int(argv[0]), argv[2:]
    set_death_signal()
    if os.getppid() != parent:
        return 0  # the demo is already gone: nothing to show a window for
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
