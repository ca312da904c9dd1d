"""Open one police account from the command line:

    python manage.py create_account USERNAME --unit CODE --role ROLE --email E [--full-name N]
        [--invite]

The password is read from standard input (typed twice at a terminal, the first line of a pipe),
never from the command line where the shell history would keep it; with --invite the officer is
e-mailed a link to choose it himself.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from units import accounts
from units.models import Unit, User


class Command(BaseCommand):
    help = "Open a police account in one unit with one role (password from standard input)."
    # Tests hand the password in as a stream.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="The unit's code, e.g. PK02.")
        parser.add_argument(
            "--role",
            required=True,
            help="unit_officer, commune_officer, hq_staff or leader (or the Vietnamese name).",
        )
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", default="", help="Họ và tên, as the officer writes it.")
        parser.add_argument(
            "--invite",
            action="store_true",
            help="E-mail an invitation to choose the password instead of reading one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"].strip().upper()).first()
        if unit is None:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": options["unit"]})
        role = accounts.role_names().get(" ".join(options["role"].split()).lower())
        if role is None:
            raise CommandError(
                _("Unknown role “%(role)s”. Write one of: %(roles)s.")
                % {"role": options["role"], "roles": ", ".join(accounts.POLICE_ROLES)}
            )
        invite = options["invite"]
        password = None if invite else self._password(options.get("stdin") or sys.stdin)
        try:
            account = accounts.account_open(
                created_by=None,
                username=options["username"],
                unit=unit,
                role=role,
                email=options["email"],
                full_name=options["full_name"],
                password=password,
                invite=invite,
                base_url=settings.SITE_URL,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self._report(account, invite)

    def _password(self, stream: TextIO) -> str:
        if stream.isatty():
            password = getpass.getpass(_("Password: "))
            if getpass.getpass(_("Password (again): ")) != password:
                raise CommandError(_("The two passwords do not match."))
        else:
            password = stream.readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("Give the password on standard input, or use --invite."))
        return password

    def _report(self, account: User, invite: bool) -> None:
        names = {
            "username": account.username,
            "role": account.get_role_display(),
            "unit": account.unit.code,
            "email": account.email,
        }
        self.stdout.write(
            self.style.SUCCESS(_("Account %(username)s opened: %(role)s, %(unit)s.") % names)
        )
        if invite:
            self.stdout.write(
                _("An invitation to choose the password was e-mailed to %(email)s.") % names
            )
