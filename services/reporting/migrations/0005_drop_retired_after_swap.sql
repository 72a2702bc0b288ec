-- A swap no longer drops the old tables in its own transaction (docs/decisions.md 74): dropping a
-- national year's history took about a second while the swap lock was held, and the live
-- consumers waited for it. The swap now renames the old schema reporting_retired_N (N of the
-- rebuild that replaced it); reporting_drop_retired drops every such schema, once the swap has
-- committed, and again when a rebuild begins (a process that stopped between the two leaves one).

CREATE OR REPLACE FUNCTION reporting_swap(rebuilt text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF rebuilt !~ '^reporting_rebuild_[0-9]+$' OR NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = rebuilt) THEN
        RAISE EXCEPTION 'no rebuilt schema %', rebuilt;
    END IF;
    EXECUTE format('ALTER SCHEMA reporting RENAME TO %I', 'reporting_retired_' || substring(rebuilt FROM '[0-9]+$'));
    EXECUTE format('ALTER SCHEMA %I RENAME TO reporting', rebuilt);
END;
$fn$;

-- reporting_drop_retired drops the schemas swaps retired.
CREATE FUNCTION reporting_drop_retired() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    retired text;
BEGIN
    FOR retired IN SELECT nspname FROM pg_namespace WHERE nspname ~ '^reporting_retired_[0-9]+$' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', retired);
    END LOOP;
END;
$fn$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON FUNCTION reporting_drop_retired() FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION reporting_drop_retired() TO %I', current_setting('familytime.runtime_role'));
END;
$$;
