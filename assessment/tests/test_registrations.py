"""What assessment adds to the apps below it when it is installed (AssessmentConfig.ready): a unit's page shows its
检视整改 and its leaders' lead actions, a meeting's item goes on the ledger by the ledger's rule, and a liaison
group's workspace counts the lead actions still open."""

from accounts.actors import SETUP
from assessment.lead_actions import open_lead_actions as derived
from assessment.views import lead_panel, rectification_panel
from measures import panels, services
from measures.tests.conftest import DAY
from orgs.models import Organization
from problems.permissions import can_raise_problem
from supervision import lead_actions as workspace


def test_assessment_registers_its_panels_the_ledgers_rule_and_the_workspaces_count():
    assert rectification_panel in panels._sources["side"] and lead_panel in panels._sources["foot"]
    assert can_raise_problem in panels._raisers
    assert workspace._source == [derived]


def test_the_meeting_page_offers_the_ledger_to_whoever_raises_problems(client, users, tree, campaign):
    meeting = services.life_meeting_create(actor=SETUP, organization=tree.village_a, campaign=campaign,
                                           kind="organisational", held_on=DAY, attendance=7,
                                           items=[{"kind": "criticism", "text": "学习不深入", "cadre": None}])
    page = f"/measures/unit/A1a/meeting/{meeting.pk}/"
    for role, offered in (("unit", True), ("office", True)):
        client.force_login(users[role])
        assert ("列入问题清单</a>" in client.get(page).content.decode()) is offered, role
        assert can_raise_problem(users[role]) is offered


def test_the_workspace_count_is_each_leaders_actions_without_a_record(users, tree, campaign, cadres):
    services.party_lecture_create(actor=SETUP, organization=tree.county_a, campaign=campaign, title="党课", held_on=DAY,
                                  audience_count=50, speaker_cadre=cadres["secretary"])
    counts = {cadre.name: n for cadre, n in workspace.open_lead_actions(
        campaign, Organization.objects.filter(code="A"), users["office"])}
    assert counts == {"吴刚": 4, "李强": 5}
