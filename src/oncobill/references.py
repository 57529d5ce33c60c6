"""References that PostgreSQL checks once per statement instead of once per row.

A 100k-claim 835 writes about two million rows into the tables below. A foreign key checks each row
with its own query and locks the row it names; on those tables that was more than half of the
database's work. Here the same rule is kept by triggers: after each INSERT or UPDATE (a COPY is one
statement) every new value must name an existing row, checked with one set query over the
statement's new rows; and a DELETE of a referenced row, or a change of its id, fails while anything
still names it. The delete check first locks the referring table in SHARE mode, which waits for any
transaction still writing to it: that is what the per-row lock of a foreign key buys, paid only by
the rare delete instead of by every insert.

Both checks raise SQLSTATE 23503 (foreign_key_violation) naming table, column and value, so callers
see the same IntegrityError as from a foreign key. SQLite keeps ordinary foreign keys; the models
declare them on both databases, and ``include_object`` tells Alembic's drift check that on
PostgreSQL these live as triggers.
"""

from __future__ import annotations

from collections import defaultdict

# (referring table, column, referred table); the referred column is always ``id``.
STATEMENT_CHECKED: tuple[tuple[str, str, str], ...] = (
    ("journal_lines", "entry_id", "journal_entries"),
    ("journal_lines", "charge_line_id", "charge_lines"),
    ("remit_adjustments", "remit_claim_id", "remit_claims"),
    ("remit_adjustments", "remit_service_line_id", "remit_service_lines"),
    ("remit_service_lines", "remit_claim_id", "remit_claims"),
    ("remit_service_lines", "claim_line_id", "claim_lines"),
    ("remit_claim_entries", "remit_claim_id", "remit_claims"),
    ("remit_claim_entries", "journal_entry_id", "journal_entries"),
    ("remit_claims", "era_import_id", "era_imports"),
    ("remit_claims", "claim_id", "claims"),
    ("payer_claim_numbers", "claim_id", "claims"),
    ("payer_claim_numbers", "payer_id", "payers"),
    ("claim_status_events", "claim_id", "claims"),
)

FUNCTIONS = """
CREATE FUNCTION oncobill_check_references() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    i int := 0;
    missing text;
BEGIN
    -- TG_ARGV: column, referred table, column, referred table, ...; new_rows: the statement's rows
    WHILE i < TG_NARGS LOOP
        -- each value once (an entry's postings share their entry and charge line)
        EXECUTE format('SELECT v::text FROM (SELECT DISTINCT n.%1$I AS v FROM new_rows n WHERE n.%1$I IS NOT NULL) d '
                       'WHERE NOT EXISTS (SELECT 1 FROM %2$I r WHERE r.id = d.v) LIMIT 1', TG_ARGV[i], TG_ARGV[i + 1])
            INTO missing;
        IF missing IS NOT NULL THEN
            RAISE foreign_key_violation USING
                MESSAGE = format('%s.%s = %s names no row of %s', TG_TABLE_NAME, TG_ARGV[i], missing, TG_ARGV[i + 1]),
                TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i];
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION oncobill_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    i int := 0;
    still text;
BEGIN
    -- TG_ARGV: referring table, column, ...; old_rows: the rows this statement deleted
    WHILE i < TG_NARGS LOOP
        EXECUTE format('LOCK TABLE %I IN SHARE MODE', TG_ARGV[i]);
        EXECUTE format('SELECT o.id::text FROM old_rows o WHERE EXISTS '
                       '(SELECT 1 FROM %1$I c WHERE c.%2$I = o.id) LIMIT 1', TG_ARGV[i], TG_ARGV[i + 1])
            INTO still;
        IF still IS NOT NULL THEN
            RAISE foreign_key_violation USING
                MESSAGE = format('%s id %s is still named by %s.%s', TG_TABLE_NAME, still, TG_ARGV[i], TG_ARGV[i + 1]),
                TABLE = TG_TABLE_NAME;
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END
$fn$;

CREATE FUNCTION oncobill_keep_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    RAISE foreign_key_violation USING
        MESSAGE = format('%s id %s cannot change: other rows name it', TG_TABLE_NAME, OLD.id), TABLE = TG_TABLE_NAME;
END
$fn$;
"""


def _args(*values: str) -> str:
    return ", ".join(f"'{v}'" for v in values)


def install_sql(refs: tuple[tuple[str, str, str], ...] = STATEMENT_CHECKED) -> list[str]:
    """Statements that replace the foreign keys in *refs* by statement-level checks (PostgreSQL)."""
    by_child: dict[str, list[str]] = defaultdict(list)
    by_parent: dict[str, list[str]] = defaultdict(list)
    sql = [FUNCTIONS]
    for child, column, parent in refs:
        sql.append(f"ALTER TABLE {child} DROP CONSTRAINT fk_{child}_{column}_{parent}")
        by_child[child] += [column, parent]
        by_parent[parent] += [child, column]
    for child, args in by_child.items():
        for event in ("INSERT", "UPDATE"):
            sql.append(f"CREATE TRIGGER references_on_{event.lower()} AFTER {event} ON {child} "
                       f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                       f"EXECUTE FUNCTION oncobill_check_references({_args(*args)})")
    for parent, args in by_parent.items():
        sql.append(f"CREATE TRIGGER referenced_on_delete AFTER DELETE ON {parent} "
                   f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION oncobill_keep_referenced({_args(*args)})")
        sql.append(f"CREATE TRIGGER referenced_id_kept BEFORE UPDATE OF id ON {parent} "
                   f"FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION oncobill_keep_id()")
    return sql


def remove_sql(refs: tuple[tuple[str, str, str], ...] = STATEMENT_CHECKED) -> list[str]:
    """The way back: triggers and functions dropped, the foreign keys restored (PostgreSQL)."""
    sql = []
    for child in dict.fromkeys(c for c, _, _ in refs):
        sql += [f"DROP TRIGGER references_on_insert ON {child}", f"DROP TRIGGER references_on_update ON {child}"]
    for parent in dict.fromkeys(p for _, _, p in refs):
        sql += [f"DROP TRIGGER referenced_on_delete ON {parent}", f"DROP TRIGGER referenced_id_kept ON {parent}"]
    sql += ["DROP FUNCTION oncobill_check_references()", "DROP FUNCTION oncobill_keep_referenced()",
            "DROP FUNCTION oncobill_keep_id()"]
    for child, column, parent in refs:
        sql.append(f"ALTER TABLE {child} ADD CONSTRAINT fk_{child}_{column}_{parent} "
                   f"FOREIGN KEY ({column}) REFERENCES {parent} (id)")
    return sql


_CHECKED = {(child, column) for child, column, _ in STATEMENT_CHECKED}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's drift check on PostgreSQL: these foreign keys are triggers there, not constraints."""
    if type_ != "foreign_key_constraint":
        return True
    table = obj.parent.name if obj.parent is not None else None
    return not any((table, column) in _CHECKED for column in obj.column_keys)
