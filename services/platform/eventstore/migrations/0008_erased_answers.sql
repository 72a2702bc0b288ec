-- A command's recorded answer goes when its family's personal details are erased (docs/decisions.md
-- 278). The requests table kept each first answer as it was given, outside the family's seal: a
-- referral's summary with its children's birth months, for ever, past the erasure that destroyed
-- the family's key. The service that destroys the key now clears, in the same consumer's unit of
-- work, the answers of every request that appended to one of the family's streams
-- (UnitOfWork.EraseAnswers). The request id and its fingerprint stay, so a retry still appends
-- nothing and the id still cannot be used for another request: the retry is told the answer was
-- erased (ErrAnswerErased).
ALTER TABLE requests ALTER COLUMN outcome DROP NOT NULL;

DO $$
BEGIN
    EXECUTE format('GRANT UPDATE (outcome) ON requests TO %I', current_setting('familytime.runtime_role'));
END;
$$;
