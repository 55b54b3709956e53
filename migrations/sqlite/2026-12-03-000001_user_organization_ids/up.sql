-- Each user's organization ids, comma-separated in the order the memberships were made, kept
-- by triggers: a users page reads them with its rows instead of aggregating one membership
-- lookup per user.
ALTER TABLE users ADD COLUMN organization_ids TEXT NOT NULL DEFAULT '';
UPDATE users SET organization_ids = COALESCE(
    (SELECT group_concat(organization_id, ',' ORDER BY created_at) FROM organization_members WHERE user_id = users.id), '');

CREATE TRIGGER organization_members_ids_insert AFTER INSERT ON organization_members BEGIN
    UPDATE users SET organization_ids =
        CASE WHEN organization_ids = '' THEN NEW.organization_id ELSE organization_ids || ',' || NEW.organization_id END
        WHERE id = NEW.user_id;
END;
CREATE TRIGGER organization_members_ids_delete AFTER DELETE ON organization_members BEGIN
    UPDATE users SET organization_ids = trim(replace(',' || organization_ids || ',', ',' || OLD.organization_id || ',', ','), ',')
        WHERE id = OLD.user_id;
END;
