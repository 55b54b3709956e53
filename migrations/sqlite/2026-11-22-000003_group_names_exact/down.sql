DROP INDEX groups_org_name_exact;
CREATE UNIQUE INDEX groups_org_name ON groups (organization_id, lower(name));
