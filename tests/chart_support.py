"""The heatmap's sales (no tests here): report_support's sales, plus a third showtime of
the Rialto's hall a day later and a few more seats sold, worked out by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from report_support import DAY2, Sales, at, sell

SHOW_DAY = DAY2 + dt.timedelta(days=1)  # the Rialto's two showtimes start that day
NEXT_DAY = SHOW_DAY + dt.timedelta(days=1)

# Seat -> showtimes it sold for: the Rialto's first show sold A3 A4 B5 B6 B1 B2 (b1, b2,
# b6); the late show sold A4 here (b5's A3 B1 were refunded); the next day's A3 B5.
SOLD_ON_SHOW_DAY = {"A3": 1, "A4": 2, "B5": 1, "B6": 1, "B1": 1, "B2": 1}
SOLD_OVER_BOTH = {**SOLD_ON_SHOW_DAY, "A3": 2, "B5": 2}


@dataclass
class Heat:
    auditorium_id: str
    next_show: str


def more_sales_in_the_hall(box_office, admin, sales: Sales) -> Heat:
    """The extra showtime and seats; a seat blocked for house use counts as no sale."""
    rialto = sales.rialto
    next_show = box_office.schedule.add_showtime(
        admin,
        movie_id=rialto.movie.id,
        auditorium_id=rialto.auditorium.id,
        starts_at=at(NEXT_DAY, 19),
        price_card_id=rialto.card.id,
    )
    sell(box_office, admin, sales.late, ["A4"])
    sell(box_office, admin, next_show.id, ["A3", "B5"])
    box_office.inventory.block(admin, next_show.id, ["A6"], "house seat")
    return Heat(rialto.auditorium.id, next_show.id)
