"""The kinds of records a unit keeps, as one registry (`KINDS`): what each is stored as, how it is entered, where it
is shown, and which flag of the guidance profile (分级分类指导) makes it apply.

The unit page (its sections, links and "尚未记录…" list), the coverage view and its export, the quick form's
redirect and the attachment downloads iterate this registry. A new kind of record is one `KindSpec` here, its
model, its form and services, and the template listing its records on the unit page
(`measures/records/_<template>.html`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.db.models import Prefetch, QuerySet

from campaigns.models import GuidanceProfile
from measures import forms, services
from measures.choices import LifeMeetingKind, RecordKind
from measures.models import (
    CampaignRecord,
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    StudySession,
)
from orgs.models import Cadre

Fetch = Callable[[QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True)
class Link:
    """A button of a section of the unit page: an entry page (a URL name taking the organisation's code)."""

    label: str
    url_name: str
    query: str = ""
    style: str = "btn-outline-primary"


@dataclass(frozen=True)
class KindSpec:
    """One kind of record (a column of the coverage view, a section of the unit page)."""

    kind: RecordKind
    model: type[CampaignRecord]  # its manager scopes rows (`model.objects.visible_to(actor)`)
    applies_field: str  # the GuidanceProfile flag that makes it apply
    open_text: str  # what the unit page says while it applies and has no record yet
    anchor: str  # records on the unit page are `#<anchor>-<pk>` (the proofs of lead actions link there)
    template: str  # the unit page's list of its records
    form: type[forms.EntryForm]
    create: Callable[..., Any]
    update: Callable[..., Any] | None
    links: tuple[Link, ...]  # the section's buttons for those who record
    edit_url: str  # the URL name of one record's page (code, pk)
    rows: Mapping[str, str] = field(default_factory=dict)  # the rows of `model` of this kind (meetings: by kind)
    fetch: Fetch = field(default=lambda qs: qs)  # what the unit page reads with each record
    attachment: str = ""  # the name of its attachments in the download URL ("" : none)

    @property
    def value(self) -> str:
        return self.kind.value

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def applies(self, profile: GuidanceProfile | None) -> bool:
        """Whether the kind applies under `profile` (without a profile, everything applies)."""
        return True if profile is None else bool(getattr(profile, self.applies_field))

    def records(self) -> QuerySet[Any]:
        """Every record of this kind (scope it with `visible_to` or filter it before it reaches a user)."""
        return self.model.objects.filter(**self.rows)

    def is_kind_of(self, record: Any) -> bool:
        return isinstance(record, self.model) and all(getattr(record, k) == v for k, v in self.rows.items())


def _leaders(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.prefetch_related(Prefetch("leaders", queryset=Cadre.objects.order_by("-rank", "name")))


def _research(qs: QuerySet[Any]) -> QuerySet[Any]:
    reports = Prefetch("reports", queryset=ResearchReport.objects.select_related("author_cadre")
                       .prefetch_related("uses__public_service"))
    return qs.select_related("lead_cadre").prefetch_related(reports, "exchanges")


def _public_services(qs: QuerySet[Any]) -> QuerySet[Any]:
    from measures.selectors import public_services  # selectors read this registry

    milestones = Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
    return public_services(qs).select_related("owner_cadre").prefetch_related(milestones)


def _speakers(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.select_related("speaker_cadre", "speaker_member")


def _items(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.prefetch_related(Prefetch("items", queryset=LifeMeetingItem.objects.select_related("cadre")))


def _meeting(kind: LifeMeetingKind, record_kind: RecordKind, open_text: str) -> KindSpec:
    return KindSpec(
        kind=record_kind, model=LifeMeeting, applies_field=f"applies_{record_kind.value}", open_text=open_text,
        anchor="meeting", template="measures/records/_meeting.html", form=forms.LifeMeetingForm,
        create=services.life_meeting_create, update=services.life_meeting_update,
        links=(Link("新增", "measures:meeting_new", query=f"?kind={kind.value}"),), edit_url="measures:meeting",
        rows=MappingProxyType({"kind": kind.value}), fetch=_items, attachment="meeting")


KINDS: tuple[KindSpec, ...] = (
    KindSpec(kind=RecordKind.STUDY, model=StudySession, applies_field="applies_study", open_text="尚未记录学习研讨",
             anchor="study", template="measures/records/_study.html", form=forms.StudySessionForm,
             create=services.study_session_create, update=services.study_session_update,
             links=(Link("新增", "measures:study_new"),), edit_url="measures:study", fetch=_leaders,
             attachment="study"),
    KindSpec(kind=RecordKind.RESEARCH, model=ResearchTopic, applies_field="applies_research",
             open_text="尚未记录调研课题", anchor="topic", template="measures/records/_research.html",
             form=forms.ResearchTopicForm, create=services.research_topic_create,
             update=services.research_topic_update,
             links=(Link("记录交流会", "measures:exchange_new", style="btn-outline-secondary"),
                    Link("新增", "measures:topic_new")), edit_url="measures:topic", fetch=_research),
    KindSpec(kind=RecordKind.PUBLIC_SERVICE, model=PublicService, applies_field="applies_public_service",
             open_text="尚未记录为民办实事项目", anchor="service", template="measures/records/_public_service.html",
             form=forms.PublicServiceForm, create=services.public_service_create,
             update=services.public_service_update, links=(Link("新增", "measures:service_new"),),
             edit_url="measures:service", fetch=_public_services),
    KindSpec(kind=RecordKind.LECTURE, model=PartyLecture, applies_field="applies_lecture",
             open_text="尚未记录专题党课", anchor="lecture", template="measures/records/_lecture.html",
             form=forms.PartyLectureForm, create=services.party_lecture_create,
             update=services.party_lecture_update, links=(Link("新增", "measures:lecture_new"),),
             edit_url="measures:lecture", fetch=_speakers, attachment="lecture"),
    _meeting(LifeMeetingKind.DEMOCRATIC, RecordKind.DEMOCRATIC_MEETING, "尚未记录专题民主生活会"),
    _meeting(LifeMeetingKind.ORGANISATIONAL, RecordKind.ORGANISATIONAL_MEETING, "尚未记录专题组织生活会"),
)

BY_KIND: Mapping[str, KindSpec] = MappingProxyType({spec.value: spec for spec in KINDS})


def kind_of(record: Any) -> KindSpec | None:
    """The kind a saved record is of (None for what is not a kind of its own: a report, a milestone…)."""
    return next((spec for spec in KINDS if spec.is_kind_of(record)), None)


def anchor_of(record: Any) -> str:
    """Where `record` is on its unit's page ("" when it is not listed there by itself)."""
    spec = kind_of(record)
    return f"{spec.anchor}-{record.pk}" if spec is not None else ""
