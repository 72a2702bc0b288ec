-- A closed period's published figures are fixed at its cutoff (docs/decisions.md 282, carried out
-- by 292). A month is published from the start (UK time) of the 8th day
-- after it ends; the first publication after that closes it: its sessions and the children who
-- attended them, as the live projections have them then, are kept here, and the published
-- figures count these, so a session completed, a no-show recorded or a booking cancelled weeks
-- later changes the exact figures only, never the published ones (review 50 subtracted two
-- publications of a closed quarter either side of such records, and read a "<5" exactly).
--
-- The tables live in public, not in the projections' schema: a rebuild swaps that schema for one
-- replayed from the streams, and what was published stays published. They hold what the
-- projections hold (ids, dates, centres, kinds of contact, age bands), nothing more.

-- One row per month closed (its first day), when and on which of the service's days.
CREATE TABLE public.month_closings (
    month     date        PRIMARY KEY,
    closed_at timestamptz NOT NULL,
    closed_on date        NOT NULL
);

-- Each booking of a month closed, as it stood at the closing; a booking recorded after it has
-- no row and is not counted in the published figures.
CREATE TABLE public.closed_sessions (
    booking_id   uuid    PRIMARY KEY,
    family_id    uuid    NOT NULL,
    centre_id    uuid    NOT NULL,
    room_id      uuid,
    session_date date    NOT NULL,
    service_type integer NOT NULL,
    state        text    NOT NULL
);
CREATE INDEX ON public.closed_sessions (session_date);

-- Each child who had attended a completed session of a month closed, at the closing.
CREATE TABLE public.closed_attendance (
    booking_id   uuid    NOT NULL,
    child_id     uuid    NOT NULL,
    family_id    uuid    NOT NULL,
    centre_id    uuid    NOT NULL,
    session_date date    NOT NULL,
    service_type integer NOT NULL,
    age_band     integer NOT NULL,
    PRIMARY KEY (booking_id, child_id)
);
CREATE INDEX ON public.closed_attendance (session_date);

-- The members of each centre's staff on a month closed's last day, at the closing: a last day
-- recorded after it (`staff leave --on` may backdate one) changes no published staff_at_end.
CREATE TABLE public.closed_staff (
    month     date    NOT NULL,
    centre_id uuid    NOT NULL,
    member_id uuid    NOT NULL,
    role      integer NOT NULL,
    PRIMARY KEY (month, centre_id, member_id)
);

-- The first publication of each period: a digest of its figures' values then, so that a later
-- publication that differs (a correction recorded since: an ending corrected, two children
-- confirmed as one, a referral declined as a duplicate) says it was revised.
CREATE TABLE public.period_publications (
    period       text        PRIMARY KEY,
    digest       bytea       NOT NULL,
    published_at timestamptz NOT NULL
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON public.month_closings, public.closed_sessions, public.closed_attendance, public.closed_staff, public.period_publications TO %I',
        current_setting('familytime.runtime_role'));
END;
$$;
