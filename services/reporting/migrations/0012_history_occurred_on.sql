-- A family's history says the day each step took place, where its event says it (review 49,
-- docs/decisions.md 286): a pre-visit's day, a decision's, an arrival's, beside when it was
-- recorded. It was dated by its recording only, which on a simulated clock is the real day it was
-- typed, and on the real clock the day a pre-visit entered with its day, or a paper register, was
-- typed in. The day is written when the event is projected, with its description (app.Describe),
-- and VerifyFamilyHistory checks the two together against the event. The index that gives the
-- history its order does not carry it: the history reads each row's envelope from the table.
--
-- Rows projected before this have no day, and some of their words changed (a pre-visit, a
-- decision, an ending and an erasure now say their day): the descriptions of every event type
-- with a day are cleared, so the history describes and dates those rows from their envelopes when
-- it reads them (as it does rows projected before migration 0003), and VerifyFamilyHistory finds
-- no stale words, until `familytime reporting rebuild` writes both. The list is app.occurredOn's
-- (TestTheMigrationRedescribesEveryDatedStep). The runtime role cannot update the history (0009);
-- this runs as its owner, and clears only words that are derived from the envelope kept beside them.

ALTER TABLE reporting.history_events ADD COLUMN occurred_on date;

UPDATE reporting.history_events SET description = NULL WHERE event_type IN (
    'familytime.referral.v1.ArrangementAgreed',
    'familytime.referral.v1.ArrangementChanged',
    'familytime.referral.v1.CaseEnded',
    'familytime.referral.v1.CaseEndingCorrected',
    'familytime.referral.v1.CaseReopened',
    'familytime.referral.v1.CaseResumed',
    'familytime.referral.v1.CaseSuspended',
    'familytime.referral.v1.ChildBirthMonthCorrected',
    'familytime.referral.v1.ChildrenLeavingChanged',
    'familytime.referral.v1.FamilyErased',
    'familytime.referral.v1.FirstSessionAttended',
    'familytime.referral.v1.PlaceReleasedNoted',
    'familytime.referral.v1.PossibleDuplicateChecked',
    'familytime.referral.v1.PossibleDuplicateFlagged',
    'familytime.referral.v1.PreVisitCompleted',
    'familytime.referral.v1.ReferralAccepted',
    'familytime.referral.v1.ReferralAmended',
    'familytime.referral.v1.ReferralDeclined',
    'familytime.referral.v1.ReferralReceived',
    'familytime.referral.v1.ReferralWaitlisted',
    'familytime.referral.v1.ReferralWithdrawn',
    'familytime.referral.v1.ReviewHeld',
    'familytime.referral.v1.SameChildConfirmed',
    'familytime.referral.v1.ScreeningRecorded',
    'familytime.referral.v1.SecondPartyApplicationReceived',
    'familytime.referral.v1.SessionAttendedAfterRelease',
    'familytime.safeguarding.v1.ConcernActionAdded',
    'familytime.safeguarding.v1.ConcernClosed',
    'familytime.safeguarding.v1.ConcernEscalated',
    'familytime.safeguarding.v1.ConcernRaised',
    'familytime.safeguarding.v1.HoldLifted',
    'familytime.safeguarding.v1.HoldPlaced',
    'familytime.safeguarding.v1.HoldReviewed',
    'familytime.safeguarding.v1.LeadAlerted',
    'familytime.safeguarding.v1.LeadAlertedOfDuplicateCheck',
    'familytime.safeguarding.v1.LeadAlertedOfFindingCheck',
    'familytime.safeguarding.v1.LeadAlertedOfHold',
    'familytime.safeguarding.v1.RecordCorrected',
    'familytime.safeguarding.v1.ReportChecked',
    'familytime.safeguarding.v1.ReportDrafted',
    'familytime.safeguarding.v1.ReportReassigned',
    'familytime.safeguarding.v1.ReportReleased',
    'familytime.safeguarding.v1.ReportSubmittedForCheck',
    'familytime.safeguarding.v1.RiskAssessed',
    'familytime.safeguarding.v1.RiskScreenedProvisionally',
    'familytime.scheduling.v1.ArrangementChangeNoted',
    'familytime.scheduling.v1.CheckInRefused',
    'familytime.scheduling.v1.ChildBirthMonthNoted',
    'familytime.scheduling.v1.ChildrenLeavingNoted',
    'familytime.scheduling.v1.ContactEnded',
    'familytime.scheduling.v1.ContactReopened',
    'familytime.scheduling.v1.HoldNoted',
    'familytime.scheduling.v1.MovementCorrected',
    'familytime.scheduling.v1.NoShowRecorded',
    'familytime.scheduling.v1.NoShowWithdrawn',
    'familytime.scheduling.v1.PartyArrived',
    'familytime.scheduling.v1.PartyDeparted',
    'familytime.scheduling.v1.PersonCheckedIn',
    'familytime.scheduling.v1.PlaceOffered',
    'familytime.scheduling.v1.PlaceReleased',
    'familytime.scheduling.v1.ReferralNoted',
    'familytime.scheduling.v1.SessionCalledOff',
    'familytime.scheduling.v1.SessionCompleted',
    'familytime.scheduling.v1.WaitingListJoined',
    'familytime.scheduling.v1.WaitingListLeft'
);

-- Rebuilt schemas have the same column, last as in the live table.
ALTER FUNCTION reporting_create_projections(text) RENAME TO reporting_create_projections_without_occurred_on;

CREATE FUNCTION reporting_create_projections(target text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    PERFORM public.reporting_create_projections_without_occurred_on(target);
    EXECUTE format('ALTER TABLE %I.history_events ADD COLUMN occurred_on date', target);
END;
$fn$;

REVOKE ALL ON FUNCTION reporting_create_projections(text) FROM PUBLIC;
