"""QR codes drawn with QPainter, module by module: crisp at any size, no image library.

The ``qrcode`` package only computes the matrix (it is already installed for the printer);
nothing is rasterised by PIL and converted.
"""

from __future__ import annotations

from ui.qt.core import QRect, QSize, Qt
from ui.qt.gui import QColor, QImage, QPainter, QPaintEvent
from ui.qt.widgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks


def qr_matrix(payload: str) -> list[list[bool]]:
    """The dark modules of ``payload``'s symbol (error correction M), without quiet zone."""
    if not payload:
        raise ValueError("a QR code needs a payload")
    import qrcode  # on first use: it brings Pillow (~10 MB) along

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def paint_qr(painter: QPainter, rect: QRect, matrix: list[list[bool]], dark: QColor) -> QRect:
    """Paint ``matrix`` centred in ``rect`` with whole-pixel modules and the quiet zone
    (white); returns the rectangle of the symbol with its quiet zone."""
    n = len(matrix)
    module = max(1, min(rect.width(), rect.height()) // (n + 2 * QUIET_ZONE))
    side = module * (n + 2 * QUIET_ZONE)
    left = rect.left() + (rect.width() - side) // 2
    top = rect.top() + (rect.height() - side) // 2
    painter.fillRect(left, top, side, side, QColor("white"))
    x0, y0 = left + module * QUIET_ZONE, top + module * QUIET_ZONE
    for y, row in enumerate(matrix):
        for x, dark_module in enumerate(row):
            if dark_module:
                painter.fillRect(x0 + x * module, y0 + y * module, module, module, dark)
    return QRect(left, top, side, side)


def qr_image(payload: str, module_px: int = 8) -> QImage:
    """The symbol of ``payload`` with its quiet zone, ``module_px`` pixels a module."""
    matrix = qr_matrix(payload)
    side = module_px * (len(matrix) + 2 * QUIET_ZONE)
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_qr(painter, QRect(0, 0, side, side), matrix, QColor("black"))
    painter.end()
    return image


class QrCodeWidget(QWidget):
    """Shows a QR code as large as the widget allows, in whole-pixel modules."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._payload = ""
        self._matrix: list[list[bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    @property
    def payload(self) -> str:
        return self._payload

    def set_payload(self, payload: str) -> None:
        self._payload = payload
        self._matrix = qr_matrix(payload) if payload else []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, 240)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        painter = QPainter(self)
        paint_qr(painter, self.rect(), self._matrix, QColor("black"))
        painter.end()
