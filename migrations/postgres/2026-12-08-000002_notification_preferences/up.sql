-- Each user's choice per notification template (Coder's `notification_preferences`): only the
-- templates a user changed have a row.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_template_id TEXT NOT NULL REFERENCES notification_templates (id) ON DELETE CASCADE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, notification_template_id)
);
