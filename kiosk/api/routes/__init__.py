"""Route modules beyond the core contract, one per feature area.

Each module has ``register(app: FastAPI, ctx: ApiContext) -> None``; list it in
:data:`MODULES` (one line per module, so parallel work does not collide).
"""

from __future__ import annotations

MODULES: list[str] = [
    "kiosk.api.routes.lobby",
    "kiosk.api.routes.counter",
    "kiosk.api.routes.sync",
]
