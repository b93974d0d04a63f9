"""Deterministic demo data.

Two generators:

- `build_demo_program()`: one realistic pediatrics residency (SPEC §3), for trying Dyad
  on a laptop and for screenshots;
- `build_institution(...)`: a large synthetic institution, for performance work.

Every random choice comes from a `random.Random` with a fixed seed, drawn in a fixed
order, so that a run gives the same people, e-mails and texts every time. Identifiers
(UUIDs) come from a second generator, so that adding a field never reshuffles them. Dates
are anchored on the academic year that contains `today`, so that the demo never looks
stale; pass `today` for data that is identical to the day.

The people are first described as plain specs, then written with bulk inserts by one
writer that both generators share. Each part of the demo has its own function. Then come
the pairings (pairs.py), their meetings, and the situations each demo login is there to
show (states.py, personas.py); the institution gets its pairs and meetings in bulk
(history.py).
"""

import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from dyad.accounts.models import User
from dyad.checkins.demo import seed_checkins
from dyad.coaching.demo import executive_demo_relationship, seed_coaching
from dyad.demo import personas
from dyad.demo.expectations import seed_expectations
from dyad.demo.history import build_institution_history
from dyad.demo.insight import seed_gme_office
from dyad.demo.pairs import build_demo_meetings, build_demo_pairs
from dyad.demo.rollover import SLUG as ROLLOVER_SLUG
from dyad.demo.rollover import seed_rollover
from dyad.demo.states import build_demo_states
from dyad.demo.training import seed_training
from dyad.faculty.demo import seed_faculty_load
from dyad.feedback.demo import seed_feedback
from dyad.goals.demo import seed_goals, seed_ilps
from dyad.matching.demo import seed_match_round
from dyad.profiles.models import (
    ContentArea,
    GuideOffer,
    GuideProfile,
    LearnerProfile,
    MeetingMode,
)
from dyad.programs.models import GuidanceKind, Membership, PairingModel, Program, Role
from dyad.relationships.models import Relationship
from dyad.resources.demo import seed_resources
from dyad.surveys.demo import seed_surveys

DEMO_SEED = 20260701
DEMO_PASSWORD = personas.PASSWORD
DEMO_SLUG = "peds"
DEMO_INSTITUTION = "Riverside University Hospital"
DEMO_DOMAIN = "riverside.example"
INSTITUTION_NAME = "Northfield Academic Medical Center"
INSTITUTION_DOMAIN = "northfield.example"
PROGRAM_AREA = "Child advocacy & policy"

# The fixed logins printed by `seed_demo`: (e-mail, the role of the login).
DEMO_LOGINS = [(persona.email, persona.label) for persona in personas.LOGINS]

BATCH_SIZE = 1000
# The institution's match round: learners of the round's program and guides in its pool.
ROUND_LEARNERS = 600
ROUND_GUIDES = 380


# --- Names -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# Groups of names that go together: (a language often spoken at home, weight, first names,
# last names).
NAME_GROUPS: dict[str, tuple[str | None, int, list[str], list[str]]] = {
    "us": (
        None,
        38,
        _words(
            """
            Emily Michael Sarah David Jessica Matthew Lauren Andrew Rachel Benjamin
            Hannah Daniel Megan Ryan Katherine Nathan Caroline Tyler Abigail Jacob
            Olivia Ethan Madeline Owen Christopher Grace Samuel Julia Connor Natalie
            Claire Henry Molly Jack Allison Lucas Jasmine Marcus Aaliyah Darnell Imani
            Jordan Kendra Malik Simone Terrence Brianna Isaiah
            """
        ),
        _words(
            """
            Anderson Brooks Carter Donovan Ellis Fletcher Gallagher Hayes Hughes Jensen
            Keller Lawson McAllister Mitchell Nolan O'Brien Parker Reynolds Sullivan
            Thompson Walsh Whitaker Bennett Coleman Harper Foster Morrison Schmidt
            Becker Novak Kowalski Russo Moretti Washington Robinson Freeman Banks
            Jackson Greene Holloway Sinclair Caldwell
            """
        ),
    ),
    "hispanic": (
        "Spanish",
        14,
        _words(
            """
            Alejandro Sofía Carlos Gabriela Daniela Javier Lucía Mateo Valeria Diego
            Camila Andrés Isabel Ricardo Mariana Luis Paola Eduardo Ana Marisol
            """
        ),
        _words(
            """
            García Rodríguez Hernández López Martínez González Pérez Sánchez Ramírez
            Torres Flores Rivera Gómez Díaz Morales Ortiz Castillo Vargas Mendoza Romero
            """
        ),
    ),
    "chinese": (
        "Mandarin",
        8,
        _words(
            """
            Wei Jing Yan Hao Mei Lei Xin Jun Ling Yifan Kevin Michelle Jason Amy Eric
            Vivian
            """
        ),
        _words("Chen Wang Li Zhang Liu Huang Zhou Wu Xu Lin Yang"),
    ),
    "south_asian": (
        "Hindi",
        10,
        _words(
            """
            Priya Arjun Ananya Rohan Kavya Vikram Neha Rahul Sanjay Divya Nikhil Meera
            Anil Deepa Ravi Shreya Karan Pooja Aditya Sunita
            """
        ),
        _words(
            """
            Patel Sharma Gupta Iyer Reddy Desai Menon Shah Rao Kapoor Nair Bhatt
            Krishnan Chatterjee Malhotra Joshi
            """
        ),
    ),
    "arab": (
        "Arabic",
        5,
        _words(
            """
            Omar Layla Yusuf Noor Karim Rania Tariq Huda Samir Lina Fadi Hassan Salma
            Ziad Dalia
            """
        ),
        _words("Haddad Khoury Mansour Nasser Saleh Farah Aziz Hamdan Abboud Darwish Khalil"),
    ),
    "west_african": (
        None,
        6,
        _words(
            """
            Chinedu Adaeze Oluwaseun Ngozi Kwame Abena Emeka Folake Tunde Chiamaka Kofi
            Amara
            """
        ),
        _words("Okafor Mensah Nwosu Okonkwo Boateng Adebayo Eze Owusu Balogun Obi Asante"),
    ),
    "francophone": (
        "French",
        4,
        _words(
            """
            Marie Pierre Camille Étienne Sophie Mathieu Chloé Julien Nadège Fabiola
            Guerline
            """
        ),
        _words(
            """
            Dubois Lefebvre Moreau Laurent Toussaint Bertrand Girard Fontaine Beauchamp
            Jean-Baptiste Pierre-Louis
            """
        ),
    ),
    "korean": (
        "Korean",
        4,
        _words("Min-jun Seo-yeon Joon Soo-jin Hyun Eun-ji Jae Daniel Grace"),
        _words("Kim Park Lee Choi Jung Kang Cho Yoon"),
    ),
    "vietnamese": (
        "Vietnamese",
        4,
        _words("Linh Minh Thu Quang Anh Bao Huong Duc Trang Khanh"),
        _words("Nguyen Tran Le Pham Hoang Vu Dang Bui"),
    ),
    "ukrainian": (
        "Ukrainian",
        3,
        _words("Oksana Andriy Olena Taras Iryna Dmytro Yulia Mykola"),
        _words("Kovalenko Shevchenko Bondarenko Melnyk Tkachenko Lysenko"),
    ),
}
_GROUP_KEYS = list(NAME_GROUPS)
_GROUP_WEIGHTS = [NAME_GROUPS[key][1] for key in _GROUP_KEYS]


def _email_part(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_name.lower() if c.isalnum() or c == "-")


@dataclass
class Name:
    first: str
    last: str
    email: str
    languages: list[str]


class NamePool:
    """Draws people with realistic, varied names and unique e-mail addresses."""

    def __init__(self, rng: random.Random, domain: str, *, small: bool = True):
        """A `small` pool (one program) never repeats a first or a last name; a large one
        repeats names and numbers the e-mail addresses of namesakes."""
        self.rng = rng
        self.domain = domain
        self.small = small
        self.taken_emails: set[str] = set()
        self.taken_parts: set[str] = set()

    def reserve(self, first: str, last: str, email: str) -> None:
        self.taken_emails.add(email)
        self.taken_parts.update([f"first:{first}", f"last:{last}"])

    def _is_free(self, first: str, last: str, email: str) -> bool:
        if self.small:
            return not {f"first:{first}", f"last:{last}"} & self.taken_parts
        return email not in self.taken_emails

    def draw(self) -> Name:
        for _ in range(50):
            key = self.rng.choices(_GROUP_KEYS, _GROUP_WEIGHTS)[0]
            language, _weight, firsts, lasts = NAME_GROUPS[key]
            first = self.rng.choice(firsts)
            # Some people carry a surname from another group (marriage, adoption, history).
            last_key = key if self.rng.random() < 0.85 else self.rng.choice(_GROUP_KEYS)
            last = self.rng.choice(NAME_GROUPS[last_key][3])
            email = f"{_email_part(first)}.{_email_part(last)}@{self.domain}"
            if self._is_free(first, last, email):
                break
            if not self.small:
                email = self._numbered(first, last)
                break
        else:  # pragma: no cover - the pools are far larger than one program
            raise RuntimeError("Ran out of distinct names")
        self.reserve(first, last, email)
        return Name(first, last, email, self._languages(language))

    def _numbered(self, first: str, last: str) -> str:
        n = 2
        while True:
            email = f"{_email_part(first)}.{_email_part(last)}{n}@{self.domain}"
            if email not in self.taken_emails:
                return email
            n += 1

    def _languages(self, home_language: str | None) -> list[str]:
        languages = ["English"]
        if home_language and self.rng.random() < 0.55:
            languages.append(home_language)
        if "Spanish" not in languages and self.rng.random() < 0.12:
            languages.append("Spanish")
        if self.rng.random() < 0.02:
            languages.append("French" if "French" not in languages else "Haitian Creole")
        if self.rng.random() < 0.01:
            languages.append("American Sign Language")
        return languages


# --- What guides and learners write about themselves ------------------------------------


@dataclass(frozen=True)
class Division:
    name: str
    clinician: str  # completes "I am a …"
    field: str  # completes "a career in …"
    clinical: tuple[str, ...]
    research: tuple[str, ...]
    areas: tuple[str, ...]  # content areas people of this division lean to
    fellowship: bool = True  # whether its faculty usually trained in a fellowship


PEDS_DIVISIONS = [
    Division(
        "Neonatology",
        "neonatologist",
        "neonatology",
        (
            "extremely preterm infants",
            "neonatal resuscitation",
            "bronchopulmonary dysplasia",
            "family-centred care in the NICU",
            "neonatal opioid withdrawal",
            "follow-up of NICU graduates",
            "therapeutic hypothermia",
        ),
        (
            "neurodevelopmental outcomes of preterm infants",
            "central-line infections in the NICU",
            "breast-milk feeding at discharge",
            "delivery-room simulation",
        ),
        ("Research", "Quality improvement", "Patient safety"),
    ),
    Division(
        "Pediatric Cardiology",
        "pediatric cardiologist",
        "pediatric cardiology",
        (
            "fetal echocardiography",
            "single-ventricle physiology",
            "arrhythmias in children",
            "Kawasaki disease",
            "adults with congenital heart disease",
        ),
        (
            "long-term outcomes after the Fontan operation",
            "wearable rhythm monitoring",
            "cardiac screening in young athletes",
        ),
        ("Research", "Clinical practice", "Clinical informatics"),
    ),
    Division(
        "Pediatric Hospital Medicine",
        "pediatric hospitalist",
        "hospital medicine",
        (
            "bronchiolitis",
            "children with medical complexity",
            "high-value care",
            "family-centred rounds",
            "safe discharge transitions",
        ),
        (
            "unnecessary testing on the wards",
            "handoff communication",
            "discharge readiness",
        ),
        ("Quality improvement", "Medical education", "Patient safety", "Clinical practice"),
    ),
    Division(
        "Pediatric Emergency Medicine",
        "pediatric emergency physician",
        "pediatric emergency medicine",
        (
            "procedural sedation",
            "pediatric trauma",
            "point-of-care ultrasound",
            "mental health crises in the emergency department",
            "early recognition of sepsis",
        ),
        (
            "pediatric readiness of community emergency departments",
            "simulation for rare resuscitations",
            "boarding of children in mental-health crisis",
        ),
        ("Patient safety", "Medical education", "Quality improvement"),
    ),
    Division(
        "Pediatric Infectious Diseases",
        "infectious-diseases specialist",
        "pediatric infectious diseases",
        (
            "antimicrobial stewardship",
            "congenital infections",
            "bone and joint infections",
            "immunisations",
            "infections in immunocompromised children",
        ),
        (
            "vaccine hesitancy",
            "shorter antibiotic courses for common infections",
            "RSV prevention",
        ),
        ("Research", "Global health", "Advocacy"),
    ),
    Division(
        "General Pediatrics",
        "general pediatrician",
        "primary care pediatrics",
        (
            "primary care in a community health center",
            "early literacy",
            "screening for social needs",
            "school health",
            "obesity prevention",
            "newborn care",
        ),
        (
            "food-insecurity screening in clinic",
            "continuity of care in resident clinics",
            "well-child visits by video",
        ),
        ("Advocacy", "Medical education", "Clinical practice", "Career planning"),
        fellowship=False,
    ),
    Division(
        "Pediatric Critical Care",
        "pediatric intensivist",
        "pediatric critical care",
        (
            "acute respiratory failure",
            "care after cardiac surgery",
            "end-of-life care in the PICU",
            "communication with families",
            "septic shock",
        ),
        (
            "sedation and delirium in the PICU",
            "life after critical illness",
            "family meetings in the ICU",
        ),
        ("Bioethics", "Patient safety", "Research", "Wellness"),
    ),
    Division(
        "Pediatric Hematology/Oncology",
        "pediatric oncologist",
        "pediatric hematology and oncology",
        (
            "acute leukaemia",
            "sickle cell disease",
            "brain tumours",
            "survivorship care",
            "haemophilia",
        ),
        (
            "hydroxyurea adherence in sickle cell disease",
            "late effects in childhood cancer survivors",
            "access to clinical trials",
        ),
        ("Research", "Bioethics", "Wellness"),
    ),
    Division(
        "Pediatric Gastroenterology",
        "pediatric gastroenterologist",
        "pediatric gastroenterology",
        (
            "inflammatory bowel disease",
            "intestinal failure",
            "feeding disorders",
            "pediatric liver disease",
        ),
        (
            "transition of adolescents with IBD to adult care",
            "nutrition in intestinal rehabilitation",
        ),
        ("Research", "Clinical practice"),
    ),
    Division(
        "Pediatric Endocrinology",
        "pediatric endocrinologist",
        "pediatric endocrinology",
        ("type 1 diabetes technology", "growth disorders", "thyroid disease", "puberty"),
        (
            "continuous glucose monitoring at school",
            "type 2 diabetes in adolescents",
        ),
        ("Clinical informatics", "Research", "Advocacy"),
    ),
    Division(
        "Pediatric Pulmonology",
        "pediatric pulmonologist",
        "pediatric pulmonology",
        ("cystic fibrosis", "severe asthma", "children on home ventilation", "sleep medicine"),
        ("asthma and housing quality", "CFTR modulators in young children"),
        ("Advocacy", "Research", "Quality improvement"),
    ),
    Division(
        "Pediatric Nephrology",
        "pediatric nephrologist",
        "pediatric nephrology",
        ("kidney transplantation", "dialysis", "hypertension", "nephrotic syndrome"),
        ("blood-pressure screening in primary care", "medication adherence after transplant"),
        ("Research", "Clinical practice", "Patient safety"),
    ),
    Division(
        "Developmental-Behavioral Pediatrics",
        "developmental-behavioral pediatrician",
        "developmental-behavioral pediatrics",
        ("autism", "ADHD", "developmental screening", "learning differences"),
        ("earlier autism diagnosis in primary care", "access to developmental services"),
        ("Advocacy", "Clinical practice", "Medical education"),
    ),
    Division(
        "Adolescent Medicine",
        "adolescent-medicine specialist",
        "adolescent medicine",
        ("eating disorders", "reproductive health", "substance use", "adolescent mental health"),
        ("confidential care for adolescents", "sleep and screens in teenagers"),
        ("Advocacy", "Wellness", "Clinical practice"),
    ),
    Division(
        "Child Abuse Pediatrics",
        "child abuse pediatrician",
        "child abuse pediatrics",
        ("evaluation of suspected abuse", "sentinel injuries in infants", "foster care health"),
        ("bias in abuse evaluations", "sentinel injuries in infants"),
        ("Advocacy", "Bioethics"),
    ),
    Division(
        "Pediatric Palliative Care",
        "palliative-care pediatrician",
        "pediatric palliative care",
        ("advance care planning", "symptom management", "bereavement support"),
        ("how clinicians talk with parents about prognosis",),
        ("Bioethics", "Wellness", "Work-life integration"),
    ),
]
PEDS_DIVISION_BY_NAME = {d.name: d for d in PEDS_DIVISIONS}

# How the demo's thirty faculty spread over divisions.
DEMO_FACULTY_DIVISIONS = (
    ["General Pediatrics"] * 4
    + ["Pediatric Hospital Medicine"] * 4
    + ["Neonatology"] * 3
    + ["Pediatric Emergency Medicine"] * 3
    + ["Pediatric Critical Care"] * 2
    + ["Pediatric Cardiology"] * 2
    + ["Pediatric Infectious Diseases"] * 2
    + ["Pediatric Hematology/Oncology"] * 2
    + [
        "Pediatric Gastroenterology",
        "Pediatric Endocrinology",
        "Pediatric Pulmonology",
        "Pediatric Nephrology",
        "Developmental-Behavioral Pediatrics",
        "Adolescent Medicine",
        "Child Abuse Pediatrics",
        "Pediatric Palliative Care",
    ]
)

RANKS = [
    ("Instructor", 1, (1, 3)),
    ("Assistant Professor", 5, (1, 7)),
    ("Associate Professor", 3, (6, 14)),
    ("Professor", 2, (12, 28)),
    ("Clinical Associate Professor", 1, (5, 15)),
]

TRAINING_PLACES = [
    "Lakeshore Children's Hospital",
    "Cedar Valley University",
    "Bayfront Children's Medical Center",
    "Eastbrook University",
    "Prairie State University",
    "Summit Children's Hospital",
    "Mount Calder Medical Center",
    "the University of the Northern Coast",
    "St. Brendan's Children's Hospital",
    "Riverside University Hospital",
]

MEDICAL_SCHOOLS = [
    "Cedar Valley University School of Medicine",
    "Eastbrook University College of Medicine",
    "Prairie State University School of Medicine",
    "Riverside University School of Medicine",
    "the University of the Northern Coast",
    "Universidad Central de Occidente",
    "Mount Calder College of Medicine",
]

SKILLS = [
    "Writing abstracts and manuscripts",
    "Grant writing",
    "Designing a quality-improvement project",
    "Statistics for clinical research",
    "Curriculum design",
    "Giving and receiving feedback",
    "Presenting at national meetings",
    "Fellowship applications",
    "Negotiating a first job offer",
    "Navigating parental leave",
    "Simulation and debriefing",
    "Teaching on rounds",
    "Leading teams",
    "Advocacy and testimony to legislators",
    "Writing op-eds",
    "Building a teaching portfolio",
    "Time management",
    "Survey design",
    "Using electronic health record data for research",
    "Difficult conversations with families",
]

# (a phrase for "Outside work I …", the same interest as a directory entry)
HOBBIES = [
    ("run trails with my dog", "Trail running"),
    ("sing in a community choir", "Choir"),
    ("bake far too much sourdough", "Baking"),
    ("coach my daughter's soccer team", "Youth soccer coaching"),
    ("am slowly restoring an old sailboat", "Sailing"),
    ("grow tomatoes and hot peppers", "Gardening"),
    ("play jazz piano, badly and happily", "Jazz piano"),
    ("read anything about the history of medicine", "History of medicine"),
    ("cycle to work in all weathers", "Cycling"),
    ("volunteer at a free clinic on Saturdays", "Free-clinic volunteering"),
    ("climb at the local bouldering gym", "Rock climbing"),
    ("cook for large groups of friends", "Cooking"),
    ("take long walks with a film camera", "Photography"),
    ("knit, mostly hats for the NICU", "Knitting"),
    ("play pickup basketball", "Basketball"),
    ("train for the city marathon every autumn", "Marathons"),
    ("paint watercolours of the river", "Watercolour painting"),
    ("keep bees", "Beekeeping"),
    ("play the cello in a community orchestra", "Cello"),
    ("spend weekends camping with my kids", "Camping"),
    ("write short fiction", "Creative writing"),
    ("do the crossword in pen", "Crosswords"),
    ("practise yoga", "Yoga"),
    ("travel to visit family abroad", "Travel"),
]

MENTORING_LINES = [
    "I enjoy helping residents turn a clinical question into a first project and, "
    "eventually, a first abstract.",
    "As a mentor I listen first; most residents know more about what they want than they think.",
    "I am happy to talk through fellowship applications, first jobs, or how to say no to things.",
    "I was the first in my family to go to college, and I like mentoring residents who are "
    "finding their own way through medicine.",
    "I can help with the logistics of a career in {field}, and with the less tidy questions "
    "about what kind of doctor you want to be.",
    "Raising two small children taught me a lot about work-life integration, and I am glad "
    "to share what has (and has not) worked.",
    "I especially enjoy working with residents who are considering {field}.",
    "I like to meet over coffee, walk the hospital loop, and leave each meeting with one "
    "concrete next step.",
    "Residents have taught me as much as I have taught them; I try to make our meetings a "
    "place where it is safe to think out loud.",
    "I came to medicine after a first career in teaching, and I am always happy to talk "
    "with residents who took a longer road.",
    "I trained abroad before coming to the United States, and I know how much of residency "
    "is an unwritten curriculum; I am glad to help make it explicit.",
    "My own mentors changed the course of my career, and I try to pay that forward.",
    "I am most useful on the practical side: schedules, electives, abstracts and deadlines.",
    "I took a part-time position for several years and can talk honestly about what that "
    "does and does not change.",
]

COACHING_LINE = (
    "I completed coach training in {year} and enjoy coaching residents on goals they set "
    "themselves."
)

GENERIC_CLINICAL = (
    "care of underserved patients",
    "procedural teaching",
    "health equity",
    "care transitions",
    "telehealth",
    "point-of-care ultrasound",
    "chronic disease management",
    "shared decision-making",
    "high-value care",
    "team-based care",
    "rural health",
)
GENERIC_RESEARCH = (
    "resident well-being",
    "diagnostic error",
    "patient-reported outcomes",
    "simulation-based training",
    "disparities in access to care",
    "what the electronic health record does to our days",
    "outcomes after complex procedures",
)

# Specialties of the synthetic institution: (name, highest PGY, "I am a …").
SPECIALTIES = [
    ("Internal Medicine", 3, "general internist"),
    ("Pediatrics", 3, "pediatrician"),
    ("General Surgery", 5, "surgeon"),
    ("Family Medicine", 3, "family physician"),
    ("Emergency Medicine", 3, "emergency physician"),
    ("Psychiatry", 4, "psychiatrist"),
    ("Obstetrics and Gynecology", 4, "obstetrician-gynecologist"),
    ("Anesthesiology", 4, "anesthesiologist"),
    ("Diagnostic Radiology", 5, "radiologist"),
    ("Neurology", 4, "neurologist"),
    ("Pathology", 4, "pathologist"),
    ("Dermatology", 4, "dermatologist"),
    ("Orthopaedic Surgery", 5, "orthopaedic surgeon"),
    ("Otolaryngology", 5, "otolaryngologist"),
    ("Ophthalmology", 4, "ophthalmologist"),
    ("Urology", 5, "urologist"),
    ("Physical Medicine and Rehabilitation", 4, "physiatrist"),
    ("Radiation Oncology", 5, "radiation oncologist"),
    ("Neurological Surgery", 7, "neurosurgeon"),
    ("Plastic Surgery", 6, "plastic surgeon"),
    ("Internal Medicine-Pediatrics", 4, "med-peds physician"),
    ("Child Neurology", 5, "child neurologist"),
    ("Interventional Radiology", 6, "interventional radiologist"),
    ("Vascular Surgery", 5, "vascular surgeon"),
    ("Preventive Medicine", 3, "preventive-medicine physician"),
    ("Medical Genetics", 4, "medical geneticist"),
    ("Nuclear Medicine", 4, "nuclear-medicine physician"),
    ("Thoracic Surgery", 6, "thoracic surgeon"),
]
INSTITUTION_CAMPUSES = ["", "North Campus", "Lakeside", "Westgate", "Harbor"]


# --- Specs: the people before they are written ------------------------------------------


@dataclass
class GuideSpec:
    title: str
    department: str
    division: str
    bio: str
    skills: str
    career_path: str
    clinical_interests: str
    outside_interests: str
    languages: list[str]
    meeting_modes: list[str]
    accepting_new: bool
    fte_effort: Decimal | None
    areas: list[ContentArea]
    offers: dict[str, int]
    joined: int | None = None  # the year the guide joined the faculty; not on the profile


@dataclass
class LearnerSpec:
    interests: str
    career_goals: str
    outside_interests: str
    languages: list[str]
    areas: list[ContentArea]


@dataclass
class MembershipSpec:
    program: Program
    role: str
    pgy: int | None = None
    track: str = ""
    department: str = ""
    start_date: date | None = None
    expected_end_date: date | None = None
    external_id: str = ""


@dataclass
class PersonSpec:
    name: Name
    memberships: list[MembershipSpec] = field(default_factory=list)
    guide: GuideSpec | None = None
    learner: LearnerSpec | None = None


def _uuid(ids: random.Random) -> uuid.UUID:
    return uuid.UUID(int=ids.getrandbits(128), version=4)


def _save_people(people: list[PersonSpec], *, password: str, ids: random.Random) -> None:
    """Write people with batched bulk inserts, not one query per row.

    SQLite (3.35+) and PostgreSQL return the primary keys of bulk-created rows, which the
    later inserts rely on.
    """
    users = [
        User(
            email=p.name.email,
            first_name=p.name.first,
            last_name=p.name.last,
            password=password,
            uuid=_uuid(ids),
        )
        for p in people
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    Membership.objects.bulk_create(
        [
            Membership(user=user, uuid=_uuid(ids), **vars(m))
            for p, user in zip(people, users, strict=True)
            for m in p.memberships
        ],
        batch_size=BATCH_SIZE,
    )
    _save_guides([(p.guide, u) for p, u in zip(people, users, strict=True) if p.guide], ids)
    _save_learners([(p.learner, u) for p, u in zip(people, users, strict=True) if p.learner], ids)


def _save_guides(guides: list[tuple[GuideSpec, User]], ids: random.Random) -> None:
    profiles = [
        GuideProfile(
            user=user,
            uuid=_uuid(ids),
            **{k: v for k, v in vars(spec).items() if k not in ("areas", "offers", "joined")},
        )
        for spec, user in guides
    ]
    GuideProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    GuideOffer.objects.bulk_create(
        [
            GuideOffer(profile=profile, kind=kind, capacity=capacity)
            for (spec, _), profile in zip(guides, profiles, strict=True)
            for kind, capacity in spec.offers.items()
        ],
        batch_size=BATCH_SIZE,
    )
    through = GuideProfile.content_areas.through
    through.objects.bulk_create(
        [
            through(guideprofile_id=profile.pk, contentarea_id=area.pk)
            for (spec, _), profile in zip(guides, profiles, strict=True)
            for area in spec.areas
        ],
        batch_size=BATCH_SIZE,
    )


def _save_learners(learners: list[tuple[LearnerSpec, User]], ids: random.Random) -> None:
    profiles = [
        LearnerProfile(
            user=user,
            uuid=_uuid(ids),
            **{k: v for k, v in vars(spec).items() if k != "areas"},
        )
        for spec, user in learners
    ]
    LearnerProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
    through = LearnerProfile.content_areas_sought.through
    through.objects.bulk_create(
        [
            through(learnerprofile_id=profile.pk, contentarea_id=area.pk)
            for (spec, _), profile in zip(learners, profiles, strict=True)
            for area in spec.areas
        ],
        batch_size=BATCH_SIZE,
    )


# --- Text assembly -------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _pick_areas(
    rng: random.Random,
    areas: dict[str, ContentArea],
    leaning: tuple[str, ...],
    count: int,
    extra: ContentArea | None = None,
) -> list[ContentArea]:
    """`count` areas, most from those the person leans to; `extra` sometimes joins."""
    names = [n for n in leaning if rng.random() < 0.8]
    others = [n for n in areas if n not in names]
    rng.shuffle(others)
    names = (names + others)[:count]
    chosen = [areas[n] for n in names]
    if extra is not None and rng.random() < 0.35:
        chosen.append(extra)
    return chosen


def _meeting_modes(rng: random.Random) -> list[str]:
    if rng.random() < 0.05:
        return [MeetingMode.VIDEO.value, MeetingMode.PHONE.value]
    modes = [MeetingMode.IN_PERSON.value]
    if rng.random() < 0.8:
        modes.append(MeetingMode.VIDEO.value)
    if rng.random() < 0.3:
        modes.append(MeetingMode.PHONE.value)
    return modes


def _hobbies(rng: random.Random, count: int) -> list[tuple[str, str]]:
    return rng.sample(HOBBIES, count)


def _faculty_bio(
    rng: random.Random,
    *,
    division: Division,
    title: str,
    joined: int,
    fellowship_place: str,
    clinical: list[str],
    area_names: set[str],
    coach_year: int | None,
    hobby: str | None,
    institution: str,
    role_line: str = "",
) -> str:
    opener = rng.choice(
        [
            f"I am a {division.clinician} and {title.split(';')[0].lower()} at {institution}.",
            f"I joined {institution} in {joined} as a {division.clinician}, after "
            f"training at {fellowship_place}.",
            f"I have been a {division.clinician} at {institution} since {joined}.",
            f"After {'residency and fellowship' if division.fellowship else 'residency'} at "
            f"{fellowship_place}, I came to {institution} in {joined}.",
        ]
    )
    clinic = rng.choice(
        [
            f"Most of my clinical time goes to {_and(clinical)}.",
            f"My clinical work centres on {clinical[0]}, with a particular interest in "
            f"{clinical[-1]}.",
            f"In clinic and on service I think most about {_and(clinical)}.",
        ]
    )
    topic = rng.choice(division.research)
    if "Research" in area_names:
        academic = rng.choice(
            [f"My research looks at {topic}.", f"I study {topic}, with funding from the NIH."]
        )
    elif "Quality improvement" in area_names:
        academic = f"I lead a quality-improvement project on {topic}."
    elif "Medical education" in area_names:
        academic = rng.choice(
            [
                "I run the residents' noon-conference curriculum.",
                "I direct the clerkship for third-year students.",
                "Teaching on the wards is the best part of my week.",
            ]
        )
    elif "Advocacy" in area_names:
        academic = "I work with the state medical society on legislation that affects my patients."
    else:
        academic = f"I have a long-standing interest in {topic}."
    mentoring = rng.choice(MENTORING_LINES).format(field=division.field)
    parts = [opener, role_line, clinic, academic, mentoring]
    if coach_year is not None:
        parts.append(COACHING_LINE.format(year=coach_year))
    if hobby:
        parts.append(f"Outside work I {hobby}.")
    return " ".join(part for part in parts if part)


def _training_places(specialty: str) -> list[str]:
    if specialty == "Pediatrics":
        return TRAINING_PLACES
    return [p for p in TRAINING_PLACES if "Children's" not in p]


def _career_path(
    rng: random.Random,
    *,
    division: Division,
    residency: str,
    joined: int,
    school: str,
    fellowship_place: str,
    institution: str,
) -> str:
    residency_place = rng.choice(_training_places(residency))
    steps = [f"MD, {school}", f"{residency.lower()} residency, {residency_place}"]
    if rng.random() < 0.25:
        steps.append("chief resident")
    if division.fellowship and rng.random() < 0.85:
        steps.append(f"fellowship in {division.field}, {fellowship_place}")
    if rng.random() < 0.2:
        steps.append(
            rng.choice(
                [
                    "MPH",
                    "Master's in medical education",
                    "MS in clinical investigation",
                    "MBA",
                ]
            )
        )
    steps.append(f"faculty at {institution} since {joined}")
    if rng.random() < 0.3:
        steps.append(
            rng.choice(
                [
                    "associate medical director of the inpatient units",
                    "director of the continuity-clinic curriculum",
                    "vice chair for faculty development",
                    "quality and safety officer",
                    "site director for the clerkship",
                ]
            )
        )
    return _cap("; ".join(steps)) + "."


def _guide_spec(
    rng: random.Random,
    *,
    name: Name,
    division: Division,
    areas: dict[str, ContentArea],
    today: date,
    institution: str,
    department: str,
    residency: str,
    extra_area: ContentArea | None = None,
    title: str | None = None,
    offers: dict[str, int] | None = None,
    role_line: str = "",
    accepting_new: bool | None = None,
) -> GuideSpec:
    rank, _weight, (lo, hi) = rng.choices(RANKS, [r[1] for r in RANKS])[0]
    if title is None:
        title = f"{rank} of {department}"
    else:
        lo, hi = 8, 20
    joined = today.year - rng.randint(lo, hi)
    places = _training_places(residency)
    fellowship_place = rng.choice([p for p in places if p != institution])
    clinical = rng.sample(division.clinical, min(len(division.clinical), rng.randint(2, 3)))
    chosen_areas = _pick_areas(rng, areas, division.areas, rng.randint(2, 5), extra_area)
    area_names = {a.name for a in chosen_areas}
    if offers is None:
        offers = {}
        if rng.random() < 0.85:
            offers[GuidanceKind.MENTORING.value] = rng.randint(1, 3)
        if rng.random() < 0.25:
            offers[GuidanceKind.COACHING.value] = rng.randint(1, 3)
        if rng.random() < 0.1:
            offers[GuidanceKind.ADVISING.value] = rng.randint(1, 3)
        if not offers:
            offers[GuidanceKind.MENTORING.value] = rng.randint(1, 3)
    coach_year = (
        rng.randint(max(joined, today.year - 6), today.year - 1)
        if GuidanceKind.COACHING in offers
        else None
    )
    hobbies = _hobbies(rng, rng.randint(1, 3))
    bio = _faculty_bio(
        rng,
        division=division,
        title=title,
        joined=joined,
        fellowship_place=fellowship_place,
        clinical=clinical,
        area_names=area_names,
        coach_year=coach_year,
        hobby=hobbies[0][0] if rng.random() < 0.6 else None,
        institution=institution,
        role_line=role_line,
    )
    skills = rng.sample(SKILLS, rng.randint(2, 4))
    if coach_year is not None:
        skills.append(f"Coach training ({institution} faculty coaching program, {coach_year})")
    career = _career_path(
        rng,
        division=division,
        residency=residency,
        joined=joined,
        school=rng.choice(MEDICAL_SCHOOLS),
        fellowship_place=fellowship_place,
        institution=institution,
    )
    return GuideSpec(
        title=title,
        department=department,
        division=division.name,
        bio=bio,
        skills=", ".join(skills),
        career_path=career,
        clinical_interests=_cap(", ".join(clinical)),
        outside_interests=", ".join(h[1] for h in hobbies),
        languages=name.languages,
        meeting_modes=_meeting_modes(rng),
        accepting_new=accepting_new if accepting_new is not None else rng.random() < 0.85,
        fte_effort=Decimal(rng.choice(["5", "7.5", "10", "10", "12.5", "15", "20", "25"])),
        areas=chosen_areas,
        offers=offers,
        joined=joined,
    )


PEDS_CAREER_GOALS = [
    "Fellowship in {field}, then an academic career with protected time for research.",
    "Fellowship in {field}; I would like help preparing a strong application.",
    "Undecided between {field} and {other}; I would like to hear from people in both.",
    "Hospital medicine at a children's hospital, with a role in quality improvement.",
    "Community pediatrics close to my family, while still teaching students.",
    "Still exploring. I want to find the part of pediatrics that keeps me curious.",
    "A career in {field} that leaves room for a family and a life outside medicine.",
    "Academic general pediatrics with a focus on medical education.",
]
GENERAL_CAREER_GOALS = [
    "An academic career in {field} with protected time for research.",
    "A fellowship after residency; I would like help choosing a subspecialty.",
    "A clinician-educator career in {field}.",
    "Practice in {field} close to my family, while still teaching students.",
    "Still exploring where and how I want to practise after residency.",
    "A career in {field} that leaves room for a family and a life outside medicine.",
]
TRACK_GOALS = {
    "Primary care": "Primary care in an underserved community, ideally precepting residents.",
    "Research": "A physician-scientist career in {field}, starting with a fellowship and a "
    "K award.",
    "Global health": "Global child health: a career split between home and a partner site abroad.",
}
PEER_HELP = [
    "surviving the first night float",
    "finding your way around the hospital at night",
    "building a study routine for the boards",
    "asking for help early",
    "sorting out a first research project",
    "making time for life outside the hospital",
    "presenting on rounds",
]
ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh"}


def _learner_spec(
    rng: random.Random,
    *,
    name: Name,
    track: str,
    pgy: int | None,
    areas: dict[str, ContentArea],
    divisions: list[Division],
    goals: list[str],
    extra_area: ContentArea | None = None,
) -> LearnerSpec:
    first, second = rng.sample(divisions, 2)
    interests = rng.sample(first.clinical, 2) + [rng.choice(second.clinical)]
    if rng.random() < 0.4:
        interests.append(
            rng.choice(["medical education", "quality improvement", "health policy", "research"])
        )
    use_track = track in TRACK_GOALS and rng.random() < 0.8
    goal = (TRACK_GOALS[track] if use_track else rng.choice(goals)).format(
        field=first.field, other=second.field
    )
    leaning = ("Career planning" if pgy != 1 else "Wellness", *first.areas[:1])
    return LearnerSpec(
        interests=_cap(", ".join(dict.fromkeys(interests))),
        career_goals=goal,
        outside_interests=", ".join(h[1] for h in _hobbies(rng, rng.randint(1, 3))),
        languages=name.languages,
        areas=_pick_areas(rng, areas, leaning, rng.randint(1, 4), extra_area),
    )


def _peer_guide_spec(
    rng: random.Random,
    *,
    name: Name,
    pgy: int,
    track: str,
    department: str,
    goal_division: Division,
    areas: dict[str, ContentArea],
) -> GuideSpec:
    """A senior resident who volunteers as peer mentor of interns."""
    help_with = rng.sample(PEER_HELP, 2)
    hobby = rng.choice(HOBBIES)
    bio = (
        f"I am a {ORDINALS.get(pgy, 'senior')}-year resident on the {track.lower()} track, "
        f"headed for {goal_division.field}. I remember how long the first months of intern "
        f"year felt, and I am glad to help with {_and(help_with)}. "
        f"Outside the hospital I {hobby[0]}."
    )
    return GuideSpec(
        title=f"PGY-{pgy} resident",
        department=department,
        division="",
        bio=bio,
        skills=", ".join(_cap(h) for h in help_with),
        career_path=f"{track} track; planning a career in {goal_division.field}.",
        clinical_interests=_cap(", ".join(rng.sample(goal_division.clinical, 2))),
        outside_interests=hobby[1],
        languages=name.languages,
        meeting_modes=[MeetingMode.IN_PERSON.value, MeetingMode.PHONE.value],
        accepting_new=True,
        fte_effort=None,
        areas=_pick_areas(rng, areas, ("Wellness", "Work-life integration"), rng.randint(2, 3)),
        offers={GuidanceKind.PEER_MENTORING.value: rng.randint(1, 2)},
    )


# --- Dates -------------------------------------------------------------------------------


def academic_year_start(today: date, month: int = 7) -> date:
    """The first day of the academic year that contains `today`."""
    year = today.year if today.month >= month else today.year - 1
    return date(year, month, 1)


def _residency_dates(year_start: date, pgy: int, max_pgy: int) -> tuple[date, date]:
    """Start on 1 July of the intern year, end on 30 June after the last PGY year."""
    start = date(year_start.year - (pgy - 1), year_start.month, 1)
    return start, date(start.year + max_pgy, 6, 30)


# --- The demo program ---------------------------------------------------------------------


@dataclass
class _Demo:
    """What the parts of the demo share while it is being built."""

    rng: random.Random
    program: Program
    areas: dict[str, ContentArea]
    program_area: ContentArea
    names: NamePool
    year_start: date
    fixed: dict[str, Name]  # the people behind the demo logins, by role
    today: date
    people: list[PersonSpec] = field(default_factory=list)


def build_demo_program(*, seed: int = DEMO_SEED, today: date | None = None) -> Program:
    """Create the demo pediatrics residency. The caller checks that the database is empty."""
    with transaction.atomic():
        demo = _demo_start(seed, today or timezone.localdate())
        _demo_leadership(demo)
        _demo_faculty(demo)
        residents = _demo_residents(demo)
        _demo_chiefs(demo)
        _demo_peer_mentors(demo, residents)
        _demo_learner_profiles(demo, residents)
        _save_people(
            demo.people, password=make_password(DEMO_PASSWORD), ids=random.Random(f"ids-{seed}")
        )
        habits = build_demo_pairs(demo.program, seed=seed, year_start=demo.year_start)
        build_demo_meetings(demo.program, seed=seed, today=demo.today, habits=habits)
        build_demo_states(demo.program, today=demo.today)
        seed_goals(demo.program, demo.today)
        seed_resources(demo.program, demo.today)
        seed_ilps(demo.program, demo.today)
        seed_coaching(demo.program, demo.today)
        # After the coaching: everyone coaching by then has completed the coach training.
        seed_training(demo.program, demo.today)
        seed_faculty_load(demo.program, keep_email=personas.MENTOR.email)
        seed_gme_office(demo.program, DEMO_PASSWORD)
        seed_expectations(demo.program, demo.today)
        seed_feedback(demo.program, demo.today, coach_email=personas.MENTOR.email)
        # The 360° belongs above all to executive coaching: its engagement has one too.
        if executive := executive_demo_relationship(demo.program):
            seed_feedback(demo.program, demo.today, relationship=executive)
        seed_surveys(demo.program, demo.today)
        seed_checkins(demo.program, demo.today, resident_email=personas.RESIDENT.email)
        seed_rollover(demo.program, demo.today)
    return demo.program


def _demo_start(seed: int, today: date) -> _Demo:
    program = Program.objects.create(
        slug=DEMO_SLUG,
        name="Pediatrics Residency",
        specialty="Pediatrics",
        institution=DEMO_INSTITUTION,
        pairing_model=PairingModel.BOTH,
        max_pgy=3,
    )
    program_area = ContentArea.objects.create(
        program=program, name=PROGRAM_AREA, slug=slugify(PROGRAM_AREA)
    )
    rng = random.Random(seed)
    names = NamePool(rng, DEMO_DOMAIN)
    fixed = {
        "director": Name("Elena", "Márquez", personas.DIRECTOR.email, ["English", "Spanish"]),
        "coordinator": Name("Tanya", "Brooks", personas.COORDINATOR.email, ["English"]),
        "mentor": Name("Samuel", "Adeyemi", personas.MENTOR.email, ["English", "French"]),
        "resident": Name("Priya", "Raman", personas.RESIDENT.email, ["English", "Tamil"]),
        "intern": Name("Tomás", "Okoro", personas.INTERN.email, ["English", "Spanish"]),
        "senior": Name("Hannah", "Lindqvist", personas.SENIOR.email, ["English", "Swedish"]),
    }
    for name in fixed.values():
        names.reserve(name.first, name.last, name.email)
    return _Demo(
        rng=rng,
        program=program,
        areas=_default_areas(),
        program_area=program_area,
        names=names,
        year_start=academic_year_start(today, program.academic_year_start_month),
        fixed=fixed,
        today=today,
    )


def _default_areas() -> dict[str, ContentArea]:
    return {a.name: a for a in ContentArea.objects.filter(program=None).order_by("slug")}


def _demo_guide(
    demo: _Demo, name: Name, division_name: str, role: Role = Role.FACULTY, **overrides
) -> None:
    division = PEDS_DIVISION_BY_NAME[division_name]
    guide = _guide_spec(
        demo.rng,
        name=name,
        division=division,
        areas=demo.areas,
        today=demo.year_start,
        institution=DEMO_INSTITUTION,
        department="Pediatrics",
        residency="Pediatrics",
        extra_area=demo.program_area if "Advocacy" in division.areas else None,
        **overrides,
    )
    membership = MembershipSpec(
        program=demo.program,
        role=role,
        department=f"Pediatrics — {division.name}",
        start_date=date(guide.joined or demo.year_start.year, 7, 1),
    )
    demo.people.append(PersonSpec(name=name, memberships=[membership], guide=guide))


def _demo_leadership(demo: _Demo) -> None:
    """The program director and two APDs (faculty who advise), and the coordinator."""
    _demo_guide(
        demo,
        demo.fixed["director"],
        "Pediatric Hospital Medicine",
        Role.DIRECTOR,
        title="Professor of Pediatrics; Program Director",
        role_line="As program director I meet every resident at least twice a year, and my "
        "door is open for anything from schedules to the big career questions.",
        offers={GuidanceKind.ADVISING.value: 3, GuidanceKind.MENTORING.value: 1},
        accepting_new=True,
    )
    apds = [
        ("General Pediatrics", {GuidanceKind.ADVISING.value: 3}),
        (
            "Pediatric Emergency Medicine",
            {GuidanceKind.ADVISING.value: 3, GuidanceKind.COACHING.value: 2},
        ),
    ]
    for division_name, offers in apds:
        _demo_guide(
            demo,
            demo.names.draw(),
            division_name,
            Role.ASSOCIATE_DIRECTOR,
            title="Associate Professor of Pediatrics; Associate Program Director",
            role_line="As an associate program director I advise residents on milestones, "
            "electives and the timeline of fellowship applications.",
            offers=offers,
            accepting_new=True,
        )
    coordinator = MembershipSpec(
        program=demo.program,
        role=Role.COORDINATOR,
        department="Pediatrics — Graduate Medical Education",
        start_date=date(demo.year_start.year - 6, 9, 1),
    )
    demo.people.append(PersonSpec(name=demo.fixed["coordinator"], memberships=[coordinator]))


def _demo_faculty(demo: _Demo) -> None:
    """Thirty faculty guides over the divisions; the fixed mentor is a neonatologist."""
    divisions = list(DEMO_FACULTY_DIVISIONS)
    demo.rng.shuffle(divisions)
    divisions.remove("Neonatology")
    _demo_guide(
        demo,
        demo.fixed["mentor"],
        "Neonatology",
        title="Associate Professor of Pediatrics",
        offers={GuidanceKind.MENTORING.value: 3, GuidanceKind.COACHING.value: 2},
        accepting_new=True,
    )
    for division_name in divisions:
        _demo_guide(demo, demo.names.draw(), division_name)


def _class_tracks(rng: random.Random, size: int) -> list[str]:
    tracks = (
        ["Primary care"] * rng.choice([1, 2, 3])
        + ["Research"] * rng.choice([0, 1, 1, 2])
        + ["Global health"] * rng.choice([0, 1, 1])
    )
    tracks += ["Categorical"] * (size - len(tracks))
    rng.shuffle(tracks)
    return tracks


def _demo_residents(demo: _Demo) -> list[PersonSpec]:
    """Three classes of twelve; the fixed intern, resident and senior head their classes."""
    residents = []
    for pgy in (1, 2, 3):
        start, end = _residency_dates(demo.year_start, pgy, demo.program.max_pgy)
        for n, track in enumerate(_class_tracks(demo.rng, 12), start=1):
            fixed = {1: "intern", 2: "resident", 3: "senior"}[pgy]
            if n == 1:
                name, track = demo.fixed[fixed], "Categorical"
            else:
                name = demo.names.draw()
            membership = MembershipSpec(
                program=demo.program,
                role=Role.RESIDENT,
                pgy=pgy,
                track=track,
                department="Pediatrics",
                start_date=start,
                expected_end_date=end,
                external_id=f"RUH-{start.year}-{n:03d}",
            )
            residents.append(PersonSpec(name=name, memberships=[membership]))
    demo.people.extend(residents)
    return residents


def _demo_chiefs(demo: _Demo) -> None:
    """Three chief residents in their extra year after PGY-3, so without a PGY level."""
    for n in range(1, 4):
        name = demo.names.draw()
        membership = MembershipSpec(
            program=demo.program,
            role=Role.CHIEF_RESIDENT,
            department="Pediatrics",
            start_date=demo.year_start,
            expected_end_date=date(demo.year_start.year + 1, 6, 30),
            external_id=f"RUH-{demo.year_start.year - 3}-C{n:02d}",
        )
        learner = _learner_spec(
            demo.rng,
            name=name,
            track="Categorical",
            pgy=None,
            areas=demo.areas,
            divisions=PEDS_DIVISIONS,
            goals=PEDS_CAREER_GOALS,
            extra_area=demo.program_area,
        )
        demo.people.append(PersonSpec(name=name, memberships=[membership], learner=learner))


def _demo_peer_mentors(demo: _Demo, residents: list[PersonSpec]) -> None:
    """Four PGY-3 residents volunteer as peer mentors of interns, the fixed senior first."""
    senior = demo.fixed["senior"]
    seniors = [p for p in residents if p.memberships[0].pgy == 3 and p.name is not senior]
    volunteers = [p for p in residents if p.name is senior] + demo.rng.sample(seniors, 3)
    for person in volunteers:
        person.guide = _peer_guide_spec(
            demo.rng,
            name=person.name,
            pgy=3,
            track=person.memberships[0].track,
            department="Pediatrics",
            goal_division=demo.rng.choice(PEDS_DIVISIONS),
            areas=demo.areas,
        )


def _demo_learner_profiles(demo: _Demo, residents: list[PersonSpec]) -> None:
    """Most residents have filled in their learner profile; a few have not yet."""
    not_yet = set(demo.rng.sample(range(len(residents)), 4))
    for n, person in enumerate(residents):
        if n in not_yet and person.name not in demo.fixed.values():
            continue
        membership = person.memberships[0]
        person.learner = _learner_spec(
            demo.rng,
            name=person.name,
            track=membership.track,
            pgy=membership.pgy,
            areas=demo.areas,
            divisions=PEDS_DIVISIONS,
            goals=PEDS_CAREER_GOALS,
            extra_area=demo.program_area,
        )


def demo_logins() -> list[tuple[str, str, str]]:
    """(what the login shows, e-mail, name) of the fixed demo logins that exist."""
    users = User.objects.filter(
        email__in=[email for email, _ in DEMO_LOGINS],
        memberships__program__slug__in=[DEMO_SLUG, ROLLOVER_SLUG],
    ).distinct()
    names = {user.email: user.full_name for user in users}
    return [(label, email, names[email]) for email, label in DEMO_LOGINS if email in names]


# --- The synthetic institution -------------------------------------------------------------


def build_institution(
    *,
    programs: int,
    residents: int,
    faculty: int,
    seed: int = DEMO_SEED,
    today: date | None = None,
    round_learners: int = ROUND_LEARNERS,
    round_guides: int = ROUND_GUIDES,
    every_app: bool = False,
) -> dict[str, int]:
    """Create `programs` programs sharing `residents` residents and `faculty` faculty.

    Each program also gets a coordinator (one more person), and a director and up to two
    APDs chosen among its faculty. A few faculty belong to a second program; a few senior
    residents are peer mentors. Residents have relationships of every kind over this
    academic year and the last (some ended, some proposed), with meetings, notes and goals
    (see history.py). The first program holds an open mentoring match round of all its
    residents (`round_learners` of them, or 30% of the residents if fewer, which makes it
    the largest program) with a pool of up to `round_guides` mentors, lists filled in and
    run (dyad/matching/demo.py). With `every_app`, that program also gets what the demo
    program has beyond pairings and meetings.
    The caller checks that the database is empty. Returns counts of what was created.
    """
    rng = random.Random(seed)
    year_start = academic_year_start(today or timezone.localdate())
    names = NamePool(rng, INSTITUTION_DOMAIN, small=False)
    with transaction.atomic():
        program_objs = _institution_programs(programs)
        areas = _default_areas()
        people: list[PersonSpec] = []
        faculty_by_program = []
        sizes = zip(
            _round_program_first(rng, residents, programs, round_learners, 3 / 10),
            # Some faculty offer no mentoring: a fifth more than the pool, to fill it.
            _round_program_first(rng, faculty, programs, round_guides * 6 // 5, 3 / 20),
            strict=True,
        )
        for program, (n_residents, n_faculty) in zip(program_objs, sizes, strict=True):
            divisions = _specialty_divisions(program)
            guides = [
                _institution_faculty(rng, names, program, divisions, areas, year_start)
                for _ in range(n_faculty)
            ]
            _institution_leaders(program, guides)
            learners = [
                _institution_resident(rng, names, program, divisions, areas, year_start, n)
                for n in range(1, n_residents + 1)
            ]
            coordinator = MembershipSpec(program=program, role=Role.COORDINATOR)
            people += guides + learners + [PersonSpec(names.draw(), [coordinator])]
            faculty_by_program.append(guides)
        _cross_program_faculty(rng, program_objs, faculty_by_program)
        ids = random.Random(f"ids-{seed}")
        _save_people(people, password=make_password(DEMO_PASSWORD), ids=ids)
        history = build_institution_history(
            program_objs,
            seed=seed,
            today=today or timezone.localdate(),
            ids=ids,
            round_program=program_objs[0],
        )
        match_round = seed_match_round(program_objs[0], guides=round_guides, seed=seed)
        if every_app:
            _institution_round_program_extras(program_objs[0], today or timezone.localdate())
    return {
        "programs": len(program_objs),
        "users": len(people),
        "memberships": sum(len(p.memberships) for p in people),
        "guide profiles": sum(1 for p in people if p.guide),
        "learner profiles": sum(1 for p in people if p.learner),
        **history,
        "round learners": match_round.learners.count() if match_round else 0,
        "round guides": match_round.guides.count() if match_round else 0,
        "ranks": match_round.learner_ranks.count() if match_round else 0,
        "guide marks": match_round.guide_marks.count() if match_round else 0,
        "runs": match_round.runs.count() if match_round else 0,
    }


def _institution_round_program_extras(program: Program, today: date) -> None:
    """Give the match-round program what the demo program has beyond pairings and
    meetings (ILPs, resources, coaching, training, expectations, 360° feedback, surveys,
    check-ins), so that every page has institution-scale data to show."""
    coach = (
        Relationship.objects.for_program(program)
        .filter(kind=GuidanceKind.COACHING)
        .order_by("pk")
        .values_list("guide__email", flat=True)
        .first()
    )
    seed_resources(program, today)
    seed_ilps(program, today)
    seed_coaching(program, today)
    seed_training(program, today)
    if coach:
        seed_faculty_load(program, keep_email=coach)
    seed_expectations(program, today)
    seed_feedback(program, today, coach_email=coach)
    seed_surveys(program, today)
    seed_checkins(program, today)


def _round_program_first(
    rng: random.Random, total: int, parts: int, wanted: int, most: float
) -> list[int]:
    """Split `total` over `parts` with the first part (the match-round program) given
    `wanted`, or the `most` share of the total if less, and the rest spread unevenly."""
    if parts == 1:
        return [total]
    first = min(wanted, int(total * most))
    return [first, *_spread(rng, total - first, parts - 1)]


def _spread(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split `total` over `parts` unevenly, as real programs differ in size."""
    weights = [rng.uniform(0.5, 2.0) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    by_remainder = sorted(range(parts), key=lambda i: weights[i] * scale - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _institution_programs(count: int) -> list[Program]:
    """Programs named after specialties; past the list, the same at other campuses."""
    programs = []
    for n in range(count):
        specialty, max_pgy, _clinician = SPECIALTIES[n % len(SPECIALTIES)]
        campus_no, round_no = divmod(n // len(SPECIALTIES), len(INSTITUTION_CAMPUSES))
        campus = INSTITUTION_CAMPUSES[round_no]
        label = " ".join(filter(None, [campus, str(campus_no + 1) if campus_no else ""]))
        programs.append(
            Program(
                slug=slugify(f"{specialty} {label}"),
                name=f"{specialty} Residency" + (f" ({label})" if label else ""),
                specialty=specialty,
                institution=INSTITUTION_NAME,
                max_pgy=max_pgy,
            )
        )
    return Program.objects.bulk_create(programs)


def _specialty_divisions(program: Program) -> list[Division]:
    if program.specialty == "Pediatrics":
        return PEDS_DIVISIONS
    clinician = next(c for s, _, c in SPECIALTIES if s == program.specialty)
    return [
        Division(
            name=program.specialty,
            clinician=clinician,
            field=program.specialty.lower(),
            clinical=GENERIC_CLINICAL,
            research=GENERIC_RESEARCH,
            areas=leaning,
            fellowship=False,
        )
        for leaning in (
            ("Research", "Clinical practice"),
            ("Medical education", "Quality improvement"),
            ("Patient safety", "Leadership"),
            ("Advocacy", "Global health"),
        )
    ]


def _institution_faculty(rng, names, program, divisions, areas, year_start) -> PersonSpec:
    name = names.draw()
    guide = _guide_spec(
        rng,
        name=name,
        division=rng.choice(divisions),
        areas=areas,
        today=year_start,
        institution=INSTITUTION_NAME,
        department=program.specialty,
        residency=program.specialty,
    )
    membership = MembershipSpec(program=program, role=Role.FACULTY, department=program.specialty)
    return PersonSpec(name=name, memberships=[membership], guide=guide)


def _institution_leaders(program: Program, faculty: list[PersonSpec]) -> None:
    roles = [Role.DIRECTOR, Role.ASSOCIATE_DIRECTOR, Role.ASSOCIATE_DIRECTOR]
    for person, role in zip(faculty, roles, strict=False):
        person.memberships.append(
            MembershipSpec(program=program, role=role, department=program.specialty)
        )
        if person.guide is not None:
            person.guide.offers.setdefault(GuidanceKind.ADVISING.value, 3)


def _institution_resident(rng, names, program, divisions, areas, year_start, n) -> PersonSpec:
    name = names.draw()
    pgy = rng.randint(1, program.max_pgy)
    start, end = _residency_dates(year_start, pgy, program.max_pgy)
    track = "Categorical" if rng.random() < 0.8 else rng.choice(["Primary care", "Research"])
    membership = MembershipSpec(
        program=program,
        role=Role.RESIDENT,
        pgy=pgy,
        track=track,
        department=program.specialty,
        start_date=start,
        expected_end_date=end,
        external_id=f"{program.slug}-{n:05d}",
    )
    person = PersonSpec(name=name, memberships=[membership])
    goals = PEDS_CAREER_GOALS if program.specialty == "Pediatrics" else GENERAL_CAREER_GOALS
    if rng.random() < 0.85:
        person.learner = _learner_spec(
            rng, name=name, track=track, pgy=pgy, areas=areas, divisions=divisions, goals=goals
        )
    if pgy == program.max_pgy and rng.random() < 0.1:
        person.guide = _peer_guide_spec(
            rng,
            name=name,
            pgy=pgy,
            track=track,
            department=program.specialty,
            goal_division=rng.choice(divisions),
            areas=areas,
        )
    return person


def _cross_program_faculty(
    rng: random.Random, programs: list[Program], faculty_by_program: list[list[PersonSpec]]
) -> None:
    """A few faculty also guide learners of a second program (e.g. a research mentor)."""
    if len(programs) < 2:
        return
    for index, faculty in enumerate(faculty_by_program):
        for person in faculty:
            if rng.random() < 0.05:
                other = rng.choice([p for i, p in enumerate(programs) if i != index])
                person.memberships.append(
                    MembershipSpec(program=other, role=Role.FACULTY, department=other.specialty)
                )
