"""In-app notifications: sent once per key, only to active users, and private to their user — in the service,
on the page and in the navbar's count."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core import notify
from core.models import Notification

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def test_notify_sends_once_per_key_and_skips_inactive_users(users: dict[str, Any]) -> None:
    users["leader"].is_active = False
    users["leader"].save()
    targets = [users["office"], users["unit"].pk, users["leader"]]
    assert notify.notify(users=targets, key="k1", text="第一条", url="/problems/") == 2
    assert notify.notify(users=targets, key="k1", text="又一条", url="/problems/") == 0
    assert notify.notify(users=[users["office"]], key="k2", text="第二条") == 1
    assert Notification.objects.filter(user=users["office"]).count() == 2
    assert not Notification.objects.filter(user=users["leader"]).exists()
    assert list(Notification.objects.filter(key="k1").values_list("text", flat=True)) == ["第一条", "第一条"]


def test_notify_many_in_bulk_keeps_each_key_once(users: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    messages = [notify.Message(user_id=users["unit"].pk, key=f"p{i}", text=f"问题{i}") for i in range(2000)]
    with django_assert_max_num_queries(30):
        assert notify.notify_many([*messages, *messages]) == 2000
    assert notify.notify_many(messages) == 0
    assert Notification.objects.count() == 2000


def test_notifications_are_private_to_their_user(users: dict[str, Any]) -> None:
    notify.notify(users=[users["office"]], key="a", text="给办公室的")
    notify.notify(users=[users["unit"]], key="a", text="给单位的")
    mine = Notification.objects.get(user=users["unit"])
    theirs = Notification.objects.get(user=users["office"])
    assert [n.text for n in notify.notifications_for(users["unit"])] == ["给单位的"]
    with pytest.raises(Notification.DoesNotExist):
        notify.notification_read(user=users["unit"], pk=theirs.pk)
    assert notify.notifications_read_all(user=users["unit"]) == 1
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is not None


def _login(client: Any, user: Any) -> None:
    client.force_login(user)


def test_page_lists_own_notifications_newest_first_with_unread_marked(client: Any, users: dict[str, Any],
                                                                      time_machine: Any) -> None:
    time_machine.move_to(dt.datetime(2023, 10, 9, 8, 0, tzinfo=BEIJING), tick=False)
    notify.notify(users=[users["unit"]], key="old", text="较早的提醒", url="/problems/")
    time_machine.move_to(dt.datetime(2023, 10, 10, 8, 0, tzinfo=BEIJING), tick=False)
    notify.notify(users=[users["unit"]], key="new", text="最新的提醒", url="/problems/")
    notify.notify(users=[users["office"]], key="x", text="别人的提醒")
    notify.notification_read(user=users["unit"], pk=Notification.objects.get(key="old").pk)
    _login(client, users["unit"])
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.index("最新的提醒") < html.index("较早的提醒")
    assert "别人的提醒" not in html
    assert html.count("未读</span>") == 1
    assert "2023年10月10日 08:00" in html


def test_navbar_shows_unread_count(client: Any, users: dict[str, Any]) -> None:
    for i in range(3):
        notify.notify(users=[users["unit"]], key=f"k{i}", text=f"提醒{i}")
    _login(client, users["unit"])
    html = client.get(reverse("notifications:list")).content.decode()
    assert html.count("站内提醒，3条未读") == 2  # in the menu, and beside its button for phones (menu folded)
    client.post(reverse("notifications:read_all"))
    html = client.get(reverse("notifications:list")).content.decode()
    assert "条未读" not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(client: Any, users: dict[str, Any]) -> None:
    notify.notify(users=[users["unit"]], key="k", text="去看看", url="/problems/12/")
    notification = Notification.objects.get()
    _login(client, users["unit"])
    response = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/problems/12/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_elsewhere_is_not_followed(client: Any, users: dict[str, Any]) -> None:
    notify.notify(users=[users["unit"]], key="k", text="外部", url="https://example.com/")
    _login(client, users["unit"])
    response = client.post(reverse("notifications:read", args=[Notification.objects.get().pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_another_users_notification_answers_404_and_stays_unread(client: Any, users: dict[str, Any]) -> None:
    notify.notify(users=[users["office"]], key="k", text="办公室的")
    theirs = Notification.objects.get()
    _login(client, users["unit"])
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notifications:read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_needs_a_login(client: Any) -> None:
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]
