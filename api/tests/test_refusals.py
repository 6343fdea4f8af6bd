"""A service's refusal is translated once, for the whole API (`core.refusals`, registered in `api.api`): a stale
version → 409, anything else → the one 422 body, its summary line fixed for the forms that save a record."""

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from core.refusals import refusal_of

APPS = ("accounts", "campaigns", "orgs", "measures", "problems", "supervision", "office")


def test_no_endpoint_translates_a_refusal_itself() -> None:
    root = Path(__file__).resolve().parents[2]
    catching = re.compile(r"^\s*except\b\s*\(?[^:]*\b(ValidationError|PermissionDenied|ObjectDoesNotExist)\b")
    found = [f"{app}/api.py:{number}" for app in APPS
             for number, line in enumerate((root / app / "api.py").read_text().splitlines(), start=1)
             if catching.search(line)]
    assert found == []


def test_a_stale_version_is_a_conflict_with_its_reasons() -> None:
    request = RequestFactory().post("/")
    status, body = refusal_of(request, ValidationError({"version": "问题已被他人修改，请刷新后重试"}))
    assert (status, body) == (409, {"detail": "问题已被他人修改，请刷新后重试"})


def test_other_refusals_are_the_one_body_summarised_by_their_reasons() -> None:
    request = RequestFactory().post("/")
    status, body = refusal_of(request, ValidationError({"note": "请填写说明", "due_on": "时限不能早于今天"}))
    assert status == 422
    assert body == {"detail": "请填写说明；时限不能早于今天",
                    "errors": {"note": ["请填写说明"], "due_on": ["时限不能早于今天"]}}
    assert refusal_of(request, ValidationError("问题已销号"))[1] == {"detail": "问题已销号",
                                                                   "errors": {"__all__": ["问题已销号"]}}


@pytest.fixture
def campaign(tree: Any) -> Any:
    from campaigns.models import Campaign, Participation

    current = Campaign.objects.create(name="主题教育", batch=2, starts_on=dt.date(2023, 9, 1), is_current=True)
    Participation.objects.create(campaign=current, organization=tree.city)
    return current


def test_a_form_that_saves_a_record_answers_not_saved_and_writes_nothing(api_as: Any, campaign: Any) -> None:
    from measures.models import StudySession

    response = api_as("unit").post("/measures/study-sessions", json.dumps(
        {"org": "A1a", "kind": "group_study", "topic": "集中学习", "held_on": "2023-10-09", "participant_count": 11,
         "campaign": campaign.pk + 1}), content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "数据有误，未保存"
    assert body["errors"]["campaign"] == ["只能为当前开展的主题教育新增记录：请不填主题教育编号，或填写当前的编号"]
    assert not StudySession.objects.exists()
