DROP TABLE workspace_agents;
DROP TABLE workspace_build_parameters;
DROP TABLE workspace_builds;
DROP TABLE workspaces;
