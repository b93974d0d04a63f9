"""Whole pages kept for their viewer while nothing they show has changed.

A view marked with `keep` has its pages kept in the cache under the viewer, the address
and the version of everything watched in the program (dyad.changes.triggers watches
every table of Dyad's own), of what belongs to no program (people, guide profiles), and
of what pages of one program read from the others (pairings, offers, memberships). A
copy is served again, for at most `DYAD_PAGE_CACHE_SECONDS`, only while that version is
the same: any write to what the page shows, by whoever and however, makes the next
request compute the page afresh.

The view's access check (dyad.access.get_program) looks the copy up once the viewer may
see the page, so access is checked on every request; it reads the version first, before
the viewer's roles and anything the page shows, so that a write committed while a page is
made is never counted in the version that page is kept under. Each copy is its viewer's
own. The day, the time zone and the language are part of the key; what changes with the
clock within a day (a meeting that has begun) may show for up to the page's seconds.
Copies are kept per release: a deploy that changes Dyad's code or templates serves none
kept before it. Kept: full pages answered to a GET; not a page shown with a message (a
message is shown once). What a page records in the audit log as it is made (a leader's
reading of what a consent shares) is kept with its copy and recorded again, by the
requester, each time the copy is served: the version is the same, so the computed page
would record the same.

The form tokens of a copy are replaced by the requester's own each time it is served.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.response import SimpleTemplateResponse
from django.utils import timezone, translation

from dyad.audit import services as audit_log
from dyad.changes import selectors
from dyad.changes.models import Source
from dyad.changes.triggers import AUDIT as AUDIT_LOG

AUDIT = AUDIT_LOG.source

# What a page of one program reads of every program: a guide's places taken anywhere,
# their offers and profile, people's roles elsewhere, and the other programs themselves.
ACROSS_PROGRAMS = (*selectors.SHARED, Source.MEMBERSHIP, "programs_program")

_TOKEN = re.compile(
    r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"|"X-CSRFToken": "([A-Za-z0-9]+)"'
)
_PLACEHOLDER = "\x00csrf\x00"
# What `keep` notes on the request for `look_up`.
_KEY, _BY, _AUDIT, _VERSION = (
    "dyad_page_key",
    "dyad_page_by",
    "dyad_page_audit",
    "dyad_page_version",
)


def seconds() -> int:
    return settings.DYAD_PAGE_CACHE_SECONDS


def _keepable(request: HttpRequest) -> bool:
    return (
        seconds() > 0
        and request.method == "GET"
        and request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not len(messages.get_messages(request))
    )


# What a copy holds: its content, its content type, and what it recorded in the audit log.
_FORMAT = 2


@lru_cache(maxsize=1)
def release() -> str:
    """This release of Dyad: a digest of its code, templates and assets, read once a
    process (a few milliseconds), so that copies kept by one release are not served by
    the next. Hosts serving the same release share their copies."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        try:
            content = path.read_bytes()
        except OSError:  # a folder, or a file gone since the listing
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(content)
    return digest.hexdigest()


def _key(request: HttpRequest, version: tuple) -> str:
    user = request.user
    parts = (
        _FORMAT,
        release(),
        user.pk,
        user.is_staff,
        user.is_superuser,
        request.get_full_path(),
        timezone.localdate().isoformat(),
        timezone.get_current_timezone_name(),
        translation.get_language(),
        version,
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _version(program_ids: Iterable[int] | QuerySet, *, audit: bool) -> tuple:
    # Reads write the audit log: a page that does not show it leaves it out.
    excluding = () if audit else (AUDIT,)
    return selectors.version(program_ids, shared=ACROSS_PROGRAMS, unowned=True, excluding=excluding)


class Kept(Exception):
    """The kept copy of the page, found by `look_up`; `keep` answers with it."""

    def __init__(self, response: HttpResponse):
        super().__init__("a kept page")
        self.response = response


def keep(
    view: Callable[..., HttpResponse] | None = None, *, by: str = "access", audit: bool = False
):
    """Keep the pages of a view. With `by="access"`, the view's access check calls
    `look_up` once the viewer may see the page (dyad.access.get_program does), so that a
    copy is served only after that check, every time; with `by="view"`, the view calls
    `look_up(..., by="view")` itself where it knows that the page may be kept for this
    viewer. A page that shows the audit log says so with `audit=True`.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def keeping(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            # The view is kept: look_up may find a copy, or note the key to keep it under.
            setattr(request, _KEY, "")
            setattr(request, _BY, by)
            setattr(request, _AUDIT, audit)
            try:
                with audit_log.noting() as written:
                    response = view(request, *args, **kwargs)
            except Kept as kept:
                return kept.response
            if key := getattr(request, _KEY):
                if isinstance(response, SimpleTemplateResponse):
                    response.render()
                _store(key, response, audit_log.what_was_written(written))
            return response

        keeping.kept = by  # type: ignore[attr-defined]
        return keeping

    return decorate(view) if view is not None else decorate


def read_version_first(request: HttpRequest, programs: QuerySet) -> tuple | None:
    """For a kept view, the version of `programs` (a query of their ids, run as a
    subquery), read before anything the page shows: a write that commits while the page
    is made then changes the version after the one the copy is kept under, never before.
    dyad.access.get_program reads it before the viewer's roles and hands it to
    `look_up`; None for a view that is not kept."""
    if getattr(request, _KEY, None) == "" and _keepable(request):
        return _version(programs, audit=getattr(request, _AUDIT))
    return None


def look_up(
    request: HttpRequest,
    program_ids: Iterable[int],
    *,
    by: str = "access",
    version: tuple | None = None,
) -> None:
    """For a kept view, once the viewer may see the page: raise Kept with the copy kept
    for the version of `program_ids`, or note where to keep the page that the view goes
    on to make. A `version` read first (`read_version_first`) is used, and kept for a
    later look-up of the same programs by the view itself."""
    if getattr(request, _KEY, None) != "":
        return
    if version is not None:
        setattr(request, _VERSION, (sorted(set(program_ids)), version))
    if getattr(request, _BY) != by or not _keepable(request):
        return
    ids = sorted(set(program_ids))
    if version is None:
        read_first = getattr(request, _VERSION, None)
        if read_first is not None and read_first[0] == ids:
            version = read_first[1]
        else:
            version = _version(ids, audit=getattr(request, _AUDIT))
    key = _key(request, version)
    stored = cache.get(key)
    if stored is None:
        setattr(request, _KEY, key)
        return
    content, content_type, recorded = stored
    # What the page recorded as it was made, the copy records too.
    audit_log.again(recorded, actor=request.user)
    # The copy's form tokens become the requester's own.
    token = get_token(request)
    raise Kept(HttpResponse(content.replace(_PLACEHOLDER, token), content_type=content_type))


def _store(key: str, response: HttpResponse, recorded: list[tuple]) -> None:
    if response.status_code != 200 or response.streaming or response.cookies:
        return
    content = response.content.decode(response.charset)
    for match in _TOKEN.finditer(content):
        content = content.replace(match.group(1) or match.group(2), _PLACEHOLDER)
    cache.set(key, (content, response["Content-Type"], recorded), seconds())
