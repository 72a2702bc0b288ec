-- A family is erased only when safeguarding has nothing open about it (docs/decisions.md 86): no
-- concern raised and not closed, no hold placed and not lifted. Safeguarding records are never
-- deleted while in use, and shredding the family's key would leave an open concern unreadable.
-- Referral's safeguarding consumer keeps them here, ids only: a row is inserted on ConcernRaised
-- or HoldPlaced and deleted on ConcernClosed or HoldLifted. Concerns and holds recorded before
-- this migration are not here until the consumer replays them (decision 86 says how).
CREATE TABLE safeguarding_open (
    kind      text NOT NULL CHECK (kind IN ('concern', 'hold')),
    record_id uuid NOT NULL, -- the concern's or the hold's id
    family_id uuid NOT NULL,
    PRIMARY KEY (kind, record_id)
);

CREATE INDEX safeguarding_open_family ON safeguarding_open (family_id);

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON safeguarding_open FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON safeguarding_open TO %I', runtime);
END;
$$;
