"""Pages of feedback letters (督导反馈意见): the list, a draft composed from the unit's findings and decided
actions, editing the draft, issuing it with its document number (confirm step), the letter shown as a document,
and its .docx in the GB/T 9704 layout.

Thin: letters come through `visible_to(user)` and `supervision.selectors` (outside the jurisdiction → 404; a unit
sees only letters issued to it); every write is one call to `supervision.services`, whose Chinese errors go back on
the form with what was typed (PermissionDenied → 404).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.actors import Actor
from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from campaigns.models import LiaisonGroup
from campaigns.selectors import office_name
from core.docs import heading_level
from core.forms import refusals, service_errors
from core.http import attachment_disposition
from core.paging import paginate
from orgs.models import Organization
from orgs.selectors import visible_org
from supervision import letters, permissions, selectors, services
from supervision.choices import IN_FORCE, LetterStatus
from supervision.forms import LetterEditForm, LetterFilterForm, LetterNewForm
from supervision.models import Action, FeedbackLetter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ---------------------------------------------------------------------------------------------------------
# Helpers


def _unit_actions(user: Actor, organization: Organization, group: LiaisonGroup) -> QuerySet[Action]:
    """The decided (or done) actions on the unit's subtree `user` sees, in the group's campaign."""
    return (selectors.filter_actions(Action.objects.visible_to(user).with_related(), statuses=IN_FORCE,
                                     organization=organization)
            .filter(campaign_id=group.campaign_id).order_by("-decided_on", "-id"))


def _paragraphs(body: str) -> list[dict[str, Any]]:
    """The body's lines as the document shows them: lines starting 一、 and （一） are headings (1 and 2)."""
    rows = []
    for line in body.splitlines():
        text = line.strip()
        if text:
            rows.append({"text": text, "heading": heading_level(text)})
    return rows


def _letter(request: AuthedRequest, pk: int) -> FeedbackLetter:
    return selectors.letter_detail(require_data_role(request.user), pk)


def _writable_letter(request: AuthedRequest, pk: int) -> FeedbackLetter:
    """A letter the user may edit or issue (else 404)."""
    letter = _letter(request, pk)
    if not permissions.can_change_letter(request.user, letter):
        raise Http404
    return letter


# ---------------------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def letter_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    groups = list(selectors.groups_for(user))
    form = LetterFilterForm(request.GET, groups=[(str(g.pk), g.name) for g in groups])
    status, group, q = form.value_of("status"), form.value_of("group"), form.value_of("q").strip()
    qs = selectors.filter_letters(FeedbackLetter.objects.visible_to(user).with_related(),
                                  statuses=[status] if status else [], group=int(group) if group else None, q=q)
    page = paginate(request, qs.order_by("-id"))
    return render(request, "supervision/letter_list.html", {
        "form": form, "page": page, "writes": permissions.can_record_supervision(user),
        "filtered": bool(status or group or q), "unit": permissions.can_answer_for_unit(user)})


# ---------------------------------------------------------------------------------------------------------
# A new draft


@login_required
@require_http_methods(["GET", "POST"])
def letter_new(request: AuthedRequest) -> HttpResponse:
    """`?group=<id>&org=<code>`: the group writing and the unit it writes to (else a list to pick from)."""
    user = require_data_role(request.user)
    if not permissions.can_record_supervision(user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    units = [(g, o) for g, o in selectors.supervised_units(user) if permissions.can_guide_group(user, g)]
    group_text, organization = source.get("group") or "", visible_org(actor=user, code=source.get("org"), typed=True)
    if not group_text or organization is None:
        return render(request, "supervision/letter_pick.html", {"units": units})
    group = next((g for g, _ in units if str(g.pk) == group_text), None)
    if group is None:
        raise Http404
    findings = selectors.unit_findings(user, organization, group.campaign)
    actions = _unit_actions(user, organization, group)
    initial = {"findings": list(findings.filter(needs_fix=True, letters__isnull=True).values_list("pk", flat=True)),
               "actions": list(actions.filter(letters__isnull=True).values_list("pk", flat=True))}
    form = LetterNewForm(request.POST if request.method == "POST" else None, findings=findings, actions=actions,
                         unit_id=organization.pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            letter = services.letter_create(actor=user, group=group, organization=organization,
                                            findings=list(data.get("findings") or []),
                                            actions=list(data.get("actions") or []),
                                            reply_due_on=data.get("reply_due_on"))
        if not form.errors:
            messages.success(request, "已生成反馈意见草稿，请核对修改后印发")
            return redirect("supervision:letter", letter.pk)
    return render(request, "supervision/letter_new.html", {
        "form": form, "group": group, "organization": organization})


# ---------------------------------------------------------------------------------------------------------
# The letter, its draft, its issue, its .docx


@login_required
@require_GET
def letter_page(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _letter(request, pk)
    writes = permissions.can_change_letter(request.user, letter) and letter.status == LetterStatus.DRAFT
    return render(request, "supervision/letter_page.html", {
        "letter": letter, "paragraphs": _paragraphs(letter.body), "office_name": office_name(letter.organization),
        "writes": writes, "findings": list(letter.findings.select_related("organization", "problem")),
        "actions": list(letter.actions.select_related("organization", "cadre"))})


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    letter = _writable_letter(request, pk)
    if letter.status != LetterStatus.DRAFT:
        messages.error(request, "已印发的反馈意见不能修改")
        return redirect("supervision:letter", letter.pk)
    user = request.user
    organization = letter.organization
    findings = selectors.unit_findings(user, organization, letter.campaign)
    actions = _unit_actions(user, organization, letter.group)
    form = LetterEditForm(request.POST if request.method == "POST" else None, findings=findings, actions=actions,
                          unit_id=organization.pk, initial={
                              "title": letter.title, "recipient": letter.recipient, "body": letter.body,
                              "reply_due_on": letter.reply_due_on,
                              "findings": [f.pk for f in letter.findings.all()],
                              "actions": [a.pk for a in letter.actions.all()]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            services.letter_update(actor=user, letter=letter, title=data.get("title") or "",
                                   recipient=data.get("recipient") or "", body=data.get("body") or "",
                                   reply_due_on=data.get("reply_due_on"),
                                   findings=list(data.get("findings") or []), actions=list(data.get("actions") or []))
        if not form.errors:
            messages.success(request, "已保存反馈意见草稿")
            return redirect("supervision:letter", letter.pk)
    return render(request, "supervision/letter_edit.html", {"form": form, "letter": letter})


@login_required
@require_http_methods(["GET", "POST"])
def letter_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: what issuing does, to confirm; POST: issue (the next number of the year), the unit is told."""
    letter = _writable_letter(request, pk)
    if letter.status != LetterStatus.DRAFT:
        messages.info(request, f"该反馈意见已印发（{letter.number}）")
        return redirect("supervision:letter", letter.pk)
    errors: list[str] = []
    if request.method == "POST":
        with refusals() as errors:
            letter = services.letter_issue(actor=request.user, letter=letter)
        if not errors:
            messages.success(request, f"已印发，文号{letter.number}，已通知{letter.organization.name}")
            return redirect("supervision:letter", letter.pk)
    return render(request, "supervision/letter_issue.html", {
        "letter": letter, "errors": errors, "abbreviation": services.letter_abbreviation(),
        "findings": letter.findings.count(), "actions": letter.actions.count()})


@login_required
@require_GET
def letter_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The letter as a .docx in the GB/T 9704 layout, named “文号标题.docx” (Chinese names survive every
    browser: RFC 5987 `filename*`, with an ASCII fallback)."""
    letter = _letter(request, pk)
    response = HttpResponse(letters.letter_docx(letter), content_type=DOCX)
    response["Content-Disposition"] = attachment_disposition(letters.letter_filename(letter),
                                                             f"feedback-letter-{letter.pk}.docx")
    return response
