DROP TABLE template_version_inputs;
