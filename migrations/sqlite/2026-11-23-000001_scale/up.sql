-- Scale: live-user counts kept by triggers (an unfiltered users page counts in O(1)), and a
-- trigram full-text index over username, email and name (substring search through an index).

CREATE TABLE user_counts (
    status TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (status, shard)
);
INSERT INTO user_counts (status, shard, n) SELECT status, 0, count(*) FROM users WHERE NOT deleted GROUP BY status;

-- SQLite has one writer at a time, so one shard per status is enough.
CREATE TRIGGER users_count_insert AFTER INSERT ON users WHEN NOT NEW.deleted BEGIN
    INSERT INTO user_counts (status, shard, n) VALUES (NEW.status, 0, 1)
        ON CONFLICT (status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER users_count_update AFTER UPDATE OF status, deleted ON users
    WHEN OLD.status IS NOT NEW.status OR OLD.deleted IS NOT NEW.deleted BEGIN
    UPDATE user_counts SET n = n - 1 WHERE NOT OLD.deleted AND status = OLD.status AND shard = 0;
    INSERT INTO user_counts (status, shard, n) SELECT NEW.status, 0, 1 WHERE NOT NEW.deleted
        ON CONFLICT (status, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER users_count_delete AFTER DELETE ON users WHEN NOT OLD.deleted BEGIN
    UPDATE user_counts SET n = n - 1 WHERE status = OLD.status AND shard = 0;
END;

-- External-content FTS5 table over users (by rowid) with the trigram tokenizer: a phrase of
-- three or more characters matches as a case-insensitive substring. Kept in step by triggers.
-- VACUUM renumbers the implicit rowids of users; after one, rebuild this index with
-- INSERT INTO users_search(users_search) VALUES ('rebuild').
CREATE VIRTUAL TABLE users_search USING fts5(
    username, email, name, content = 'users', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, username, email, name) VALUES (NEW.rowid, NEW.username, NEW.email, NEW.name);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF username, email, name ON users
    WHEN OLD.username IS NOT NEW.username OR OLD.email IS NOT NEW.email OR OLD.name IS NOT NEW.name BEGIN
    INSERT INTO users_search (users_search, rowid, username, email, name) VALUES ('delete', OLD.rowid, OLD.username, OLD.email, OLD.name);
    INSERT INTO users_search (rowid, username, email, name) VALUES (NEW.rowid, NEW.username, NEW.email, NEW.name);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, username, email, name) VALUES ('delete', OLD.rowid, OLD.username, OLD.email, OLD.name);
END;

-- Committed changes that other server processes on this file must hear about (their caches of
-- API keys); each process polls it. Rows are pruned after ten minutes.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

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
CREATE TRIGGER organization_members_count_insert AFTER INSERT ON organization_members
    WHEN (SELECT NOT deleted FROM users WHERE id = NEW.user_id) BEGIN
    INSERT INTO organization_member_counts (organization_id, shard, n) VALUES (NEW.organization_id, 0, 1)
        ON CONFLICT (organization_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER organization_members_count_delete AFTER DELETE ON organization_members
    WHEN (SELECT NOT deleted FROM users WHERE id = OLD.user_id) BEGIN
    UPDATE organization_member_counts SET n = n - 1 WHERE organization_id = OLD.organization_id AND shard = 0;
END;
CREATE TRIGGER users_member_count_update AFTER UPDATE OF deleted ON users
    WHEN OLD.deleted IS NOT NEW.deleted BEGIN
    INSERT INTO organization_member_counts (organization_id, shard, n)
        SELECT organization_id, 0, CASE WHEN NEW.deleted THEN -1 ELSE 1 END FROM organization_members WHERE user_id = NEW.id AND TRUE
        ON CONFLICT (organization_id, shard) DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER organizations_count_delete AFTER DELETE ON organizations BEGIN
    DELETE FROM organization_member_counts WHERE organization_id = OLD.id;
END;
