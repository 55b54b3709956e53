-- Inbox notifications: what the dashboard's bell shows, one row per notification and user.
-- `targets` and `actions` are JSON arrays; `read_at` is null while unread.
CREATE TABLE inbox_notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    template_id TEXT NOT NULL,
    targets TEXT NOT NULL DEFAULT '[]',
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    icon TEXT NOT NULL DEFAULT '',
    actions TEXT NOT NULL DEFAULT '[]',
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- A user's page, newest first, and their unread count.
CREATE INDEX inbox_notifications_user_created ON inbox_notifications (user_id, created_at DESC, id DESC);
CREATE INDEX inbox_notifications_user_unread ON inbox_notifications (user_id) WHERE read_at IS NULL;
