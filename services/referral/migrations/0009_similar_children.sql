-- A child is matched on close keys too (decision 200): the same first name and date of birth, the
-- same family name and date of birth, the same name and year of birth, beside the same name and
-- date of birth that every row held until now (kind 1, referralv1.ChildMatch). A child has a row
-- per kind. The rows of referrals made before are completed by the service at its start, which
-- alone can open the children's names (adapters.Referrals.CompleteMatches).
ALTER TABLE child_matches ADD COLUMN kind smallint NOT NULL DEFAULT 1 CHECK (kind BETWEEN 1 AND 4);
ALTER TABLE child_matches ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE child_matches DROP CONSTRAINT child_matches_pkey;
ALTER TABLE child_matches ADD PRIMARY KEY (referral_id, child_id, kind);

-- The referrals whose children have only the first kind, for the service to complete at its start.
CREATE TABLE child_matches_to_complete (referral_id uuid PRIMARY KEY);
INSERT INTO child_matches_to_complete SELECT DISTINCT referral_id FROM child_matches;

DO $$
BEGIN
    EXECUTE format('REVOKE ALL ON child_matches_to_complete FROM PUBLIC');
    EXECUTE format('GRANT SELECT, DELETE ON child_matches_to_complete TO %I', current_setting('familytime.runtime_role'));
END;
$$;
