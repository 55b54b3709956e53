DROP TABLE notification_templates;
ALTER TABLE organizations DROP COLUMN shareable_workspace_owners;
DROP TABLE replicas;
DROP TABLE licenses;
