-- A rebuild builds its indexes in parts, side by side (docs/decisions.md 74): the history's key
-- and the index in the history's order, each on a connection of its own, as soon as the
-- history's COPY has ended, while the other tables are loaded and then indexed; the key becomes
-- the history's primary key last. One index built after another left one of the machine's two
-- cores idle. The key is built as a unique index first because ALTER TABLE ... ADD PRIMARY KEY
-- locks the table against the other index's build; ADD PRIMARY KEY USING INDEX only names it.
-- The live tables are not changed, and the indexes are the same as before.

CREATE FUNCTION reporting_create_projection_indexes(target text, part text) RETURNS void
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
            INCLUDE (event_id, centre_id, event_type, actor, description) WHERE family_id IS NOT NULL;
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

CREATE OR REPLACE FUNCTION reporting_create_projection_indexes(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projection_indexes(target, 'history_key');
    PERFORM public.reporting_create_projection_indexes(target, 'history_order');
    PERFORM public.reporting_create_projection_indexes(target, 'others');
    PERFORM public.reporting_create_projection_indexes(target, 'constraints');
END;
$fn$;

-- reporting_index_rebuild_part builds one part of a rebuilt schema's indexes (above).
CREATE FUNCTION reporting_index_rebuild_part(rebuilt text, part text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF rebuilt !~ '^reporting_rebuild_[0-9]+$' OR NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = rebuilt) THEN
        RAISE EXCEPTION 'no rebuilt schema %', rebuilt;
    END IF;
    PERFORM public.reporting_create_projection_indexes(rebuilt, part);
END;
$fn$;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON FUNCTION reporting_index_rebuild_part(text, text), reporting_create_projection_indexes(text, text) FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION reporting_index_rebuild_part(text, text) TO %I', current_setting('familytime.runtime_role'));
END;
$$;
