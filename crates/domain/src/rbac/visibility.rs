//! Lists authorized in the query (Coder's `Prepare` + `GetAuthorized*`): the subject's roles,
//! scope and allow list turned into the terms of a `WHERE` clause, so that a page and its count
//! are exactly what the caller may see. Built from the same votes as [`super::authorize`].

use uuid::Uuid;

use super::model::{Action, ResourceType};
use super::policy::{org_votes, site_vote, user_vote, vote, Subject};

/// Which rows of one resource type a subject may act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    /// The subject the owner terms refer to.
    pub user_id: Uuid,
    /// The key's scope (or a site-level denial) rules the type out: no row at all.
    pub nothing: bool,
    /// A site-level grant: every row (still narrowed by `ids`).
    pub everything: bool,
    /// Rows of these organizations.
    pub orgs: Vec<Uuid>,
    /// Rows the subject owns in these organizations (the member level).
    pub own_in_orgs: Vec<Uuid>,
    /// Rows the subject owns outside any organization (the user level).
    pub own_outside_orgs: bool,
    /// When set, only rows with these ids (the key's allow list; empty means none).
    pub ids: Option<Vec<Uuid>>,
}

impl Visibility {
    /// Whether a row passes: the in-memory form of the query filter, for small lists.
    pub fn admits(&self, id: Option<Uuid>, owner: Option<Uuid>, org: Option<Uuid>) -> bool {
        if self.nothing || self.ids.as_ref().is_some_and(|ids| !id.is_some_and(|i| ids.contains(&i))) {
            return false;
        }
        let own = owner == Some(self.user_id);
        self.everything
            || org.is_some_and(|o| self.orgs.contains(&o) || (own && self.own_in_orgs.contains(&o)))
            || (own && org.is_none() && self.own_outside_orgs)
    }
}

/// What `subject` may `act` on among the rows of `resource`.
pub fn visibility(subject: &Subject, act: Action, resource: ResourceType) -> Visibility {
    let mut v = Visibility {
        user_id: subject.user_id,
        nothing: false,
        everything: false,
        orgs: Vec::new(),
        own_in_orgs: Vec::new(),
        own_outside_orgs: false,
        ids: None,
    };
    if let Some(scope) = &subject.scope {
        v.nothing = vote(scope.permissions.iter(), resource, act) != 1;
        let listed: Vec<&(String, String)> = scope.allow_list.iter().filter(|(t, _)| t == "*" || t == resource.as_str()).collect();
        let whole_type = scope.allow_list.is_empty() || listed.iter().any(|(_, i)| i == "*");
        if !whole_type {
            v.ids = Some(listed.iter().filter_map(|(_, i)| Uuid::parse_str(i).ok()).collect());
        }
    }
    let site = site_vote(subject, resource, act);
    if site == -1 {
        v.nothing = true;
        return v;
    }
    v.everything = site == 1;
    v.own_outside_orgs = user_vote(subject, resource, act) == 1;
    for org in subject.org_roles.keys() {
        let (org_vote, member_vote) = org_votes(subject, *org, resource, act);
        if org_vote == 1 {
            v.orgs.push(*org);
        }
        if org_vote != -1 && member_vote == 1 {
            v.own_in_orgs.push(*org);
        }
    }
    v
}
