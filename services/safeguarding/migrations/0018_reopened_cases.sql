-- A case reopened after it was ended by mistake (referral's CaseReopened, decision 231) is open
-- again: its row in closed_cases is deleted, so the family's risk is due for review again
-- (decision 233). The runtime role may delete those rows, nothing else.
DO $$
BEGIN
    EXECUTE format('GRANT DELETE ON closed_cases TO %I', current_setting('familytime.runtime_role'));
END;
$$;
