-- A family's history says in what role each step's actor acted (a coordinator, a volunteer, a
-- supervisor...), as the issue's timeline asks, beside the account id (docs/decisions.md 83). The
-- role travels in the event's metadata (actor_role); events recorded before have none. The index
-- that carries every column the history shows carries it too.

ALTER TABLE reporting.history_events ADD COLUMN actor_role text;
DO $$
DECLARE
    old text;
BEGIN
    SELECT indexname INTO STRICT old FROM pg_indexes
        WHERE schemaname = 'reporting' AND tablename = 'history_events' AND indexdef LIKE '%INCLUDE%';
    EXECUTE format('DROP INDEX reporting.%I', old);
END;
$$;
CREATE INDEX ON reporting.history_events (family_id, recorded_at, service, stream_id, version)
    INCLUDE (event_id, centre_id, event_type, actor, description, actor_role) WHERE family_id IS NOT NULL;

-- Rebuilt schemas have the same column, last as in the live table, and the same index.
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_roles;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_roles(target);
    EXECUTE format('ALTER TABLE %I.history_events ADD COLUMN actor_role text', target);
END;
$fn$;

CREATE OR REPLACE FUNCTION reporting_create_projection_indexes(target text, part text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    CASE part
    WHEN 'history_key' THEN
        -- The history's key, which a catch-up's INSERT ... ON CONFLICT needs; during the load the
        -- fold records each stream's version once (adapters.Fold).
        EXECUTE format('CREATE UNIQUE INDEX history_events_pkey ON %I.history_events (service, stream_id, version)', target);
    WHEN 'history_order' THEN
        -- A family's history, as of any moment, in its order, from the index alone.
        EXECUTE format($ddl$
        CREATE INDEX ON %1$I.history_events (family_id, recorded_at, service, stream_id, version)
            INCLUDE (event_id, centre_id, event_type, actor, description, actor_role) WHERE family_id IS NOT NULL;
        $ddl$, target);
    WHEN 'others' THEN
        EXECUTE format($ddl$
        -- The centre directory by name, and by region.
        CREATE INDEX ON %1$I.centres (name, centre_id);
        CREATE INDEX ON %1$I.centres (region, name, centre_id);
        CREATE INDEX ON %1$I.referrals (family_id);
        CREATE INDEX ON %1$I.sessions (session_date);
        CREATE INDEX ON %1$I.attendance (session_date);
        $ddl$, target);
    WHEN 'constraints' THEN
        EXECUTE format('ALTER TABLE %I.history_events ADD CONSTRAINT history_events_pkey PRIMARY KEY USING INDEX history_events_pkey', target);
    ELSE
        RAISE EXCEPTION 'no index part %', part;
    END CASE;
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
