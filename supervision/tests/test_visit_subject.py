"""Item 13a: a visit's 活动内容 may be left blank; it then reads "指导方式·单位" (the form, the API and the edit page
go through the same service rule, supervision.services.visit_subject)."""

import datetime as dt
from typing import Any

from django.urls import reverse

from supervision.models import Visit


def test_a_visit_planned_without_a_subject_is_named_by_its_method_and_unit(client: Any, people: dict[str, Any],
                                                                          method: Any, tree: Any) -> None:
    liaison = people["liaison"]
    client.force_login(liaison)
    html = client.get(reverse("supervision:visit_new")).content.decode()
    assert "活动内容（可不填）" in html
    response = client.post(reverse("supervision:visit_new"), {
        "group": people["group_a"].pk, "mode": "plan", "organization": "A1", "method": method.pk, "subject": "",
        "planned_on": "2023-10-18"})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.subject == "列席领导班子学习研讨·城关镇党委" and visit.planned_on == dt.date(2023, 10, 18)


def test_a_subject_cleared_on_the_edit_page_falls_back_to_method_and_unit(client: Any, people: dict[str, Any],
                                                                        make_visit: Any) -> None:
    visit = make_visit(done=False)
    client.force_login(people["liaison"])
    response = client.post(reverse("supervision:visit_edit", args=[visit.pk]), {
        "method": visit.method_id, "subject": "  ", "planned_on": "2023-10-20"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.subject == "列席领导班子学习研讨·城关区委"


def test_a_subject_written_is_kept_as_written(people: dict[str, Any], method: Any, tree: Any) -> None:
    from supervision.services import visit_plan

    visit = visit_plan(actor=people["liaison"], group=people["group_a"], organization=tree.county_a, method=method,
                       subject="列席区委常委会专题学习", planned_on=dt.date(2023, 10, 18))
    assert visit.subject == "列席区委常委会专题学习"


def test_the_api_plans_a_visit_without_a_subject_too(client: Any, people: dict[str, Any], method: Any) -> None:
    import json

    from accounts.models import ApiToken
    from api.tests.helpers import API

    response = client.post(API + "/supervision/visits", json.dumps({
        "org": "A1a", "method": method.pk, "planned_on": "2023-10-18"}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(people['liaison'])}")
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "列席领导班子学习研讨·东关村党支部"
    assert Visit.objects.get().subject == "列席领导班子学习研讨·东关村党支部"
