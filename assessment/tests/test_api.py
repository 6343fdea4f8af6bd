"""The API's lead actions of a unit (GET /api/v1/measures/lead-actions, served by assessment at the path it had in
measures)."""

from typing import Any

import pytest

from accounts.actors import SETUP
from api.tests.helpers import ApiClient
from measures import services
from measures.tests.conftest import DAY


@pytest.fixture
def api_as(client: Any, users: dict) -> Any:
    return lambda role: ApiClient(client, users[role])


def test_lead_actions_for_an_org(api_as, tree, campaign, cadres):
    services.party_lecture_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="党课", held_on=DAY,
                                  audience_count=50, speaker_cadre=cadres["secretary"])
    rows = api_as("liaison").get("/measures/lead-actions", org="A").json()
    by_name = {r["name"]: {a["action"]: a for a in r["actions"]} for r in rows}
    assert set(by_name) == {"吴刚", "李强"}
    assert by_name["吴刚"]["lectured"]["done"] is True and by_name["吴刚"]["lectured"]["proofs"][0]["title"] == "党课"
    assert by_name["李强"]["lectured"]["done"] is False
    assert by_name["吴刚"]["rectified"] == {"action": "rectified", "label": "整改落实", "done": False,
                                          "proofs": []}
    assert api_as("unit").get("/measures/lead-actions", org="A").status_code == 404
