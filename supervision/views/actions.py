"""Pages of the escalation ladder (处置): the list with the office's proposals to decide and the follow-ups due,
each unit's place on the ladder; taking a step or proposing one; an action's page where the office decides or
dismisses a proposal and the group or the office records the result.

Thin: actions come through `visible_to(user)` and `supervision.selectors` (outside the jurisdiction → 404; a unit
sees only what was decided on it); every write is one call to `supervision.services`, whose Chinese errors go back
on the form with what was typed (PermissionDenied → 404). Who decides and when come from the session and the clock.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.guards import require_data_role
from accounts.http import AuthedRequest
from campaigns.models import Campaign
from campaigns.selectors import current_campaign, liaison_group_of
from core.forms import service_errors
from core.paging import paginate
from orgs.models import Cadre, Organization
from orgs.selectors import visible_org
from supervision import permissions, selectors, services
from supervision.choices import LADDER, LEVEL_GROUNDS, OVERDUE_DAYS, ActionStatus, Level, Requirement, level_title
from supervision.forms import (
    ActionDecideForm,
    ActionDismissForm,
    ActionFilterForm,
    ActionNewForm,
    ActionResultForm,
)
from supervision.models import Action
from supervision.views._common import ids

# How each rung reads where it is shown (组织处理 is a recommendation to the leading group, which decides it).
LEVEL_TEXT: dict[str, str] = {lv: level_title(lv) for lv in LADDER}


# ---------------------------------------------------------------------------------------------------------
# Helpers


@dataclass
class Rung:
    level: str
    label: str
    grounds: str
    state: str  # "done" (below the current rung), "current", "next", "" (above)


def ladder(position: int) -> list[Rung]:
    """The four rungs, marked against the current position (0: none taken yet)."""
    rungs = []
    for i, level in enumerate(LADDER, start=1):
        state = "done" if i < position else "current" if i == position else "next" if i == position + 1 else ""
        rungs.append(Rung(level=level, label=Level(level).label, grounds=LEVEL_GROUNDS[level], state=state))
    return rungs


def basis_lines(action: Action) -> list[str]:
    """Why the system proposed an action, in words (its `basis`)."""
    basis = action.basis or {}
    lines = []
    for requirement, count in sorted((basis.get("repeated") or {}).items()):
        label = Requirement(requirement).label if requirement in Requirement.values else requirement
        lines.append(f"{label}方面的问题在多次指导中重复发现，尚未处置的{count}条")
    if basis.get("overdue"):
        lines.append(f"逾期{OVERDUE_DAYS}天以上仍未整改到位的问题{basis['overdue']}个")
    return lines


def _level_rows(form: Any, *, campaign: Campaign | None, organization: Organization, cadre: Cadre | None,
                allowed: frozenset[str], exclude: Action | None = None) -> list[dict[str, Any]]:
    """The level radios with their grounds and whether each skips a rung now."""
    boxes = {str(box.data["value"]): box for box in form["level"]}
    rows = []
    for level in LADDER:
        skips = campaign is not None and services.skips(campaign=campaign, organization=organization, cadre=cadre,
                                                         level=level, exclude=exclude)
        rows.append({"level": level, "box": boxes[level], "label": LEVEL_TEXT[level], "grounds": LEVEL_GROUNDS[level],
                     "skips": skips, "allowed": level in allowed})
    return rows


def _position(campaign: Campaign | None, organization: Organization, cadre: Cadre | None = None) -> int:
    """The highest rung in force for the unit (or leader), 0 when none."""
    if campaign is None:
        return 0
    return services.ladder_position(campaign=campaign, organization=organization, cadre=cadre)


def _next(campaign: Campaign | None, organization: Organization, cadre: Cadre | None = None) -> str:
    """The rung that comes next by the procedure (按程序下一步)."""
    if campaign is None:
        return LADDER[0]
    return services.next_level(campaign=campaign, organization=organization, cadre=cadre)


# ---------------------------------------------------------------------------------------------------------
# The list


@login_required
@require_GET
def action_list(request: AuthedRequest) -> HttpResponse:
    user = require_data_role(request.user)
    campaign = current_campaign()
    units = selectors.supervised_units(user, campaign)
    groups = list(selectors.groups_for(user, campaign))
    is_unit = permissions.can_answer_for_unit(user)
    form = ActionFilterForm(request.GET, groups=[(str(g.pk), g.name) for g in groups],
                            units=[(o.code, f"{o.name}（{g.name}）") for g, o in units],
                            statuses=[(s, ActionStatus(s).label) for s in (ActionStatus.DECIDED, ActionStatus.DONE)]
                            if is_unit else None)
    group, code = form.value_of("group"), form.value_of("unit")
    unit = next((o for _, o in units if o.code == code), None) if code else None
    qs = selectors.filter_actions(Action.objects.visible_to(user).with_related(),
                                  statuses=[s for s in [form.value_of("status")] if s],
                                  levels=[lv for lv in [form.value_of("level")] if lv],
                                  group=int(group) if group else None, organization=unit)
    page = paginate(request, qs.order_by("-id"))
    supervises = permissions.can_record_supervision(user)
    proposals = list(selectors.proposals_for(user)) if supervises else []
    follow_ups = list(selectors.follow_ups_due(user)) if supervises else []
    ladders = [{"org": row.organization, "position": row.position, "rungs": ladder(row.position),
                "current": LEVEL_TEXT[LADDER[row.position - 1]] if row.position else "", "proposed": row.proposed}
               for row in selectors.unit_ladders(user, campaign, group=int(group) if group else None)]
    return render(request, "supervision/action_list.html", {
        "form": form, "page": page, "proposals": proposals, "follow_ups": follow_ups, "ladders": ladders,
        "decides": permissions.can_decide_action(user), "supervises": supervises, "campaign": campaign,
        "filtered": form.active})


# ---------------------------------------------------------------------------------------------------------
# Taking a step, or proposing one


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: AuthedRequest) -> HttpResponse:
    """`?org=<code>&findings=1,2`: the unit (or a unit below one) and the findings the step rests on."""
    user = require_data_role(request.user)
    campaign = current_campaign()
    if not permissions.can_act_on_unit(user, campaign=campaign):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    organization = visible_org(actor=user, code=source.get("organization") or source.get("org"), typed=True)
    if organization is None:
        return render(request, "supervision/action_pick.html", {
            "units": selectors.supervised_units(user, campaign), "campaign": campaign})
    findings = selectors.unit_findings(user, organization, campaign)
    cadres = selectors.unit_leaders(user, organization.path)
    allowed = permissions.levels_for(user)
    position, expected = _position(campaign, organization), _next(campaign, organization)
    initial = {"organization": organization.code, "level": expected if expected in allowed else "",
               "findings": list(findings.filter(pk__in=ids(request.GET.get("findings"))).values_list("pk", flat=True))}
    form = ActionNewForm(request.POST if request.method == "POST" else None, cadres=cadres, findings=findings,
                         unit_id=organization.pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        level, reason = data.get("level") or "", data.get("reason") or ""
        chosen, cadre = list(data.get("findings") or []), data.get("cadre")
        proposing = "propose" in request.POST
        with service_errors(form):
            if proposing:
                action = services.action_propose(actor=user, organization=organization, level=level, reason=reason,
                                                 findings=chosen, cadre=cadre)
            else:
                action = services.action_record(actor=user, organization=organization, level=level, reason=reason,
                                                findings=chosen, cadre=cadre,
                                                skip_reason=data.get("skip_reason") or "",
                                                follow_up_on=data.get("follow_up_on"))
        if not form.errors:
            what = LEVEL_TEXT[action.level]
            messages.success(request, f"已提请教育办决定：{what}" if proposing else f"已作出处置：{what}")
            return redirect("supervision:action", action.pk)
    cadre = form.cleaned_data.get("cadre") if form.is_bound and hasattr(form, "cleaned_data") else None
    if cadre is not None:
        position, expected = _position(campaign, organization, cadre), _next(campaign, organization, cadre)
    return render(request, "supervision/action_form.html", {
        "form": form, "organization": organization, "campaign": campaign,
        "levels": _level_rows(form, campaign=campaign, organization=organization, cadre=cadre, allowed=allowed),
        "position": position, "current": LEVEL_TEXT[LADDER[position - 1]] if position else "",
        "expected": LEVEL_TEXT[expected], "rungs": ladder(position), "allowed": allowed,
        "may_record": bool(allowed), "decides": permissions.can_decide_action(user),
        "group": liaison_group_of(organization, campaign) if campaign is not None else None})


# ---------------------------------------------------------------------------------------------------------
# An action's page


def _action_page(request: AuthedRequest, pk: int, *, decide_form: ActionDecideForm | None = None,
                 dismiss_form: ActionDismissForm | None = None,
                 result_form: ActionResultForm | None = None) -> HttpResponse:
    user = require_data_role(request.user)
    action = selectors.action_detail(user, pk)
    deciding = permissions.can_decide_action(user, action) and action.status == ActionStatus.PROPOSED
    recording = action.status == ActionStatus.DECIDED and permissions.can_follow_up_action(user, action)
    levels: list[dict[str, Any]] = []
    if deciding:
        decide_form = decide_form or ActionDecideForm(initial={"level": action.level, "reason": action.reason})
        levels = _level_rows(decide_form, campaign=action.campaign, organization=action.organization,
                             cadre=action.cadre, allowed=permissions.levels_for(user), exclude=action)
    # A proposal is not in force: the ladder shows where the unit (or leader) stands without it.
    position = _position(action.campaign, action.organization, action.cadre)
    return render(request, "supervision/action_page.html", {
        "action": action, "findings": list(action.findings.select_related("organization")),
        "basis": basis_lines(action),
        "level_text": LEVEL_TEXT[action.level], "rungs": ladder(position),
        "deciding": deciding, "recording": recording, "levels": levels,
        "expected": LEVEL_TEXT[_next(action.campaign, action.organization, action.cadre)],
        "current": LEVEL_TEXT[LADDER[position - 1]] if position else "",
        "decide_form": decide_form, "dismiss_form": dismiss_form or ActionDismissForm(),
        "result_form": result_form or ActionResultForm(),
        "open": "decide" if decide_form is not None and decide_form.is_bound else
                "dismiss" if dismiss_form is not None else "result" if result_form is not None else ""})


@login_required
@require_GET
def action_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _action_page(request, pk)


@login_required
@require_POST
def action_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    action = selectors.action_detail(user, pk)
    if not permissions.can_decide_action(user, action):
        raise Http404
    form = ActionDecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors(form):
            action = services.action_decide(actor=user, action=action, level=data.get("level") or None,
                                            reason=data.get("reason") or "", skip_reason=data.get("skip_reason") or "",
                                            follow_up_on=data.get("follow_up_on"),
                                            note=data.get("decision_note") or "")
        if not form.errors:
            messages.success(request, f"已决定：{LEVEL_TEXT[action.level]}")
            return redirect("supervision:action", action.pk)
    return _action_page(request, pk, decide_form=form)


@login_required
@require_POST
def action_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    action = selectors.action_detail(user, pk)
    if not permissions.can_decide_action(user, action):
        raise Http404
    form = ActionDismissForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            services.action_dismiss(actor=user, action=action, note=form.cleaned_data.get("decision_note") or "")
        if not form.errors:
            messages.success(request, "已不予采纳该处置建议")
            return redirect("supervision:action", action.pk)
    return _action_page(request, pk, dismiss_form=form)


@login_required
@require_POST
def action_result(request: AuthedRequest, pk: int) -> HttpResponse:
    user = require_data_role(request.user)
    action = selectors.action_detail(user, pk)
    if not permissions.can_record_supervision(user):
        raise Http404
    form = ActionResultForm(request.POST)
    if form.is_valid():
        with service_errors(form):
            services.action_follow_up(actor=user, action=action, result=form.cleaned_data.get("result") or "")
        if not form.errors:
            messages.success(request, "已登记处置结果，该处置已办结")
            return redirect("supervision:action", action.pk)
    return _action_page(request, pk, result_form=form)
