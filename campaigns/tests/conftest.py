import datetime as dt

import pytest


@pytest.fixture
def campaign(tree):
    """The current campaign (第二批), the whole city taking part."""
    from accounts.actors import SETUP
    from campaigns import services

    c = services.campaign_create(actor=SETUP, name="学习贯彻习近平新时代中国特色社会主义思想主题教育", batch=2,
                                 starts_on=dt.date(2023, 9, 1), is_current=True)
    services.participation_add(actor=SETUP, campaign=c, organization=tree.city)
    return c
