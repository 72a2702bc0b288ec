-- The bodies involved with each family, from its referral (ReferralReceived, ReferralAmended): a
-- supervised session's report goes to the court, Cafcass or the local authority only when the
-- referral says they are involved (hostile review 16 released a report, with the resident parent's
-- refuge, to a court and to Cafcass that had nothing to do with the family). Flags only. A family
-- referred before this table was made has no row, and its reports' bodies are not checked.
CREATE TABLE family_bodies (
    family_id       uuid    PRIMARY KEY,
    source          integer NOT NULL,
    court           boolean NOT NULL,
    cafcass         boolean NOT NULL,
    local_authority boolean NOT NULL
);

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON family_bodies FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON family_bodies TO %I', current_setting('familytime.runtime_role'));
END;
$$;
