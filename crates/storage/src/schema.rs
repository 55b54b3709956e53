//! diesel table definitions, written to match `migrations/` on both backends.

diesel::table! {
    site_configs (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        username -> Text,
        name -> Text,
        avatar_url -> Text,
        hashed_password -> Text,
        login_type -> Text,
        status -> Text,
        rbac_roles -> Text,
        is_service_account -> Bool,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_seen_at -> Timestamp,
        organization_ids -> Text,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        hashed_secret -> Binary,
        user_id -> Text,
        last_used -> Timestamp,
        expires_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        login_type -> Text,
        lifetime_seconds -> BigInt,
        token_name -> Text,
        scopes -> Text,
        allow_list -> Text,
    }
}

diesel::table! {
    user_configs (user_id, key) {
        user_id -> Text,
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    gitsshkeys (user_id) {
        user_id -> Text,
        private_key -> Text,
        public_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        display_name -> Text,
        description -> Text,
        icon -> Text,
        is_default -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        shareable_workspace_owners -> Text,
    }
}

diesel::table! {
    organization_members (organization_id, user_id) {
        organization_id -> Text,
        user_id -> Text,
        roles -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    groups (id) {
        id -> Text,
        name -> Text,
        display_name -> Text,
        organization_id -> Text,
        avatar_url -> Text,
        quota_allowance -> BigInt,
        source -> Text,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    group_ai_budgets (group_id) {
        group_id -> Text,
        spend_limit_micros -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Live users per status, split in shards that concurrent writers spread over; kept by
    /// triggers on `users`.
    user_counts (status, shard) {
        status -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    /// Live members per organization, in shards; kept by triggers.
    organization_member_counts (organization_id, shard) {
        organization_id -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    /// SQLite only: committed changes for other server processes on the same file to read.
    change_log (id) {
        id -> BigInt,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(api_keys -> users (user_id));
diesel::table! {
    licenses (id) {
        id -> Integer,
        uploaded_at -> Timestamp,
        jwt -> Text,
        jwt_hash -> Text,
        exp -> Timestamp,
        uuid -> Text,
    }
}

diesel::table! {
    replicas (id) {
        id -> Text,
        created_at -> Timestamp,
        started_at -> Timestamp,
        stopped_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        hostname -> Text,
        region_id -> Integer,
        relay_address -> Text,
        database_latency -> Integer,
        version -> Text,
        error -> Text,
        is_primary -> Bool,
    }
}

diesel::table! {
    notification_preferences (user_id, notification_template_id) {
        user_id -> Text,
        notification_template_id -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_templates (id) {
        id -> Text,
        name -> Text,
        title_template -> Text,
        body_template -> Text,
        actions -> Nullable<Text>,
        group_name -> Nullable<Text>,
        method -> Nullable<Text>,
        kind -> Text,
        enabled_by_default -> Bool,
    }
}

diesel::table! {
    workspace_proxies (id) {
        id -> Text,
        name -> Text,
        display_name -> Text,
        icon -> Text,
        url -> Text,
        wildcard_hostname -> Text,
        derp_enabled -> Bool,
        derp_only -> Bool,
        region_id -> Integer,
        token_hashed_secret -> Binary,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted -> Bool,
        version -> Text,
    }
}

diesel::table! {
    scim_users (user_id) {
        user_id -> Text,
        user_name -> Text,
        external_id -> Nullable<Text>,
        attributes -> Text,
        deleted -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    scim_groups (group_id) {
        group_id -> Text,
        display_name -> Text,
        external_id -> Nullable<Text>,
        attributes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    oauth2_provider_apps (id) {
        id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        name -> Text,
        icon -> Text,
        callback_url -> Text,
        redirect_uris -> Text,
        client_type -> Text,
        dynamically_registered -> Bool,
        grant_types -> Text,
        response_types -> Text,
        token_endpoint_auth_method -> Text,
        client_id_issued_at -> Nullable<Timestamp>,
        client_metadata -> Text,
        registration_access_token -> Nullable<Binary>,
    }
}

diesel::table! {
    oauth2_provider_app_codes (id) {
        id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        secret_prefix -> Text,
        hashed_secret -> Binary,
        user_id -> Text,
        app_id -> Text,
        redirect_uri -> Text,
        redirect_uri_given -> Bool,
        scope -> Text,
        resource_uri -> Text,
        code_challenge -> Text,
        code_challenge_method -> Text,
        redeemed_at -> Nullable<Timestamp>,
        grant_id -> Nullable<Text>,
    }
}

diesel::table! {
    oauth2_provider_app_grants (id) {
        id -> Text,
        created_at -> Timestamp,
        app_id -> Text,
        app_secret_id -> Nullable<Text>,
        user_id -> Text,
        scope -> Text,
        audience -> Text,
    }
}

diesel::table! {
    oauth2_provider_app_tokens (id) {
        id -> Text,
        grant_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        hash_prefix -> Text,
        refresh_hash -> Binary,
        api_key_id -> Nullable<Text>,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth2_provider_app_secrets (id) {
        id -> Text,
        app_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        hashed_secret -> Binary,
        display_secret -> Text,
        secret_prefix -> Text,
    }
}

diesel::joinable!(oauth2_provider_app_tokens -> oauth2_provider_app_grants (grant_id));
diesel::joinable!(oauth2_provider_app_grants -> oauth2_provider_apps (app_id));
diesel::joinable!(organization_members -> users (user_id));
diesel::joinable!(organization_members -> organizations (organization_id));
diesel::joinable!(groups -> organizations (organization_id));
diesel::joinable!(group_members -> groups (group_id));
diesel::joinable!(group_members -> users (user_id));

diesel::table! {
    user_links (user_id, login_type) {
        user_id -> Text,
        login_type -> Text,
        linked_id -> Text,
        claims -> Text,
    }
}

diesel::joinable!(user_links -> users (user_id));

diesel::table! {
    files (id) {
        id -> Text,
        hash -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        mimetype -> Text,
        data -> Binary,
    }
}

diesel::table! {
    templates (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        display_name -> Text,
        description -> Text,
        icon -> Text,
        provisioner -> Text,
        active_version_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted -> Bool,
        user_acl -> Text,
        group_acl -> Text,
        settings -> Text,
    }
}

diesel::table! {
    template_versions (id) {
        id -> Text,
        template_id -> Nullable<Text>,
        organization_id -> Text,
        name -> Text,
        message -> Text,
        readme -> Text,
        job_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived -> Bool,
        has_external_agent -> Bool,
    }
}

diesel::table! {
    provisioner_jobs (id) {
        id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        canceled_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        error_code -> Text,
        organization_id -> Text,
        initiator_id -> Text,
        provisioner -> Text,
        file_id -> Text,
        job_type -> Text,
        input -> Text,
        worker_id -> Nullable<Text>,
        tags -> Text,
    }
}

diesel::table! {
    provisioner_job_logs (id) {
        id -> BigInt,
        job_id -> Text,
        created_at -> Timestamp,
        source -> Text,
        level -> Text,
        stage -> Text,
        output -> Text,
    }
}

diesel::table! {
    provisioner_keys (id) {
        id -> Text,
        created_at -> Timestamp,
        organization_id -> Text,
        name -> Text,
        hashed_secret -> Binary,
        tags -> Text,
    }
}

diesel::table! {
    provisioner_daemons (id) {
        id -> Text,
        created_at -> Timestamp,
        name -> Text,
        provisioners -> Text,
        replica_id -> Nullable<Text>,
        tags -> Text,
        owner_tag -> Text,
        last_seen_at -> Nullable<Timestamp>,
        version -> Text,
        api_version -> Text,
        organization_id -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    template_version_parameters (template_version_id, name) {
        template_version_id -> Text,
        name -> Text,
        position -> Integer,
        ephemeral -> Bool,
        data -> Text,
    }
}

diesel::table! {
    template_version_inputs (template_version_id) {
        template_version_id -> Text,
        variables -> Text,
        external_auth -> Text,
    }
}

diesel::table! {
    template_version_presets (id) {
        id -> Text,
        template_version_id -> Text,
        name -> Text,
        created_at -> Timestamp,
        last_invalidated_at -> Nullable<Timestamp>,
        is_default -> Bool,
        data -> Text,
    }
}

diesel::table! {
    provisioner_job_resources (id) {
        id -> Text,
        job_id -> Text,
        created_at -> Timestamp,
        transition -> Text,
        data -> Text,
    }
}

diesel::table! {
    workspaces (id) {
        id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        owner_id -> Text,
        organization_id -> Text,
        template_id -> Text,
        deleted -> Bool,
        name -> Text,
        autostart_schedule -> Nullable<Text>,
        ttl_ms -> Nullable<BigInt>,
        last_used_at -> Timestamp,
        automatic_updates -> Text,
    }
}

diesel::table! {
    workspace_builds (id) {
        id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        workspace_id -> Text,
        template_version_id -> Text,
        build_number -> Integer,
        transition -> Text,
        initiator_id -> Text,
        job_id -> Text,
        deadline -> Nullable<Timestamp>,
        max_deadline -> Nullable<Timestamp>,
        reason -> Text,
        daily_cost -> Integer,
        has_external_agent -> Nullable<Bool>,
        provisioner_state -> Nullable<Binary>,
    }
}

diesel::table! {
    workspace_build_parameters (workspace_build_id, name) {
        workspace_build_id -> Text,
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    workspace_agents (id) {
        id -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resource_id -> Text,
        job_id -> Text,
        name -> Text,
        auth_token -> Text,
        auth_instance_id -> Nullable<Text>,
        operating_system -> Text,
        architecture -> Text,
        directory -> Text,
        lifecycle_state -> Text,
        first_connected_at -> Nullable<Timestamp>,
        last_connected_at -> Nullable<Timestamp>,
        disconnected_at -> Nullable<Timestamp>,
        data -> Text,
    }
}

diesel::joinable!(workspace_builds -> workspaces (workspace_id));
diesel::joinable!(workspace_build_parameters -> workspace_builds (workspace_build_id));

diesel::table! {
    connection_logs (id) {
        id -> Text,
        connect_time -> Timestamp,
        organization_id -> Text,
        workspace_owner_id -> Text,
        workspace_id -> Text,
        workspace_name -> Text,
        agent_name -> Text,
        #[sql_name = "type"]
        type_ -> Text,
        ip -> Nullable<Text>,
        code -> Nullable<Integer>,
        connection_id -> Nullable<Text>,
        disconnect_time -> Nullable<Timestamp>,
        disconnect_reason -> Nullable<Text>,
    }
}

diesel::table! {
    user_status_changes (id) {
        id -> Text,
        user_id -> Text,
        new_status -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    inbox_notifications (id) {
        id -> Text,
        user_id -> Text,
        template_id -> Text,
        targets -> Text,
        title -> Text,
        content -> Text,
        icon -> Text,
        actions -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    notification_preferences,
    inbox_notifications,
    user_status_changes,
    site_configs,
    users,
    api_keys,
    user_configs,
    gitsshkeys,
    organizations,
    organization_members,
    groups,
    group_members,
    group_ai_budgets,
    user_counts,
    organization_member_counts,
    change_log,
    oauth2_provider_apps,
    oauth2_provider_app_secrets,
    oauth2_provider_app_codes,
    oauth2_provider_app_grants,
    oauth2_provider_app_tokens,
    user_links,
    files,
    templates,
    template_versions,
    provisioner_jobs,
    provisioner_job_logs,
    provisioner_keys,
    provisioner_daemons,
    template_version_parameters,
    template_version_presets,
    template_version_inputs,
    provisioner_job_resources,
    workspaces,
    workspace_builds,
    workspace_build_parameters,
    workspace_agents,
    connection_logs,
);

/// SQL functions both backends share.
pub mod functions {
    use diesel::sql_types::Text;

    #[diesel::declare_sql_function]
    extern "SQL" {
        /// Lower-cases text, for case-insensitive matching that works on both backends.
        fn lower(x: Text) -> Text;
        /// PostgreSQL only: the 1-based position of `needle` in `text`, 0 when absent. Unlike
        /// `LIKE` it is no index condition, so it checks candidates without adding the whole
        /// term's trigrams to a trigram index scan.
        fn strpos(text: Text, needle: Text) -> diesel::sql_types::Integer;
    }
}
