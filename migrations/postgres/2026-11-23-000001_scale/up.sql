-- Scale: live-user counts kept by a trigger (an unfiltered users page counts in O(1)), and
-- trigram GIN indexes over username, email and name (substring search through an index).

CREATE TABLE user_counts (
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (status, shard)
);
INSERT INTO user_counts (status, shard, n) SELECT status, 0, count(*) FROM users WHERE NOT deleted GROUP BY status;

-- Concurrent writers pick one of 16 shards at random, so they rarely wait on the same row.
CREATE FUNCTION users_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := floor(random() * 16)::integer;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.deleted THEN
        INSERT INTO user_counts (status, shard, n) VALUES (OLD.status, s, -1)
            ON CONFLICT (status, shard) DO UPDATE SET n = user_counts.n - 1;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.deleted THEN
        INSERT INTO user_counts (status, shard, n) VALUES (NEW.status, s, 1)
            ON CONFLICT (status, shard) DO UPDATE SET n = user_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_count_insert_delete AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_count_change();
CREATE TRIGGER users_count_update AFTER UPDATE OF status, deleted ON users
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.deleted IS DISTINCT FROM NEW.deleted)
    EXECUTE FUNCTION users_count_change();

-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_username_trgm ON users USING gin (lower(username) gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX users_email_trgm ON users USING gin (lower(email) gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX users_name_trgm ON users USING gin (lower(name) gin_trgm_ops) WHERE NOT deleted;

-- Live members per organization, kept by triggers: the default organization holds everyone,
-- and its members page and Everyone group count in constant time.
CREATE TABLE organization_member_counts (
    organization_id TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (organization_id, shard)
);
INSERT INTO organization_member_counts (organization_id, shard, n)
    SELECT m.organization_id, 0, count(*) FROM organization_members m JOIN users u ON u.id = m.user_id
    WHERE NOT u.deleted GROUP BY m.organization_id;
CREATE FUNCTION organization_members_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := floor(random() * 16)::integer;
BEGIN
    IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND NOT deleted) THEN
        INSERT INTO organization_member_counts (organization_id, shard, n) VALUES (NEW.organization_id, s, 1)
            ON CONFLICT (organization_id, shard) DO UPDATE SET n = organization_member_counts.n + 1;
    ELSIF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id AND NOT deleted) THEN
        INSERT INTO organization_member_counts (organization_id, shard, n) VALUES (OLD.organization_id, s, -1)
            ON CONFLICT (organization_id, shard) DO UPDATE SET n = organization_member_counts.n - 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER organization_members_count AFTER INSERT OR DELETE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION organization_members_count_change();
CREATE FUNCTION users_member_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s integer := floor(random() * 16)::integer;
BEGIN
    INSERT INTO organization_member_counts (organization_id, shard, n)
        SELECT organization_id, s, CASE WHEN NEW.deleted THEN -1 ELSE 1 END FROM organization_members WHERE user_id = NEW.id
        ON CONFLICT (organization_id, shard) DO UPDATE SET n = organization_member_counts.n + excluded.n;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_member_count_update AFTER UPDATE OF deleted ON users
    FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted) EXECUTE FUNCTION users_member_count_change();
CREATE FUNCTION organizations_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM organization_member_counts WHERE organization_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER organizations_count_delete AFTER DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION organizations_count_delete();

-- The username index covers `id`, so that a page with an offset finds its ids by an index-only
-- scan before reading just the rows it shows (`username` too: PostgreSQL plans index-only scans
-- of an expression index only when the expression's columns are in the index).
DROP INDEX users_username_live;
CREATE UNIQUE INDEX users_username_live ON users (lower(username)) INCLUDE (id, username) WHERE NOT deleted;
