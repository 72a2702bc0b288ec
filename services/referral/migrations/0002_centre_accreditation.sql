-- The service's copy of the centre directory keeps where each centre stands with the national
-- association, from the same scheduling events as its service types: a centre whose accreditation
-- is suspended or lapsed takes no new referrals, and one whose three years ran out with no
-- renewal recorded is warned of (docs/decisions.md 77). A centre last heard of before this
-- migration has status 0 (unknown) until its next CentreUpdated, and is treated as taking
-- families.
ALTER TABLE centres
    ADD COLUMN accreditation_status integer NOT NULL DEFAULT 0,
    ADD COLUMN accredited_on        date;
