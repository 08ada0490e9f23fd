"""Configuration: built-in defaults < a TOML file < MARQUEE_* environment variables.

The file is the one named by ``MARQUEE_CONFIG``, else ``./config.toml``, else
``$XDG_CONFIG_HOME/marquee/config.toml``, else ``/etc/marquee/config.toml`` (a server's).
Every key of the file is documented in the project's ``config.toml``. An unknown key,
a wrong type or a bad value raises :class:`ConfigError` naming the key; the CLI turns
it into one line and exit 2.

Environment variables: ``MARQUEE_<SECTION>_<KEY>`` sets ``section.key`` (for example
``MARQUEE_BOOKING_MAX_SEATS_PER_BOOKING=6``); a few short names are fixed because
scripts rely on them: ``MARQUEE_DATA_DIR``, ``MARQUEE_MONGO_URI``, ``MARQUEE_DB_NAME``.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_core import ErrorDetails

from core.errors import ConfigError
from core.money import known_currency
from core.private import private_dir

SHORT_ENV_NAMES = {
    "MARQUEE_DATA_DIR": ("data", "dir"),
    "MARQUEE_MONGO_URI": ("mongo", "uri"),
    "MARQUEE_DB_NAME": ("mongo", "db_name"),
    "MARQUEE_TWILIO_FROM": ("twilio", "from_number"),
}
# MARQUEE_* variables that are read elsewhere and are not configuration keys.
NON_CONFIG_ENV = {"MARQUEE_CONFIG", "MARQUEE_TOKEN", "MARQUEE_SERVER"}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class MongoConfig(_Section):
    uri: str = ""
    db_name: str = Field("marquee", min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")
    connect_timeout_s: float = Field(5.0, gt=0, le=120)


class DataConfig(_Section):
    dir: str = ""


class EmbeddedConfig(_Section):
    start_timeout_s: float = Field(20.0, gt=0, le=300)
    linger_s: float = Field(3.0, ge=0, le=3600)
    lock_timeout_s: float = Field(60.0, gt=0, le=3600)


class ServerConfig(_Section):
    """This machine's own box-office server, used when no ``MARQUEE_SERVER`` is set."""

    local: Literal["process", "in-process"] = "process"
    start_timeout_s: float = Field(60.0, gt=0, le=600)
    linger_s: float = Field(3.0, ge=0, le=3600)


class ScheduleConfig(_Section):
    cleaning_buffer_minutes: int = Field(15, ge=0, le=240)


class BookingConfig(_Section):
    hold_minutes_kiosk: int = Field(8, ge=1, le=120)
    hold_minutes_counter: int = Field(15, ge=1, le=240)
    max_seats_per_booking: int = Field(10, ge=1, le=100)
    gap_rule: Literal["off", "warn", "refuse"] = "warn"
    payment_poll_s: float = Field(1.0, gt=0, le=60)
    sales_close_minutes_after_start: int = Field(15, ge=0, le=600)
    reconcile_every_s: float = Field(60.0, ge=0, le=3600)


class PricingConfig(_Section):
    currency: Annotated[str, AfterValidator(known_currency)] = Field("USD", pattern=r"^[A-Z]{3}$")
    tax_rate_bp: int = Field(0, ge=0, le=10_000)


class KioskConfig(_Section):
    theater: str = ""
    name: str = Field("kiosk-1", pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    idle_timeout_s: int = Field(60, ge=5, le=3600)
    payment_methods: list[str] = Field(default_factory=lambda: ["simulated"], min_length=1)
    stripe_reader_id: str = ""
    # Staff type it after Ctrl+Q to quit the kiosk; empty: Ctrl+Q does nothing (but in --demo).
    exit_pin: SecretStr = Field(SecretStr(""), repr=False)


class PaymentsConfig(_Section):
    # Test mode: the simulated card (it moves no money) may be used at the counter too.
    # The demo always may; a real till never should.
    test_mode: bool = False


def _secret() -> Any:
    """A key or password: never part of a printed or logged config, nor of an error."""
    return Field(SecretStr(""), repr=False)


class StripeConfig(_Section):
    api_key: SecretStr = _secret()
    webhook_secret: SecretStr = _secret()
    api_base: str = ""
    checkout_success_url: str = "https://marquee.invalid/paid"
    webhook_port: int = Field(8787, ge=1, le=65535)


class PaypalConfig(_Section):
    client_id: SecretStr = _secret()
    client_secret: SecretStr = _secret()
    api_base: str = ""
    environment: Literal["sandbox", "production"] = "sandbox"
    return_url: str = "https://marquee.invalid/paid"


class SendgridConfig(_Section):
    api_key: SecretStr = _secret()
    api_base: str = ""


class TwilioConfig(_Section):
    account_sid: str = ""
    auth_token: SecretStr = _secret()
    from_number: str = ""
    api_base: str = ""


class SmtpConfig(_Section):
    host: str = ""
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str = ""
    password: SecretStr = _secret()


class AuthConfig(_Section):
    bcrypt_cost: int = Field(12, ge=4, le=16)
    session_key_file: str = ""
    staff_session_hours: float = Field(12.0, gt=0, le=24 * 30)
    customer_session_minutes: float = Field(30.0, gt=0, le=24 * 60)
    max_failed_signins: int = Field(5, ge=1, le=100)
    lockout_minutes: float = Field(15.0, gt=0, le=24 * 60)
    access_token_minutes: float = Field(30.0, gt=0, le=24 * 60)
    max_failed_signins_per_client: int = Field(20, ge=1, le=10_000)
    client_window_minutes: float = Field(15.0, gt=0, le=24 * 60)


class DevicesConfig(_Section):
    pairing_minutes: float = Field(60.0, gt=0, le=7 * 24 * 60)


class NotifyConfig(_Section):
    from_email: str = "tickets@marquee.invalid"
    from_name: str = "Marquee Cinemas"
    max_attempts: int = Field(6, ge=1, le=50)
    backoff_s: float = Field(30.0, gt=0, le=86_400)
    lease_s: float = Field(120.0, gt=0, le=3600)
    worker_poll_s: float = Field(5.0, gt=0, le=3600)
    reminder_minutes_before: int = Field(180, ge=5, le=10_080)


class TicketsConfig(_Section):
    key_file: str = ""
    doors_open_minutes: int = Field(45, ge=0, le=720)
    late_admission_minutes: int = Field(30, ge=0, le=720)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _country(code: str) -> str:
    from core.phones import known_country  # phonenumbers' metadata loads on first use

    return known_country(code)


class BoxOfficeConfig(_Section):
    # Where a theater is when it is added without one: phone numbers typed without a
    # country code are read as numbers of it.
    country: Annotated[str, AfterValidator(_country)] = Field("US", pattern=r"^[A-Z]{2}$")


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_bytes: int = Field(5_000_000, ge=10_000, le=10_000_000_000)
    backups: int = Field(5, ge=1, le=100)


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    mongo: MongoConfig = MongoConfig()
    data: DataConfig = DataConfig()
    embedded: EmbeddedConfig = EmbeddedConfig()
    server: ServerConfig = ServerConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    booking: BookingConfig = BookingConfig()
    pricing: PricingConfig = PricingConfig()
    kiosk: KioskConfig = KioskConfig()
    payments: PaymentsConfig = PaymentsConfig()
    tickets: TicketsConfig = TicketsConfig()
    stripe: StripeConfig = StripeConfig()
    paypal: PaypalConfig = PaypalConfig()
    sendgrid: SendgridConfig = SendgridConfig()
    twilio: TwilioConfig = TwilioConfig()
    smtp: SmtpConfig = SmtpConfig()
    notify: NotifyConfig = NotifyConfig()
    auth: AuthConfig = AuthConfig()
    devices: DevicesConfig = DevicesConfig()
    logging: LoggingConfig = LoggingConfig()
    box_office: BoxOfficeConfig = BoxOfficeConfig()

    @property
    def data_dir(self) -> Path:
        return Path(self.data.dir).expanduser() if self.data.dir else default_data_dir(os.environ)

    @property
    def ticket_key_path(self) -> Path:
        """An older installation's ticket key file, imported once into the database:
        ``tickets.key_file``, relative to the data dir."""
        if not self.tickets.key_file:
            return self.data_dir / "ticket.key"
        return self.data_dir / Path(self.tickets.key_file).expanduser()

    @property
    def session_key_path(self) -> Path:
        """An older installation's session key file, imported once into the database:
        ``auth.session_key_file``, relative to the data dir."""
        if not self.auth.session_key_file:
            return self.data_dir / "session.key"
        return self.data_dir / Path(self.auth.session_key_file).expanduser()

    def with_overrides(self, **sections: dict[str, Any]) -> Config:
        """A copy with some keys replaced, validated like the file (used by tests)."""
        raw = self.model_dump()
        for section, values in sections.items():
            raw.setdefault(section, {}).update(values)
        return _validate(raw)


def load_config(environ: dict[str, str] | None = None, cwd: Path | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    raw: dict[str, Any] = {}
    path = config_path(environ, cwd or Path.cwd())
    if path is not None:
        raw = _read_file(path)
    for (section, key), value in _env_values(environ).items():
        raw.setdefault(section, {})[key] = value
    data = raw.setdefault("data", {})
    if isinstance(data, dict) and not data.get("dir"):
        data["dir"] = str(default_data_dir(environ))
    return _validate(raw)


def default_data_dir(environ: dict[str, str] | os._Environ) -> Path:
    home = Path(environ["HOME"]) if environ.get("HOME") else Path.home()
    base = environ.get("XDG_DATA_HOME") or home / ".local" / "share"
    return Path(base) / "marquee"


def prepare_data_dir(path: Path) -> Path:
    """The data dir, created if absent and made private (0700) if it was not;
    ConfigError if it is not a directory this process can write in (like /dev/null
    or /proc/self)."""
    if path.exists() and not path.is_dir():
        raise ConfigError("data.dir", f"{path} is not a directory")
    try:
        private_dir(path)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise ConfigError("data.dir", f"{path} cannot be written in ({error.strerror})") from None
    return path


# The machine-wide file of a server install, last in the search order.
SYSTEM_CONFIG = Path("/etc/marquee/config.toml")


def config_path(environ: dict[str, str], cwd: Path) -> Path | None:
    return find_config(environ, cwd)[0]


def find_config(environ: dict[str, str], cwd: Path) -> tuple[Path | None, str]:
    """The config file in use and which place of the search order it was found in."""
    named = environ.get("MARQUEE_CONFIG")
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigError("MARQUEE_CONFIG", f"no such file {path}")
        return path, "named by MARQUEE_CONFIG"
    local = cwd / "config.toml"
    if local.is_file():
        return local, "in the current directory"
    xdg = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(xdg) / "marquee" / "config.toml"
    if user.is_file():
        return user, "this user's ($XDG_CONFIG_HOME/marquee)"
    if SYSTEM_CONFIG.is_file():
        return SYSTEM_CONFIG, f"this machine's ({SYSTEM_CONFIG.parent})"
    return None, "none found: built-in defaults and MARQUEE_* variables only"


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(str(path), "is not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), f"not valid TOML ({error})") from None
    except OSError as error:
        raise ConfigError(str(path), f"cannot be read ({error.strerror})") from None
    data = raw.get("data")
    # A relative data dir is relative to the file that names it, not to the cwd.
    if isinstance(data, dict) and isinstance(data.get("dir"), str) and data["dir"]:
        data_dir = Path(data["dir"]).expanduser()
        if not data_dir.is_absolute():
            data["dir"] = str((path.parent / data_dir).resolve())
    return raw


def _env_values(environ: dict[str, str]) -> dict[tuple[str, str], Any]:
    values: dict[tuple[str, str], Any] = {}
    for name, text in environ.items():
        if not name.startswith("MARQUEE_") or name in NON_CONFIG_ENV:
            continue
        target = SHORT_ENV_NAMES.get(name) or _long_env_target(name)
        if target is None:
            continue  # other programs' and later features' variables pass through
        section, key = target
        annotation = _section_model(section).model_fields[key].annotation
        values[target] = _coerce(name, text, annotation)
    return values


def _section_model(section: str) -> type[BaseModel]:
    """The model of one section of the configuration (each field of Config is one)."""
    annotation = Config.model_fields[section].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def _long_env_target(name: str) -> tuple[str, str] | None:
    rest = name.removeprefix("MARQUEE_").lower()
    for section in Config.model_fields:
        prefix = section + "_"
        if rest.startswith(prefix) and rest[len(prefix) :] in _section_model(section).model_fields:
            return section, rest[len(prefix) :]
    return None


def _coerce(name: str, text: str, annotation: Any) -> Any:
    """Turn an environment string into the key's type, naming the variable on failure."""
    try:
        if annotation is bool:
            lowered = text.strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError
            return lowered in {"1", "true", "yes"}
        if annotation is int:
            return int(text)
        if annotation is float:
            return float(text)
        if annotation == list[str]:
            return [part.strip() for part in text.split(",") if part.strip()]
    except ValueError:
        expected = {bool: "true or false", int: "a whole number", float: "a number"}
        raise ConfigError(name, f"expected {expected[annotation]}, got {text!r}") from None
    if get_args(annotation) and text not in get_args(annotation):
        choices = ", ".join(get_args(annotation))
        raise ConfigError(name, f"must be one of {choices}, got {text!r}")
    return text


def _validate(raw: dict[str, Any]) -> Config:
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(key, _plain(first, secret=_is_secret(first["loc"]))) from None


def _is_secret(loc: tuple[Any, ...]) -> bool:
    """Whether the key at ``loc`` holds a secret, whose value no message may repeat."""
    section = Config.model_fields.get(str(loc[0])) if loc else None
    fields = getattr(section.annotation, "model_fields", {}) if section else {}
    field = fields.get(str(loc[1])) if len(loc) > 1 else None
    return field is not None and field.annotation is SecretStr


def _plain(error: ErrorDetails, secret: bool = False) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing"
    got = error.get("input")
    message = error["msg"].removeprefix("Value error, ")
    message = message[0].lower() + message[1:]
    if secret:
        return message
    if kind == "value_error":
        return message
    if kind.endswith("_type") or kind == "model_type":
        return f"{message} (got {got!r})"
    return f"{message}, got {got!r}"


def masked(config: Config) -> dict[str, dict[str, Any]]:
    """Every key's effective value, safe to print: a secret shows only whether it is set,
    a database URI never its password."""
    shown: dict[str, dict[str, Any]] = {}
    for section, values in config:
        shown[section] = {}
        for key, value in values:
            if isinstance(value, SecretStr):
                value = "(set, hidden)" if value.get_secret_value() else ""
            elif (section, key) == ("mongo", "uri"):
                value = redact_uri(value)
            shown[section][key] = value
    return shown


def secret_values(config: Config) -> list[str]:
    """Every secret the config holds (keys, passwords, the database URI's password):
    what a log must never show."""
    secrets = [
        value.get_secret_value()
        for _section, values in config
        for _key, value in values
        if isinstance(value, SecretStr) and value.get_secret_value()
    ]
    credentials, at, _host = config.mongo.uri.partition("://")[2].rpartition("@")
    if at and ":" in credentials:
        secrets.append(credentials.split(":", 1)[1])
    return secrets


def redact_uri(uri: str) -> str:
    """A database URI safe to print: the password is never shown."""
    scheme, _, rest = uri.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return uri
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
