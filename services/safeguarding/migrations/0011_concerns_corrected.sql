-- A concern whose record was corrected after it was raised (RecordCorrected in its stream): its
-- alert says so, so that the lead reads it again (hostile review 16: a raiser rewrote an open
-- concern to "nothing of note happened", and the lead's alerts showed nothing). Concerns corrected
-- before this migration are marked from the log.
ALTER TABLE concerns ADD COLUMN corrected boolean NOT NULL DEFAULT false;
UPDATE concerns c SET corrected = true WHERE EXISTS (SELECT 1 FROM events e
    WHERE e.stream_id = 'concern-' || c.concern_id::text AND e.event_type = 'familytime.safeguarding.v1.RecordCorrected');
