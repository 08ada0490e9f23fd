"""Check boxes, radio buttons and a selection list whose state shows in the glyph, not
only in its colour: ``✓`` ticked, blank not; ``●`` chosen, ``○`` not. Textual draws
the same ``X`` for on and off, told apart by colour alone (lost in high contrast and
on colour-blind eyes)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList

TICKED, UNTICKED = "✓", " "
CHOSEN, NOT_CHOSEN = "●", "○"


class MarkedCheckbox(Checkbox):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return TICKED if self.value else UNTICKED


class MarkedRadioButton(RadioButton):
    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name)
        return CHOSEN if self.value else NOT_CHOSEN


class MarkedSelectionList(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != Checkbox.BUTTON_INNER:
            return strip
        button = segments[1]
        index = (button.style.meta if button.style else {}).get("option")
        if index is None:
            return strip
        ticked = self.get_option_at_index(index).value in self.selected
        segments[1] = Segment(TICKED if ticked else UNTICKED, button.style, button.control)
        return Strip(segments, strip.cell_length)
