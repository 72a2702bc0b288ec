-- A cancellation's step in a family's history says how much notice was given (review 58,
-- docs/decisions.md 332): "cancelled by the resident parent: requested (under 48 hours' notice:
-- 14 hours 15 minutes before the children were due)", where it said only "(under 48 hours'
-- notice)", so 20 minutes and 47 hours read the same. The minutes were always on the event
-- (BookingCancelled.notice_minutes); only the words change. The stored words of every
-- cancellation are cleared, so the history describes those rows from their envelopes when it
-- reads them (as migrations 0003 and 0012 left rows) and VerifyFamilyHistory finds no stale words,
-- until `familytime reporting rebuild` writes them again. The runtime role cannot update the
-- history (0009); this runs as its owner, and clears only words derived from the envelope kept
-- beside them.

UPDATE reporting.history_events SET description = NULL
WHERE event_type = 'familytime.scheduling.v1.BookingCancelled';
