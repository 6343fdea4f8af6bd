"""Entry pages of the measures: a unit (for its own organisations) or the office (for any organisation it sees)
records and corrects research topics and reports, results-exchange meetings, uses of results, public-service
commitments and their milestones, life meetings and their items, study sessions and lectures.

Thin: the organisation comes through `visible_to(request.user)`, a record through `visible_to` and its
organisation (outside → 404); roles that do not record (leaders, liaison groups, administrators) get 404; every
write is one call to measures.services, whose Chinese errors go back on the form with what was typed. Records of
a campaign that is not current are shown read only (the services refuse to change them).
"""

import mimetypes
from typing import Any, Protocol, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import Actor
from accounts.http import AuthedRequest
from campaigns.selectors import current_campaign
from core.forms import service_errors
from measures import selectors, services
from measures.forms import (
    EntryForm,
    LifeMeetingForm,
    LifeMeetingItemForm,
    MilestoneDoneForm,
    MilestoneForm,
    PartyLectureForm,
    PublicServiceForm,
    ResearchReportForm,
    ResearchTopicForm,
    ResearchUseForm,
    ResultsExchangeForm,
    StudySessionForm,
)
from measures.kinds import KINDS
from measures.models import (
    CampaignRecord,
    LifeMeeting,
    LifeMeetingItem,
    Milestone,
    PartyLecture,
    PublicService,
    ResearchReport,
    ResearchTopic,
    ResearchUse,
    StudySession,
)
from measures.panels import may_raise_from_item
from measures.permissions import can_record_measures
from orgs.models import Organization
from orgs.selectors import visible_org

M = TypeVar("M", bound=Model)
M_co = TypeVar("M_co", bound=Model, covariant=True)


def _org_to_record(request: AuthedRequest, code: str) -> Organization:
    """The organisation recorded for: visible to the user, and the user records (else 404)."""
    if not can_record_measures(request.user):
        raise Http404
    return visible_org(actor=request.user, code=code)


class ScopedRecords(Protocol[M_co]):
    """A model's manager that scopes its rows to what an actor sees (core.scoping.ScopedQuerySet.as_manager())."""

    def visible_to(self, user: Actor, action: str = "view") -> QuerySet[M_co]: ...


def _record(request: AuthedRequest, records: ScopedRecords[M], org: Organization, pk: int, **path: Any) -> M:
    """A record of `org` the user sees among `records` (a model's manager; outside → 404). `path`: how the record
    reaches its organisation."""
    lookup = path or {"organization": org}
    return get_object_or_404(records.visible_to(request.user), pk=pk, **lookup)


def _unit_url(org: Organization, anchor: str = "") -> str:
    return reverse("measures:unit", args=[org.code]) + (f"#{anchor}" if anchor else "")


def _save(form: EntryForm, write: Any) -> Any:
    """Run `write()` (one service call) if the form is valid; put the service's errors back on the form.
    Returns the written record, or None."""
    if not form.is_valid():
        return None
    saved = None
    with service_errors(form):
        saved = write()
    return saved


def _entry(request: AuthedRequest, org: Organization, form: EntryForm, *, title: str, record: Any = None,
           multipart: bool = False) -> HttpResponse:
    """The page of one form: a new record (of the current campaign), or `record` (read only if its campaign is
    not current)."""
    campaign = record.campaign if record is not None else current_campaign()
    readonly = record is not None and _readonly(record)
    back = _unit_url(org) + (f"?campaign={campaign.pk}" if readonly and campaign is not None else "")
    return render(request, "measures/entry.html", {
        "org": org, "form": form, "title": title, "readonly": readonly, "multipart": multipart, "back": back,
        "campaign": campaign})


def _readonly(record: Any) -> bool:
    return not record.campaign.is_current


def _refusals(*forms: Any) -> list[str]:
    """What the services refused on a read-only page (whose forms are not shown): their non-field errors."""
    return [str(e) for f in forms if f is not None and f.is_bound for e in f.non_field_errors()]


def _file(form: EntryForm) -> Any:
    return form.cleaned_data.get("attachment") or None


# ---------------------------------------------------------------------------------------------------------
# Study sessions and lectures (the quick form only creates; these also correct)


@login_required
@require_http_methods(["GET", "POST"])
def study_edit(request: AuthedRequest, code: str, pk: int | None = None) -> HttpResponse:
    org = _org_to_record(request, code)
    session = _record(request, StudySession.objects, org, pk) if pk is not None else None
    readonly = session is not None and _readonly(session)
    initial: dict[str, Any] = {"held_on": selectors.entry_date(current_campaign())}
    if session is not None:
        initial = {"kind": session.kind, "topic": session.topic, "held_on": session.held_on,
                   "participant_count": session.participant_count, "notes": session.notes,
                   "leaders": list(session.leaders.all())}
    form = StudySessionForm(request.POST or None, request.FILES or None, org=org, initial=initial,
                            readonly=readonly and request.method == "GET")
    if request.method == "POST":
        def write() -> StudySession:
            data = form.cleaned_data
            args = {"kind": data["kind"], "topic": data["topic"], "held_on": data["held_on"],
                    "participant_count": data["participant_count"], "leaders": list(data.get("leaders") or []),
                    "notes": data.get("notes") or "", "attachment": _file(form)}
            if session is None:
                return services.study_session_create(actor=request.user, organization=org, campaign=current_campaign(),
                                                     confirm_duplicate=bool(data.get("confirm_duplicate")), **args)
            return services.study_session_update(actor=request.user, session=session, **args)

        saved = _save(form, write)
        if saved is not None:
            messages.success(request, f"已保存：{saved}")
            return redirect(_unit_url(org, f"study-{saved.pk}"))
    return _entry(request, org, form, title="修改学习研讨" if session else "记录学习研讨", record=session,
                  multipart=True)


@login_required
@require_http_methods(["GET", "POST"])
def lecture_edit(request: AuthedRequest, code: str, pk: int | None = None) -> HttpResponse:
    org = _org_to_record(request, code)
    lecture = _record(request, PartyLecture.objects, org, pk) if pk is not None else None
    readonly = lecture is not None and _readonly(lecture)
    initial: dict[str, Any] = {"held_on": selectors.entry_date(current_campaign())}
    if lecture is not None:
        speaker = (f"c{lecture.speaker_cadre_id}" if lecture.speaker_cadre_id
                   else f"m{lecture.speaker_member_id}" if lecture.speaker_member_id else "")
        initial = {"title": lecture.title, "held_on": lecture.held_on, "speaker": speaker,
                   "audience": lecture.audience, "audience_count": lecture.audience_count}
    form = PartyLectureForm(request.POST or None, request.FILES or None, org=org, initial=initial,
                            readonly=readonly and request.method == "GET")
    if request.method == "POST":
        def write() -> PartyLecture:
            data = form.cleaned_data
            cadre, member = data.get("speaker") or (None, None)
            args = {"title": data["title"], "held_on": data["held_on"], "audience_count": data["audience_count"],
                    "audience": data.get("audience") or "", "attachment": _file(form), "speaker_cadre": cadre,
                    "speaker_member": member}
            if lecture is None:
                return services.party_lecture_create(actor=request.user, organization=org, campaign=current_campaign(),
                                                     confirm_duplicate=bool(data.get("confirm_duplicate")), **args)
            return services.party_lecture_update(actor=request.user, lecture=lecture, **args)

        saved = _save(form, write)
        if saved is not None:
            messages.success(request, f"已保存：{saved}")
            return redirect(_unit_url(org, f"lecture-{saved.pk}"))
    return _entry(request, org, form, title="修改专题党课" if lecture else "记录专题党课", record=lecture,
                  multipart=True)


# ---------------------------------------------------------------------------------------------------------
# Research: topics, reports (attachments), results-exchange meetings, uses of results


def _topic_page(request: AuthedRequest, org: Organization, topic: ResearchTopic, *,
                topic_form: ResearchTopicForm | None = None, report_form: ResearchReportForm | None = None,
                use_forms: dict[int, ResearchUseForm] | None = None) -> HttpResponse:
    readonly = _readonly(topic)
    topic_form = topic_form or ResearchTopicForm(org=org, readonly=readonly, initial={
        "title": topic.title, "description": topic.description, "lead_cadre": topic.lead_cadre})
    report_form = report_form or ResearchReportForm(prefix="report", org=org,
                                                    initial={"submitted_on": selectors.entry_date(topic.campaign)})
    reports = list(topic.reports.select_related("author_cadre")
                   .prefetch_related(Prefetch("uses", queryset=ResearchUse.objects
                                              .select_related("public_service", "problem").order_by("id")))
                   .order_by("submitted_on", "id"))
    org_services = PublicService.objects.filter(organization=org, campaign=topic.campaign).order_by("deadline", "id")
    forms_by_report = use_forms or {}
    org_problems = selectors.linkable_problems(request.user, org, topic.campaign)
    rows = [(r, forms_by_report.get(r.pk) or ResearchUseForm(prefix=f"use{r.pk}", services=org_services,
                                                             problems=org_problems))
            for r in reports]
    return render(request, "measures/topic.html", {
        "org": org, "topic": topic, "topic_form": topic_form, "report_form": report_form, "rows": rows,
        "exchanges": topic.exchanges.order_by("held_on", "id"), "readonly": readonly,
        "refusals": _refusals(report_form, *forms_by_report.values()),
        "max_mb": services.attachment_max_mb()})


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request: AuthedRequest, code: str) -> HttpResponse:
    org = _org_to_record(request, code)
    form = ResearchTopicForm(request.POST or None, org=org)
    if request.method == "POST":
        saved = _save(form, lambda: services.research_topic_create(
            actor=request.user, organization=org, campaign=current_campaign(), title=form.cleaned_data["title"],
            description=form.cleaned_data.get("description") or "", lead_cadre=form.cleaned_data.get("lead_cadre"),
            confirm_duplicate=bool(form.cleaned_data.get("confirm_duplicate"))))
        if saved is not None:
            messages.success(request, f"已新增调研课题：{saved}")
            return redirect("measures:topic", org.code, saved.pk)
    return _entry(request, org, form, title="新增调研课题")


@login_required
@require_http_methods(["GET", "POST"])
def topic(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """The research page of a topic: correct the topic, add reports (with an attachment), record uses."""
    org = _org_to_record(request, code)
    record = _record(request, ResearchTopic.objects, org, pk)
    if request.method == "GET":
        return _topic_page(request, org, record)
    form = ResearchTopicForm(request.POST, org=org)
    saved = _save(form, lambda: services.research_topic_update(
        actor=request.user, topic=record, title=form.cleaned_data["title"],
        description=form.cleaned_data.get("description") or "",
        lead_cadre=form.cleaned_data.get("lead_cadre")))
    if saved is not None:
        messages.success(request, f"已保存调研课题：{saved}")
        return redirect("measures:topic", org.code, record.pk)
    return _topic_page(request, org, record, topic_form=form)


@login_required
@require_POST
def report_new(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    org = _org_to_record(request, code)
    record = _record(request, ResearchTopic.objects, org, pk)
    form = ResearchReportForm(request.POST, request.FILES, prefix="report", org=org)
    saved = _save(form, lambda: services.research_report_create(
        actor=request.user, topic=record, title=form.cleaned_data["title"],
        submitted_on=form.cleaned_data["submitted_on"],
        author_cadre=form.cleaned_data.get("author_cadre"), summary=form.cleaned_data.get("summary") or "",
        attachment=_file(form)))
    if saved is not None:
        messages.success(request, f"已添加调研报告：{saved}")
        return redirect(reverse("measures:topic", args=[org.code, record.pk]) + f"#report-{saved.pk}")
    return _topic_page(request, org, record, report_form=form)


@login_required
@require_POST
def use_new(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    org = _org_to_record(request, code)
    report = _record(request, ResearchReport.objects, org, pk, topic__organization=org)
    org_services = PublicService.objects.filter(organization=org, campaign=report.topic.campaign)
    form = ResearchUseForm(request.POST, prefix=f"use{report.pk}", services=org_services,
                           problems=selectors.linkable_problems(request.user, org, report.topic.campaign))
    saved = _save(form, lambda: services.research_use_create(
        actor=request.user, report=report, text=form.cleaned_data["text"],
        public_service=form.cleaned_data.get("public_service"),
        problem=form.cleaned_data.get("problem")))
    if saved is not None:
        messages.success(request, "已记录成果运用")
        return redirect(reverse("measures:topic", args=[org.code, report.topic_id]) + f"#report-{report.pk}")
    return _topic_page(request, org, report.topic, use_forms={report.pk: form})


@login_required
@require_http_methods(["GET", "POST"])
def exchange_new(request: AuthedRequest, code: str) -> HttpResponse:
    org = _org_to_record(request, code)
    campaign = current_campaign()
    topics = ResearchTopic.objects.filter(organization=org, campaign=campaign).order_by("id")
    form = ResultsExchangeForm(request.POST or None, topics=topics,
                               initial={"held_on": selectors.entry_date(campaign)})
    if request.method == "POST":
        saved = _save(form, lambda: services.results_exchange_create(
            actor=request.user, organization=org, campaign=campaign, held_on=form.cleaned_data["held_on"],
            topics=list(form.cleaned_data.get("topics") or []), notes=form.cleaned_data.get("notes") or ""))
        if saved is not None:
            messages.success(request, f"已记录：{saved}")
            return redirect(_unit_url(org, "section-research"))
    return _entry(request, org, form, title="记录调研成果交流会")


@login_required
@require_GET
def report_download(request: AuthedRequest, pk: int) -> FileResponse:
    """A report's attachment, for whoever sees the report (outside the jurisdiction, or no file → 404)."""
    return attachment_download(request, "report", pk)


# Records that may carry an attachment, by the name used in their download URL: the kinds of the registry that
# have one, and research reports.
ATTACHMENT_MODELS: dict[str, type[CampaignRecord] | type[ResearchReport]] = {
    **{spec.attachment: spec.model for spec in KINDS if spec.attachment}, "report": ResearchReport,
}


@login_required
@require_GET
def attachment_download(request: AuthedRequest, kind: str, pk: int) -> FileResponse:
    """A record's attachment, for whoever sees the record (unknown kind, outside the jurisdiction, or no file →
    404)."""
    model = ATTACHMENT_MODELS.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    assert isinstance(record, StudySession | PartyLecture | LifeMeeting | ResearchReport)
    if not record.attachment:
        raise Http404
    try:
        handle = record.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = (record.attachment.name or "").rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


# ---------------------------------------------------------------------------------------------------------
# Development: public-service commitments and their milestones


def _service_page(request: AuthedRequest, org: Organization, record: PublicService, *,
                  service_form: PublicServiceForm | None = None, milestone_form: MilestoneForm | None = None,
                  done_forms: dict[int, MilestoneDoneForm] | None = None) -> HttpResponse:
    readonly = _readonly(record)
    annotated = selectors.public_services(PublicService.objects.filter(pk=record.pk)).get()
    service_form = service_form or PublicServiceForm(org=org, readonly=readonly, initial={
        "title": record.title, "target": record.target, "owner": record.owner, "owner_cadre": record.owner_cadre,
        "deadline": record.deadline})
    milestone_form = milestone_form or MilestoneForm(prefix="milestone")
    done_by = done_forms or {}
    today = selectors.entry_date(record.campaign)
    rows = [(m, done_by.get(m.pk) or MilestoneDoneForm(prefix=f"done{m.pk}", initial={"done_on": today}))
            for m in record.milestones.order_by("due_on", "id")]
    return render(request, "measures/service.html", {
        "org": org, "record": annotated, "service_form": service_form, "milestone_form": milestone_form,
        "rows": rows, "readonly": readonly, "refusals": _refusals(milestone_form, *done_by.values())})


@login_required
@require_http_methods(["GET", "POST"])
def service_new(request: AuthedRequest, code: str) -> HttpResponse:
    org = _org_to_record(request, code)
    form = PublicServiceForm(request.POST or None, org=org)
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        saved = _save(form, lambda: services.public_service_create(
            actor=request.user, organization=org, campaign=current_campaign(), title=data["title"],
            target=data["target"],
            owner=data["owner"], deadline=data["deadline"], owner_cadre=data.get("owner_cadre"),
            confirm_duplicate=bool(data.get("confirm_duplicate"))))
        if saved is not None:
            messages.success(request, f"已新增为民办实事：{saved}。请添加节点，进度按节点计算。")
            return redirect("measures:service", org.code, saved.pk)
    return _entry(request, org, form, title="新增为民办实事")


@login_required
@require_http_methods(["GET", "POST"])
def service(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """A commitment's page: correct it, add milestones, mark them done (progress follows the milestones)."""
    org = _org_to_record(request, code)
    record = _record(request, PublicService.objects, org, pk)
    if request.method == "GET":
        return _service_page(request, org, record)
    form = PublicServiceForm(request.POST, org=org)
    data = form.cleaned_data if form.is_valid() else {}
    saved = _save(form, lambda: services.public_service_update(
        actor=request.user, public_service=record, title=data["title"], target=data["target"], owner=data["owner"],
        deadline=data["deadline"], owner_cadre=data.get("owner_cadre")))
    if saved is not None:
        messages.success(request, f"已保存：{saved}")
        return redirect("measures:service", org.code, record.pk)
    return _service_page(request, org, record, service_form=form)


@login_required
@require_POST
def milestone_new(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    org = _org_to_record(request, code)
    record = _record(request, PublicService.objects, org, pk)
    form = MilestoneForm(request.POST, prefix="milestone")
    saved = _save(form, lambda: services.milestone_create(
        actor=request.user, public_service=record, title=form.cleaned_data["title"],
        due_on=form.cleaned_data["due_on"]))
    if saved is not None:
        messages.success(request, f"已添加节点：{saved}")
        return redirect(reverse("measures:service", args=[org.code, record.pk]) + f"#milestone-{saved.pk}")
    return _service_page(request, org, record, milestone_form=form)


@login_required
@require_POST
def milestone_done(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """Mark a milestone done on a date, or (`undo`) not done after all."""
    org = _org_to_record(request, code)
    milestone = _record(request, Milestone.objects, org, pk, public_service__organization=org)
    record = milestone.public_service
    form = MilestoneDoneForm(request.POST, prefix=f"done{milestone.pk}")
    if request.POST.get("undo"):
        form = MilestoneDoneForm({}, prefix=f"done{milestone.pk}")
        form.fields["done_on"].required = False
    saved = _save(form, lambda: services.milestone_set_done(actor=request.user, milestone=milestone,
                                                            done_on=form.cleaned_data.get("done_on")))
    if saved is not None:
        messages.success(request, f"节点“{saved}”" + ("已完成" if saved.done_on else "已改为未完成"))
        return redirect(reverse("measures:service", args=[org.code, record.pk]) + f"#milestone-{saved.pk}")
    return _service_page(request, org, record, done_forms={milestone.pk: form})


# ---------------------------------------------------------------------------------------------------------
# Life meetings and their items


def _meeting_page(request: AuthedRequest, org: Organization, record: LifeMeeting, *,
                  meeting_form: LifeMeetingForm | None = None,
                  item_form: LifeMeetingItemForm | None = None) -> HttpResponse:
    readonly = _readonly(record)
    meeting_form = meeting_form or LifeMeetingForm(readonly=readonly, initial={
        "kind": record.kind, "held_on": record.held_on, "topic": record.topic, "attendance": record.attendance,
        "notes": record.notes})
    item_form = item_form or LifeMeetingItemForm(prefix="item", org=org)
    items = (LifeMeetingItem.objects.filter(meeting=record).select_related("cadre")
             .prefetch_related("problems").order_by("id"))
    return render(request, "measures/meeting.html", {
        "org": org, "record": record, "meeting_form": meeting_form, "item_form": item_form, "items": items,
        "readonly": readonly, "refusals": _refusals(item_form),
        # Criticism turns into work: an item can be put on the problem ledger (the current campaign only), by whoever
        # raises problems (the ledger's rule, registered from above: measures.panels).
        "may_raise": may_raise_from_item(request.user) and not readonly})


def _meeting_args(form: LifeMeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"kind": data["kind"], "held_on": data["held_on"], "attendance": data["attendance"],
            "topic": data.get("topic") or "", "notes": data.get("notes") or ""}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest, code: str) -> HttpResponse:
    org = _org_to_record(request, code)
    initial = {"kind": request.GET.get("kind", ""), "held_on": selectors.entry_date(current_campaign())}
    form = LifeMeetingForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save(form, lambda: services.life_meeting_create(
            actor=request.user, organization=org, campaign=current_campaign(),
            confirm_duplicate=bool(form.cleaned_data.get("confirm_duplicate")), **_meeting_args(form)))
        if saved is not None:
            messages.success(request, f"已记录：{saved}。可以继续添加批评和自我批评意见。")
            return redirect("measures:meeting", org.code, saved.pk)
    return _entry(request, org, form, title="记录专题生活会")


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    org = _org_to_record(request, code)
    record = _record(request, LifeMeeting.objects, org, pk)
    if request.method == "GET":
        return _meeting_page(request, org, record)
    form = LifeMeetingForm(request.POST)
    saved = _save(form, lambda: services.life_meeting_update(actor=request.user, meeting=record, **_meeting_args(form)))
    if saved is not None:
        messages.success(request, f"已保存：{saved}")
        return redirect("measures:meeting", org.code, record.pk)
    return _meeting_page(request, org, record, meeting_form=form)


@login_required
@require_POST
def item_new(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    org = _org_to_record(request, code)
    record = _record(request, LifeMeeting.objects, org, pk)
    form = LifeMeetingItemForm(request.POST, prefix="item", org=org)
    saved = _save(form, lambda: services.life_meeting_item_create(
        actor=request.user, meeting=record, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"],
        cadre=form.cleaned_data.get("cadre")))
    if saved is not None:
        messages.success(request, "已添加一条意见")
        return redirect(reverse("measures:meeting", args=[org.code, record.pk]) + f"#item-{saved.pk}")
    return _meeting_page(request, org, record, item_form=form)
