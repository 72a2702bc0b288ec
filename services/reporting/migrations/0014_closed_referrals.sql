-- A referral's first session attended may be recorded weeks after its day: a booking completed
-- late is, for a referral whose first session it was, its FirstSessionAttended then. The
-- published waiting times (the referrals whose first session was in the period, and the days
-- each waited from its receipt) and referrals_never_attended (the accepted referrals that ended
-- or were withdrawn in the period without one) counted it live, so a closed month's moved, and
-- two publications subtracted told the late record apart (docs/decisions.md 292, "Left"). A
-- month's closing keeps, beside its sessions (0013), each referral either measure reads for it,
-- with its first session as it stood then (docs/decisions.md 282; decision 295):
--   - those whose first session was in the month: their centre, service type, day received and
--     day of first session (the waiting times read nothing else, and none of it but the first
--     session is ever recorded late);
--   - the accepted ones that ended or were withdrawn in the month: whether they had a first
--     session then (referrals_never_attended reads their ending live, as every correction of an
--     ending is: a reopening still revises the figures, and says so).
-- In public, like 0013's tables: a rebuild's swap leaves it. Ids, dates, centres and kinds of
-- contact only, as the projections hold.
CREATE TABLE public.closed_referrals (
    month            date    NOT NULL,
    referral_id      uuid    NOT NULL,
    centre_id        uuid    NOT NULL,
    service_type     integer NOT NULL,
    received_on      date,
    first_session_on date,
    PRIMARY KEY (month, referral_id)
);
CREATE INDEX ON public.closed_referrals (referral_id);
CREATE INDEX ON public.closed_referrals (first_session_on);

-- Months closed before this table existed keep their referrals as they stand at this migration:
-- the figures they were last published with, unless a first session was recorded late since,
-- which the figures then said (revised). From here on they stay so.
INSERT INTO public.closed_referrals (month, referral_id, centre_id, service_type, received_on, first_session_on)
SELECT c.month, r.referral_id, r.centre_id, r.service_type, r.received_on, r.first_session_on
FROM public.month_closings c JOIN reporting.referrals r
    ON r.first_session_on BETWEEN c.month AND (c.month + interval '1 month' - interval '1 day')::date
    OR (r.accepted_on IS NOT NULL AND (r.ended_on BETWEEN c.month AND (c.month + interval '1 month' - interval '1 day')::date
        OR r.withdrawn_on BETWEEN c.month AND (c.month + interval '1 month' - interval '1 day')::date))
ON CONFLICT DO NOTHING;

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON public.closed_referrals TO %I', current_setting('familytime.runtime_role'));
END;
$$;
