-- The days each account recorded anything at a centre in scheduling's log (a booking, a check-in,
-- an arrival, a completion, a change to the staff register...), by the service's clock in the
-- centre's zone, as the register's dates are, so that a member of staff's last day is not put
-- before the last of them (review 31, docs/decisions.md 212): the register would then say that
-- someone who booked a family that day was not on the staff. Written in each append's
-- transaction. A row per account, centre and day, inserted once (ON CONFLICT DO NOTHING takes no
-- lock on a row already there, where one row per account updated by each of their commands would
-- make them wait on each other); the last day is read from the key's end. An index on the event
-- log would have cost every append, and its recorded_at is not the service's clock (decision 70).
CREATE TABLE staff_acts (
    centre_id uuid NOT NULL,
    account   text COLLATE "C" NOT NULL,
    acted_on  date NOT NULL,
    PRIMARY KEY (centre_id, account, acted_on)
);

-- What was recorded before: the log's recorded_at in the centre's zone (DefaultZone). A service
-- on the real clock stamped both by it; a dev platform on a simulated clock (decision 70) stamped
-- recorded_at in real time, and its earlier acts read as of those real days.
INSERT INTO staff_acts (centre_id, account, acted_on)
SELECT DISTINCT centre_id, actor, (recorded_at AT TIME ZONE 'Europe/London')::date
    FROM events WHERE centre_id IS NOT NULL AND actor IS NOT NULL AND actor <> '';

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON staff_acts TO %I', current_setting('familytime.runtime_role'));
END;
$$;
