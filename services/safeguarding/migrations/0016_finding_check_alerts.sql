-- Alerts to the safeguarding lead of the centre whose risk assessment made a family's
-- domestic-abuse finding, that another centre's lead checked a referral there, a possible
-- duplicate of the family, is another family, weighing the finding (referral's
-- PossibleDuplicateChecked with domestic_abuse_finding; LeadAlertedOfFindingCheck, recorded in the
-- family's risk stream): the finding then no longer bars that referral, so its lead is told, as a
-- hold's is (0014). Listed with the other alerts (ListAlerts); closed when an assessment clears
-- the finding. One row per alert (its record); ids and dates only.
CREATE TABLE finding_check_alerts (
    alert_id             uuid        PRIMARY KEY,
    family_id            uuid        NOT NULL,
    centre_id            uuid        NOT NULL,
    finding_made_on      date        NOT NULL,
    checked_at_centre_id uuid        NOT NULL,
    checked_referral_id  uuid        NOT NULL,
    alerted_on           date        NOT NULL,
    closed               boolean     NOT NULL DEFAULT false,
    recorded_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX finding_check_alerts_by_centre ON finding_check_alerts (centre_id, recorded_at DESC);
CREATE INDEX finding_check_alerts_by_family ON finding_check_alerts (family_id) WHERE NOT closed;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON finding_check_alerts FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON finding_check_alerts TO %I', current_setting('familytime.runtime_role'));
END;
$$;
