//! Provisioner tags: how a daemon's and a job's tag sets are normalised and matched, as Coder's
//! `provisionersdk.MutateTags` and SQL `provisioner_tagset_contains` do.

use uuid::Uuid;

use super::Tags;

/// The tag naming who may use a daemon: `organization` or `user`.
pub const SCOPE: &str = "scope";
/// The tag naming the owning user of a user-scoped daemon (empty otherwise).
pub const OWNER: &str = "owner";
/// Scope of a daemon any template of the organization may use.
pub const SCOPE_ORGANIZATION: &str = "organization";
/// Scope of a daemon only its owner's jobs use.
pub const SCOPE_USER: &str = "user";

/// Merges tag sets (later sets win; empty values never overwrite) and fixes `scope` and
/// `owner`: `scope=user` gets the user as owner, anything else becomes organization-scoped with
/// an empty owner.
pub fn mutate<'a>(user: Option<Uuid>, sets: impl IntoIterator<Item = &'a Tags>) -> Tags {
    let mut tags = Tags::new();
    for set in sets {
        for (k, v) in set {
            if !v.is_empty() {
                tags.insert(k.clone(), v.clone());
            }
        }
    }
    if tags.get(SCOPE).map(String::as_str) == Some(SCOPE_USER) {
        tags.insert(OWNER.into(), user.unwrap_or(Uuid::nil()).to_string());
    } else {
        tags.insert(SCOPE.into(), SCOPE_ORGANIZATION.into());
        tags.insert(OWNER.into(), String::new());
    }
    tags
}

/// Whether a daemon with `daemon` tags may take a job tagged `job`: the job's tags must all be
/// among the daemon's, except that an untagged job only goes to an untagged daemon.
pub fn daemon_may_take(daemon: &Tags, job: &Tags) -> bool {
    if is_untagged(job) {
        return daemon == job;
    }
    job.iter().all(|(k, v)| daemon.get(k) == Some(v))
}

/// Whether `wanted` is a subset of `have`, with the same untagged rule (the daemons list's
/// `tags` filter).
pub fn contains(have: &Tags, wanted: &Tags) -> bool {
    daemon_may_take(have, wanted)
}

fn is_untagged(tags: &Tags) -> bool {
    tags.len() == 2 && tags.get(SCOPE).map(String::as_str) == Some(SCOPE_ORGANIZATION) && tags.get(OWNER).map(String::as_str) == Some("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(pairs: &[(&str, &str)]) -> Tags {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn mutate_fixes_scope_and_owner() {
        let user = Uuid::new_v4();
        assert_eq!(mutate(Some(user), [&t(&[])]), t(&[("scope", "organization"), ("owner", "")]));
        assert_eq!(mutate(Some(user), [&t(&[("scope", "user")])]), t(&[("scope", "user"), ("owner", &user.to_string())]));
        assert_eq!(mutate(None, [&t(&[("scope", "weird"), ("owner", "x")])]), t(&[("scope", "organization"), ("owner", "")]));
        assert_eq!(mutate(None, [&t(&[("a", "1")]), &t(&[("a", "")])]).get("a").map(String::as_str), Some("1"));
    }

    #[test]
    fn untagged_jobs_need_untagged_daemons() {
        let untagged = mutate(None, [&Tags::new()]);
        let tagged = mutate(None, [&t(&[("os", "linux")])]);
        assert!(daemon_may_take(&untagged, &untagged));
        assert!(!daemon_may_take(&tagged, &untagged));
        assert!(daemon_may_take(&tagged, &tagged));
        assert!(!daemon_may_take(&untagged, &tagged));
    }
}
