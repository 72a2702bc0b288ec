-- Read models of a centre's sessions, kept by the command and event handlers in the append's
-- transaction (inline projections). The event log is the truth; these tables can be rebuilt.

-- Rooms, for day sheets (names) and capacity.
CREATE TABLE rooms (
    room_id             uuid    PRIMARY KEY,
    centre_id           uuid    NOT NULL,
    name                text    NOT NULL,
    capacity            integer NOT NULL,
    supervised_suitable boolean NOT NULL
);
CREATE INDEX rooms_by_centre ON rooms (centre_id);

-- What referral and safeguarding said about each family scheduling knows: who may come (the
-- FamilyReadyNoted event, ids only) and how many holds are in force.
CREATE TABLE session_families (
    family_id      uuid    PRIMARY KEY,
    centre_id      uuid,
    ready          bytea,
    holds_in_force integer NOT NULL DEFAULT 0
);

-- Every booking, with its times, status and attendance: the day sheet, capacity and the booking
-- id -> family lookup that commands about one booking start from.
CREATE TABLE bookings (
    booking_id           uuid        PRIMARY KEY,
    centre_id            uuid        NOT NULL,
    family_id            uuid        NOT NULL,
    room_id              uuid        NOT NULL,
    pattern_id           uuid        NOT NULL,
    session_date         date        NOT NULL,
    session_opens_at     timestamptz NOT NULL,
    service_type         integer     NOT NULL,
    time_zone            text        NOT NULL,
    visiting_arrives_at  timestamptz NOT NULL,
    children_arrive_at   timestamptz NOT NULL,
    children_leave_at    timestamptz NOT NULL,
    visiting_leaves_at   timestamptz NOT NULL,
    status               integer     NOT NULL,
    cancellation_reason  integer     NOT NULL DEFAULT 0,
    cancelled_late       boolean     NOT NULL DEFAULT false,
    visiting_arrived_at  timestamptz,
    children_arrived_at  timestamptz,
    visiting_departed_at timestamptz,
    children_departed_at timestamptz,
    checked_in           uuid[]      NOT NULL DEFAULT '{}',
    refused_check_ins    integer     NOT NULL DEFAULT 0
);
-- The day sheet and capacity read a centre's bookings by date.
CREATE INDEX bookings_by_centre_date ON bookings (centre_id, session_date);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON rooms, session_families, bookings TO %I', current_setting('familytime.runtime_role'));
END;
$$;
