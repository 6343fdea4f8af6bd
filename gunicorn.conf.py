"""gunicorn's settings for scripts/serve and for production (`gunicorn -c gunicorn.conf.py jiaoyuban.wsgi`).

- No `Server` banner: gunicorn writes `Server: gunicorn` on every response and has no setting to turn it off, so
  the response's default headers are filtered here, in the master, before the workers fork (nginx in front hides
  its own with `server_tokens off`).
- Files the server creates (the SQLite database, uploads, logs, exports) are this user's only: umask 077.
"""

import os

from gunicorn.http import wsgi

os.umask(0o077)

_default_headers = wsgi.Response.default_headers


def _without_server_banner(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_banner

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 4
timeout = 300
accesslog = "-"
loglevel = "warning"
