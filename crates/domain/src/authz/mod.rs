//! The enforcement layer: the store as a subject may use it (Coder's `dbauthz`).
//!
//! A use case never holds the raw store. It asks [`App::db`] for the store *as its actor*, or
//! [`App::db_as`] for the store as one of the server's named [`System`] subjects, and gets a
//! [`Db`]: every read is authorized on the row it returns (a row the subject may not read is
//! reported missing), every write on the row it changes, and every list is narrowed in its query
//! to what the subject may see. The checks live next to the query they guard, one file per
//! capability (`authz/groups.rs`, ...), so a use case cannot forget one: it has nothing else to
//! call.
//!
//! Use cases still ask [`Db::require`] where Coder refuses *before* it reads (to keep Coder's
//! order of answers: a 403 before a 409, say); the layer's own checks are what make a forgotten
//! one harmless. The objects are always built from stored rows, never from request input.

mod deployment;
mod groups;
mod idpsync;
mod inbox;
mod licensing;
mod oauth2;
mod orgs;
mod provisioners;
mod proxies;
mod scim;
mod site;
mod templates;
mod users;
mod workspaces;

pub use groups::group_object;
pub use oauth2::oauth2_app_object;
pub use orgs::{member_object, org_object};
pub use provisioners::daemon_object;
pub use proxies::ProxyAddress;
pub use templates::template_object;
pub use users::api_key_object;
pub use workspaces::{transition_action, workspace_object, BuildRows};

use std::sync::Arc;

use uuid::Uuid;

use crate::app::{Actor, App};
use crate::error::{Error, Result};
use crate::rbac::{self, Action, Object, ResourceType, Subject, Visibility};
use crate::store::Repo;

/// The server's own subjects (Coder's `dbauthz.As*`): each holds one system role with exactly
/// the permissions its work needs (`rbac::roles`), so that background work, daemons, agents,
/// SCIM and sign-in are authorized like any caller, never waved through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    /// Authenticating requests, password and external sign-in, IdP sync at login.
    Login,
    /// The OAuth2 provider's token and revocation endpoints.
    OAuth2,
    /// SCIM provisioning.
    Scim,
    /// Provisioner daemons.
    Provisionerd,
    /// Workspace agents.
    Agent,
    /// Background jobs of the server (heartbeats, entitlements, cleanups).
    Background,
    /// First-user setup (`POST /users/first`).
    Setup,
    /// Workspace proxies, authenticated by their own tokens, and the health checks of them.
    Proxy,
    /// Unauthenticated requests that read deployment data.
    Site,
}

impl System {
    /// The subject this system work acts as: the nil user holding one system role.
    pub fn subject(self) -> &'static Subject {
        use std::sync::OnceLock;
        static SUBJECTS: OnceLock<Vec<Subject>> = OnceLock::new();
        let all = SUBJECTS.get_or_init(|| {
            Self::ALL
                .iter()
                .map(|s| Subject {
                    user_id: Uuid::nil(),
                    site_roles: vec![s.role().to_string()],
                    org_roles: Default::default(),
                    scope: None,
                    workspace_exec_withheld: false,
                })
                .collect()
        });
        // Every variant is in `ALL` (the test below checks each subject holds its own role).
        &all[Self::ALL.iter().position(|s| *s == self).unwrap_or(Self::ALL.len() - 1)]
    }

    /// Every system subject.
    pub const ALL: [System; 9] =
        [Self::Login, Self::OAuth2, Self::Scim, Self::Provisionerd, Self::Agent, Self::Background, Self::Setup, Self::Proxy, Self::Site];

    fn role(self) -> &'static str {
        use rbac::system_role as r;
        match self {
            Self::Login => r::LOGIN,
            Self::OAuth2 => r::OAUTH2,
            Self::Scim => r::SCIM,
            Self::Provisionerd => r::PROVISIONERD,
            Self::Agent => r::AGENT,
            Self::Background => r::BACKGROUND,
            Self::Setup => r::SETUP,
            Self::Proxy => r::PROXY,
            Self::Site => r::SITE,
        }
    }
}

/// A read the subject may not make, seen as a row that is not there (for lookups whose
/// caller answers "does not exist" either way).
pub fn hidden<T>(e: Error) -> Result<Option<T>> {
    if e.is_refusal() {
        Ok(None)
    } else {
        Err(e)
    }
}

/// The raw store, held by [`App`] and opened only here.
#[derive(Clone)]
pub struct Store(Arc<dyn Repo>);

impl Store {
    /// Wraps the store the use cases will reach through [`Db`].
    pub fn new(repo: Arc<dyn Repo>) -> Self {
        Self(repo)
    }
}

/// The store as one subject may use it. Cheap to make; make one per use case.
#[derive(Clone, Copy)]
pub struct Db<'a> {
    store: &'a dyn Repo,
    subject: &'a Subject,
}

impl<'a> Db<'a> {
    /// The store as `subject` may use it.
    pub fn new(store: &'a dyn Repo, subject: &'a Subject) -> Self {
        Self { store, subject }
    }

    /// Who this store acts for.
    pub fn subject(&self) -> &'a Subject {
        self.subject
    }

    /// Whether the subject may `act` on `object`.
    pub fn allows(&self, act: Action, object: &Object) -> bool {
        rbac::authorize(self.subject, act, object)
    }

    /// Fails with 403 unless the subject may `act` on `object`.
    pub fn require(&self, act: Action, object: &Object) -> Result<()> {
        rbac::require(self.subject, act, object)
    }

    /// Fails with 404 unless the subject may `act` on `object`: Coder hides what you cannot see.
    pub fn require_visible(&self, act: Action, object: &Object) -> Result<()> {
        rbac::require_visible_action(self.subject, act, object)
    }

    /// The rows of `resource` the subject may `act` on, as terms of a list query.
    pub fn visibility(&self, act: Action, resource: ResourceType) -> Visibility {
        rbac::visibility(self.subject, act, resource)
    }

    /// Runs `f` in one transaction, with the same subject: an `Err` rolls everything back.
    pub fn transaction<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        let subject = self.subject;
        crate::store::in_transaction(self.store, |tx| f(&Db { store: tx, subject }))
    }

    /// A read of one row: the row when the subject may read it, `NotFound` (marked a refusal)
    /// when it exists but may not be read, `None` when it does not exist.
    fn fetch<T>(&self, row: Option<T>, object: impl FnOnce(&T) -> Object) -> Result<Option<T>> {
        match row {
            Some(r) if !self.allows(rbac::action::READ, &object(&r)) => Err(Error::not_found().denied()),
            other => Ok(other),
        }
    }

    /// A write to a stored row: runs `write` only when the subject may `act` on `object`.
    fn write<T>(&self, act: Action, object: &Object, write: impl FnOnce(&dyn Repo) -> Result<T>) -> Result<T> {
        self.require(act, object)?;
        write(self.store)
    }

    /// The rows of a list the subject may read (Coder's `fetchWithPostFilter`), for lists whose
    /// size is bounded by one organization or one parent.
    fn filter<T>(&self, rows: Vec<T>, object: impl Fn(&T) -> Object) -> Vec<T> {
        rows.into_iter().filter(|r| self.allows(rbac::action::READ, &object(r))).collect()
    }
}

impl App {
    fn store(&self) -> &dyn Repo {
        self.store.0.as_ref()
    }

    /// The store as the actor may use it: the only way a use case acting for a caller reaches
    /// data.
    pub fn db<'a>(&'a self, actor: &'a Actor) -> Db<'a> {
        Db::new(self.store(), &actor.subject)
    }

    /// The store as one of the server's own subjects, for work no caller asked for or done
    /// before a caller is known (authentication, daemons, agents, SCIM, background jobs).
    pub fn db_as(&self, system: System) -> Db<'_> {
        Db::new(self.store(), system.subject())
    }
}

#[cfg(test)]
mod tests {
    use super::System;
    use crate::rbac::{self, action, resource, Object};

    #[test]
    fn every_system_subject_holds_its_own_role_only() {
        for s in System::ALL {
            assert_eq!(s.subject().site_roles, vec![s.role().to_string()], "{s:?}");
            assert!(rbac::role_def(s.role()).is_some_and(|r| r.scope == rbac::RoleScope::System), "{s:?}");
            assert!(!rbac::can_assign_site_role(s.subject(), s.role()), "{s:?} roles are never granted");
        }
        assert!(rbac::authorize(System::Proxy.subject(), action::READ, &Object::of(resource::WORKSPACE_PROXY)));
        // Narrow: the site subject reads deployment data and nothing of anyone's.
        assert!(!rbac::authorize(System::Site.subject(), action::READ, &Object::of(resource::USER)));
        assert!(!rbac::authorize(System::Agent.subject(), action::DELETE, &Object::of(resource::WORKSPACE)));
        assert!(!rbac::authorize(System::Provisionerd.subject(), action::CREATE, &Object::of(resource::API_KEY)));
    }
}
