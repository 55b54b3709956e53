-- What an import found a version needs besides its parameters: its variables (as the
-- provisioner reported them while parsing) and the external auth providers it asks for.
CREATE TABLE template_version_inputs (
    template_version_id TEXT PRIMARY KEY REFERENCES template_versions (id) ON DELETE CASCADE,
    variables TEXT NOT NULL DEFAULT '[]',
    external_auth TEXT NOT NULL DEFAULT '[]'
);
