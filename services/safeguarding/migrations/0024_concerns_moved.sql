-- A concern raised about the wrong family and moved by the lead to the right one (ConcernMoved,
-- decision 404) stays on the first family's record, closed; it is no concern of theirs, so a
-- request to erase them is not kept back by it (ConcernsOnRecord).
ALTER TABLE concerns ADD COLUMN moved boolean NOT NULL DEFAULT false;
