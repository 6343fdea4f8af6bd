"""Deployment hardening: HTTPS settings and `check --deploy`, no Server banner from gunicorn, and var/, media,
uploads and the demo key readable by the application's user only."""

import io
import json
import os
import secrets
import socket
import stat
import string
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.sheets import store_upload

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production-like environment: no test or demo flag, its own var/."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"JYB_TESTING", "JYB_DEMO", "JYB_HTTPS", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update({"JYB_VAR_DIR": str(tmp_path / "var"), **extra})
    return env


def _secret() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(50))


def _settings(env: dict[str, str], *names: str) -> dict[str, Any]:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))")
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "jiaoyuban.settings"},
                         capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- HTTPS ---------------------------------------------------------------------------------------------------

HTTPS_SETTINGS = ("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
                  "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
                  "CSRF_COOKIE_SECURE")


def test_jyb_https_turns_on_hsts_secure_cookies_and_the_redirect(tmp_path):
    on = _settings(_env(tmp_path, SECRET_KEY=_secret(), JYB_HTTPS="1"), *HTTPS_SETTINGS)
    assert on == {"SECURE_SSL_REDIRECT": True, "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
                  "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                  "SECURE_HSTS_PRELOAD": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}
    shorter = _settings(_env(tmp_path, SECRET_KEY=_secret(), JYB_HTTPS="1", JYB_HSTS_SECONDS="600"),
                        "SECURE_HSTS_SECONDS")
    assert shorter == {"SECURE_HSTS_SECONDS": 600}
    # the demo over plain HTTP: nothing forces HTTPS (the browser could not reach it)
    demo = _settings(_env(tmp_path, JYB_DEMO="1"), *HTTPS_SETTINGS)
    assert (demo["SECURE_SSL_REDIRECT"], demo["SECURE_HSTS_SECONDS"], demo["SESSION_COOKIE_SECURE"]) == (False, 0,
                                                                                                       False)
    # even the demo's cookies are secure once it is served over HTTPS
    assert _settings(_env(tmp_path, JYB_DEMO="1", JYB_HTTPS="1"), "SESSION_COOKIE_SECURE") == {
        "SESSION_COOKIE_SECURE": True}


def test_check_deploy_has_no_warnings_in_production_settings(tmp_path):
    env = _env(tmp_path, SECRET_KEY=_secret(), JYB_HTTPS="1", JYB_TESTING="", JYB_DEMO="")
    result = subprocess.run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    env = _env(tmp_path, SECRET_KEY=_secret())
    result = subprocess.run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # HSTS is what JYB_HTTPS=1 adds


# ---- no Server banner ----------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve_and_get(tmp_path: Path, config: str, path: str) -> Any:
    port = _free_port()
    env = _env(tmp_path, JYB_DEMO="1")
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    process = subprocess.Popen([gunicorn, "jiaoyuban.wsgi", "--config", config, "--bind", f"127.0.0.1:{port}",
                                "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                    return response.headers
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_sends_no_server_banner_with_the_projects_config(tmp_path):
    headers = _serve_and_get(tmp_path, str(ROOT / "gunicorn.conf.py"), "/static/css/app.css")
    assert "Server" not in headers
    assert headers["Content-Type"].startswith("text/css")


def test_without_the_config_gunicorn_would_name_itself(tmp_path):
    """The baseline the config removes (so the test above is not passing by accident)."""
    empty = tmp_path / "empty.conf.py"
    empty.write_text("")
    assert _serve_and_get(tmp_path, str(empty), "/static/css/app.css")["Server"] == "gunicorn"


def test_scripts_serve_uses_the_config_and_a_private_umask():
    serve = (ROOT / "scripts" / "serve").read_text()
    assert "--config gunicorn.conf.py" in serve
    assert "umask 077" in serve


# ---- files readable by this user only ------------------------------------------------------------------------

def test_var_media_and_the_demo_key_are_created_private(tmp_path):
    _settings(_env(tmp_path, JYB_DEMO="1"), "SECRET_KEY")
    var = tmp_path / "var"
    assert _mode(var) == 0o700
    assert _mode(var / "media") == 0o700
    assert _mode(var / "demo-secret-key") == 0o600
    assert len((var / "demo-secret-key").read_text()) >= 50


def test_a_var_left_open_by_an_earlier_start_is_tightened(tmp_path):
    var = tmp_path / "var"
    (var / "media").mkdir(parents=True)
    var.chmod(0o755)
    (var / "media").chmod(0o777)
    first = _settings(_env(tmp_path, JYB_DEMO="1"), "SECRET_KEY")["SECRET_KEY"]
    assert (_mode(var), _mode(var / "media")) == (0o700, 0o700)
    assert _settings(_env(tmp_path, JYB_DEMO="1"), "SECRET_KEY")["SECRET_KEY"] == first  # the key is kept


def test_uploads_and_their_folders_are_private(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    name = default_storage.save("problems/2023/10/佐证.pdf", ContentFile(b"%PDF-1.4 evidence"))
    stored = Path(settings.MEDIA_ROOT) / name
    assert _mode(stored) == 0o600
    assert _mode(stored.parent) == 0o700 and _mode(stored.parent.parent) == 0o700


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_an_import_file_kept_for_its_job_is_private(settings, tmp_path, umask):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    upload = io.BytesIO(b"a,b\r\n1,2\r\n")
    upload.name = "名册.csv"
    upload.chunks = lambda: iter([upload.getvalue()])  # type: ignore[attr-defined]
    old = os.umask(umask)
    try:
        target = store_upload(upload)
    finally:
        os.umask(old)
    assert _mode(target) == 0o600
    assert _mode(target.parent) == 0o700
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"
