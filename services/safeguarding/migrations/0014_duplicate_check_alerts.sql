-- Alerts to the safeguarding lead of a centre whose hold on a family is in force, that another
-- centre's lead checked a referral there, a possible duplicate of the family, is another family
-- (referral's PossibleDuplicateChecked; decision 211): the hold then no longer bars that referral,
-- so its lead is told. Listed with the other alerts (ListAlerts). One row per hold and referral
-- checked; ids and dates only.
CREATE TABLE duplicate_check_alerts (
    hold_id              uuid        NOT NULL,
    checked_referral_id  uuid        NOT NULL,
    family_id            uuid        NOT NULL,
    centre_id            uuid        NOT NULL,
    checked_at_centre_id uuid        NOT NULL,
    alerted_on           date        NOT NULL,
    recorded_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hold_id, checked_referral_id)
);
CREATE INDEX duplicate_check_alerts_by_centre ON duplicate_check_alerts (centre_id, recorded_at DESC);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON duplicate_check_alerts FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT ON duplicate_check_alerts TO %I', current_setting('familytime.runtime_role'));
END;
$$;
