-- A concern's alert says CORRECTED while a record of it was corrected since the centre's
-- safeguarding lead last read it (0011 said it for good, once corrected: the lead who had read the
-- correction still saw it, and could not tell a new correction from the one read). Both are facts
-- of the log, compared in its order as a check's read is (decision 98): corrected_at is the log
-- position of the concern's latest RecordCorrected, lead_read_at that of the latest AccessRecorded
-- of the concern read in the lead's role. Each only grows: a correction's unit of work sets the
-- one, the lead's read the other. Filled here from the log for concerns corrected and read before.
ALTER TABLE concerns ADD COLUMN corrected_at bigint, ADD COLUMN lead_read_at bigint;
UPDATE concerns c SET corrected_at = (SELECT max(e.position) FROM events e
    WHERE e.stream_id = 'concern-' || c.concern_id::text AND e.event_type = 'familytime.safeguarding.v1.RecordCorrected');
UPDATE concerns c SET lead_read_at = (SELECT max(e.position) FROM access_records a JOIN events e ON e.event_id = a.event_id
    WHERE a.record_id = c.concern_id AND a.kind = 1 AND a.role = 'safeguarding_lead'); -- RECORD_KIND_CONCERN
ALTER TABLE concerns DROP COLUMN corrected;
ALTER TABLE concerns ADD COLUMN corrected boolean NOT NULL
    GENERATED ALWAYS AS (corrected_at IS NOT NULL AND corrected_at > coalesce(lead_read_at, 0)) STORED;
