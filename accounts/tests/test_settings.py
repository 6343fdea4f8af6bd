import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JYB_DEMO", "JYB_TESTING"}}
    clean.update(env)
    return subprocess.run([sys.executable, "-c", "import jiaoyuban.settings"], cwd=ROOT, env=clean,
                          capture_output=True, text=True)


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_import({})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_uses_the_given_secret_key():
    assert _settings_import({"SECRET_KEY": "x" * 50}).returncode == 0


def test_manage_py_runs_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "JYB_DEMO", "JYB_TESTING"}}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=clean,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
