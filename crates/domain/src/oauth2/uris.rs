//! The URI rules of the OAuth2 provider: which redirect URIs a client may register (RFC 7591,
//! RFC 8252 for native apps, Coder's rules), the `resource` indicator (RFC 8707), and building
//! the redirect that carries a code or an error back to the client.

use url::Url;

/// Schemes a redirect URI may never use.
const DANGEROUS: &[&str] = &["javascript", "data", "file", "ftp", "vbscript"];

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.ends_with(".localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks a redirect URI a client registers: absolute, no fragment, not a dangerous scheme;
/// `https`, or `http` on a loopback host (RFC 8252 §7.3), or a private-use scheme containing a
/// period (RFC 8252 §7.1) for public clients.
pub fn check_redirect_uri(raw: &str, public: bool) -> Result<(), String> {
    if raw.is_empty() {
        return Err("redirect URI must not be empty".into());
    }
    if raw.contains('#') {
        return Err("redirect URI must not contain a fragment".into());
    }
    let url = Url::parse(raw).map_err(|e| format!("redirect URI is not an absolute URI: {e}"))?;
    let scheme = url.scheme();
    if DANGEROUS.contains(&scheme) {
        return Err(format!("redirect URI uses the forbidden scheme {scheme:?}"));
    }
    match scheme {
        "https" => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err("redirect URI must have a host".into());
            }
        }
        "http" => {
            if !url.host_str().is_some_and(is_loopback_host) {
                return Err("redirect URI must use https, except on a loopback host (localhost, 127.0.0.1, [::1])".into());
            }
        }
        "urn" if raw == "urn:ietf:wg:oauth:2.0:oob" => {}
        "urn" | "mailto" | "tel" | "sms" => return Err(format!("redirect URI uses the unsupported scheme {scheme:?}")),
        _ => {
            if !public {
                return Err("only public clients (token_endpoint_auth_method \"none\") may use a private-use URI scheme".into());
            }
            if !scheme.contains('.') {
                return Err("a private-use URI scheme must contain a period, such as com.example.app (RFC 8252 §7.1)".into());
            }
        }
    }
    Ok(())
}

/// Whether a redirect URI a client presents matches a registered one: exactly, or, for `http`
/// on a loopback IP literal, with any port (RFC 8252 §7.3: native apps listen on a port the OS
/// picks at the time of the request).
pub fn redirect_matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    let (Ok(r), Ok(g)) = (Url::parse(registered), Url::parse(given)) else { return false };
    let loopback_ip = |u: &Url| {
        matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
    };
    r.scheme() == "http"
        && g.scheme() == "http"
        && loopback_ip(&r)
        && r.host() == g.host()
        && r.path() == g.path()
        && r.query() == g.query()
        && r.username() == g.username()
        && r.password() == g.password()
        && g.fragment().is_none()
}

/// Checks a metadata URI (`client_uri`, `logo_uri`, ...): absolute `http` or `https`.
pub fn check_http_uri(raw: &str) -> Result<(), String> {
    match Url::parse(raw) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        _ => Err("must be an absolute http or https URI".into()),
    }
}

/// The comparable form of an absolute URI (RFC 3986 §6.2.2 normalisation as the `url` crate
/// applies it, without a trailing slash), or `None` when it is not one.
fn normalized(raw: &str) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    if url.fragment().is_some() || url.cannot_be_a_base() {
        return None;
    }
    Some(url.as_str().trim_end_matches('/').to_string())
}

/// Checks an RFC 8707 `resource`: an absolute URI without fragment that names this deployment
/// (its access URL, or a path under it), the only resource server its tokens are good for.
pub fn check_resource(raw: &str, access_url: &str) -> Result<(), String> {
    let Some(resource) = normalized(raw) else {
        return Err("The resource must be an absolute URI without a fragment.".into());
    };
    let Some(server) = normalized(access_url) else {
        return Err("This deployment has no access URL to compare the resource with.".into());
    };
    if resource == server || resource.starts_with(&format!("{server}/")) {
        Ok(())
    } else {
        Err(format!("Tokens of this server are only good for {server}."))
    }
}

/// `redirect_uri` with `params` added to its query (existing parameters kept).
pub fn with_params(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    match Url::parse(redirect_uri) {
        Ok(mut url) => {
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in params {
                    if !v.is_empty() {
                        q.append_pair(k, v);
                    }
                }
            }
            url.to_string()
        }
        Err(_) => redirect_uri.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_ignore_the_port() {
        assert!(redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb"));
        assert!(redirect_matches("http://[::1]:80/cb", "http://[::1]:9/cb"));
        assert!(!redirect_matches("http://127.0.0.1/cb", "http://127.0.0.1:51234/other"));
        assert!(!redirect_matches("https://app.example/cb", "https://app.example:8443/cb"));
        assert!(!redirect_matches("http://localhost/cb", "http://localhost:9/cb"));
    }

    #[test]
    fn redirect_uris() {
        assert!(check_redirect_uri("https://app.example.com/cb", false).is_ok());
        assert!(check_redirect_uri("http://localhost:8080/cb", false).is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:9/cb", true).is_ok());
        assert!(check_redirect_uri("http://[::1]:9/cb", true).is_ok());
        assert!(check_redirect_uri("http://app.example.com/cb", false).is_err());
        assert!(check_redirect_uri("http://127.evil.com/cb", false).is_err());
        assert!(check_redirect_uri("https://app.example.com/cb#x", false).is_err());
        assert!(check_redirect_uri("javascript:alert(1)", true).is_err());
        assert!(check_redirect_uri("com.example.app:/cb", true).is_ok());
        assert!(check_redirect_uri("com.example.app:/cb", false).is_err());
        assert!(check_redirect_uri("myapp:/cb", true).is_err());
        assert!(check_redirect_uri("/relative", false).is_err());
    }

    #[test]
    fn resources() {
        assert!(check_resource("https://coder.example.com", "https://coder.example.com/").is_ok());
        assert!(check_resource("https://CODER.example.com:443/", "https://coder.example.com").is_ok());
        assert!(check_resource("https://coder.example.com/api/v2", "https://coder.example.com").is_ok());
        assert!(check_resource("https://coder.example.com.evil", "https://coder.example.com").is_err());
        assert!(check_resource("https://other.example.com", "https://coder.example.com").is_err());
        assert!(check_resource("https://coder.example.com#f", "https://coder.example.com").is_err());
        assert!(check_resource("not a uri", "https://coder.example.com").is_err());
    }

    #[test]
    fn params_are_added() {
        assert_eq!(with_params("https://a.example/cb?x=1", &[("code", "c d"), ("state", "")]), "https://a.example/cb?x=1&code=c+d");
    }
}
