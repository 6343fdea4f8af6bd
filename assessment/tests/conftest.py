"""The measures' fixtures: a current campaign the whole fixture city takes part in, a past one, county-level cadres."""

from measures.tests.conftest import cadres, campaign, past_campaign

__all__ = ["cadres", "campaign", "past_campaign"]
