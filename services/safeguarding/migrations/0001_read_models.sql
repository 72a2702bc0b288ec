-- Safeguarding's read models, kept by the command handlers in the append's transaction (inline
-- projections). The events are the truth; these tables can be rebuilt from them. They hold ids,
-- categories, dates and account ids only: every text stays sealed in the events.

-- Concerns, for ListOpenConcerns and the centre check on every concern RPC.
CREATE TABLE concerns (
    concern_id uuid    PRIMARY KEY,
    family_id  uuid    NOT NULL,
    centre_id  uuid    NOT NULL,
    category   integer NOT NULL,
    raised_on  date    NOT NULL,
    raised_by  text    NOT NULL,
    escalated  boolean NOT NULL DEFAULT false,
    closed     boolean NOT NULL DEFAULT false,
    version    bigint  NOT NULL
);
CREATE INDEX concerns_open_by_centre ON concerns (centre_id, raised_on) WHERE NOT closed;

-- Alerts to a centre's safeguarding lead (LeadAlerted), newest first.
CREATE TABLE lead_alerts (
    concern_id  uuid        PRIMARY KEY,
    family_id   uuid        NOT NULL,
    centre_id   uuid        NOT NULL,
    category    integer     NOT NULL,
    alerted_on  date        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lead_alerts_by_centre ON lead_alerts (centre_id, recorded_at DESC);

-- Holds, for ListHolds.
CREATE TABLE holds (
    hold_id    uuid    PRIMARY KEY,
    family_id  uuid    NOT NULL,
    centre_id  uuid    NOT NULL,
    concern_id uuid,
    reason     integer NOT NULL,
    placed_on  date    NOT NULL,
    review_by  date    NOT NULL,
    lifted_on  date
);
CREATE INDEX holds_by_centre ON holds (centre_id, placed_on DESC);

-- Reports, for ListOverdueReports and the centre check on every report RPC.
CREATE TABLE reports (
    report_id  uuid    PRIMARY KEY,
    family_id  uuid    NOT NULL,
    centre_id  uuid    NOT NULL,
    booking_id uuid    NOT NULL,
    session_on date    NOT NULL,
    state      integer NOT NULL,
    author     text    NOT NULL DEFAULT '',
    checker    text    NOT NULL DEFAULT '',
    version    bigint  NOT NULL
);
CREATE INDEX reports_unreleased_by_centre ON reports (centre_id, session_on) WHERE state <> 5;

-- Access records (AccessRecorded), for ListAccessRecords. The purpose stays sealed, as in the
-- event; the list opens it for those allowed to see it.
CREATE TABLE access_records (
    event_id       uuid        PRIMARY KEY,
    family_id      uuid        NOT NULL,
    centre_id      uuid        NOT NULL,
    subject        text        NOT NULL,
    role           text        NOT NULL,
    kind           integer     NOT NULL,
    record_id      uuid        NOT NULL,
    sealed_purpose bytea       NOT NULL,
    accessed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_records_by_family ON access_records (family_id, accessed_at);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON concerns, lead_alerts, holds, reports TO %I',
        current_setting('familytime.runtime_role'));
    -- Access records are never changed.
    EXECUTE format('GRANT SELECT, INSERT ON access_records TO %I', current_setting('familytime.runtime_role'));
END;
$$;
