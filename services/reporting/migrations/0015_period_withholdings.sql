-- What each period's published figures were first shown as (docs/decisions.md 304). Suppression
-- reads a year's published periods together, and a month published as a number on the 8th of
-- the next month was withheld ("*") once its quarter was published, beside a quarter and two
-- other months that then gave, by subtraction, the quarter's last month: a published figure
-- cannot be taken back. The first publication of a period records what its counts of people
-- were shown as: those withheld (a figure's key, measure|scope|region|centre|breakdown|category,
-- with "<5" or "*"), and a 64-bit hash of each published one's key and number. Later publications
-- keep a withheld figure withheld, and a figure published as the same number published; they
-- withhold figures of the periods published for the first time instead (a number a correction
-- changed since was never published, and is suppressed as any new figure).
-- In public, like 0013's tables: a rebuild's swap leaves it. Ids, measures and categories only.
CREATE TABLE public.period_withholdings (
    period      text        PRIMARY KEY,
    figures     text[]      NOT NULL,
    shown       text[]      NOT NULL,
    published   bigint[]    NOT NULL,
    recorded_at timestamptz NOT NULL,
    CHECK (cardinality(figures) = cardinality(shown))
);

DO $$
BEGIN
    EXECUTE format('GRANT SELECT, INSERT ON public.period_withholdings TO %I', current_setting('familytime.runtime_role'));
END;
$$;
