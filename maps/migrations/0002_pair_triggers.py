"""Database-level guard for MapPair: one internal and one customer map of the same
persona. The rule spans rows, which a CHECK constraint cannot express, so it is a
trigger on both supported databases (SQLite, PostgreSQL)."""

from django.db import migrations

MESSAGE = "map pair needs one internal and one customer map of the same persona"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER maps_mappair_valid_{event}
    BEFORE {event.upper()} ON maps_mappair
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}')
        WHERE (SELECT perspective FROM maps_empathymap WHERE id = NEW.internal_map_id)
                  IS NOT 'internal'
           OR (SELECT perspective FROM maps_empathymap WHERE id = NEW.customer_map_id)
                  IS NOT 'customer'
           OR (SELECT persona_id FROM maps_empathymap WHERE id = NEW.internal_map_id)
                  IS NOT (SELECT persona_id FROM maps_empathymap WHERE id = NEW.customer_map_id);
    END;
    """
    for event in ("insert", "update")
] + [
    f"""
    CREATE TRIGGER maps_empathymap_keep_pairs_valid
    BEFORE UPDATE OF perspective, persona_id ON maps_empathymap
    WHEN (NEW.perspective IS NOT OLD.perspective OR NEW.persona_id IS NOT OLD.persona_id)
     AND EXISTS (SELECT 1 FROM maps_mappair
                 WHERE internal_map_id = NEW.id OR customer_map_id = NEW.id)
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE}');
    END;
    """
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS maps_mappair_valid_insert;",
    "DROP TRIGGER IF EXISTS maps_mappair_valid_update;",
    "DROP TRIGGER IF EXISTS maps_empathymap_keep_pairs_valid;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION maps_mappair_check() RETURNS trigger AS $$
    DECLARE
        internal_perspective text;
        internal_persona bigint;
        customer_perspective text;
        customer_persona bigint;
    BEGIN
        SELECT perspective, persona_id INTO internal_perspective, internal_persona
            FROM maps_empathymap WHERE id = NEW.internal_map_id;
        SELECT perspective, persona_id INTO customer_perspective, customer_persona
            FROM maps_empathymap WHERE id = NEW.customer_map_id;
        IF internal_perspective IS DISTINCT FROM 'internal'
           OR customer_perspective IS DISTINCT FROM 'customer'
           OR internal_persona IS DISTINCT FROM customer_persona THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER maps_mappair_valid
    BEFORE INSERT OR UPDATE ON maps_mappair
    FOR EACH ROW EXECUTE FUNCTION maps_mappair_check();
    """,
    f"""
    CREATE OR REPLACE FUNCTION maps_empathymap_keep_pairs_valid() RETURNS trigger AS $$
    BEGIN
        IF (NEW.perspective IS DISTINCT FROM OLD.perspective
            OR NEW.persona_id IS DISTINCT FROM OLD.persona_id)
           AND EXISTS (SELECT 1 FROM maps_mappair
                       WHERE internal_map_id = NEW.id OR customer_map_id = NEW.id) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER maps_empathymap_keep_pairs_valid
    BEFORE UPDATE ON maps_empathymap
    FOR EACH ROW EXECUTE FUNCTION maps_empathymap_keep_pairs_valid();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS maps_mappair_valid ON maps_mappair;",
    "DROP FUNCTION IF EXISTS maps_mappair_check();",
    "DROP TRIGGER IF EXISTS maps_empathymap_keep_pairs_valid ON maps_empathymap;",
    "DROP FUNCTION IF EXISTS maps_empathymap_keep_pairs_valid();",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
    "postgresql": (POSTGRES_FORWARD, POSTGRES_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"Gapmap supports SQLite and PostgreSQL, not {vendor}.")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor) -> None:
    _run(schema_editor, forward=True)


def drop_triggers(apps, schema_editor) -> None:
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("maps", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
