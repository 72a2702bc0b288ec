-- A child confirmed as referred again (referral's SameChildConfirmed, docs/decisions.md 260) is
-- now in both families' histories (review 63 finding 5, decision 349): the later family's step
-- names the earlier referral, and the earlier family's history says it was referred again. The
-- confirmation is an event of the later referral's stream only; the earlier family's history finds
-- it by the two referrals kept beside the two children here (ids only). No secondary index, as
-- 0011: confirmations are few. A confirmation projected before this has no referrals here until
-- `familytime reporting rebuild` writes them from the events.
--
-- The words of the step change (they name the other referral, which the event always carried):
-- the stored words of every confirmation are cleared, so the history describes those rows from
-- their envelopes when it reads them (as 0012 and 0016 left rows) and VerifyFamilyHistory finds no
-- stale words, until a rebuild writes them again. The runtime role cannot update the history
-- (0009); this runs as its owner, and clears only words derived from the envelope kept beside them.

ALTER TABLE reporting.same_children ADD COLUMN referral_id uuid, ADD COLUMN other_referral_id uuid;

UPDATE reporting.history_events SET description = NULL
WHERE event_type = 'familytime.referral.v1.SameChildConfirmed';

-- Rebuilt schemas have the same columns (their grants are reporting_begin_rebuild's, as before).
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_same_child_referrals;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_same_child_referrals(target);
    EXECUTE format($ddl$
    -- The two referrals of each confirmation: this child's, and the other child's.
    ALTER TABLE %1$I.same_children ADD COLUMN referral_id uuid, ADD COLUMN other_referral_id uuid;
    $ddl$, target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
