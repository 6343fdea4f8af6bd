"""Chain the entries written before the chain existed, in the order they were written (id), and create the chain
head. Needs the audit key (JYB_AUDIT_KEY_FILE) only when there are entries."""

from django.db import migrations

CHUNK = 5000


def chain_existing(apps, schema_editor):
    from core.audit.chain import Mac, canonical

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChain = apps.get_model("core", "AuditChain")
    genesis = "0" * 64
    connection = schema_editor.connection
    table = AuditEntry._meta.db_table
    columns = ("id", "at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id", "object_repr",
               "before", "after")
    mac = None
    seq, value, last_id = 0, genesis, 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id").values_list(*columns)[:CHUNK])
        if not rows:
            break
        mac = mac or Mac()
        updates = []
        for entry_id, *fields in rows:
            seq += 1
            value = mac.value(value, canonical((seq, *fields)))
            updates.append((seq, value, entry_id))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE {table} AS e SET seq = v.seq, chain = v.chain"
                    " FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[]) AS v(seq, chain, id) WHERE e.id = v.id",
                    [[u[0] for u in updates], [u[1] for u in updates], [u[2] for u in updates]],
                )
            else:
                cursor.executemany(f"UPDATE {table} SET seq = %s, chain = %s WHERE id = %s", updates)
        last_id = rows[-1][0]
    AuditChain.objects.update_or_create(pk=1, defaults={"seq": seq, "head": value, "anchor_seq": 0,
                                                        "anchor_chain": genesis})


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_chain'),
    ]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
