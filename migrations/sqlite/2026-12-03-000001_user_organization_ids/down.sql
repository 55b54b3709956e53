DROP TRIGGER organization_members_ids_insert;
DROP TRIGGER organization_members_ids_delete;
ALTER TABLE users DROP COLUMN organization_ids;
