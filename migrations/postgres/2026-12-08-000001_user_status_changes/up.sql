-- Every change of a user's status (and deletion, as `deleted`), for the history the licenses
-- page charts (`GET /insights/user-status-counts`). Users made before this table start with
-- their current status at their creation.
CREATE TABLE user_status_changes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_status TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX user_status_changes_changed_at ON user_status_changes (changed_at, user_id);
INSERT INTO user_status_changes (id, user_id, new_status, changed_at)
    SELECT id, id, CASE WHEN deleted THEN 'deleted' ELSE status END, created_at FROM users;
