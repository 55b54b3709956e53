DROP TRIGGER organization_members_ids ON organization_members;
DROP FUNCTION organization_members_ids_change();
ALTER TABLE users DROP COLUMN organization_ids;
