-- A report's writer: the session's supervisor, or whom the centre's safeguarding lead gave it to
-- (ReportReassigned, decision 99), so that the lists of open and overdue reports say who it waits
-- on. Reports drafted before this migration take their author; a report due and never drafted
-- before it shows its writer from its next change (the supervisor scheduling named is in its
-- ReportDue event, not in this table).
ALTER TABLE reports ADD COLUMN writer text NOT NULL DEFAULT '';
UPDATE reports SET writer = author WHERE author <> '';
