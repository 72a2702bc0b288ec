-- When the family's next review of supported contact is due, as referral last set it
-- (ReviewDueNoted: its first session's, or its last review's, review due date; decision 261).
-- NULL when none is: contact other than supported, not begun, or a family made ready again on a
-- new referral (FamilyReadyNoted clears it). The day sheet alerts the family's sessions after it
-- (ALERT_REVIEW_OVERDUE). Families whose first session or review was recorded before this have
-- none until their next review.
ALTER TABLE session_families ADD COLUMN review_due_on date;
