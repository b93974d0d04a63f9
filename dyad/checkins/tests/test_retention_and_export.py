"""Check-ins go with the rest of a pairing's private content after the retention period;
each person's export holds their own answers only."""

from datetime import timedelta

import pytest

from dyad.checkins import services
from dyad.checkins.models import CheckIn
from dyad.checkins.personal_data import checkins as export_section
from dyad.checkins.tests.conftest import TODAY
from dyad.relationships.services import relationship_end
from dyad.retention.services import purge_ended, purge_preview

pytestmark = pytest.mark.django_db


def test_check_ins_of_a_pairing_ended_longer_ago_are_purged(
    pair, learner, guide, director, settings
):
    settings.DYAD_RETENTION_DAYS = 30
    services.checkin_record(relationship=pair, rating=2, comment="x", acting_user=learner)
    services.checkin_record(relationship=pair, rating=4, comment="", acting_user=guide)
    relationship_end(relationship=pair, reason="completed", acting_user=director)
    pair.refresh_from_db()
    assert purge_preview(today=TODAY + timedelta(days=10)).totals["checkins"] == 0
    later = pair.end_date + timedelta(days=31)
    assert purge_preview(today=later).totals["checkins"] == 2
    assert purge_ended(today=later).totals["checkins"] == 2
    assert not CheckIn.objects.exists()
    assert purge_ended(today=later).totals["checkins"] == 0


def test_check_ins_of_an_active_pairing_stay(pair, learner, settings):
    settings.DYAD_RETENTION_DAYS = 1
    services.checkin_record(relationship=pair, rating=2, comment="", acting_user=learner)
    purge_ended(today=TODAY + timedelta(days=900))
    assert CheckIn.objects.count() == 1


def test_the_export_holds_ones_own_answers_only(pair, learner, guide):
    services.checkin_record(relationship=pair, rating=2, comment="MINE", acting_user=learner)
    services.checkin_record(relationship=pair, rating=5, comment="THEIRS", acting_user=guide)
    mine = export_section(learner)
    assert [(r["Comment"], r["With"]) for r in mine] == [("MINE", guide.full_name)]
    assert mine[0]["Rating"] == "2 of 5 (Not working well)"
    assert [r["Comment"] for r in export_section(guide)] == ["THEIRS"]
