-- An event's metadata in columns of their own instead of one jsonb document (docs/decisions.md,
-- 22): the server no longer parses a document for every event appended, operators query the
-- fields by name, and an absent field takes no space. The hash chain covers the fields, not how
-- they are stored, so every stream verifies as before.
ALTER TABLE events
    ADD COLUMN actor          text,
    ADD COLUMN correlation_id text,
    ADD COLUMN causation_id   text,
    ADD COLUMN request_id     text,
    ADD COLUMN traceparent    text,
    ADD COLUMN tracestate     text;

-- Moving the fields of events already recorded is an UPDATE, which the append-only trigger
-- refuses; it is switched off for this statement only, inside this migration's transaction,
-- under the lock ALTER TABLE holds, so no other session can change a row meanwhile.
ALTER TABLE events DISABLE TRIGGER events_no_update_delete;
UPDATE events SET
    actor          = nullif(metadata->>'actor', ''),
    correlation_id = nullif(metadata->>'correlation_id', ''),
    causation_id   = nullif(metadata->>'causation_id', ''),
    request_id     = nullif(metadata->>'request_id', ''),
    traceparent    = nullif(metadata->>'traceparent', ''),
    tracestate     = nullif(metadata->>'tracestate', '');
ALTER TABLE events ENABLE TRIGGER events_no_update_delete;

ALTER TABLE events DROP COLUMN metadata;
