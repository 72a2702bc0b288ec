-- The referral service's read models, written in the same transaction as the events they come
-- from. None holds personal data: names and contact details live only sealed in the events.

-- One row per referral: what lists and the review clock need, and the referral as GetReferral
-- answers it (a familytime.referral.v1.Referral: ids, states, dates, categories; no names).
CREATE TABLE referrals (
    referral_id   uuid        PRIMARY KEY,
    family_id     uuid        NOT NULL,
    centre_id     uuid        NOT NULL,
    state         integer     NOT NULL,
    received_on   date        NOT NULL,
    review_due_on date,
    summary       bytea       NOT NULL,
    version       bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- ListReferrals: a centre's referrals, newest first, optionally in one state.
CREATE INDEX referrals_by_centre ON referrals (centre_id, received_on DESC, referral_id DESC);
-- Events from other services name the family, not the referral.
CREATE INDEX referrals_by_family ON referrals (family_id);
-- ListReviewsDue.
CREATE INDEX referrals_reviews_due ON referrals (centre_id, review_due_on) WHERE review_due_on IS NOT NULL;

-- The service's own copy of the centre directory, from scheduling's centre events: which kinds of
-- contact each centre offers, for acceptance.
CREATE TABLE centres (
    centre_id     uuid      PRIMARY KEY,
    service_types integer[] NOT NULL,
    version       bigint    NOT NULL
);

-- Children of referrals, by a keyed hash of their normalised name and date of birth (never the
-- name or date themselves), to flag a referral for a child who already has an open case at the
-- same centre.
CREATE TABLE child_matches (
    referral_id uuid    NOT NULL,
    child_id    uuid    NOT NULL,
    centre_id   uuid    NOT NULL,
    match       bytea   NOT NULL CHECK (length(match) = 32),
    open        boolean NOT NULL DEFAULT true,
    PRIMARY KEY (referral_id, child_id)
);
CREATE INDEX child_matches_open ON child_matches (centre_id, match) WHERE open;

DO $$
DECLARE
    runtime text := current_setting('familytime.runtime_role');
BEGIN
    EXECUTE format('REVOKE ALL ON referrals, centres, child_matches FROM PUBLIC');
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON referrals, centres, child_matches TO %I', runtime);
END;
$$;
