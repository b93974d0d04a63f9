from datetime import timedelta

from django.utils import timezone

from dyad.meetings.models import Meeting, MeetingStatus


def make_meeting(relationship, *, status=MeetingStatus.HELD, days_ago=7):
    """A meeting of the relationship, held a week ago unless told otherwise."""
    return Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.now() - timedelta(days=days_ago),
        mode="in_person",
        status=status,
        created_by=relationship.learner,
    )
