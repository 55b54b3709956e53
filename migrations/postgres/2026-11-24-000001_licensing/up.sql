-- Licenses: the JWTs as uploaded. `jwt_hash` (SHA-256, hex) keeps a license from being stored
-- twice without indexing the whole token; `exp` lets unexpired licenses be found by index.
CREATE TABLE licenses (
    id SERIAL PRIMARY KEY,
    uploaded_at TIMESTAMP NOT NULL,
    jwt TEXT NOT NULL,
    jwt_hash TEXT NOT NULL UNIQUE,
    exp TIMESTAMP NOT NULL,
    uuid TEXT NOT NULL
);
CREATE INDEX licenses_exp ON licenses (exp);

-- Replicas: every server process registers here and heartbeats.
CREATE TABLE replicas (
    id TEXT PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP NOT NULL,
    stopped_at TIMESTAMP NULL,
    updated_at TIMESTAMP NOT NULL,
    hostname TEXT NOT NULL,
    region_id INTEGER NOT NULL,
    relay_address TEXT NOT NULL,
    database_latency INTEGER NOT NULL,
    version TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    is_primary BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX replicas_updated_at ON replicas (updated_at);

-- Whose workspaces members of an organization may share.
ALTER TABLE organizations ADD COLUMN shareable_workspace_owners TEXT NOT NULL DEFAULT 'everyone'
    CHECK (shareable_workspace_owners IN ('none', 'everyone', 'service_accounts'));

-- Coder's notification templates, as its migrations leave them; `method` NULL defers to
-- CODER_NOTIFICATIONS_METHOD.
-- Notification templates: Coder's `notification_templates` table with the 32 rows it holds after
-- all of Coder's migrations (coderd/database/migrations/000001..000530, replayed into PostgreSQL 15
-- and dumped). Texts are byte-exact; `actions` is the jsonb text form PostgreSQL gives back.
-- `group_name` is Coder's "group" column. `method` NULL means "use the deployment default".
CREATE TABLE notification_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    title_template TEXT NOT NULL,
    body_template TEXT NOT NULL,
    actions TEXT,
    group_name TEXT,
    method TEXT CHECK (method IN ('smtp','webhook','inbox')),
    kind TEXT NOT NULL DEFAULT 'system' CHECK (kind IN ('system','custom')),
    enabled_by_default BOOLEAN NOT NULL DEFAULT TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '764031be-4863-4220-867b-6ce1a1b7a5f5',
    'Chats Auto-Archived',
    'Chats auto-archived after {{.Data.auto_archive_days}} days of inactivity',
    'The following chats were automatically archived:

{{range .Data.archived_chats}}* "{{.title}}" (last active {{.last_activity_humanized}})
{{end}}{{with .Data.additional_archived_count}}
...and {{.}} more.

{{end}}
{{if eq .Data.retention_days "0"}}You can restore any of them from the Agents page; archived chats are kept indefinitely.{{else}}You can restore any of them from the Agents page within {{.Data.retention_days}} days, after which they will be permanently deleted.{{end}}',
    '[{"url": "{{base_url}}/agents?archived=archived", "label": "View chats"}]',
    'Chat Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '39b1e189-c857-4b0c-877a-511144c18516',
    'Custom Notification',
    '{{.Labels.custom_title}}',
    '{{.Labels.custom_message}}',
    '[]',
    'Custom Events',
    NULL,
    'custom',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'c425f63e-716a-4bf4-ae24-78348f706c3f',
    'Troubleshooting Notification',
    'A test notification',
    'This is a test notification.',
    '[{"url": "{{base_url}}/deployment/notifications?tab=settings", "label": "View notification settings"}]',
    'Notification Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '8c5a4d12-9f7e-4b3a-a1c8-6e4f2d9b5a7c',
    'Task Completed',
    'Task ''{{.Labels.workspace}}'' completed',
    'The task ''{{.Labels.task}}'' has completed successfully.',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.workspace}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '3b7e8f1a-4c2d-49a6-b5e9-7f3a1c8d6b4e',
    'Task Failed',
    'Task ''{{.Labels.workspace}}'' failed',
    'The task ''{{.Labels.task}}'' has failed. Check the logs for more details.',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.workspace}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'd4a6271c-cced-4ed0-84ad-afd02a9c7799',
    'Task Idle',
    'Task ''{{.Labels.workspace}}'' is idle',
    'The task ''{{.Labels.task}}'' is idle and ready for input.',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.workspace}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '2a74f3d3-ab09-4123-a4a5-ca238f4f65a1',
    'Task Paused',
    'Task ''{{.Labels.task}}'' is paused',
    'The task ''{{.Labels.task}}'' was paused ({{.Labels.pause_reason}}).',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.task_id}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '843ee9c3-a8fb-4846-afa9-977bec578649',
    'Task Resumed',
    'Task ''{{.Labels.task}}'' has resumed',
    'The task ''{{.Labels.task}}'' has resumed.',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.task_id}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'bd4b7168-d05e-4e19-ad0f-3593b77aa90f',
    'Task Working',
    'Task ''{{.Labels.workspace}}'' is working',
    'The task ''{{.Labels.task}}'' transitioned to a working state.',
    '[{"url": "{{base_url}}/tasks/{{.UserUsername}}/{{.Labels.workspace}}", "label": "View task"}, {"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Task Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '414d9331-c1fc-4761-b40c-d1f4702279eb',
    'Prebuild Failure Limit Reached',
    'There is a problem creating prebuilt workspaces',
    '
The number of failed prebuild attempts has reached the hard limit for template **{{ .Labels.template }}** and preset **{{ .Labels.preset }}**.

To resume prebuilds, fix the underlying issue and upload a new template version.

Refer to the documentation for more details:
- [Troubleshooting templates](https://coder.com/docs/admin/templates/troubleshooting)
- [Troubleshooting of prebuilt workspaces](https://coder.com/docs/admin/templates/extending-templates/prebuilt-workspaces#administration-and-troubleshooting)
',
    '[{"url": "{{base_url}}/workspaces?filter=owner:prebuilds+status:failed+template:{{.Labels.template}}", "label": "View failed prebuilt workspaces"}, {"url": "{{base_url}}/templates/{{.Labels.org}}/{{.Labels.template}}/versions/{{.Labels.template_version}}", "label": "View template version"}]',
    'Template Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '89d9745a-816e-4695-a17f-3d0a229e2b8d',
    'Prebuilt Workspace Resource Replaced',
    'There might be a problem with a recently claimed prebuilt workspace',
    '
Workspace **{{.Labels.workspace}}** was claimed from a prebuilt workspace by **{{.Labels.claimant}}**.

During the claim, Terraform destroyed and recreated the following resources
because one or more immutable attributes changed:

{{range $resource, $paths := .Data.replacements -}}
- _{{ $resource }}_  was replaced due to changes to _{{ $paths }}_
{{end}}

When Terraform must change an immutable attribute, it replaces the entire resource.
If you’re using prebuilds to speed up provisioning, unexpected replacements will slow down
workspace startup—even when claiming a prebuilt environment.

For tips on preventing replacements and improving claim performance, see [this guide](https://coder.com/docs/admin/templates/extending-templates/prebuilt-workspaces#preventing-resource-replacement).

NOTE: this prebuilt workspace used the **{{.Labels.preset}}** preset.
',
    '[{"url": "{{base_url}}/@{{.Labels.claimant}}/{{.Labels.workspace}}/builds/{{.Labels.workspace_build_num}}", "label": "View workspace build"}, {"url": "{{base_url}}/templates/{{.Labels.org}}/{{.Labels.template}}/versions/{{.Labels.template_version}}", "label": "View template version"}]',
    'Template Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '34a20db2-e9cc-4a93-b0e4-8569699d7a00',
    'Report: Workspace Builds Failed',
    'Failed workspace builds report',
    'The following templates have had build failures over the last {{.Data.report_frequency}}:
{{range $template := .Data.templates}}
- **{{$template.display_name}}** failed to build {{$template.failed_builds}}/{{$template.total_builds}} times
{{end}}

**Report:**
{{range $template := .Data.templates}}
**{{$template.display_name}}**
{{range $version := $template.versions}}
- **{{$version.template_version_name}}** failed {{$version.failed_count}} time{{if gt $version.failed_count 1.0}}s{{end}}:
{{range $build := $version.failed_builds}}
   - [{{$build.workspace_owner_username}} / {{$build.workspace_name}} / #{{$build.build_number}}]({{base_url}}/@{{$build.workspace_owner_username}}/{{$build.workspace_name}}/builds/{{$build.build_number}})
{{end}}
{{end}}
{{end}}

We recommend reviewing these issues to ensure future builds are successful.',
    '[{"url": "{{ base_url }}/workspaces?filter={{$first := true}}{{range $template := .Data.templates}}{{range $version := $template.versions}}{{range $build := $version.failed_builds}}{{if not $first}}+{{else}}{{$first = false}}{{end}}id%3A{{$build.workspace_id}}{{end}}{{end}}{{end}}", "label": "View workspaces"}]',
    'Template Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '29a09665-2a4c-403f-9648-54301670e7be',
    'Template Deleted',
    'Template "{{.Labels.name}}" deleted',
    'The template **{{.Labels.name}}** was deleted by **{{ .Labels.initiator }}**.

',
    '[{"url": "{{ base_url }}/templates", "label": "View templates"}]',
    'Template Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'f40fae84-55a2-42cd-99fa-b41c1ca64894',
    'Template Deprecated',
    'Template ''{{.Labels.template}}'' has been deprecated',
    'The template **{{.Labels.template}}** has been deprecated with the following message:

**{{.Labels.message}}**

New workspaces may not be created from this template. Existing workspaces will continue to function normally.',
    '[{"url": "{{base_url}}/workspaces?filter=owner%3Ame+template%3A{{.Labels.template}}", "label": "See affected workspaces"}, {"url": "{{base_url}}/templates/{{.Labels.organization}}/{{.Labels.template}}", "label": "View template"}]',
    'Template Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '62f86a30-2330-4b61-a26d-311ff3b608cf',
    'One-Time Passcode',
    'Reset your password for Coder',
    'Use the link below to reset your password.

If you did not make this request, you can ignore this message.',
    '[{"url": "{{base_url}}/reset-password/change?otp={{.Labels.one_time_passcode}}&email={{.UserEmail | urlquery}}", "label": "Reset password"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '9f5af851-8408-4e73-a7a1-c6502ba46689',
    'User account activated',
    'User account "{{.Labels.activated_account_name}}" activated',
    'User account **{{.Labels.activated_account_name}}** has been activated.

The account {{if .Labels.activated_account_user_name}}belongs to **{{.Labels.activated_account_user_name}}** and it {{ end }}was activated by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}/deployment/users?filter=status%3Aactive", "label": "View accounts"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '4e19c0ac-94e1-4532-9515-d1801aa283b2',
    'User account created',
    'User account "{{.Labels.created_account_name}}" created',
    'New user account **{{.Labels.created_account_name}}** has been created.

This new user account was created {{if .Labels.created_account_user_name}}for **{{.Labels.created_account_user_name}}** {{end}}by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}/deployment/users?filter=status%3Aactive", "label": "View accounts"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'f44d9314-ad03-4bc8-95d0-5cad491da6b6',
    'User account deleted',
    'User account "{{.Labels.deleted_account_name}}" deleted',
    'User account **{{.Labels.deleted_account_name}}** has been deleted.

The deleted account {{if .Labels.deleted_account_user_name}}belonged to **{{.Labels.deleted_account_user_name}}** and {{end}}was deleted by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}/deployment/users?filter=status%3Aactive", "label": "View accounts"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'b02ddd82-4733-4d02-a2d7-c36f3598997d',
    'User account suspended',
    'User account "{{.Labels.suspended_account_name}}" suspended',
    'User account **{{.Labels.suspended_account_name}}** has been suspended.

The account {{if .Labels.suspended_account_user_name}}belongs to **{{.Labels.suspended_account_user_name}}** and it {{end}}was suspended by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}/deployment/users?filter=status%3Asuspended", "label": "View suspended accounts"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '1a6a6bea-ee0a-43e2-9e7c-eabdb53730e4',
    'Your account has been activated',
    'Your account "{{.Labels.activated_account_name}}" has been activated',
    'Your account **{{.Labels.activated_account_name}}** has been activated by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}", "label": "Open Coder"}]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '6a2f0609-9b69-4d36-a989-9f5925b6cbff',
    'Your account has been suspended',
    'Your account "{{.Labels.suspended_account_name}}" has been suspended',
    'Your account **{{.Labels.suspended_account_name}}** has been suspended by **{{.Labels.initiator}}**.',
    '[]',
    'User Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '381df2a9-c0c0-4749-420f-80a9280c66f9',
    'Workspace Autobuild Failed',
    'Workspace "{{.Labels.name}}" autobuild failed',
    'Automatic build of your workspace **{{.Labels.name}}** failed.

The specified reason was "**{{.Labels.reason}}**".',
    '[{"url": "{{ base_url }}/@{{.UserUsername}}/{{.Labels.name}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '6f6cb984-c167-4fa5-bb87-1058dd642779',
    'Workspace Autostop Reminder',
    'Your workspace "{{.Labels.workspace}}" will stop soon',
    'Your workspace **{{.Labels.workspace}}** is scheduled to automatically stop at {{.Labels.deadline}}.

Connect to it or extend the deadline to keep it running.',
    '[{"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '281fdf73-c6d6-4cbb-8ff5-888baf8a2fff',
    'Workspace Created',
    'Workspace ''{{.Labels.workspace}}'' has been created',
    'The workspace **{{.Labels.workspace}}** has been created from the template **{{.Labels.template}}** using version **{{.Labels.version}}**.',
    '[{"url": "{{base_url}}/@{{.Labels.workspace_owner_username}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'f517da0b-cdc9-410f-ab89-a86107c420ed',
    'Workspace Deleted',
    'Workspace "{{.Labels.name}}" deleted',
    'Your workspace **{{.Labels.name}}** was deleted.

The specified reason was "**{{.Labels.reason}}{{ if .Labels.initiator }} ({{ .Labels.initiator }}){{end}}**".',
    '[{"url": "{{ base_url }}/workspaces", "label": "View workspaces"}, {"url": "{{ base_url }}/templates", "label": "View templates"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '2faeee0f-26cb-4e96-821c-85ccb9f71513',
    'Workspace Manual Build Failed',
    'Workspace "{{.Labels.name}}" manual build failed',
    'A manual build of the workspace **{{.Labels.name}}** using the template **{{.Labels.template_name}}** failed (version: **{{.Labels.template_version_name}}**).
The workspace build was initiated by **{{.Labels.initiator}}**.',
    '[{"url": "{{ base_url }}/@{{.Labels.workspace_owner_username}}/{{.Labels.name}}/builds/{{.Labels.workspace_build_number}}", "label": "View build"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'd089fe7b-d5c5-4c0c-aaf5-689859f7d392',
    'Workspace Manually Updated',
    'Workspace ''{{.Labels.workspace}}'' has been manually updated',
    'A new workspace build has been manually created for your workspace **{{.Labels.workspace}}** by **{{.Labels.initiator}}** to update it to version **{{.Labels.version}}** of template **{{.Labels.template}}**.',
    '[{"url": "{{base_url}}/@{{.Labels.workspace_owner_username}}/{{.Labels.workspace}}", "label": "View workspace"}, {"url": "{{base_url}}/templates/{{.Labels.organization}}/{{.Labels.template}}/versions/{{.Labels.version}}", "label": "View template version"}]',
    'Workspace Events',
    NULL,
    'system',
    FALSE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '0ea69165-ec14-4314-91f1-69566ac3c5a0',
    'Workspace Marked as Dormant',
    'Workspace "{{.Labels.name}}" marked as dormant',
    'Your workspace **{{.Labels.name}}** has been marked as [**dormant**](https://coder.com/docs/admin/templates/managing-templates/schedule#dormancy-threshold) due to inactivity exceeding the dormancy threshold.

{{ if .Labels.timeTilDelete -}}
This workspace will be automatically deleted in {{.Labels.timeTilDelete}} if it remains inactive.

To prevent deletion, activate your workspace using the link below.
{{- else -}}
Activate your workspace using the link below to resume working in it.
{{- end }}',
    '[{"url": "{{ base_url }}/@{{.UserUsername}}/{{.Labels.name}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    '51ce2fdf-c9ca-4be1-8d70-628674f9bc42',
    'Workspace Marked for Deletion',
    'Workspace "{{.Labels.name}}" marked for deletion',
    'Your workspace **{{.Labels.name}}** has been marked for **deletion** after {{.Labels.timeTilDormant}} of [dormancy](https://coder.com/docs/admin/templates/managing-templates/schedule#dormancy-auto-deletion) because of {{.Labels.reason}}.
To prevent deletion, use your workspace with the link below.',
    '[{"url": "{{ base_url }}/@{{.UserUsername}}/{{.Labels.name}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'f047f6a3-5713-40f7-85aa-0394cce9fa3a',
    'Workspace Out Of Disk',
    'Your workspace "{{.Labels.workspace}}" is low on volume space',
    '{{ if eq (len .Data.volumes) 1 }}{{ $volume := index .Data.volumes 0 }}Volume **`{{$volume.path}}`** is over {{$volume.threshold}} full in workspace **{{.Labels.workspace}}**.{{ else }}The following volumes are nearly full in workspace **{{.Labels.workspace}}**

{{ range $volume := .Data.volumes }}- **`{{$volume.path}}`** is over {{$volume.threshold}} full
{{ end }}{{ end }}',
    '[{"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'a9d027b4-ac49-4fb1-9f6d-45af15f64e7a',
    'Workspace Out Of Memory',
    'Your workspace "{{.Labels.workspace}}" is low on memory',
    'Your workspace **{{.Labels.workspace}}** has reached the memory usage threshold set at **{{.Labels.threshold}}**.',
    '[{"url": "{{base_url}}/@{{.UserUsername}}/{{.Labels.workspace}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);

INSERT INTO notification_templates (id, name, title_template, body_template, actions, group_name, method, kind, enabled_by_default) VALUES (
    'c34a0c09-0704-4cac-bd1c-0c0146811c2b',
    'Workspace Updated Automatically',
    'Workspace "{{.Labels.name}}" updated automatically',
    'Your workspace **{{.Labels.name}}** has been updated automatically to the latest template version ({{.Labels.template_version_name}}).

Reason for update: **{{.Labels.template_version_message}}**.',
    '[{"url": "{{ base_url }}/@{{.UserUsername}}/{{.Labels.name}}", "label": "View workspace"}]',
    'Workspace Events',
    NULL,
    'system',
    TRUE
);
