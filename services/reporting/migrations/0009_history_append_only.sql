-- The history is append-only for the runtime role (review 19, docs/decisions.md 153). Reporting
-- writes reporting.history_events only with INSERT ... ON CONFLICT DO NOTHING (the live
-- consumers, a rebuild's catch-up) and a rebuild's COPY into a schema of its own, swapped in by
-- renaming: nothing of it updates or deletes a row. Its UPDATE let the service's own credentials
-- move a family's rows to another family (a hold hidden from its history, and its record with
-- it); the role keeps SELECT and INSERT. The other projections are kept by updates and keep
-- theirs. The owner can still change the history: VerifyFamilyHistory is what finds that.

DO $$
BEGIN
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON reporting.history_events FROM %I', current_setting('familytime.runtime_role'));
END;
$$;

-- A rebuilt schema's history is granted the same: reporting_begin_rebuild as in 0006, and the
-- history's privileges narrowed after the schema's tables are granted.
CREATE OR REPLACE FUNCTION reporting_begin_rebuild() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    target text := 'reporting_rebuild_' || nextval('public.reporting_rebuilds');
    stale  text;
    role   text := (SELECT r.role FROM public.reporting_rebuild_role r);
BEGIN
    FOR stale IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'reporting\_rebuild\_%' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', stale);
    END LOOP;
    EXECUTE format('CREATE SCHEMA %I', target);
    PERFORM public.reporting_create_projections(target);
    EXECUTE format('ALTER TABLE %I.history_events DROP CONSTRAINT history_events_pkey', target);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', target, role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA %I TO %I', target, role);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I.history_events FROM %I', target, role);
    RETURN target;
END;
$fn$;
