"""The idle timeout's timing, on a clock the test moves (no waiting): the warning comes
``timeout_s`` after the last key, as the README says, and the kiosk starts over when its
countdown has run out."""

from __future__ import annotations

from kiosk.idle import COUNTDOWN_S, IdleWarning, IdleWatch


class Host:
    """What the watch needs of the app: a screen stack to push its warning on."""

    def __init__(self) -> None:
        self.pushed: list[IdleWarning] = []
        self.screen = None

    def push_screen(self, screen: IdleWarning) -> None:
        self.pushed.append(screen)


def test_the_warning_comes_after_the_timeout_and_the_reset_after_the_countdown():
    now = [1000.0]
    host, expired = Host(), []
    watch = IdleWatch(host, 60, lambda: True, lambda: expired.append(now[0]), lambda: now[0])

    def at(seconds: float) -> None:
        now[0] = 1000.0 + seconds
        watch.tick()

    at(59.9)
    assert host.pushed == []  # no warning before the timeout
    at(60)
    assert len(host.pushed) == 1 and expired == []
    at(60 + COUNTDOWN_S - 0.1)
    assert expired == [] and len(host.pushed) == 1
    at(60 + COUNTDOWN_S)
    assert expired == [1060 + COUNTDOWN_S]

    # The next wait starts at the reset; a key during the countdown takes the warning
    # away and starts the wait again.
    at(60 + COUNTDOWN_S + 60)
    assert len(host.pushed) == 2
    assert watch.touch()
    at(60 + COUNTDOWN_S + 119.9)
    assert len(host.pushed) == 2
    at(60 + COUNTDOWN_S + 120)
    assert len(host.pushed) == 3
