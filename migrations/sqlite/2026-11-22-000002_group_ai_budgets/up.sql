-- Per-group AI spend limits, in micro-units of currency.
CREATE TABLE group_ai_budgets (
    group_id TEXT PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    spend_limit_micros BIGINT NOT NULL CHECK (spend_limit_micros >= 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
