"""Page times on the demo database: the pages of supervision, the communication log, coverage, the quick form,
the ledger's search and the forms with the organisation picker, as the demo accounts see them, rendered by
Django's test client (no network, no browser). JSON lines: page, account, status, median of 5 warm runs in ms,
SQL queries.

    make demo            # once: builds var/jiaoyuban.sqlite3
    JYB_DEMO=1 .venv/bin/python scripts/page_times.py
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaoyuban.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402

PAGES = {
    "office": ["/supervision/", "/supervision/calendar/", "/supervision/visits/", "/supervision/findings/",
               "/supervision/actions/", "/supervision/letters/", "/supervision/letters/?q=2023+1",
               "/office/submissions/", "/office/submissions/new/", "/api/v1/supervision/groups",
               "/measures/coverage/", "/measures/coverage/?tab=leaders", "/measures/quick/",
               "/problems/?q=WT0000594", "/problems/new/", "/orgs/?q=dfqw", "/api/v1/orgs/?q=dfqw"],
    "liaison": ["/supervision/", "/supervision/actions/", "/api/v1/supervision/visits"],
    "unit": ["/", "/supervision/", "/office/submissions/", "/measures/quick/", "/problems/new/"],
}
RUNS = 5


def main() -> None:
    settings.ALLOWED_HOSTS = ["*"]
    for username, urls in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            client.get(url)  # warm
            times, queries, status = [], 0, 0
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    status = client.get(url).status_code
                    times.append((time.perf_counter() - start) * 1000)
                queries = len(captured)
            print(json.dumps({"page": url, "account": username, "status": status,
                              "median_ms": round(statistics.median(times), 1), "queries": queries}))


if __name__ == "__main__":
    main()
