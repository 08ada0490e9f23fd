"""People who sign in: staff, managers and admins at the counter and the terminal,
and customers at the kiosk. Passwords are kept only as bcrypt hashes."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.errors import InvalidInput
from core.fields import Email, Line, Name, RecordId, UtcDateTime
from core.models import Document, Movie
from core.phones import e164

AccountRole = Literal["customer", "staff", "manager", "admin"]
STAFF_ROLES = ("staff", "manager", "admin")
STAFF_LOGIN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
PHONE = re.compile(r"^\+?[0-9]{6,15}$")
SEAT_AREAS = ("any", "front", "middle", "back", "aisle")


def normal_login(text: str, country: str | None = None) -> str:
    """Logins compare without case; a phone number in E.164 (read as a number of
    ``country`` when it has no country code; without a country, only one that has a
    country code is rewritten, others lose their spaces and dashes)."""
    login = text.strip().lower()
    if "@" not in login:
        compact = re.sub(r"[\s().-]", "", login)
        if PHONE.match(compact):
            if country is not None:
                return e164(compact, country, "login")
            if compact.startswith("+"):
                with contextlib.suppress(InvalidInput):
                    return e164(compact, "US", "login")  # the region is not used
            return compact
    return login


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    favourite_genres: list[Annotated[str, Field(pattern=r"^[a-z][a-z -]{0,29}$")]] = Field(
        default_factory=list, max_length=12
    )
    seat_area: Literal[SEAT_AREAS] = "any"  # type: ignore[valid-type]
    notify_by: Literal["email", "sms", "both", "none"] = "email"
    reminders: bool = True


class User(Document):
    login: Annotated[Line, Field(min_length=2, max_length=120)]
    name: Name
    role: AccountRole
    theaters: list[RecordId] = Field(default_factory=list)
    password_hash: Annotated[str, Field(repr=False)]
    disabled: bool = False
    demo: bool = False  # one of the demo's accounts, whose passwords are public
    failed_signins: int = 0
    # Epoch seconds: the embedded server stores a datetime given to $set as text.
    locked_until: float | None = None
    session_version: int = 0  # bumped to end every session (password reset, disable)
    email: Email | None = None
    phone: Annotated[str, Field(pattern=PHONE.pattern)] | None = None
    preferences: Preferences = Field(default_factory=Preferences)
    created_at: UtcDateTime
    created_by: Line

    @field_validator("login")
    @classmethod
    def _normal(cls, value: str) -> str:
        return normal_login(value)


def favourites_first(movies: Iterable[Movie], favourite_genres: Iterable[str]) -> list[Movie]:
    """Movies of a favourite genre first; otherwise in the order given."""
    favourites = set(favourite_genres)
    return sorted(movies, key=lambda movie: not favourites.intersection(movie.genres))


class SignInSession(Document):
    """One access token of a signed-in person, kept so the server can end it at once.

    ``id`` is the token's ``jti``. ``expires_at`` is the end of the whole session (its
    first sign-in plus the longest a session may last); renewing a token makes a new
    record with the same end and revokes this one."""

    user_id: RecordId
    role: AccountRole
    issued_at: UtcDateTime
    expires_at: UtcDateTime
    # Epoch seconds: the embedded server stores a datetime given to $set as text.
    revoked_at: float | None = None
    ended: Annotated[Line, Field(max_length=40)] = ""  # why it was revoked
    client: Annotated[Line, Field(max_length=100)] = ""  # the address it signed in from
    device_id: Annotated[str, Field(pattern=r"^$|^[a-z0-9][a-z0-9-]{0,47}$")] = ""
