"""What every PySide6 client of the hall daemon shares (lobby kiosk, soft caller, hall display).

Small and stable on purpose: the UIs build on it in parallel. Nothing here knows a queue rule;
it moves JSON between the LAN API and the GUI thread and draws a few things Qt lacks.

- :mod:`ui.common.client` — :class:`~ui.common.client.HallClient`: HTTP calls to the LAN API
  on worker threads (``kiosk.api.client.api_client``, so ``TCP_NODELAY``). ``request(method,
  path, json=..., on_reply=callback)`` returns at once; the callback runs later in the GUI
  thread with an :class:`~ui.common.client.ApiReply` (``status`` 0 when the daemon could not
  be reached; ``error_code`` / ``error_message`` from the API's error body, the message in
  the language set with ``set_language``). ``drop_pending()`` forgets the callbacks of calls
  still under way (a reset flow must not be resurrected by a late answer), except those made
  with ``keep=True`` (settings and other answers that belong to no customer).
- :mod:`ui.common.events` — :class:`~ui.common.events.EventStream`: the WebSocket
  ``/api/v1/events?token=…`` on a worker thread (the ``websockets`` sync client). Signals
  ``message_received(dict)`` (``hello`` first after every connect), ``connection_lost()``
  and ``connection_restored()``; reconnects by itself with backoff.
- :mod:`ui.common.qr` — :func:`~ui.common.qr.qr_matrix`, :func:`~ui.common.qr.qr_image` and
  the :class:`~ui.common.qr.QrCodeWidget`: a QR code drawn module by module with QPainter.
- :mod:`ui.common.touch` — physical sizes: :func:`~ui.common.touch.screen_dpi` (the screen's
  physical DPI, 96 when the platform reports nonsense), :func:`~ui.common.touch.mm_to_px`,
  :data:`~ui.common.touch.MIN_TARGET_MM` (15 mm touch targets).
- :mod:`ui.common.fonts` — :func:`~ui.common.fonts.ui_font`: Noto Sans CJK SC, set
  explicitly so no screen and no screenshot shows missing-glyph boxes.
- :mod:`ui.common.i18n` — :class:`~ui.common.i18n.Languages`: installs the Qt translator of
  a UI (``assets/translations/<domain>_<lang>.qm``); Chinese is the source language.
- :mod:`ui.common.idle` — :class:`~ui.common.idle.IdleWatch`: user inactivity measured on an
  injectable clock (tests move a fake clock instead of sleeping).

Qt comes through :mod:`ui.qt` only, which also applies the guard against PySide6 6.12's
lost references to ``None`` (``tests/test_architecture.py``).
"""
