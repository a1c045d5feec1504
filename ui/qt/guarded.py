"""``python -m ui.qt.guarded NAME COMMAND…``: run the command of the UI ``NAME`` (``ui``,
``display``) only where the reference guard takes, else exit
:data:`~ui.qt.immortals.EXIT_UNGUARDED` (70) with the reason.

Why the UI units start through it: they run the UI under ``cage``, and cage 0.1.4 (Debian
12) exits 0 whatever its application exits with (only cage 0.2 passes the status on), so a
UI refusing to start with status 70 inside cage would look like a clean exit and
``Restart=always`` would start it again and again. Checked here, before ``exec`` of cage, the
70 is the unit's main process's own status, and ``RestartPreventExitStatus=70`` stops the
restarts; the unit shows as failed with the cause in the journal. When the guard takes, this
process becomes COMMAND (``exec``): nothing stays in between.
"""

from __future__ import annotations

import os
import sys

from ui.qt.immortals import require_reference_guard


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m ui.qt.guarded NAME COMMAND [ARG…]", file=sys.stderr)
        return 2
    name, cmd = argv[0], argv[1:]
    require_reference_guard(name)  # SystemExit(70) with the cause in the journal
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
