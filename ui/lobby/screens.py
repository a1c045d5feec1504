"""The lobby's screens: widgets that show what they are given and say what the customer
asked for (signals). Which screen comes next, and every call to the hall daemon, is the
controller's business (:mod:`ui.lobby.controller`); no screen knows a queue rule.

Every screen has a way back (``<screen>_back`` and/or ``<screen>_home``), lays itself out for
portrait and landscape (:meth:`Screen.set_portrait`), sets its texts in
:meth:`Screen.retranslate` (Chinese source strings through Qt's translation system) and
forgets personal data in :meth:`Screen.clear`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ui.common.qr import QrCodeWidget
from ui.lobby import text as tx
from ui.lobby.theme import PALETTE, Metrics
from ui.lobby.widgets import (
    Card,
    Keypad,
    NoticeTicker,
    TariffBar,
    Tile,
    UsageChart,
    button,
    fit_pixel_size,
    label,
    set_tone,
)
from ui.qt.core import QCoreApplication, QRectF, QSize, Qt, Signal
from ui.qt.gui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen, QResizeEvent
from ui.qt.widgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

CENTER = Qt.AlignmentFlag.AlignCenter


class Screen(QWidget):
    """Base of every screen."""

    NAME: ClassVar[str] = ""
    # A stock voice-guidance phrase (drivers/voice/phrases.py GUIDANCE), or None to read
    # the screen's title aloud.
    GUIDANCE_KEY: ClassVar[str | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName(f"screen_{self.NAME}")
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.lang = "zh_CN"
        self.portrait = True
        self.metrics: Metrics | None = None
        self.title = label(f"{self.NAME}_title", "title", align=CENTER)

    # -- to override ------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Set every text in the current language."""

    def set_portrait(self, portrait: bool) -> None:
        self.portrait = portrait

    # The title can go when large type leaves a landscape screen short of height (the
    # screen's content says what it is: the services, the ticket number).
    TITLE_OPTIONAL: ClassVar[bool] = False

    def apply_metrics(self, m: Metrics) -> None:
        self.metrics = m
        lay = self.layout()
        if lay is not None:
            margin = m.px(40)
            lay.setContentsMargins(margin, m.px(28), margin, m.px(28))
            lay.setSpacing(m.px(24))
        self._update_title()

    def _update_title(self) -> None:
        if self.TITLE_OPTIONAL and self.metrics is not None:
            self.title.setVisible(not (self.metrics.large and not self.portrait))

    def clear(self) -> None:
        """Forget anything personal the screen shows."""

    def guidance_text(self) -> str:
        return self.title.text()

    # -- helpers ----------------------------------------------------------------------------
    def nav_bar(self, *, back: bool = True, home: bool = True) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = button(f"{self.NAME}_back") if back else None
        self.home_button = button(f"{self.NAME}_home") if home else None
        for b in (self.back_button, self.home_button):
            if b is not None:
                b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                row.addWidget(b)
        return row

    def retranslate_nav(self) -> None:
        if getattr(self, "back_button", None) is not None:
            self.back_button.setText(QCoreApplication.translate("Lobby", "返回"))
        if getattr(self, "home_button", None) is not None:
            self.home_button.setText(QCoreApplication.translate("Lobby", "返回首页"))


# ---------------------------------------------------------------------------------- home


class ServiceGrid(QWidget):
    """Service tiles (and optionally the bills and green-channel tiles), in a grid whose
    columns follow the orientation.

    Signals:
        service_chosen(str): the service code of the tile tapped.
    """

    service_chosen = Signal(str)

    def __init__(self, prefix: str, extra: tuple[Tile, ...] = ()) -> None:
        super().__init__()
        self.prefix = prefix
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, Tile] = {}
        self.services: list[dict[str, Any]] = []
        self.extra = extra
        self.portrait = True
        self.lang = "zh_CN"
        self.metrics: Metrics | None = None
        for tile in extra:
            tile.title_fitted.connect(self._on_title_fitted)

    def set_services(self, services: list[dict[str, Any]]) -> None:
        codes = [s["service"] for s in services]
        if codes != list(self.tiles):
            for tile in self.tiles.values():
                tile.setParent(None)
                tile.deleteLater()
            self.tiles = {}
            for code in codes:
                tile = Tile(f"{self.prefix}_{code}")
                tile.title_fitted.connect(self._on_title_fitted)
                if self.metrics is not None:
                    tile.apply_metrics(self.metrics)
                tile.clicked.connect(lambda _=False, c=code: self.service_chosen.emit(c))
                self.tiles[code] = tile
            self.services = services
            self.relayout()
        self.services = services
        self.retranslate()

    def _on_title_fitted(self) -> None:
        """One title size for the whole grid: the largest at which every title fits."""
        sizes = [t.fitted_px for t in (*self.tiles.values(), *self.extra) if t.fitted_px]
        if sizes:
            for t in (*self.tiles.values(), *self.extra):
                t.set_title_px(min(sizes))

    def relayout(self) -> None:
        while self.grid.count():
            self.grid.takeAt(0)
        cols = 2 if self.portrait else 4
        widgets: list[QWidget] = [*self.tiles.values(), *self.extra]
        for i, w in enumerate(widgets):
            row, col = divmod(i, cols)
            # The last tile takes what is left of its row: no hole at the bottom.
            span = cols - col if i == len(widgets) - 1 else 1
            self.grid.addWidget(w, row, col, 1, span)
            w.show()  # now, not at the next event-loop turn: a tap may come first
        for c in range(4):
            self.grid.setColumnStretch(c, 1 if c < cols else 0)
        rows = (len(widgets) + cols - 1) // cols
        for r in range(6):
            self.grid.setRowStretch(r, 1 if r < rows else 0)

    def set_portrait(self, portrait: bool) -> None:
        if portrait != self.portrait:
            self.portrait = portrait
            self.relayout()

    def apply_metrics(self, m: Metrics) -> None:
        self.grid.setSpacing(m.px(24))
        for tile in [*self.tiles.values(), *self.extra]:
            tile.apply_metrics(m)
        self.metrics = m

    def retranslate(self) -> None:
        for s in self.services:
            tile = self.tiles.get(s["service"])
            if tile is None:
                continue
            waiting = int(s.get("waiting", 0))
            if s.get("open_counters", 1) == 0:
                info2 = QCoreApplication.translate("Lobby", "暂无窗口开放")
            else:
                info2 = tx.wait_text(s.get("estimated_wait_s"))
            tile.set_texts(
                f"{s['service']}  {tx.service_name(s, self.lang)}",
                tx.waiting_text(waiting),
                info2,
            )


class HomeScreen(Screen):
    """Signals:
    service_chosen(str), bills_requested(), green_requested(), card_forgotten()
    """

    NAME = "home"
    GUIDANCE_KEY = "welcome"
    service_chosen = Signal(str)
    bills_requested = Signal()
    green_requested = Signal()
    card_forgotten = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.bills_tile = Tile("tile_bills", "bills")
        self.green_tile = Tile("tile_green", "green")
        self.bills_tile.clicked.connect(self.bills_requested)
        self.green_tile.clicked.connect(self.green_requested)
        self.grid = ServiceGrid("tile", (self.bills_tile, self.green_tile))
        self.grid.service_chosen.connect(self.service_chosen)
        self.card_banner = label("card_banner", "body")
        set_tone(self.card_banner, "warning")
        self.card_forget = button("card_forget")
        self.card_forget.clicked.connect(self.card_forgotten)
        banner = QHBoxLayout()
        banner.addWidget(self.card_banner, 1)
        banner.addWidget(self.card_forget)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner)
        banner.setContentsMargins(0, 0, 0, 0)
        self.banner_box.hide()
        self.notices = NoticeTicker()
        self.notices.hide()
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.banner_box)
        box.addWidget(self.grid, 1)
        box.addWidget(self.notices)
        self.card_name = ""

    def set_services(self, services: list[dict[str, Any]]) -> None:
        self.grid.lang = self.lang
        self.grid.set_services(services)

    def set_notices(self, titles: list[str]) -> None:
        self._notice_titles = titles
        self._update_notices()

    def _update_notices(self) -> None:
        titles = getattr(self, "_notice_titles", [])
        if not titles:
            self.notices.set_text("")
            return
        sep = "　　◆　　"
        self.notices.set_text(
            QCoreApplication.translate("Lobby", "停电公告：%1").replace("%1", sep.join(titles))
        )

    def show_card(self, name_masked: str) -> None:
        """An ID card was read on the home screen: the next ticket is identified."""
        self.card_name = name_masked
        self.banner_box.setVisible(bool(name_masked))
        self.retranslate()

    def clear(self) -> None:
        self.show_card("")

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.grid.set_portrait(portrait)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.grid.apply_metrics(m)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择您要办理的业务"))
        self.bills_tile.set_texts(
            QCoreApplication.translate("Lobby", "电费查询"),
            QCoreApplication.translate("Lobby", "余额、账单、缴费"),
        )
        self.green_tile.set_texts(
            QCoreApplication.translate("Lobby", "绿色通道"),
            QCoreApplication.translate("Lobby", "老年人、残障人士优先办理"),
        )
        self.card_banner.setText(
            QCoreApplication.translate("Lobby", "已读取身份证：%1。请选择业务取号").replace(
                "%1", self.card_name
            )
        )
        self.card_forget.setText(QCoreApplication.translate("Lobby", "不使用"))
        self.grid.lang = self.lang
        self.grid.retranslate()
        self._update_notices()


# ---------------------------------------------------------------------------- identify


class CardIllustration(QWidget):
    """An ID card being laid on the reader: shows where the card goes."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card_illustration")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.caption = ""

    def sizeHint(self) -> QSize:
        return QSize(400, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 150)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        side = min(w / 1.4, h)
        reader = QRectF((w - side * 1.2) / 2, h / 2, side * 1.2, side * 0.42)
        painter.setBrush(QColor("#3A3F3E"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(reader, side * 0.05, side * 0.05)
        card = QRectF((w - side * 0.86) / 2, h / 2 - side * 0.44, side * 0.86, side * 0.54)
        painter.setBrush(QColor("#DDEFEA"))
        painter.setPen(QPen(QColor(PALETTE.primary), max(2, side * 0.012)))
        painter.drawRoundedRect(card, side * 0.04, side * 0.04)
        photo = QRectF(
            card.right() - card.width() * 0.34,
            card.top() + card.height() * 0.16,
            card.width() * 0.24,
            card.height() * 0.62,
        )
        painter.setBrush(QColor("#9DB8B2"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRect(photo)
        painter.setBrush(QColor("#7A9A93"))
        for i in range(4):
            painter.drawRect(
                QRectF(
                    card.left() + card.width() * 0.08,
                    card.top() + card.height() * (0.2 + i * 0.17),
                    card.width() * (0.48 - 0.06 * (i % 2)),
                    card.height() * 0.07,
                )
            )
        arrow = QPen(QColor(PALETTE.focus), max(3, side * 0.02))
        painter.setPen(arrow)
        x = card.center().x()
        painter.drawLine(int(x), int(card.bottom() + side * 0.02), int(x), int(reader.top() + 4))
        painter.end()


class IdentifyScreen(Screen):
    """ID card on the reader, or the account number, or neither (when allowed).

    Signals:
        account_requested(), skip_requested()
    """

    NAME = "identify"
    GUIDANCE_KEY = "place_id_card"
    account_requested = Signal()
    skip_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.subtitle = label("identify_subtitle", "subtitle", align=CENTER)
        self.illustration = CardIllustration()
        self.status = label("identify_status", "body", align=CENTER)
        self.account_button = button("identify_account", "primary")
        self.skip_button = button("identify_skip", "primary")
        self.account_button.clicked.connect(self.account_requested)
        self.skip_button.clicked.connect(self.skip_requested)
        self.choices = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.choices.addWidget(self.account_button)
        self.choices.addWidget(self.skip_button)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        box.addWidget(self.illustration, 1)
        box.addWidget(self.status)
        box.addLayout(self.choices)
        box.addLayout(self.nav_bar(back=True, home=False))
        self.purpose = "ticket"
        self.service_title = ""
        self.status_key = ""

    def configure(
        self, purpose: str, service_title: str, *, allow_account: bool, allow_skip: bool
    ) -> None:
        """``purpose``: ticket, green (card required) or bills."""
        self.purpose = purpose
        self.service_title = service_title
        self.account_button.setVisible(allow_account)
        self.skip_button.setVisible(allow_skip)
        self.set_status("")
        self.retranslate()

    def set_status(self, key: str, tone: str = "error", detail: str = "") -> None:
        """A problem with the card: ``read_failed``, ``expired``, ``not_elderly``, or ""."""
        self.status_key, self.status_detail = key, detail
        set_tone(self.status, tone)
        self._status_text()

    def _status_text(self) -> None:
        texts = {
            "": "",
            "read_failed": QCoreApplication.translate(
                "Lobby", "没有读到身份证，请把身份证平放在读卡区，稍等片刻"
            ),
            "not_elderly": QCoreApplication.translate(
                "Lobby", "绿色通道（老年人）需年满%1岁。您可以普通取号"
            ).replace("%1", getattr(self, "status_detail", "")),
            "lookup_failed": getattr(self, "status_detail", ""),
        }
        self.status.setText(texts.get(self.status_key, ""))
        self.status.setVisible(bool(self.status.text()))

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.choices.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def retranslate(self) -> None:
        if self.purpose == "bills":
            self.title.setText(QCoreApplication.translate("Lobby", "电费查询"))
            sub = QCoreApplication.translate("Lobby", "请把身份证放在读卡区，或输入户号")
        elif self.purpose == "green":
            self.title.setText(QCoreApplication.translate("Lobby", "请刷身份证"))
            sub = QCoreApplication.translate("Lobby", "绿色通道（老年人）需核验年龄")
        else:
            self.title.setText(QCoreApplication.translate("Lobby", "请刷身份证或输入户号"))
            sub = QCoreApplication.translate("Lobby", "登记后工作人员可更快为您办理，也可以跳过")
        self.subtitle.setText(f"{self.service_title}\n{sub}" if self.service_title else sub)
        self.account_button.setText(QCoreApplication.translate("Lobby", "输入户号"))
        self.skip_button.setText(QCoreApplication.translate("Lobby", "不登记，直接取号"))
        self._status_text()
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.title.text()


# ------------------------------------------------------------------------------ keypad


class KeypadScreen(Screen):
    """Digits on a large keypad: the account number (户号), or the admin PIN (masked).

    Signals:
        submitted(str): OK with the digits typed.
    """

    GUIDANCE_KEY = "enter_account"
    submitted = Signal(str)

    def __init__(self, name: str, *, masked: bool, max_digits: int) -> None:
        self.NAME = name  # type: ignore[misc]  # two instances: account and pin
        super().__init__()
        self.masked = masked
        self.max_digits = max_digits
        self.digits = ""
        self.hint = label(f"{name}_hint", "subtitle", align=CENTER)
        self.display = label(f"{name}_display", "display", wrap=False, align=CENTER)
        self.status = label(f"{name}_status", "body", align=CENTER)
        self.status.hide()
        self.keypad = Keypad(name)
        self.keypad.digit_pressed.connect(self._on_digit_pressed)
        self.keypad.delete_pressed.connect(self._on_delete_pressed)
        self.keypad.clear_pressed.connect(self._on_clear_pressed)
        self.keypad.ok_pressed.connect(self._on_ok_pressed)
        self.side = QVBoxLayout()
        self.side.addWidget(self.title)
        self.side.addWidget(self.hint)
        self.side.addWidget(self.display)
        self.side.addWidget(self.status)
        self.side.addStretch(1)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addLayout(self.side)
        self.body.addWidget(self.keypad, 1)
        box = QVBoxLayout(self)
        box.addLayout(self.body, 1)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.purpose = "account"
        self._refresh()

    def configure(self, purpose: str) -> None:
        """``ticket`` / ``bills`` (account number) or ``admin`` (PIN)."""
        self.purpose = purpose
        self.clear()
        self.retranslate()

    def clear(self) -> None:
        self.digits = ""
        self.set_status("")
        self._refresh()

    def set_status(self, message: str, tone: str = "error") -> None:
        self.status.setText(message)
        set_tone(self.status, tone)
        self.status.setVisible(bool(message))

    def _refresh(self) -> None:
        if self.masked:
            shown = "●" * len(self.digits)
        else:
            shown = " ".join(self.digits[i : i + 4] for i in range(0, len(self.digits), 4))
        self.display.setText(shown or " ")
        self.keypad.ok_key.setEnabled(bool(self.digits))

    def _on_digit_pressed(self, digit: str) -> None:
        if len(self.digits) < self.max_digits:
            self.digits += digit
            self.set_status("")
            self._refresh()

    def _on_delete_pressed(self) -> None:
        self.digits = self.digits[:-1]
        self._refresh()

    def _on_clear_pressed(self) -> None:
        self.digits = ""
        self._refresh()

    def _on_ok_pressed(self) -> None:
        if self.digits:
            self.submitted.emit(self.digits)

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.body.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.body.setStretch(0, 0 if portrait else 1)
        self.body.setStretch(1, 1)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.keypad.set_spacing(m.px(18))
        self.body.setSpacing(m.px(32))
        self.display.setMinimumHeight(m.target(120))

    def retranslate(self) -> None:
        if self.masked:
            self.title.setText(QCoreApplication.translate("Lobby", "管理员登录"))
            self.hint.setText(QCoreApplication.translate("Lobby", "请输入管理密码"))
        else:
            self.title.setText(QCoreApplication.translate("Lobby", "请输入户号"))
            self.hint.setText(QCoreApplication.translate("Lobby", "户号印在电费通知单或缴费凭证上"))
        self.keypad.ok_key.setText(QCoreApplication.translate("Lobby", "确定"))
        self.keypad.delete_key.setText(QCoreApplication.translate("Lobby", "删除"))
        self.keypad.clear_key.setText(QCoreApplication.translate("Lobby", "清空"))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.title.text()


# ------------------------------------------------------------------------ green channel


class GreenChannelScreen(Screen):
    """Who may go first. Signals: category_chosen(str): elderly, disabled or appointment."""

    NAME = "green"
    TITLE_OPTIONAL = True
    category_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.intro = label("green_intro", "subtitle", align=CENTER)
        self.buttons: dict[str, QPushButton] = {}
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.intro)
        box.addStretch(1)
        for cat in ("elderly", "disabled", "appointment"):
            b = button(f"green_{cat}", "primary")
            b.clicked.connect(lambda _=False, c=cat: self.category_chosen.emit(c))
            box.addWidget(b)
            self.buttons[cat] = b
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.elderly_age = 70

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "绿色通道"))
        self.intro.setText(
            QCoreApplication.translate(
                "Lobby", "老年人、残障人士和预约客户优先办理。请选择您的情况"
            )
        )
        self.buttons["elderly"].setText(
            QCoreApplication.translate("Lobby", "%1岁以上老年人（请刷身份证）").replace(
                "%1", str(self.elderly_age)
            )
        )
        self.buttons["disabled"].setText(QCoreApplication.translate("Lobby", "残障人士"))
        self.buttons["appointment"].setText(QCoreApplication.translate("Lobby", "已预约客户"))
        self.retranslate_nav()


class ServicePickScreen(Screen):
    """The services again, for a green-channel ticket. Signals: service_chosen(str)."""

    NAME = "services"
    TITLE_OPTIONAL = True
    service_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.banner = label("services_banner", "body", align=CENTER)
        set_tone(self.banner, "warning")
        self.grid = ServiceGrid("green_tile")
        self.grid.service_chosen.connect(self.service_chosen)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.banner)
        box.addWidget(self.grid, 1)
        box.addLayout(self.nav_bar(back=True, home=True))

    def set_services(self, services: list[dict[str, Any]]) -> None:
        self.grid.lang = self.lang
        self.grid.set_services(services)

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.grid.set_portrait(portrait)

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.grid.apply_metrics(m)

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择业务"))
        self.banner.setText(QCoreApplication.translate("Lobby", "绿色通道：您的号票将优先叫号"))
        self.grid.lang = self.lang
        self.grid.retranslate()
        self.retranslate_nav()


class ElderlyOfferScreen(Screen):
    """Offered by itself when the ID card shows the customer is old enough.

    Signals: accepted(), declined()
    """

    NAME = "offer"
    accepted = Signal()
    declined = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.greeting = label("offer_greeting", "subtitle", align=CENTER)
        self.text = label("offer_text", "body", align=CENTER)
        self.accept_button = button("offer_accept", "primary")
        self.decline_button = button("offer_decline")
        self.accept_button.clicked.connect(self.accepted)
        self.decline_button.clicked.connect(self.declined)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.greeting)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.accept_button)
        box.addWidget(self.decline_button)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.name_masked = ""
        self.elderly_age = 70

    def set_customer(self, name_masked: str, elderly_age: int) -> None:
        self.name_masked, self.elderly_age = name_masked, elderly_age
        self.retranslate()

    def clear(self) -> None:
        self.name_masked = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "绿色通道"))
        self.greeting.setText(
            QCoreApplication.translate("Lobby", "%1，您好").replace("%1", self.name_masked)
            if self.name_masked
            else ""
        )
        self.text.setText(
            QCoreApplication.translate(
                "Lobby", "您已年满%1岁，可以走绿色通道优先办理，不用久等"
            ).replace("%1", str(self.elderly_age))
        )
        self.accept_button.setText(QCoreApplication.translate("Lobby", "优先办理（绿色通道）"))
        self.decline_button.setText(QCoreApplication.translate("Lobby", "普通取号"))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.text.text()


# ------------------------------------------------------------------------------ ticket


class TicketScreen(Screen):
    """The ticket, very large: number, people ahead, estimated wait, counters; then whether
    it printed. When it could not print, its QR code and a request to note the number."""

    NAME = "ticket"
    GUIDANCE_KEY = "take_ticket"
    TITLE_OPTIONAL = True

    def __init__(self) -> None:
        super().__init__()
        self.service = label("ticket_service", "service", align=CENTER)
        self.number = label("ticket_number", "number", wrap=False, align=CENTER)
        self.priority = label("ticket_priority", "body", align=CENTER)
        set_tone(self.priority, "ok")
        self.ahead = label("ticket_ahead", "number-label", align=CENTER)
        self.wait = label("ticket_wait", "number-label", align=CENTER)
        self.counters = label("ticket_counters", "body", align=CENTER)
        self.print_status = label("print_status", "status", align=CENTER)
        self.qr = QrCodeWidget()
        self.qr.setObjectName("ticket_qr")
        self.qr_hint = label("ticket_qr_hint", "small", align=CENTER)
        self.countdown = label("ticket_countdown", "small", align=CENTER)
        self.done_button = button("ticket_done", "primary")
        self.card = Card("ticket_card")
        self.facts = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.card)
        self.headline = QVBoxLayout()
        self.details = QVBoxLayout()
        for column, widgets in (
            (self.headline, (self.service, self.number, self.priority)),
            (self.details, (self.ahead, self.wait, self.counters)),
        ):
            column.addStretch(1)
            for w in widgets:
                column.addWidget(w)
            column.addStretch(1)
        self.facts.addLayout(self.headline)
        self.facts.addLayout(self.details)
        self.qr_box = QVBoxLayout()
        self.qr_box.addWidget(self.qr, 1)
        self.qr_box.addWidget(self.qr_hint)
        self.qr_panel = QWidget()
        self.qr_panel.setLayout(self.qr_box)
        self.qr_box.setContentsMargins(0, 0, 0, 0)
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addWidget(self.card, 3)
        self.body.addWidget(self.qr_panel, 2)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(self.body, 1)
        box.addWidget(self.print_status)
        box.addWidget(self.countdown)
        box.addWidget(self.done_button)
        self.ticket: dict[str, Any] = {}
        self.state = "printing"  # printing | printed | failed | no_printer
        self.qr_payload = ""
        self.seconds_left: int | None = None
        self.qr_panel.hide()

    def show_ticket(self, ticket: dict[str, Any], qr_payload: str) -> None:
        self.ticket = ticket
        self.qr_payload = qr_payload
        self.qr.set_payload(qr_payload)
        self.state = "printing"
        self.seconds_left = None
        self.qr_panel.hide()
        self.retranslate()

    def set_print_state(self, state: str) -> None:
        self.state = state
        self.qr_panel.setVisible(state in ("failed", "no_printer"))
        self.retranslate()

    def set_countdown(self, seconds: int | None) -> None:
        self.seconds_left = seconds
        self._countdown_text()

    def _countdown_text(self) -> None:
        if self.seconds_left is None:
            self.countdown.setText("")
        else:
            self.countdown.setText(
                QCoreApplication.translate("Lobby", "%n 秒后返回首页", None, self.seconds_left)
            )
        self.countdown.setVisible(self.seconds_left is not None)

    def clear(self) -> None:
        self.ticket = {}
        self.qr.set_payload("")
        self.qr_payload = ""
        self.seconds_left = None
        self.number.setText("")

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        direction = (
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.body.setDirection(direction)
        # Landscape is short: the number on the left, the figures beside it, and the QR
        # code (when shown) no wider than it needs.
        self.facts.setDirection(direction)
        self.body.setStretch(0, 3)
        self.body.setStretch(1, 2 if portrait else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_service()

    def _fit_service(self) -> None:
        """The service's name on one line (a smaller size for a long English name): the
        number below it must keep its height."""
        if self.metrics is None or not self.service.text():
            return
        base = self.metrics.font("service")
        width = self.service.width()
        if width <= 0:
            return
        px = fit_pixel_size(self.service.font(), self.service.text(), base, width, 1)
        self.service.setStyleSheet(f"font-size: {px}px;" if px != base else "")

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.qr.setMinimumSize(m.px(260), m.px(260))
        self.facts.setContentsMargins(m.px(24), m.px(24), m.px(24), m.px(24))
        self.facts.setSpacing(m.px(16))

    def guidance_key(self) -> str:
        return "take_ticket" if self.state == "printed" else "ticket_not_printed"

    def retranslate(self) -> None:
        t = self.ticket
        self.title.setText(QCoreApplication.translate("Lobby", "您的排队号"))
        self.number.setText(t.get("number", ""))
        self.service.setText(tx.service_name(t, self.lang) if t else "")
        self._fit_service()
        self.priority.setText(
            QCoreApplication.translate("Lobby", "绿色通道 · 优先叫号") if t.get("priority") else ""
        )
        self.priority.setVisible(bool(t.get("priority")))
        self.ahead.setText(tx.ahead_text(int(t.get("ahead") or 0)) if t else "")
        self.wait.setText(tx.wait_text(t.get("estimated_wait_s")) if t else "")
        self.counters.setText(tx.counters_text(list(t.get("counters") or [])) if t else "")
        texts = {
            "printing": QCoreApplication.translate("Lobby", "正在打印号票……"),
            "printed": QCoreApplication.translate("Lobby", "请取走您的号票，留意叫号"),
            "failed": QCoreApplication.translate(
                "Lobby", "号票未能打印，请记住您的号码，或用手机拍下本页。已通知工作人员"
            ),
            "no_printer": QCoreApplication.translate(
                "Lobby", "本机不打印号票，请记住您的号码，或用手机拍下本页"
            ),
        }
        self.print_status.setText(texts[self.state])
        set_tone(self.print_status, "warning" if self.state in ("failed", "no_printer") else "")
        self.qr_hint.setText(QCoreApplication.translate("Lobby", "扫码查看排队进度"))
        self.done_button.setText(QCoreApplication.translate("Lobby", "完成"))
        self._countdown_text()

    def guidance_text(self) -> str:
        return self.print_status.text()


# ------------------------------------------------------------------------------- bills


class AccountsScreen(Screen):
    """The accounts registered to an ID card, masked. Signals: account_chosen(str)."""

    NAME = "accounts"
    account_chosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.list_box = QVBoxLayout()
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addLayout(self.list_box)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.accounts: list[dict[str, Any]] = []
        self.buttons: list[QPushButton] = []

    def set_accounts(self, accounts: list[dict[str, Any]]) -> None:
        for b in self.buttons:
            b.setParent(None)
            b.deleteLater()
        self.buttons = []
        self.accounts = accounts
        for i, a in enumerate(accounts):
            b = button(f"account_{i}", "account")
            b.clicked.connect(lambda _=False, acc=a["account"]: self.account_chosen.emit(acc))
            self.list_box.addWidget(b)
            self.buttons.append(b)
        self.retranslate()

    def clear(self) -> None:
        self.set_accounts([])

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "请选择要查询的户号"))
        for b, a in zip(self.buttons, self.accounts, strict=True):
            b.setText(
                QCoreApplication.translate("Lobby", "户号 %1　户名 %2\n%3")
                .replace("%1", a["account_masked"])
                .replace("%2", a["name_masked"])
                .replace("%3", a["address_masked"])
            )
        self.retranslate_nav()


class BillScreen(Screen):
    """One account's bill. Signals: print_requested(), pay_requested()."""

    NAME = "bill"
    print_requested = Signal()
    pay_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.who = label("bill_who", "subtitle", align=CENTER)
        # balance / arrears
        self.balance_card = Card("bill_balance_card")
        self.balance_caption = label("bill_balance_caption", "body", wrap=False)
        self.balance = label("bill_balance", "figure", wrap=False)
        self.month = label("bill_month", "body", wrap=False)
        self.as_of = label("bill_as_of", "small", wrap=False)
        # No label in the cards wraps: grid layouts mishandle height-for-width, and a card
        # got less height than its text needed once the screen had been laid out before.
        lay = QVBoxLayout(self.balance_card)
        # The amount owed (or the balance) first and largest, its caption beside it.
        headline = QHBoxLayout()
        headline.addWidget(self.balance_caption)
        headline.addStretch(1)
        headline.addWidget(self.balance)
        lay.addLayout(headline)
        lay.addWidget(self.month)
        lay.addWidget(self.as_of)
        lay.addStretch(1)
        # tariff
        self.tariff_card = Card("bill_tariff_card")
        self.tariff_caption = label("bill_tariff_caption", "body", wrap=False)
        self.tariff_bar = TariffBar()
        self.tariff_text = label("bill_tariff_text", "small", wrap=False)
        lay = QVBoxLayout(self.tariff_card)
        for w in (self.tariff_caption, self.tariff_bar, self.tariff_text):
            lay.addWidget(w)
        # chart
        self.chart_card = Card("bill_chart_card")
        self.chart_caption = label("bill_chart_caption", "body", wrap=False)
        self.chart = UsageChart()
        lay = QVBoxLayout(self.chart_card)
        lay.addWidget(self.chart_caption)
        lay.addWidget(self.chart, 1)
        # payments
        self.payments_card = Card("bill_payments_card")
        self.payments_caption = label("bill_payments_caption", "body", wrap=False)
        self.payments = label("bill_payments", "small", wrap=False)
        lay = QVBoxLayout(self.payments_card)
        lay.addWidget(self.payments_caption)
        lay.addWidget(self.payments)
        lay.addStretch(1)
        # Floats over the bottom of the chart: the outcome of a print must not squeeze the
        # figures (a screen in large type has no pixel to spare).
        self.status = label("bill_status", "body", align=CENTER)
        self.status.setParent(self)
        self.status.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.status.hide()
        self.print_button = button("bill_print", "primary")
        self.pay_button = button("bill_pay", "primary")
        self.print_button.clicked.connect(self.print_requested)
        self.pay_button.clicked.connect(self.pay_requested)
        self.grid = QGridLayout()
        self.heading = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.heading.addWidget(self.title)
        self.heading.addWidget(self.who)
        self.buttons = QGridLayout()
        nav = self.nav_bar(back=True, home=True)
        while nav.count():
            nav.takeAt(0)
        for b in (self.print_button, self.pay_button):
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(self)
        box.addLayout(self.heading)
        box.addLayout(self.grid, 1)
        box.addLayout(self.buttons)
        self.bill: dict[str, Any] = {}
        self.status_key = ""
        self.status_detail = ""
        self._layout_cards()

    def _layout_cards(self) -> None:
        """Portrait: balance and tariff side by side, the chart across, payments below.
        Landscape: a 2×2 grid and every button in one row (the height is what is short)."""
        for lay in (self.grid, self.buttons):
            while lay.count():
                lay.takeAt(0)
        large = self.metrics is not None and self.metrics.large
        for r in range(4):
            self.grid.setRowStretch(r, 0)
        if self.portrait and large:
            # Large type on a portrait screen: one card a row, full width, no cramped pairs.
            for row, card in enumerate(
                (self.balance_card, self.tariff_card, self.chart_card, self.payments_card)
            ):
                self.grid.addWidget(card, row, 0, 1, 2)
            self.grid.setRowStretch(2, 1)
        elif self.portrait:
            self.grid.addWidget(self.balance_card, 0, 0)
            self.grid.addWidget(self.tariff_card, 0, 1)
            self.grid.addWidget(self.chart_card, 1, 0, 1, 2)
            self.grid.addWidget(self.payments_card, 2, 0, 1, 2)
            self.grid.setRowStretch(1, 3)
        else:
            self.grid.addWidget(self.balance_card, 0, 0)
            self.grid.addWidget(self.tariff_card, 0, 1)
            self.grid.addWidget(self.payments_card, 0, 2)
            self.grid.addWidget(self.chart_card, 1, 0, 1, 3)
            self.grid.setRowStretch(1, 1)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 0 if self.portrait else 1)
        order = (self.print_button, self.pay_button, self.back_button, self.home_button)
        for i, b in enumerate(order):
            if self.portrait:
                self.buttons.addWidget(b, i // 2, i % 2)
            else:
                self.buttons.addWidget(b, 0, i)
        self.heading.setDirection(
            QBoxLayout.Direction.TopToBottom if self.portrait else QBoxLayout.Direction.LeftToRight
        )
        # Large type has no height to spare: the account line heads the screen on its own
        # (the tile the customer tapped said 电费查询).
        self.title.setVisible(not large)

    def set_portrait(self, portrait: bool) -> None:
        if portrait != self.portrait:
            super().set_portrait(portrait)
            self._layout_cards()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_status()

    def _place_status(self) -> None:
        if not self.status.isVisibleTo(self):
            return
        width = int(self.width() * 0.86)
        height = self.status.heightForWidth(width)
        chart = self.chart_card.geometry()
        self.status.setGeometry(
            (self.width() - width) // 2, chart.bottom() - height - 12, width, height
        )
        self.status.raise_()

    def apply_metrics(self, m: Metrics) -> None:
        relayout = self.metrics is None or self.metrics.large != m.large
        super().apply_metrics(m)
        self.grid.setSpacing(m.px(20))
        self.buttons.setSpacing(m.px(20))
        for card in (self.balance_card, self.tariff_card, self.chart_card, self.payments_card):
            card.layout().setContentsMargins(m.px(24), m.px(16), m.px(24), m.px(16))
            card.layout().setSpacing(m.px(8))
        self.chart.setMinimumHeight(m.px(100 if m.large or not self.portrait else 180))
        self.layout().setSpacing(m.px(12 if m.large else 16))
        if m.large:
            self.layout().setContentsMargins(m.px(40), m.px(12), m.px(40), m.px(16))
        if relayout:
            self._layout_cards()
            self.retranslate()

    def set_bill(self, bill: dict[str, Any]) -> None:
        self.bill = bill
        self.status_key = ""
        self.status.hide()
        history = bill.get("history") or []
        self.chart.set_months([(h["month"], float(h["kwh"])) for h in history])
        t = bill.get("tariff") or {}
        self.tariff_bar.set_position(
            float(t.get("year_kwh", 0)),
            float(t.get("tier1_limit_kwh", 0)),
            float(t.get("tier2_limit_kwh", 0)),
        )
        self.pay_button.setEnabled(bool(bill.get("pay_url")))
        self.retranslate()

    def set_status(self, key: str, detail: str = "") -> None:
        """``printing``, ``printed``, ``print_failed`` (detail: the reason) or ""."""
        self.status_key, self.status_detail = key, detail
        self._status_text()

    def _status_text(self) -> None:
        texts = {
            "printing": QCoreApplication.translate("Lobby", "正在打印账单……"),
            "printed": QCoreApplication.translate("Lobby", "账单已打印，请取走"),
            "print_failed": QCoreApplication.translate("Lobby", "账单未能打印：%1").replace(
                "%1", self.status_detail
            ),
        }
        self.status.setText(texts.get(self.status_key, ""))
        set_tone(self.status, "toast-ok" if self.status_key == "printed" else "warning")
        self.status.setVisible(bool(self.status_key))
        self._place_status()
        self.print_button.setEnabled(self.status_key != "printing")

    def clear(self) -> None:
        self.bill = {}
        self.chart.set_months([])
        self.tariff_bar.set_position(0, 0, 0)
        self.set_status("")
        self.retranslate()

    def retranslate(self) -> None:
        b = self.bill
        self.title.setText(QCoreApplication.translate("Lobby", "电费账单"))
        if b:
            self.who.setText(
                QCoreApplication.translate("Lobby", "户号 %1　户名 %2")
                .replace("%1", b.get("account_masked") or b["account"])
                .replace("%2", b["name_masked"])
            )
            balance = float(b["balance"])
            if balance < 0:
                self.balance_caption.setText(QCoreApplication.translate("Lobby", "欠费金额"))
                self.balance.setText(tx.yuan(-balance))
                set_tone(self.balance, "error")
            else:
                self.balance_caption.setText(QCoreApplication.translate("Lobby", "账户余额"))
                self.balance.setText(tx.yuan(balance))
                set_tone(self.balance, "ok")
            self.month.setText(
                QCoreApplication.translate("Lobby", "%1 用电 %2\n电费 %3")
                .replace("%1", tx.month_text(b["month"], self.lang))
                .replace("%2", tx.kwh(float(b["month_kwh"])))
                .replace("%3", tx.yuan(float(b["month_amount"])))
            )
            t = b["tariff"]
            self.tariff_caption.setText(
                QCoreApplication.translate("Lobby", "阶梯电价：第%1档").replace(
                    "%1", str(t["tier"])
                )
            )
            # The tier limits are written on the bar itself.
            self.tariff_text.setText(
                QCoreApplication.translate("Lobby", "今年已用 %1").replace(
                    "%1", tx.kwh(float(t["year_kwh"]))
                )
            )
            lines = []
            if self.metrics is not None and self.metrics.large:
                shown = 2 if self.portrait else 3
            else:
                shown = 4 if self.portrait else 3
            for p in (b.get("payments") or [])[:shown]:
                lines.append(
                    f"{p['paid_at'][5:10]}　{tx.yuan(float(p['amount']))}　"
                    f"{self._channel(p.get('channel', ''))}"
                )
            self.payments.setText(
                "\n".join(lines) or QCoreApplication.translate("Lobby", "近期没有缴费记录")
            )
            as_of = b.get("as_of", "")[:16].replace("T", " ")
            text = QCoreApplication.translate("Lobby", "数据截至 %1").replace("%1", as_of)
            if b.get("cached"):
                text += QCoreApplication.translate("Lobby", "（缓存数据，可能不是最新）")
            self.as_of.setText(text)
        else:
            for w in (self.who, self.balance_caption, self.balance, self.month, self.as_of):
                w.setText("")
            self.tariff_caption.setText("")
            self.tariff_text.setText("")
            self.payments.setText("")
        self.chart_caption.setText(QCoreApplication.translate("Lobby", "近12个月用电量（kWh）"))
        self.payments_caption.setText(QCoreApplication.translate("Lobby", "最近缴费"))
        self.print_button.setText(QCoreApplication.translate("Lobby", "打印账单"))
        self.pay_button.setText(QCoreApplication.translate("Lobby", "扫码缴费"))
        self._status_text()
        self.retranslate_nav()

    def _channel(self, channel: str) -> str:
        names = {
            "网上国网": QCoreApplication.translate("Lobby", "网上国网"),
            "微信": QCoreApplication.translate("Lobby", "微信"),
            "支付宝": QCoreApplication.translate("Lobby", "支付宝"),
            "营业厅": QCoreApplication.translate("Lobby", "营业厅"),
        }
        return names.get(channel, channel)

    def guidance_text(self) -> str:
        if not self.bill:
            return self.title.text()
        return f"{self.balance_caption.text()} {self.balance.text()}"


class PayScreen(Screen):
    """The payment link of the central system as a QR code."""

    NAME = "pay"

    def __init__(self) -> None:
        super().__init__()
        self.amount = label("pay_amount", "figure", align=CENTER)
        self.qr = QrCodeWidget()
        self.qr.setObjectName("pay_qr")
        self.hint = label("pay_hint", "body", align=CENTER)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.amount)
        box.addWidget(self.qr, 1)
        box.addWidget(self.hint)
        box.addLayout(self.nav_bar(back=True, home=True))
        self.balance: float | None = None

    def show_payment(self, url: str, balance: float) -> None:
        self.qr.set_payload(url)
        self.balance = balance
        self.retranslate()

    def clear(self) -> None:
        self.qr.set_payload("")
        self.balance = None
        self.retranslate()

    def apply_metrics(self, m: Metrics) -> None:
        super().apply_metrics(m)
        self.qr.setMinimumSize(m.px(420), m.px(420))

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "扫码缴费"))
        if self.balance is not None and self.balance < 0:
            self.amount.setText(
                QCoreApplication.translate("Lobby", "应缴 %1").replace("%1", tx.yuan(-self.balance))
            )
        else:
            self.amount.setText(QCoreApplication.translate("Lobby", "预存电费"))
        self.hint.setText(
            QCoreApplication.translate(
                "Lobby", "请用手机扫描二维码，在网上国网、微信或支付宝中完成缴费"
            )
        )
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.hint.text()


# ---------------------------------------------------------------------- message, wait


class MessageScreen(Screen):
    """Something went wrong, or needs saying, with a way on and a way home.

    Signals: action_requested(): the main button (e.g. 重新输入).
    """

    NAME = "message"
    action_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.text = label("message_text", "subtitle", align=CENTER)
        self.action_button = button("message_action", "primary")
        self.action_button.clicked.connect(self.action_requested)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.action_button)
        box.addLayout(self.nav_bar(back=False, home=True))
        self._title = ""
        self._text = ""
        self._action = ""

    def show_message(self, title_key: str, text: str, action_key: str = "") -> None:
        """Keys are translated here (the API's messages are already in the language)."""
        self._title, self._text, self._action = title_key, text, action_key
        self.retranslate()

    def retranslate(self) -> None:
        titles = {
            "not_found": QCoreApplication.translate("Lobby", "没有找到"),
            "error": QCoreApplication.translate("Lobby", "无法办理"),
            "unreachable": QCoreApplication.translate("Lobby", "暂时无法连接"),
            "no_accounts": QCoreApplication.translate("Lobby", "没有找到户号"),
            "not_elderly": QCoreApplication.translate("Lobby", "暂不能走绿色通道"),
        }
        texts = {
            "unreachable": QCoreApplication.translate(
                "Lobby", "系统暂时无法连接，请稍后再试，或到服务台咨询"
            ),
            "no_accounts": QCoreApplication.translate(
                "Lobby", "没有找到登记在此身份证下的户号，请输入户号查询"
            ),
        }
        actions = {
            "retry_account": QCoreApplication.translate("Lobby", "重新输入"),
            "enter_account": QCoreApplication.translate("Lobby", "输入户号"),
            "ordinary_ticket": QCoreApplication.translate("Lobby", "普通取号"),
            "retry": QCoreApplication.translate("Lobby", "再试一次"),
        }
        self.title.setText(titles.get(self._title, ""))
        self.text.setText(texts.get(self._text, self._text))
        self.action_button.setText(actions.get(self._action, ""))
        self.action_button.setVisible(bool(self._action))
        self.retranslate_nav()

    def guidance_text(self) -> str:
        return self.text.text()


class WaitScreen(Screen):
    """A call to the daemon under way (a bill lookup): never a dead end."""

    NAME = "wait"

    def __init__(self) -> None:
        super().__init__()
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addStretch(1)
        box.addLayout(self.nav_bar(back=False, home=True))

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "正在查询，请稍候……"))
        self.retranslate_nav()


# ------------------------------------------------------------------------------- admin


class AdminScreen(Screen):
    """Device states, paper, and the way out. Signals: refresh_requested(), exit_requested()."""

    NAME = "admin"
    refresh_requested = Signal()
    exit_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.connection = label("admin_connection", "small")
        self.devices = label("admin_devices", "body")
        self.more_devices = [label(f"admin_devices_{i}", "body") for i in (2, 3)]
        self.device_columns = QHBoxLayout()
        for w in (self.devices, *self.more_devices):
            w.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.device_columns.addWidget(w, 1)
        self.paper = label("admin_paper", "subtitle")
        self.refresh_button = button("admin_refresh")
        self.exit_button = button("admin_exit", "primary")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.connection)
        box.addWidget(self.paper)
        box.addLayout(self.device_columns)
        box.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.exit_button)
        box.addLayout(row)
        box.addLayout(self.nav_bar(back=False, home=True))
        self.device_list: list[dict[str, Any]] = []
        self.base_url = ""

    def set_portrait(self, portrait: bool) -> None:
        super().set_portrait(portrait)
        self.retranslate()

    def set_devices(self, devices: list[dict[str, Any]], base_url: str) -> None:
        self.device_list, self.base_url = devices, base_url
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(QCoreApplication.translate("Lobby", "管理面板"))
        self.connection.setText(
            QCoreApplication.translate("Lobby", "营业厅服务：%1").replace("%1", self.base_url)
        )
        lines = []
        paper = ""
        for d in self.device_list:
            mark = "✓" if d.get("ok") else "✗"
            state = (
                QCoreApplication.translate("Lobby", "正常")
                if d.get("ok")
                else QCoreApplication.translate("Lobby", "故障")
            )
            detail = f"（{d['detail']}）" if d.get("detail") and not d.get("ok") else ""
            lines.append(f"{mark} {d['name']}　{state}{detail}")
            if d.get("name") == "printer":
                paper = str(d.get("paper") or "")
        if not lines:
            lines.append(QCoreApplication.translate("Lobby", "没有配置设备"))
        columns = 2 if self.portrait else 3
        per = max(1, -(-len(lines) // columns))
        for i, w in enumerate((self.devices, *self.more_devices)):
            chunk = lines[i * per : (i + 1) * per] if i < columns else []
            w.setText("\n".join(chunk))
            w.setVisible(bool(chunk))
        papers = {
            "ok": QCoreApplication.translate("Lobby", "打印纸：正常"),
            "near_end": QCoreApplication.translate("Lobby", "打印纸：即将用完，请尽快更换"),
            "out": QCoreApplication.translate("Lobby", "打印纸：已用完，请更换纸卷"),
        }
        self.paper.setText(
            papers.get(paper, QCoreApplication.translate("Lobby", "打印纸：状态未知"))
        )
        self.refresh_button.setText(QCoreApplication.translate("Lobby", "刷新"))
        self.exit_button.setText(QCoreApplication.translate("Lobby", "退出程序"))
        self.retranslate_nav()


def text_fits(widget: QLabel) -> bool:
    """Whether a label's text fits its width (wrapped labels always do)."""
    if widget.wordWrap() or not widget.text():
        return True
    fm = QFontMetrics(widget.font())
    return fm.horizontalAdvance(widget.text()) <= widget.contentsRect().width()


__all__ = [
    "AccountsScreen",
    "AdminScreen",
    "BillScreen",
    "ElderlyOfferScreen",
    "GreenChannelScreen",
    "HomeScreen",
    "IdentifyScreen",
    "KeypadScreen",
    "MessageScreen",
    "PayScreen",
    "Screen",
    "ServicePickScreen",
    "TicketScreen",
    "WaitScreen",
    "text_fits",
]
