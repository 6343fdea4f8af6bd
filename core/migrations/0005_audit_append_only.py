"""Every entry has its place in the chain; the database itself refuses to rewrite the log.

PostgreSQL: a trigger refuses UPDATE of an entry, and DELETE except of entries already archived (seq up to the
chain head's anchor) and older than the retention (180 days, core.audit.RETENTION_DAYS); another lets the chain
head's numbers only grow and refuses its deletion. The triggers belong to the table's owner, the role that runs
migrations; the application's role (README: database roles) has no right to drop or disable them.
SQLite (the demo): a trigger refuses UPDATE of an entry; deletions are refused by the model and found by
`manage.py audit_verify` (a DELETE trigger would also stop the test database from being flushed).
"""

from django.db import migrations, models

PG_INSTALL = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.seq <= (SELECT anchor_seq FROM core_auditchain WHERE id = 1)
       AND OLD.at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除（%，第%条）', TG_OP, OLD.seq
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only();

CREATE OR REPLACE FUNCTION core_auditchain_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.seq < OLD.seq OR NEW.anchor_seq < OLD.anchor_seq
       OR NEW.anchor_seq > NEW.seq THEN
        RAISE EXCEPTION '审计日志链只能向前' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.seq = OLD.seq AND NEW.head <> OLD.head THEN
        RAISE EXCEPTION '审计日志链尾不能改写' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER core_auditchain_forward BEFORE UPDATE OR DELETE ON core_auditchain
    FOR EACH ROW EXECUTE FUNCTION core_auditchain_forward();
"""

PG_REMOVE = """
DROP TRIGGER IF EXISTS core_auditchain_forward ON core_auditchain;
DROP FUNCTION IF EXISTS core_auditchain_forward();
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_append_only();
"""

SQLITE_INSTALL = """
CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE ON core_auditentry
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
"""

SQLITE_REMOVE = "DROP TRIGGER IF EXISTS core_auditentry_append_only;"


def install(apps, schema_editor):
    connection = schema_editor.connection
    sql = {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL}.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def remove(apps, schema_editor):
    connection = schema_editor.connection
    sql = {"postgresql": PG_REMOVE, "sqlite": SQLITE_REMOVE}.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_chain_existing'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(unique=True, verbose_name='链序号'),
        ),
        migrations.RunPython(install, remove),
    ]
