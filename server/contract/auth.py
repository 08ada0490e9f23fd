"""The auth capability: requests and answers of AuthService."""

from __future__ import annotations

from core.accounts import User
from server.contract.base import Operation, Request


class AuthAddUserIn(Request):
    login: str
    name: str
    role: str
    password: str
    theaters: list[str] | None = None
    demo: bool = False


class AuthChangeRoleIn(Request):
    login: str
    role: str
    theaters: list[str]


class AuthDisableIn(Request):
    login: str


class AuthHasAccountsIn(Request):
    pass


class AuthResetPasswordIn(Request):
    login: str
    password: str


class AuthUsersIn(Request):
    pass


OPERATIONS = (
    Operation("auth", "add_user", AuthAddUserIn, User, writes=True, positional=5),
    Operation("auth", "change_role", AuthChangeRoleIn, User, writes=True, positional=3),
    Operation("auth", "disable", AuthDisableIn, User, writes=True, positional=1),
    Operation("auth", "has_accounts", AuthHasAccountsIn, bool, http="GET", actor=False),
    Operation("auth", "reset_password", AuthResetPasswordIn, User, writes=True, positional=2),
    Operation("auth", "users", AuthUsersIn, list[User], http="GET"),
)
