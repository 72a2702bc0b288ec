-- Reporting's projections move into a schema of their own, "reporting", so that a rebuild can
-- build a complete second copy beside them (reporting_rebuild_<n>) and swap it in with two
-- renames in one transaction (docs/decisions.md 61). The tables are defined once, by
-- reporting_create_projections, which this migration runs for the live schema and a rebuild runs
-- for its own. A later migration that changes a projection replaces the function and alters the
-- live tables.

CREATE SCHEMA reporting;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    EXECUTE format($ddl$
    -- The centre directory, from scheduling's CentreRegistered and CentreUpdated.
    CREATE TABLE %1$I.centres (
        centre_id            uuid        PRIMARY KEY,
        name                 text        NOT NULL,
        region               integer     NOT NULL,
        service_types        integer[]   NOT NULL,
        accreditation_status integer     NOT NULL,
        accreditation_date   date,
        version              bigint      NOT NULL,
        updated_at           timestamptz NOT NULL
    );
    CREATE INDEX ON %1$I.centres (name, centre_id);
    CREATE INDEX ON %1$I.centres (region, name, centre_id);

    -- Every event of every service, as it travelled (the envelope's bytes), for the families'
    -- histories and their verification. Events of no family (a centre's timetable) are kept too:
    -- a stream shared by several families (a room's occupancy) verifies only whole.
    CREATE TABLE %1$I.history_events (
        service     text        NOT NULL,
        stream_id   text        COLLATE "C" NOT NULL,
        version     bigint      NOT NULL,
        event_id    uuid        NOT NULL,
        family_id   uuid,
        centre_id   uuid,
        event_type  text        NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor       text        NOT NULL,
        envelope    bytea       NOT NULL,
        PRIMARY KEY (service, stream_id, version)
    );
    CREATE INDEX ON %1$I.history_events (family_id, recorded_at) WHERE family_id IS NOT NULL;

    -- One row per referral (a family has one, decisions.md 35): its source, involvement and
    -- each decision's date, from referral's events.
    CREATE TABLE %1$I.referrals (
        referral_id            uuid    PRIMARY KEY,
        family_id              uuid    NOT NULL,
        centre_id              uuid    NOT NULL,
        source                 integer NOT NULL DEFAULT 0,
        requested_service_type integer NOT NULL DEFAULT 0,
        court_involved         boolean NOT NULL DEFAULT false,
        cafcass_involved       boolean NOT NULL DEFAULT false,
        received_on            date,
        received_at            timestamptz,
        service_type           integer NOT NULL DEFAULT 0,
        accepted_on            date,
        waitlisted_on          date,
        declined_on            date,
        decline_reason         integer NOT NULL DEFAULT 0,
        withdrawn_on           date,
        first_session_on       date,
        ended_on               date,
        outcome                integer NOT NULL DEFAULT 0
    );
    CREATE INDEX ON %1$I.referrals (family_id);

    -- One row per booking and what became of it: booked, cancelled, attended or no_show.
    CREATE TABLE %1$I.sessions (
        booking_id   uuid    PRIMARY KEY,
        family_id    uuid    NOT NULL,
        centre_id    uuid    NOT NULL,
        room_id      uuid,
        session_date date    NOT NULL,
        service_type integer NOT NULL,
        state        text    NOT NULL
    );
    CREATE INDEX ON %1$I.sessions (session_date);

    -- Each child who attended a completed session, with the age band on the session date.
    CREATE TABLE %1$I.attendance (
        booking_id   uuid    NOT NULL,
        child_id     uuid    NOT NULL,
        family_id    uuid    NOT NULL,
        centre_id    uuid    NOT NULL,
        session_date date    NOT NULL,
        service_type integer NOT NULL,
        age_band     integer NOT NULL,
        PRIMARY KEY (booking_id, child_id)
    );
    CREATE INDEX ON %1$I.attendance (session_date);

    -- Rooms and opening patterns, for the sessions and places a centre had available.
    CREATE TABLE %1$I.rooms (
        room_id             uuid    PRIMARY KEY,
        centre_id           uuid    NOT NULL,
        capacity            integer NOT NULL,
        supervised_suitable boolean NOT NULL
    );
    CREATE TABLE %1$I.patterns (
        pattern_id uuid   PRIMARY KEY,
        centre_id  uuid   NOT NULL,
        pattern    bytea  NOT NULL,
        version    bigint NOT NULL
    );

    -- Families waiting for a place at a centre (scheduling's waiting list).
    CREATE TABLE %1$I.waiting (
        centre_id uuid        NOT NULL,
        family_id uuid        NOT NULL,
        joined_at timestamptz NOT NULL,
        left_at   timestamptz,
        PRIMARY KEY (centre_id, family_id, joined_at)
    );

    -- Safeguarding, counts only: concerns and holds, never their text.
    CREATE TABLE %1$I.concerns (
        concern_id   uuid    PRIMARY KEY,
        family_id    uuid    NOT NULL,
        centre_id    uuid    NOT NULL,
        category     integer NOT NULL,
        raised_on    date    NOT NULL,
        escalated_on date,
        closed_on    date
    );
    CREATE TABLE %1$I.holds (
        hold_id   uuid    PRIMARY KEY,
        family_id uuid    NOT NULL,
        centre_id uuid    NOT NULL,
        reason    integer NOT NULL DEFAULT 0,
        placed_on date,
        lifted_on date
    );
    CREATE TABLE %1$I.reports (
        report_id  uuid PRIMARY KEY,
        family_id  uuid NOT NULL,
        centre_id  uuid NOT NULL,
        session_on date,
        released_on date
    );
    $ddl$, target);
END;
$fn$;

SELECT reporting_create_projections('reporting');
INSERT INTO reporting.centres SELECT centre_id, name, region, service_types, accreditation_status,
    accreditation_date, version, updated_at FROM public.centres;
DROP TABLE public.centres;

-- Rebuilds: the runtime role may not create or rename schemas; these two functions, run with the
-- owner's rights, do exactly that and nothing else.
CREATE SEQUENCE reporting_rebuilds;
-- The role the rebuilt tables are granted to: the runtime role this migration ran for.
CREATE TABLE reporting_rebuild_role (role text NOT NULL);
INSERT INTO reporting_rebuild_role VALUES (current_setting('familytime.runtime_role'));

-- reporting_begin_rebuild creates an empty copy of the projections in a new schema and returns
-- its name. Rebuild schemas left by a rebuild that did not finish are dropped first.
CREATE FUNCTION reporting_begin_rebuild() RETURNS text
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
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', target, role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA %I TO %I', target, role);
    RETURN target;
END;
$fn$;

-- reporting_swap puts a rebuilt schema in place of the live one and drops the old tables, in the
-- caller's transaction.
CREATE FUNCTION reporting_swap(rebuilt text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF rebuilt !~ '^reporting_rebuild_[0-9]+$' OR NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = rebuilt) THEN
        RAISE EXCEPTION 'no rebuilt schema %', rebuilt;
    END IF;
    ALTER SCHEMA reporting RENAME TO reporting_retired;
    EXECUTE format('ALTER SCHEMA %I RENAME TO reporting', rebuilt);
    DROP SCHEMA reporting_retired CASCADE;
END;
$fn$;

-- reporting_abandon_rebuild drops a rebuild's schema (a rebuild that failed or was cancelled).
CREATE FUNCTION reporting_abandon_rebuild(rebuilt text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    IF rebuilt ~ '^reporting_rebuild_[0-9]+$' THEN
        EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', rebuilt);
    END IF;
END;
$fn$;

DO $$
DECLARE
    role text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA reporting TO %I', role);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA reporting TO %I', role);
    EXECUTE format('REVOKE ALL ON FUNCTION reporting_begin_rebuild(), reporting_swap(text), reporting_abandon_rebuild(text), reporting_create_projections(text) FROM PUBLIC');
    EXECUTE format('GRANT EXECUTE ON FUNCTION reporting_begin_rebuild(), reporting_swap(text), reporting_abandon_rebuild(text) TO %I', role);
END;
$$;
