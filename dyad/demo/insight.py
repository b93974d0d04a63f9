"""The demo's GME office: someone of the institution's graduate medical education office
who sees the program's evaluation figures (and those of any other program of the
institution) without being a member of it."""

from __future__ import annotations

import random
import uuid

from django.contrib.auth.hashers import make_password

from dyad.accounts.models import User
from dyad.programs.models import InstitutionAdmin

GME_OFFICE_EMAIL = "gme.office@riverside.example"
GME_OFFICE_SHOWS = "every program of the institution side by side, and each one's figures"


def seed_gme_office(program, password: str) -> User:
    user = User.objects.create(
        # The same identifier on every run, like the rest of the demo's people.
        uuid=uuid.UUID(int=random.Random(GME_OFFICE_EMAIL).getrandbits(128), version=4),
        email=GME_OFFICE_EMAIL,
        first_name="Grace",
        last_name="Okafor",
        password=make_password(password),
    )
    InstitutionAdmin.objects.create(user=user, institution=program.institution)
    return user
