"""QR codes of ticket tokens: a module matrix for terminals, PNG bytes for e-mail.

Pure: no UI library. Error correction L keeps a ~100-character token at
version 5 (37x37 modules); the quiet zone is ``BORDER`` modules on each side, the
4 the QR standard asks for (scanners find a code with less less reliably).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import qrcode

BORDER = 4  # quiet zone, in modules (ISO/IEC 18004)


def _code(text: str, box_size: int = 1) -> qrcode.QRCode:
    # Loaded when a code is drawn: a kiosk starts without it (and without PIL).
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, box_size=box_size, border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_matrix(text: str) -> list[list[bool]]:
    """The modules of ``text``'s QR code, quiet zone included: True is dark."""
    return [[bool(module) for module in row] for row in _code(text).get_matrix()]


def qr_png(text: str, box_size: int = 6) -> bytes:
    """``text``'s QR code as a black-on-white PNG, ``box_size`` pixels per module."""
    from qrcode.image.pil import PilImage

    image = _code(text, box_size).make_image(
        image_factory=PilImage, fill_color="black", back_color="white"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


CELLS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def half_block_lines(matrix: list[list[bool]]) -> list[str]:
    """The matrix as text lines, two module rows per line (an odd last row gets light below).

    Print them dark on light: each cell's top and bottom half is one module."""
    lines = []
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else [False] * len(upper)
        lines.append("".join(CELLS[pair] for pair in zip(upper, lower, strict=True)))
    return lines
