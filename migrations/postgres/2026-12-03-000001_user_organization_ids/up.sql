-- Each user's organization ids, comma-separated in the order the memberships were made, kept
-- by a trigger: a users page reads them with its rows instead of aggregating one membership
-- lookup per user (that aggregate was a quarter of the page statement's cost).
ALTER TABLE users ADD COLUMN organization_ids TEXT NOT NULL DEFAULT '';
UPDATE users SET organization_ids = m.ids
    FROM (SELECT user_id, string_agg(organization_id, ',' ORDER BY created_at) AS ids FROM organization_members GROUP BY user_id) m
    WHERE m.user_id = users.id;

-- Both changes are functions of the users row itself, so two memberships of one user made at
-- once (each waits for the other's row lock, then reapplies to the row it then sees) both land.
CREATE FUNCTION organization_members_ids_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE users SET organization_ids =
            CASE WHEN organization_ids = '' THEN NEW.organization_id ELSE organization_ids || ',' || NEW.organization_id END
            WHERE id = NEW.user_id;
    ELSE
        UPDATE users SET organization_ids =
            trim(BOTH ',' FROM replace(',' || organization_ids || ',', ',' || OLD.organization_id || ',', ','))
            WHERE id = OLD.user_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER organization_members_ids AFTER INSERT OR DELETE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_ids_change();
