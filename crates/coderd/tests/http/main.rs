//! Black-box HTTP tests: each runs the real server on SQLite and on PostgreSQL.

mod daemon;
mod harness;
mod idpsync;
mod pg;

mod authcheck;
mod concurrency;
mod crash;
mod csrf;
mod deployment;
mod externallogin;
mod foundation;
mod groups;
mod keys;
mod licensing;
mod limits;
mod logs;
mod metrics;
mod oauth2;
mod oauth2_clients;
mod oauth2_protocol;
mod orgs;
mod outage;
mod personal;
mod plans;
mod provisioners;
mod proxies;
mod ratelimit;
mod readme;
mod refusals;
mod scim;
mod security;
mod spec;
mod templates;
mod users;
mod workspaces;
