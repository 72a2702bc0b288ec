-- Idempotent commands, per-stream order for consumers, parked streams, and column-level grants on
-- the event log (docs/decisions.md, 23 to 27).

-- A command's request id, recorded in the same transaction as what the command appended, with the
-- answer the caller was given: a retry with the same id gets that answer again and appends nothing,
-- across restarts. The fingerprint covers the RPC, the caller and the request, so the same id sent
-- with another request, or by another caller, is refused instead of answered.
CREATE TABLE requests (
    request_id  uuid        PRIMARY KEY,
    fingerprint bytea       NOT NULL CHECK (length(fingerprint) = 32),
    outcome     bytea       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- The last version of each source stream a consumer has handled, written in the handler's
-- transaction with its inbox row. An event older than the stream's last handled version is refused
-- by the same statement (the update's WHERE), so a consumer can never apply a stream's events out
-- of order, whatever a restart, a new leader or a redelivery does.
CREATE TABLE consumer_streams (
    consumer  text COLLATE "C" NOT NULL,
    stream_id text COLLATE "C" NOT NULL,
    version   bigint NOT NULL CHECK (version > 0),
    PRIMARY KEY (consumer, stream_id)
);

-- A source stream a consumer has stopped at: its event event_id could not be handled (a poison),
-- and the stream's later events wait in parked_events until an operator releases it
-- (release = 'retry' after a fix, or 'skip' to pass the poison over). Other streams flow meanwhile.
CREATE TABLE parked_streams (
    consumer    text COLLATE "C" NOT NULL,
    stream_id   text COLLATE "C" NOT NULL,
    event_id    uuid        NOT NULL,
    version     bigint      NOT NULL,
    reason      text        NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    release     text CHECK (release IN ('retry', 'skip')),
    released_at timestamptz,
    released_by text,
    PRIMARY KEY (consumer, stream_id)
);

-- Every event of a parked stream, the poison first, kept with its envelope until the stream is
-- released, so nothing waits in JetStream (where unacknowledged events would fill the consumer's
-- window and stop every stream) and nothing is lost if the consumer restarts.
CREATE TABLE parked_events (
    consumer    text COLLATE "C" NOT NULL,
    event_id    uuid        NOT NULL,
    stream_id   text COLLATE "C" NOT NULL,
    version     bigint      NOT NULL,
    subject     text        NOT NULL,
    envelope    bytea       NOT NULL,
    parked_at   timestamptz NOT NULL DEFAULT now(),
    handled_at  timestamptz,
    PRIMARY KEY (consumer, event_id)
);
CREATE INDEX parked_events_waiting ON parked_events (consumer, stream_id, version) WHERE handled_at IS NULL;

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    -- The runtime role writes only the columns an append writes: never tx_id (which orders the
    -- relay) nor position (GENERATED ALWAYS; OVERRIDING SYSTEM VALUE needs the column's grant).
    EXECUTE format('REVOKE INSERT ON events FROM %I', runtime);
    EXECUTE format('GRANT INSERT (stream_id, version, event_id, event_type, schema_version, family_id, centre_id,
        payload, actor, correlation_id, causation_id, request_id, traceparent, tracestate, recorded_at,
        previous_hash, hash) ON events TO %I', runtime);
    EXECUTE format('REVOKE ALL ON requests, consumer_streams, parked_streams, parked_events FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON requests TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (version) ON consumer_streams TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT ON parked_streams TO %I', runtime);
    EXECUTE format('GRANT UPDATE (event_id, version, reason, parked_at, release, released_at, released_by) ON parked_streams TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (handled_at) ON parked_events TO %I', runtime);
END;
$$;

-- A consumer's cursor on a stream only moves forward. A handler's transaction that would move it
-- back (an event older than one already handled) fails here, with everything else it wrote.
CREATE FUNCTION consumer_streams_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version <= OLD.version THEN
        RAISE EXCEPTION 'consumer % has handled version % of the stream; version % is older', OLD.consumer, OLD.version, NEW.version
            USING ERRCODE = 'FTORD', DETAIL = OLD.stream_id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER consumer_streams_forward_only BEFORE UPDATE ON consumer_streams
    FOR EACH ROW EXECUTE FUNCTION consumer_streams_forward_only();
