-- Alerts to the centre's safeguarding lead of holds placed by someone the staff register does not
-- have as the lead that day (LeadAlertedOfHold), listed with the concerns' alerts (ListAlerts).
-- Ids, a role and dates only.
CREATE TABLE hold_alerts (
    hold_id        uuid        PRIMARY KEY,
    family_id      uuid        NOT NULL,
    centre_id      uuid        NOT NULL,
    concern_id     uuid,
    placed_in_role text        NOT NULL,
    alerted_on     date        NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hold_alerts_by_centre ON hold_alerts (centre_id, recorded_at DESC);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON hold_alerts FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON hold_alerts TO %I', current_setting('familytime.runtime_role'));
END;
$$;
