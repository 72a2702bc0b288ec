-- Alerts to the centre's safeguarding lead of escalations made by someone the staff register does
-- not have as the lead that day (a token with the lead's role for a volunteer; a lead whose
-- registration lapsed): an escalation, like a hold (0009), is never refused for the register, so
-- the register's lead is told of it (decision 201). Listed with the concerns' and the holds'
-- alerts (ListAlerts). One row per escalation (its record id); ids, a category, a role and dates
-- only. escalated_in_role is the role the register gives who escalated, empty when none.
CREATE TABLE escalation_alerts (
    escalation_id     uuid        PRIMARY KEY,
    concern_id        uuid        NOT NULL,
    family_id         uuid        NOT NULL,
    centre_id         uuid        NOT NULL,
    category          integer     NOT NULL,
    escalated_in_role text        NOT NULL,
    alerted_on        date        NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalation_alerts_by_centre ON escalation_alerts (centre_id, recorded_at DESC);

-- Escalations made before, which alerted nobody, are alerted now from the log: those recorded in
-- a role other than the lead's (the register's role, decision 109). An escalation recorded with
-- no role is left out: before the log kept roles, none was recorded, so it cannot be told from one
-- by someone not on the register.
INSERT INTO escalation_alerts (escalation_id, concern_id, family_id, centre_id, category, escalated_in_role, alerted_on)
SELECT e.event_id, c.concern_id, c.family_id, c.centre_id, c.category, e.actor_role, (e.recorded_at AT TIME ZONE 'UTC')::date
FROM events e JOIN concerns c ON e.stream_id = 'concern-' || c.concern_id::text
WHERE e.event_type = 'familytime.safeguarding.v1.ConcernEscalated' AND e.actor_role IS NOT NULL
    AND e.actor_role <> 'safeguarding_lead';

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON escalation_alerts FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON escalation_alerts TO %I', current_setting('familytime.runtime_role'));
END;
$$;
