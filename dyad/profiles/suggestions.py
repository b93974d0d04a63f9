"""Who fits whom: a learner's suggested guides in the directory, and the profiles the
matching engine scores (SPEC M2, M6).

People write their profiles in free text; the engine compares sets of words. The bridge
is here, so that the directory's suggestions and the peer-advisor pairing score a pair the
same way and give the same reasons:

* content areas: the areas a learner seeks against those a guide offers, by name;
* interests: the phrases of the learner's interests and outside interests (as listed,
  separated by commas) against those of the guide's clinical and outside interests;
* career goals: the significant words of the learner's career goals against those of the
  guide's career path and division ("neonatology", "research");
* languages, except the one everybody speaks, which would be a reason for every pair.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
)

from dyad.changes import selectors as changes
from dyad.changes.models import Source
from dyad.lib.matching.score import Compatibility, PairScore
from dyad.lib.matching.score import Profile as FitProfile
from dyad.profiles.availability import OfferStatus, availability, conflicts_for
from dyad.profiles.models import ContentArea, GuideProfile, LearnerProfile
from dyad.profiles.selectors import offers_with_places
from dyad.programs.models import GuidanceKind
from dyad.relationships.models import SEAT_HOLDING_STATES, DoNotRepair, Relationship
from dyad.relationships.services import LearnerConflicts

SUGGESTION_COUNT = 3  # one row of cards on a wide screen
CACHE_SECONDS = 24 * 3600
# Spoken by (nearly) everyone in the program: sharing it says nothing about fit.
COMMON_LANGUAGES = frozenset({"english"})
# Peer mentors are given to interns by the program (the peer-advisor pairing).
SUGGESTED_KINDS = (GuidanceKind.MENTORING, GuidanceKind.COACHING, GuidanceKind.ADVISING)

# Words that say nothing about where someone is heading: grammar, and the vocabulary of
# every medical career. A program's own name, specialty and institution are added.
_GENERIC = """
    about after again also among and another any around because been before being between
    both career careers close could does doing each early every family first from future
    have help hope into just keep later leaves like life little love make more most much
    near other outside over part perhaps plan planning practice practise program really
    residency resident residents role room same should since some start still such than
    that their them then there these they thing things think this those through time
    under undecided until very want what when where which while who whom will with within
    work would year years your after ideally hear people find finding leave strong
    application applications preparing choosing choose exploring curious keeps
    fellowship faculty training trained track medicine medical hospital university
    school clinic clinical physician doctor student students child children
"""
_STOP_WORDS = frozenset(_GENERIC.split())
_WORD = re.compile(r"[a-z][a-z-]{3,}")
_PHRASE_SPLIT = re.compile(r"[,;\n]+")


def _phrases(*texts: str) -> frozenset[str]:
    """The items of free-text lists: "Severe asthma, school health" → both, lowercased."""
    out = set()
    for text in texts:
        for part in _PHRASE_SPLIT.split(text.lower()):
            part = part.strip(" .")
            if len(part) >= 3:
                out.add(part)
    return frozenset(out)


def _words(text: str, stop: frozenset[str]) -> frozenset[str]:
    return frozenset(w.strip("-") for w in _WORD.findall(text.lower())) - stop


def program_stop_words(program) -> frozenset[str]:
    own = f"{program.name} {program.specialty} {program.institution}".lower()
    words = set(_WORD.findall(own))
    # "Pediatrics" also stops "pediatric".
    words |= {w[:-1] for w in words if w.endswith("s")}
    return _STOP_WORDS | words


def _languages(languages) -> frozenset[str]:
    """Languages as people spell them, in one case ("spanish" and "Spanish" are one)."""
    names = (str(name).strip() for name in languages)
    return frozenset(
        name.title() for name in names if name and name.lower() not in COMMON_LANGUAGES
    )


def learner_fit_profile(profile: LearnerProfile | None, stop: frozenset[str]) -> FitProfile:
    """What a learner seeks, for the engine; `content_areas_sought` prefetched as
    `sought_areas`. A learner without a profile seeks nothing in particular."""
    if profile is None:
        return FitProfile()
    goals = _words(profile.career_goals, stop)
    return FitProfile(
        content_areas=frozenset(area.name for area in profile.sought_areas),
        career_goals=goals,
        # A word already shared as a career goal is not counted again as an interest.
        interests=_phrases(profile.interests, profile.outside_interests) - goals,
        languages=_languages(profile.languages),
    )


def guide_fit_profile(profile: GuideProfile, stop: frozenset[str]) -> FitProfile:
    """What a guide offers, for the engine; `program_areas` prefetched."""
    return FitProfile(
        content_areas=frozenset(area.name for area in profile.program_areas),
        career_goals=_words(f"{profile.career_path} {profile.division}", stop),
        interests=_phrases(profile.clinical_interests, profile.outside_interests),
        languages=_languages(profile.languages),
    )


def fit_reasons(score: PairScore) -> tuple[str, ...]:
    """The engine's reasons about the profiles. Nobody ranked anybody here, so the
    reasons about ranks ("not on their list") are left out."""
    return tuple(
        r for r in score.reasons if r != "not on their list" and not r.startswith("ranked ")
    )


def learner_profile_with_areas(user, program) -> LearnerProfile | None:
    """The user's learner profile with the areas sought in the program's taxonomy."""
    areas = ContentArea.objects.for_program(program).order_by("name")
    return (
        LearnerProfile.objects.filter(user=user)
        .prefetch_related(Prefetch("content_areas_sought", queryset=areas, to_attr="sought_areas"))
        .first()
    )


# --- Suggestions -----------------------------------------------------------------------


@dataclass
class Suggestion:
    guide: GuideProfile
    offers: list[OfferStatus]  # the kinds the learner could ask for, each with room
    points: int
    reasons: tuple[str, ...]


@dataclass
class Suggestions:
    has_profile: bool
    items: list[Suggestion] = field(default_factory=list)


@dataclass
class _Area:
    name: str


@dataclass
class _Candidate:
    """A candidate guide as the scoring reads it: hundreds are scored and a handful shown,
    so the candidates are read by these columns, not as whole profiles and users."""

    pk: int
    user_id: int
    accepting_new: bool
    career_path: str
    division: str
    clinical_interests: str
    outside_interests: str
    languages: list
    program_areas: list[_Area] = field(default_factory=list)
    candidate_offers: list = field(default_factory=list)


CANDIDATE_FIELDS = (
    "pk",
    "user_id",
    "accepting_new",
    "career_path",
    "division",
    "clinical_interests",
    "outside_interests",
    "languages",
)


def _candidates(program, learner) -> list[_Candidate]:
    """Guides of the program accepting new learners, minus the learner and anyone marked
    do-not-repair for them, by name, with their offers (with places left and `already`:
    the learner has this guide in this kind) and the program's areas they cover: three
    queries, the offers and areas chosen by subquery rather than by a list of ids."""
    already = Relationship.objects.filter(
        learner=learner,
        guide=OuterRef("profile__user"),
        kind=OuterRef("kind"),
        state__in=SEAT_HOLDING_STATES,
    )
    do_not_repair = DoNotRepair.objects.filter(
        program=program, learner=learner, guide=OuterRef("user")
    )
    profiles = (
        GuideProfile.objects.in_program(program)
        .filter(accepting_new=True)
        .exclude(user=learner)
        .exclude(Exists(do_not_repair))
    )
    rows = profiles.order_by("user__last_name", "user__first_name", "pk").values_list(
        *CANDIDATE_FIELDS
    )
    candidates = {row[0]: _Candidate(*row) for row in rows}
    if not candidates:
        return []
    ids = profiles.values("pk")
    offers = (
        offers_with_places()
        .filter(kind__in=SUGGESTED_KINDS, profile__in=ids)
        .annotate(already=Exists(already))
        .order_by("kind", "pk")
    )
    for offer in offers:
        candidates[offer.profile_id].candidate_offers.append(offer)
    areas = (
        GuideProfile.content_areas.through.objects.filter(
            guideprofile__in=ids, contentarea__in=ContentArea.objects.for_program(program)
        )
        .order_by("contentarea__name")
        .values_list("guideprofile_id", "contentarea__name")
    )
    for profile_id, name in areas:
        candidates[profile_id].program_areas.append(_Area(name))
    return list(candidates.values())


def _open_offers(guide, conflicts: LearnerConflicts) -> list[OfferStatus]:
    """The guide's offers the learner may ask for now: open, not one the learner has
    already, and not barred by an evaluative role."""
    offers = [o for o in guide.candidate_offers if not o.already]
    return availability(guide, offers, conflicts).requestable


def suggestions_version(program) -> tuple:
    """What the learner's suggestions are computed from, as one version of the change log
    (dyad.changes), one small query: the program's pool memberships, taxonomy and
    do-not-repair marks; and, in any program, the guide profiles, their areas and offers,
    the places taken (a guide's capacity is theirs), and the learner profiles with the
    areas they seek. Any change a suggestion depends on changes it: a profile saved, an
    area or an offer added, changed or removed, a guide joining or leaving the pool, a
    relationship proposed or ended, a guide renamed. A change of another learner's profile
    gives a new version too, which costs one computation, never a stale answer. The
    learner is in the cache key."""
    return changes.version(
        [program.pk],
        sources=[Source.MEMBERSHIP, Source.AREA, Source.DO_NOT_REPAIR],
        shared=[
            Source.PERSON,
            Source.PROFILE,
            Source.GUIDE_AREA,
            Source.OFFER,
            Source.RELATIONSHIP,
            Source.LEARNER,
            Source.SOUGHT,
            Source.AREA,
        ],
    )


def suggested_guides(
    viewer,
    *,
    conflicts: LearnerConflicts | None = None,
    limit: int = SUGGESTION_COUNT,
    version: tuple | None = None,
) -> Suggestions:
    """The learner's best-fitting guides with room, best first, each with its reasons.

    Computed once per learner, evaluators and version of what it depends on
    (suggestions_version) and then served from the cache: two queries when cached (the
    version, unless given, and the guides shown), and one for who evaluates the learner
    unless `conflicts` (availability.conflicts_for) is given.
    """
    program, learner = viewer.program, viewer.user
    if conflicts is None:
        conflicts = conflicts_for(viewer)
    stop = (program.name, program.specialty, program.institution)
    # Only whether a guide evaluates the learner matters to what can be asked for.
    evaluators = sorted(conflicts.roles)
    digest = hashlib.sha256(
        repr(
            (suggestions_version(program) if version is None else version, stop, evaluators, limit)
        ).encode()
    ).hexdigest()
    key = f"profiles:suggestions:{program.pk}:{learner.pk}:{digest}"
    scored = cache.get(key)
    if scored is None:
        scored = _scored(program, learner, conflicts, limit)
        cache.set(key, scored, CACHE_SECONDS)
    if scored is False:
        return Suggestions(has_profile=False)
    # Only the guides suggested are read whole, in one query.
    shown = GuideProfile.objects.select_related("user").in_bulk([pk for pk, *_ in scored])
    items = [
        Suggestion(shown[pk], offers, points, reasons)
        for pk, offers, points, reasons in scored
        if pk in shown
    ]
    return Suggestions(has_profile=True, items=items)


def _scored(program, learner, conflicts: LearnerConflicts, limit: int):
    """The best `limit` candidates as (profile id, open offers, points, reasons), best
    first; False when the learner has no profile. Five queries whatever the size of the
    pool (the learner's profile and its areas; the candidate guides, their offers and
    their areas); the scoring is done in Python. Guides with nothing in common with the
    learner are not suggested: a suggestion has a reason or is not made."""
    profile = learner_profile_with_areas(learner, program)
    if profile is None:
        return False
    stop = program_stop_words(program)
    seeks = learner_fit_profile(profile, stop)
    candidates = []
    for guide in _candidates(program, learner):
        guide.open_offers = _open_offers(guide, conflicts)
        if guide.open_offers:
            candidates.append(guide)
    if not candidates:
        return []
    fit = Compatibility(
        learner_prefs=[[]],
        learner_profiles=[seeks],
        guide_profiles=[guide_fit_profile(g, stop) for g in candidates],
    )
    scored = []
    for index, guide in enumerate(candidates):
        score = fit.explain(0, index)
        if score.points > 0:
            scored.append((guide, score))
    # Candidates come ordered by name: a stable sort keeps that order among equal scores.
    scored.sort(key=lambda pair: -pair[1].points)
    return [(g.pk, g.open_offers, score.points, fit_reasons(score)) for g, score in scored[:limit]]
