"""What apps above measures add to its pages (measures.panels): a unit page's panels, at their place and in
registration order, and who may put a meeting's item on the problem ledger."""

from django.template import engines
from django.urls import reverse

from measures import panels


def _render(monkeypatch):
    def render(name, context, request=None):
        return engines["django"].from_string(f"<p class='panel'>{name} {{{{ org.code }}}}</p>").render(context, request)

    monkeypatch.setattr("measures.views.units.render_to_string", render)


def test_a_unit_page_shows_the_panels_apps_register_at_their_place(client, users, tree, campaign, monkeypatch):
    monkeypatch.setattr(panels, "_sources", {"side": [], "foot": []})
    panels.register_unit_panel("foot", lambda org, campaign, actor: panels.UnitPanel("foot-1", {"org": org}))
    panels.register_unit_panel("side", lambda org, campaign, actor: None)
    panels.register_unit_panel("side", lambda org, campaign, actor: panels.UnitPanel("side-1", {"org": org}))
    panels.register_unit_panel("foot", lambda org, campaign, actor: panels.UnitPanel("foot-2", {"org": org}))
    _render(monkeypatch)
    client.force_login(users["office"])
    html = client.get(reverse("measures:unit", args=["A"])).content.decode()
    assert "<p class='panel'>side-1 A</p>" in html
    assert html.index("尚待开展") < html.index("side-1") < html.index('id="section-study"') < html.index("foot-1")
    assert html.index("foot-1") < html.index("foot-2")


def test_no_panel_without_a_campaign(client, users, tree, monkeypatch):
    monkeypatch.setattr(panels, "_sources", {"side": [], "foot": []})
    panels.register_unit_panel("side", lambda org, campaign, actor: panels.UnitPanel("side-1", {"org": org}))
    _render(monkeypatch)
    client.force_login(users["office"])
    html = client.get(reverse("measures:unit", args=["A"])).content.decode()
    assert "本组织未参加主题教育" in html and "side-1" not in html


def test_who_may_raise_a_problem_from_an_item_is_what_the_registered_rule_says(users, monkeypatch):
    monkeypatch.setattr(panels, "_raisers", [])
    assert panels.may_raise_from_item(users["office"]) is False  # no ledger registered: nobody
    panels.register_item_raiser(lambda actor: getattr(actor, "username", "") == "unit")
    assert panels.may_raise_from_item(users["unit"]) is True
    assert panels.may_raise_from_item(users["office"]) is False
