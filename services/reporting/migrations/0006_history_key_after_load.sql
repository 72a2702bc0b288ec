-- A rebuild's history table gets its primary key after the load, with the secondary indexes
-- (docs/decisions.md 74): PostgreSQL kept the key's B-tree while the COPY of a national year's
-- million events ran, on a machine whose two cores the replay already filled; built once from the
-- loaded rows it costs less. Nothing writes a rebuild's history but that COPY until its indexes are
-- built: the fold records each stream's version once (adapters.Fold). The live tables keep theirs.

CREATE OR REPLACE FUNCTION reporting_create_projections(target text) RETURNS void
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
        -- What the event means in plain words (app.Describe), written when it is projected.
        description text
        -- PRIMARY KEY (service, stream_id, version): added by reporting_create_projection_indexes
    );

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

CREATE OR REPLACE FUNCTION reporting_create_projection_indexes(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    EXECUTE format($ddl$
    -- The centre directory by name, and by region.
    CREATE INDEX ON %1$I.centres (name, centre_id);
    CREATE INDEX ON %1$I.centres (region, name, centre_id);
    -- The history's key, which a catch-up's INSERT ... ON CONFLICT needs; during the load the fold
    -- records each stream's version once (adapters.Fold).
    ALTER TABLE %1$I.history_events ADD PRIMARY KEY (service, stream_id, version);
    -- A family's history, as of any moment, in its order, from the index alone.
    CREATE INDEX ON %1$I.history_events (family_id, recorded_at, service, stream_id, version)
        INCLUDE (event_id, centre_id, event_type, actor, description) WHERE family_id IS NOT NULL;
    CREATE INDEX ON %1$I.referrals (family_id);
    CREATE INDEX ON %1$I.sessions (session_date);
    CREATE INDEX ON %1$I.attendance (session_date);
    $ddl$, target);
END;
$fn$;
