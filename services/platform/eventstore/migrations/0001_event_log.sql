-- The event log: each service's system of record. Append-only, enforced here and by privileges.
CREATE TABLE events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's id. The relay publishes in (tx_id, position) order, reading only
    -- rows below the oldest running transaction, so no event is skipped under concurrent writers.
    tx_id          xid8        NOT NULL DEFAULT pg_current_xact_id(),
    stream_id      text        NOT NULL CHECK (stream_id <> ''),
    version        bigint      NOT NULL CHECK (version > 0),
    event_id       uuid        NOT NULL UNIQUE,
    event_type     text        NOT NULL CHECK (event_type <> ''),
    schema_version integer     NOT NULL CHECK (schema_version > 0),
    family_id      uuid,
    centre_id      uuid,
    payload        bytea       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL,
    previous_hash  bytea       NOT NULL CHECK (length(previous_hash) = 32),
    hash           bytea       NOT NULL CHECK (length(hash) = 32),
    -- The optimistic-concurrency check: an append names the version it expects.
    UNIQUE (stream_id, version)
);

CREATE INDEX events_commit_order ON events (tx_id, position);
CREATE INDEX events_family ON events (family_id, position) WHERE family_id IS NOT NULL;

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on events is not allowed', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'record a correcting event instead';
END;
$$;

CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Where each relay has published up to, in commit order.
CREATE TABLE relay_checkpoints (
    relay         text        PRIMARY KEY,
    tx_id         xid8        NOT NULL,
    position      bigint      NOT NULL,
    -- The last event published, which the next publish names as the stream's expected last
    -- message: JetStream then refuses a message that would overtake one that failed.
    last_event_id uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events a consumer has handled, written in the handler's transaction: a redelivery is a no-op.
CREATE TABLE inbox (
    consumer   text        NOT NULL,
    event_id   uuid        NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON events FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON events TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON relay_checkpoints TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT ON inbox TO %I', runtime);
END;
$$;
