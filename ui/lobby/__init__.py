"""The lobby touchscreen (``kiosk ui``): tickets, identification, bill lookup, elderly mode.

- :mod:`ui.lobby.app` — the command and :func:`~ui.lobby.app.build_lobby`.
- :mod:`ui.lobby.window` — the window: header, screens, maintenance overlay, lockdown.
- :mod:`ui.lobby.screens` — one widget per screen (a module each); they show and they signal,
  nothing else.
- :mod:`ui.lobby.controller` — navigation and the calls to the hall daemon.
- :mod:`ui.lobby.flow` — the customer's data while a flow lasts (no Qt).
- :mod:`ui.lobby.theme`, :mod:`ui.lobby.widgets`, :mod:`ui.lobby.text` — look and wording.

docs/lobby.md describes the screens, the lockdown and the settings.
"""
