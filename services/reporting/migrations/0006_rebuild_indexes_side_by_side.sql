-- A rebuild's history gets its primary key after the load, and a rebuild builds its indexes in
-- parts, side by side (docs/decisions.md 74).
--
-- The key: PostgreSQL kept the history's B-tree for every row while the COPY of a national year's
-- million events ran, on a machine whose two cores the replay already filled; built once from the
-- loaded rows it costs less. Nothing writes a rebuild's history but that COPY until its indexes
-- are built: the fold records each stream's version once (adapters.Fold). reporting_begin_rebuild
-- drops the key of the new, empty table; the part 'history_key' builds it again.
--
-- The parts: the history's key and the index in the history's order, each on a connection of
-- its own, as soon as the history's COPY has ended, while the other tables are loaded and then
-- indexed; the key becomes the primary key last ('constraints'). One index built after another
-- left one of the machine's two cores idle. The key is built as a unique index first because
-- ALTER TABLE ... ADD PRIMARY KEY locks the table against the other index's build; ADD PRIMARY
-- KEY USING INDEX only names it. The live tables are not changed, and a rebuilt schema's indexes
-- are the same as before.

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
    RETURN target;
END;
$fn$;

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

-- The functions that built every index at once, on one connection, are gone.
DROP FUNCTION reporting_index_rebuild(text);
DROP FUNCTION reporting_create_projection_indexes(text);

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
