-- Group names are case-sensitive, as in Coder (IdP group sync matches names exactly).
DROP INDEX groups_org_name;
CREATE UNIQUE INDEX groups_org_name_exact ON groups (organization_id, name);
