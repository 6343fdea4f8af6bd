"""Who may change the registry: the predicates of orgs.permissions, the services that enforce them, and the panels
apps above the registry add to the organisation page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.actors import SETUP, MaybeActor, SystemActor
from accounts.models import User
from conftest import PASSWORD, make_member
from core.models import AuditEntry
from orgs import panels, permissions, services
from orgs.models import Member, Organization


def test_the_office_and_units_edit_the_registry_inside_their_jurisdiction(users, tree):
    assert {role for role, user in users.items() if permissions.can_edit_registry(user)} == {"office", "unit"}
    assert permissions.can_edit_registry(users["unit"], tree.village_a)
    assert not permissions.can_edit_registry(users["unit"], tree.village_b)
    assert permissions.can_edit_registry(users["office"], tree.village_b)
    assert permissions.can_edit_registry(SETUP, tree.city)
    assert {role for role, user in users.items() if permissions.can_see_full_ids(user)} == {"office", "unit"}


def test_own_record_is_kept_by_the_level_above_and_only_the_whole_tree_adds_a_root(users, tree):
    assert not permissions.can_edit_org(users["unit"], tree.village_a)
    assert permissions.can_edit_org(users["office"], tree.village_a)
    assert not permissions.can_edit_org(users["office"], tree.city)
    assert not permissions.can_add_org(users["office"], None)
    assert permissions.can_add_org(users["office"], tree.city)
    assert not permissions.can_add_org(users["leader"], tree.city)
    assert permissions.can_add_org(SETUP, None)


def test_services_refuse_what_the_predicates_do_not_allow(users, tree):
    with pytest.raises(PermissionDenied):
        services.org_update(actor=users["unit"], org=tree.village_a, name="改名")
    with pytest.raises(PermissionDenied):
        services.org_create(actor=users["office"], parent=None, code="X", name="新市委", kind="committee",
                            sector="organ", tier="city")
    with pytest.raises(PermissionDenied):
        services.member_create(actor=users["unit"], organization=tree.village_b, name="张三", gender="M",
                               birth_date=dt.date(1980, 5, 17), id_number="11010519491231002X")
    with pytest.raises(PermissionDenied):
        services.cadre_create(actor=users["leader"], organization=tree.city, name="李四", position="书记",
                              rank=40, id_number="11010519491231002X")
    member = make_member(tree.village_a)
    with pytest.raises(PermissionDenied):
        services.member_update(actor=users["unit"], member=member, organization=tree.village_b)
    assert Member.objects.get().organization == tree.village_a
    assert not Organization.objects.filter(code="X").exists()
    assert services.org_update(actor=users["office"], org=tree.village_a, name="东关村党总支").name == "东关村党总支"


def test_a_system_actor_is_recorded_by_name(tree):
    from core.audit import audit_context

    actor = SystemActor("import_orgs")
    with audit_context(user=actor):
        services.org_create(actor=actor, parent=None, code="X", name="新市委", kind="committee", sector="organ",
                            tier="city")
    assert AuditEntry.objects.get(action="create", object_id=str(Organization.objects.get(code="X").pk)
                                  ).actor_name == "system:import_orgs"


def test_organisation_page_shows_the_panels_apps_register(client, users, tree, monkeypatch):
    monkeypatch.setattr(panels, "_sources", [])
    panels.register_org_panel(lambda org, actor: None)

    def panel_of_a(org: Organization, actor: MaybeActor) -> panels.OrgPanel | None:
        if org.code != "A":
            return None
        assert isinstance(actor, User)  # the organisation page is for signed-in people
        return panels.OrgPanel("orgs/_test_panel.html", {"who": actor.username, "org": org})

    panels.register_org_panel(panel_of_a)
    from django.template import engines

    template = engines["django"].from_string("<p id='panel'>{{ who }} · {{ org.name }}</p>")
    monkeypatch.setattr("orgs.views.registry.render_to_string",
                        lambda name, context, request=None: template.render(context, request))
    assert client.login(username="office", password=PASSWORD)
    assert "<p id='panel'>office · 城关区委</p>" in client.get(reverse("orgs:detail", args=["A"])).content.decode()
    assert "id='panel'" not in client.get(reverse("orgs:detail", args=["B"])).content.decode()
