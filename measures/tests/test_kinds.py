"""The registry of record kinds (measures.kinds): one entry per kind, each complete, so that the unit page, the
coverage view, its export and the downloads that iterate it cover every kind."""

from django.template.loader import get_template
from django.urls import reverse

from campaigns.models import GuidanceProfile
from measures.choices import RecordKind
from measures.kinds import BY_KIND, KINDS, anchor_of, kind_of
from measures.models import LifeMeeting, StudySession


def test_every_record_kind_has_one_complete_entry():
    assert [spec.value for spec in KINDS] == list(RecordKind.values)
    flags = {f.name for f in GuidanceProfile._meta.get_fields() if f.name.startswith("applies_")}
    for spec in KINDS:
        assert spec.applies_field in flags, spec
        assert spec.label == RecordKind(spec.value).label and spec.open_text.startswith("尚未记录")
        get_template(spec.template)
        for link in spec.links:
            assert reverse(link.url_name, args=["C"])
        assert reverse(spec.edit_url, args=["C", 1])


def test_a_profile_decides_what_applies():
    profile = GuidanceProfile(applies_democratic_meeting=False, applies_study=True)
    assert BY_KIND[RecordKind.STUDY].applies(profile)
    assert not BY_KIND[RecordKind.DEMOCRATIC_MEETING].applies(profile)
    assert all(spec.applies(None) for spec in KINDS)


def test_a_record_knows_its_kind_and_its_place_on_the_unit_page():
    meeting = LifeMeeting(pk=7, kind="democratic")
    assert kind_of(meeting) is BY_KIND[RecordKind.DEMOCRATIC_MEETING]
    assert kind_of(LifeMeeting(pk=8, kind="organisational")) is BY_KIND[RecordKind.ORGANISATIONAL_MEETING]
    assert anchor_of(meeting) == "meeting-7" and anchor_of(StudySession(pk=3)) == "study-3"
    assert anchor_of(object()) == ""
