"""QR codes of ticket tokens: the matrix has a QR code's structure, and the PNG shows it."""

from __future__ import annotations

import io

import pytest
import qrcode
from PIL import Image

from core.qrcodes import BORDER, qr_matrix, qr_png
from core.tickets import Ticket, sign
from screens.widgets.qr import QrCode, half_block_lines

TOKEN = sign(
    Ticket("0123456789abcdef", "MQ7K2P", "65a1b2c3d4e5f60718293a4b", "AA12"),
    bytes(range(32)),
    "k3y1d000",
)

# A finder pattern: a dark 7x7 ring, a light ring inside, a dark 3x3 centre.
FINDER = [[max(abs(row - 3), abs(column - 3)) != 2 for column in range(7)] for row in range(7)]


def block(matrix: list[list[bool]], top: int, left: int, size: int) -> list[list[bool]]:
    return [row[left : left + size] for row in matrix[top : top + size]]


def test_the_token_is_the_size_it_is_documented_to_be():
    assert 90 <= len(TOKEN) <= 110


@pytest.mark.parametrize("text", [TOKEN, "MQ1.short", TOKEN[:40]])
def test_the_matrix_is_a_square_of_a_qr_version_with_its_quiet_zone(text):
    matrix = qr_matrix(text)
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    assert all(isinstance(module, bool) for row in matrix for module in row)
    modules = size - 2 * BORDER
    version = (modules - 17) // 4
    assert modules == 17 + 4 * version and 1 <= version <= 40
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(text)
    code.make(fit=True)
    assert version == code.version  # the smallest version that holds the text at level L
    quiet = [row for row in matrix[:BORDER] + matrix[-BORDER:]]
    quiet += [row[:BORDER] + row[-BORDER:] for row in matrix]
    assert not any(module for row in quiet for module in row)


def test_a_ticket_token_fits_a_small_code():
    assert len(qr_matrix(TOKEN)) - 2 * BORDER <= 41  # version 6 or less: fits a terminal


def test_finder_patterns_sit_at_three_corners_and_not_the_fourth():
    matrix = qr_matrix(TOKEN)
    far = len(matrix) - BORDER - 7
    assert block(matrix, BORDER, BORDER, 7) == FINDER  # top left
    assert block(matrix, BORDER, far, 7) == FINDER  # top right
    assert block(matrix, far, BORDER, 7) == FINDER  # bottom left
    assert block(matrix, far, far, 7) != FINDER  # bottom right: data (and alignment)
    # the separators around the top-left finder are light, the timing pattern alternates
    assert not any(matrix[BORDER + 7][BORDER : BORDER + 8])
    timing = matrix[BORDER + 6][BORDER + 8 : far - 1]
    assert timing == [index % 2 == 0 for index in range(len(timing))]


def test_different_tokens_give_different_codes_and_the_same_token_the_same():
    assert qr_matrix(TOKEN) == qr_matrix(TOKEN)
    assert qr_matrix(TOKEN) != qr_matrix(TOKEN[:-1] + ("A" if TOKEN[-1] != "A" else "B"))


@pytest.mark.parametrize("box_size", [1, 6])
def test_the_png_shows_the_matrix(box_size):
    data = qr_png(TOKEN, box_size=box_size) if box_size != 6 else qr_png(TOKEN)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    matrix = qr_matrix(TOKEN)
    size = len(matrix)
    assert image.size == (size * box_size, size * box_size)
    gray = image.convert("L")
    for row in range(size):
        for column in range(size):
            box = (column * box_size, row * box_size, (column + 1) * box_size, (row + 1) * box_size)
            low, high = gray.crop(box).getextrema()
            expected = 0 if matrix[row][column] else 255
            assert low == high == expected, (row, column)


def test_half_blocks_hold_two_module_rows_per_line():
    matrix = [[True, False, True, False], [True, True, False, False], [False, True, True, False]]
    assert half_block_lines(matrix) == ["█▄▀ ", " ▀▀ "]


def test_the_widget_is_as_wide_as_the_code_and_half_as_tall():
    widget = QrCode(TOKEN)
    size = len(qr_matrix(TOKEN))
    assert widget.modules == size
    lines = widget.render().plain.split("\n")
    assert len(lines) == (size + 1) // 2
    assert all(len(line) == size for line in lines)
    assert set("".join(lines)) <= set(" ▀▄█")
    style = widget.render().style
    assert style.color.triplet.hex == "#000000" and style.bgcolor.triplet.hex == "#ffffff"


def test_the_quiet_zone_is_the_standard_four_modules():
    matrix = qr_matrix(TOKEN)
    light = lambda cells: not any(cells)  # noqa: E731
    assert all(light(row) for row in matrix[:4] + matrix[-4:])
    assert all(light(row[:4] + row[-4:]) for row in matrix)
    assert not light(matrix[4]) and not light([row[4] for row in matrix])  # the finders
