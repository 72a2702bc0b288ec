-- Adults of referrals, by keyed hashes of their normalised phone number and email address (never the
-- number or address themselves), to warn a coordinator that an open referral of another family at
-- the same centre names an adult with the same phone or email: possibly the same adult in two
-- families, whom the centre keeps apart (familytime schedule keep-apart --reason same-adult,
-- decision 350). kind is 1 for a phone number, 2 for an email address (domain.AdultMatchKind).
-- Like child_matches, a family's erasure deletes its rows: the matching key is the service's, not
-- the family's, so a row left behind would still match the erased adult's phone.
CREATE TABLE adult_matches (
    referral_id uuid     NOT NULL,
    person_id   uuid     NOT NULL,
    family_id   uuid     NOT NULL,
    centre_id   uuid     NOT NULL,
    kind        smallint NOT NULL CHECK (kind BETWEEN 1 AND 2),
    match       bytea    NOT NULL CHECK (length(match) = 32),
    open        boolean  NOT NULL DEFAULT true,
    PRIMARY KEY (referral_id, person_id, kind)
);
CREATE INDEX adult_matches_open ON adult_matches (centre_id, match) WHERE open;

-- The referrals made before this table, whose adults the service matches at its start, which
-- alone can open their contact details (adapters.Referrals.CompleteAdultMatches).
CREATE TABLE adult_matches_to_complete (referral_id uuid PRIMARY KEY);
INSERT INTO adult_matches_to_complete SELECT referral_id FROM referrals;

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON adult_matches, adult_matches_to_complete FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON adult_matches TO %I', runtime);
    EXECUTE format('GRANT SELECT, DELETE ON adult_matches_to_complete TO %I', runtime);
END;
$$;
