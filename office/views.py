"""Pages of the communication log (请示报告): the list (filters, counts, pages), logging an item (what a unit or a
liaison group reports up; what the city's office sends or received), an item's page with the forms its reader
may use (assign, answer, close, attach), and attachment downloads.

Thin: an item comes through `office.selectors` (outside the jurisdiction, or a role with no data scope → 404);
every write is one call to `office.services`, whose Chinese errors go back on the form with what was typed
(PermissionDenied → 404). Who acts and when come from the session and the clock.
"""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from accounts.models import User
from campaigns.selectors import current_campaign
from core.forms import service_errors
from core.paging import paginate
from office import permissions, selectors, services
from office.choices import DUE_KINDS, Kind, Origin, SubmissionStatus
from office.forms import (
    AnswerForm,
    AssignForm,
    AttachmentForm,
    CloseForm,
    SubmissionForm,
    submission_filter_from,
)
from office.models import Submission
from office.selectors import SubmissionFilter
from orgs.models import Organization


def _url(submission: Submission, anchor: str = "") -> str:
    return reverse("office:submission", args=[submission.pk]) + (f"#{anchor}" if anchor else "")


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 12 else None


# ---------------------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def submission_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    campaign = current_campaign()
    form, filters = submission_filter_from(request.GET, user, campaign)
    counts = selectors.submission_counts(user)
    unfiltered = filters == SubmissionFilter()
    page = paginate(request, selectors.submission_list(user, filters),
                    total=counts["total"] if unfiltered else None)
    states = [{"value": value, "label": label, "count": counts.get(value, 0),
               "active": filters.status == value and not filters.overdue} for value, label in SubmissionStatus.choices]
    return render(request, "office/submission_list.html", {
        "form": form, "filters": filters, "page": page, "counts": counts, "states": states,
        "unfiltered": unfiltered, "campaign": campaign, "can_create": permissions.can_create_submission(user),
        "office": permissions.can_send_submission(user), "liaison": permissions.reports_for_liaison_group(user),
        "today": timezone.localdate()})


# ---------------------------------------------------------------------------------------------------------
# Logging an item


def _parent(request: AuthedRequest) -> Submission | None:
    """The item a new one answers (`?parent=`), if the user sees it (else 404)."""
    text = request.POST.get("parent") if request.method == "POST" else request.GET.get("parent")
    if not text:
        return None
    pk = _int(text)
    if pk is None:
        raise Http404
    return get_object_or_404(Submission.objects.visible_to(request.user), pk=pk)


def _initial(user: User, parent: Submission | None, kind: str) -> dict[str, Any]:
    visible = Organization.objects.visible_to(user)
    default = visible.filter(pk=user.organization_id).first() or visible.order_by("depth", "path").first()
    initial: dict[str, Any] = {"organization": default.code if default else ""}
    if kind in permissions.kinds_for(user):
        initial["kind"] = kind
    if parent is not None:
        initial.update({"parent": parent.pk, "organization": parent.organization.code,
                        "title": f"关于《{parent.title}》的答复"[:200], "counterpart": parent.counterpart})
        if Kind.REPLY in permissions.kinds_for(user):
            initial["kind"] = Kind.REPLY
        if parent.origin == Origin.OFFICE:  # the other side's reply to what the office sent: a letter received
            initial["origin"] = Origin.OUTSIDE
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    if not permissions.can_create_submission(user):
        raise Http404
    parent = _parent(request)
    form = SubmissionForm(request.POST if request.method == "POST" else None,
                          request.FILES if request.method == "POST" else None, user=user,
                          initial=_initial(user, parent, request.GET.get("kind", "")))
    if request.method == "POST" and form.is_valid():
        with service_errors(form):
            submission = services.submission_create(actor=user, organization=form.cleaned_data["organization"],
                                                    parent=parent, **form.values())
        if not form.errors:
            messages.success(request, f"已登记{submission.get_kind_display()}“{submission.title}”")
            return redirect("office:submission", submission.pk)
    return render(request, "office/submission_form.html", {
        "form": form, "parent": parent, "campaign": current_campaign(),
        "due_kinds": sorted(DUE_KINDS), "office": permissions.can_send_submission(user),
        "liaison": permissions.reports_for_liaison_group(user)})


# ---------------------------------------------------------------------------------------------------------
# An item's page


def _page(request: AuthedRequest, pk: int, *, assign_form: AssignForm | None = None,
          answer_form: AnswerForm | None = None, close_form: CloseForm | None = None,
          attachment_form: AttachmentForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    submission = selectors.submission_detail(user, pk)
    actions = permissions.allowed_actions(user, submission)
    bound = {"assign": assign_form, "answer": answer_form, "close": close_form, "attach": attachment_form}
    # A form sent from a page that is out of date (someone answered or closed meanwhile) is no longer shown:
    # its errors go on top.
    stale = [str(e) for action, form in bound.items() if form is not None and action not in actions
             for errors in form.errors.values() for e in errors]
    return render(request, "office/submission.html", {
        "s": submission, "actions": actions, "overdue": submission.is_overdue,
        "replies": list(selectors.replies_of(user, submission)),
        "parent_visible": bool(getattr(submission, "parent_seen", False)),
        "answer_side": permissions.answer_side(submission),
        "can_reply": permissions.can_create_submission(user) and Kind.REPLY in permissions.kinds_for(user)
        and submission.kind != Kind.REPLY,
        "assign_form": assign_form or AssignForm(prefix="assign", campaign=submission.campaign, initial={
            "team": submission.team_id}),
        "answer_form": answer_form or AnswerForm(prefix="answer"),
        "close_form": close_form or CloseForm(prefix="close"),
        "attachment_form": attachment_form or AttachmentForm(prefix="file"),
        "stale_errors": stale,
    }, status=status)


@login_required
@require_GET
def submission_page(request: AuthedRequest, pk: int) -> HttpResponse:
    require_data_role(request.user)
    return _page(request, pk)


@login_required
@require_POST
def submission_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    submission = selectors.submission_detail(user, pk)
    form = AssignForm(request.POST, prefix="assign", campaign=submission.campaign)
    if form.is_valid():
        with service_errors(form):
            services.submission_assign(actor=user, submission=submission, team=form.cleaned_data.get("team"),
                                       assignee=form.assignee_user())
        if not form.errors:
            messages.success(request, "已分办")
            return redirect(_url(submission))
    return _page(request, pk, assign_form=form)


@login_required
@require_POST
def submission_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    submission = selectors.submission_detail(user, pk)
    form = AnswerForm(request.POST, request.FILES, prefix="answer")
    if form.is_valid():
        with service_errors(form):
            services.submission_answer(actor=user, submission=submission, answer=form.cleaned_data.get("answer") or "",
                                       files=form.cleaned_data.get("uploads") or [])
        if not form.errors:
            messages.success(request, "已答复")
            return redirect(_url(submission))
    return _page(request, pk, answer_form=form)


@login_required
@require_POST
def submission_close(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    submission = selectors.submission_detail(user, pk)
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        with service_errors(form):
            services.submission_close(actor=user, submission=submission, note=form.cleaned_data.get("note") or "")
        if not form.errors:
            messages.success(request, "已办结")
            return redirect(_url(submission))
    return _page(request, pk, close_form=form)


@login_required
@require_POST
def attachment_new(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    submission = selectors.submission_detail(user, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        with service_errors(form):
            services.attachment_add(actor=user, submission=submission, file=form.cleaned_data.get("file"))
        if not form.errors:
            messages.success(request, "已上传附件")
            return redirect(_url(submission, "attachments"))
    return _page(request, pk, attachment_form=form)


@login_required
@require_GET
def attachment_download(request: AuthedRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The file, for whoever sees the item (outside the jurisdiction, or a missing file → 404)."""
    user = require_data_role(request.user)
    attachment = selectors.attachment_for(user, pk, attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=content_type)
