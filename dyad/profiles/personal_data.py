from dyad.personal_data import section
from dyad.profiles.models import GuideProfile, LearnerProfile


@section("profiles", "Your profiles", order=30)
def profiles(user) -> list[dict]:
    records = []
    guide = GuideProfile.objects.filter(user=user).prefetch_related("content_areas").first()
    if guide is not None:
        records.append(
            {
                "Profile": "Guide profile",
                "Title": guide.title,
                "Department": guide.department,
                "Division": guide.division,
                "Bio": guide.bio,
                "Content areas": [a.name for a in guide.content_areas.all()],
                "Skills": guide.skills,
                "Career path": guide.career_path,
                "Clinical interests": guide.clinical_interests,
                "Outside interests": guide.outside_interests,
                "Languages": guide.languages,
                "Meeting modes": guide.meeting_modes,
                "Accepting new learners": guide.accepting_new,
                "FTE effort": str(guide.fte_effort) if guide.fte_effort is not None else None,
                "Places offered": {o.get_kind_display(): o.capacity for o in guide.offers.all()},
            }
        )
    learner = (
        LearnerProfile.objects.filter(user=user).prefetch_related("content_areas_sought").first()
    )
    if learner is not None:
        records.append(
            {
                "Profile": "Learner profile",
                "Interests": learner.interests,
                "Career goals": learner.career_goals,
                "Content areas sought": [a.name for a in learner.content_areas_sought.all()],
                "Outside interests": learner.outside_interests,
                "Languages": learner.languages,
            }
        )
    return records
