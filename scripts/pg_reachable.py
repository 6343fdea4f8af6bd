"""Exit 0 when the PostgreSQL server of the given URL answers (the database itself may not exist yet)."""

import sys

import dj_database_url
import psycopg

cfg = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"] or "postgres",
                    password=cfg["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
