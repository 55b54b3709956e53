//! The client's address, as Coder's `httpmw.ExtractRealIP` decides it: the socket peer, unless
//! the peer is a configured proxy (`CODER_PROXY_TRUSTED_ORIGINS`), in which case the configured
//! forwarding headers (`CODER_PROXY_TRUSTED_HEADERS`) are read in order. Anyone else's
//! `X-Forwarded-For` is ignored: a client that could name its own address could give itself a
//! fresh rate-limit bucket with every request.

use std::net::IpAddr;

use actix_web::http::header::{HeaderMap, HeaderName};

/// An address block, `192.168.1.0/24` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address/prefix`, as Go's `net.ParseCIDR` does (a bare address is refused).
    pub fn parse(s: &str) -> Result<Self, String> {
        let (addr, prefix) = s.trim().split_once('/').ok_or_else(|| format!("parse proxy origin {s:?}: invalid CIDR address"))?;
        let network: IpAddr = addr.parse().map_err(|_| format!("parse proxy origin {s:?}: invalid CIDR address"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix: u8 =
            prefix.parse().ok().filter(|p| *p <= max).ok_or_else(|| format!("parse proxy origin {s:?}: invalid CIDR address"))?;
        Ok(Self { network, prefix })
    }

    /// Whether `ip` lies in the block (IPv4-mapped IPv6 peers count as their IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u32::from(n) as u128, 32, self.prefix) == masked(u32::from(a) as u128, 32, self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => masked(u128::from(n), 128, self.prefix) == masked(u128::from(a), 128, self.prefix),
            _ => false,
        }
    }
}

fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    bits >> (width - prefix)
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Which proxies are believed, and which of their headers.
#[derive(Debug, Clone, Default)]
pub struct RealIpConfig {
    headers: Vec<HeaderName>,
    origins: Vec<Cidr>,
}

impl RealIpConfig {
    /// From the settings; an origin that is not a CIDR block is an error (the server does not
    /// start), as in Coder.
    pub fn parse(headers: &[String], origins: &[String]) -> Result<Self, String> {
        let origins = origins.iter().filter(|o| !o.trim().is_empty()).map(|o| Cidr::parse(o)).collect::<Result<Vec<_>, _>>()?;
        let headers = headers
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| HeaderName::from_bytes(h.trim().as_bytes()).map_err(|_| format!("invalid proxy trusted header {h:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { headers, origins })
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.origins.iter().any(|c| c.contains(ip))
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the first
    /// configured header that names one. In a list (`X-Forwarded-For`, every line joined) the
    /// rightmost address that is not itself a trusted proxy counts (the leftmost when all are).
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.trusted(peer) {
            return Some(peer);
        }
        for name in &self.headers {
            let value = if name == "x-forwarded-for" {
                headers.get_all(name).filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",")
            } else {
                match headers.get(name).and_then(|v| v.to_str().ok()) {
                    Some(v) => v.to_string(),
                    None => continue,
                }
            };
            if let Some(ip) = self.forwarded(&value) {
                return Some(ip);
            }
        }
        Some(peer)
    }

    fn forwarded(&self, value: &str) -> Option<IpAddr> {
        let mut leftmost = None;
        for part in value.split(',').rev() {
            let Some(ip) = parse_addr(part.trim()) else { continue };
            leftmost = Some(ip);
            if !self.trusted(ip) {
                return Some(ip);
            }
        }
        leftmost
    }
}

/// `1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678`.
fn parse_addr(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    s.parse::<std::net::SocketAddr>().ok().map(|a| canonical(a.ip()))
}

/// The rate-limit key of an address: IPv6 clients are counted per /64, since one host
/// usually holds the whole block.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(c.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("fd00::/8").unwrap().contains("fd12::1".parse().unwrap()));
        assert!(Cidr::parse("10.0.0.1").is_err());
        assert!(Cidr::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn headers_count_only_from_trusted_proxies() {
        let none = RealIpConfig::parse(&["X-Forwarded-For".into()], &[]).unwrap();
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let spoof = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(none.client_ip(Some(peer), &spoof), Some(peer));

        let cfg = RealIpConfig::parse(&["X-Forwarded-For".into()], &["127.0.0.0/8".into()]).unwrap();
        assert_eq!(cfg.client_ip(Some(peer), &spoof), Some("1.2.3.4".parse().unwrap()));
        // A client-supplied first entry does not win: the rightmost untrusted one does.
        let chain = headers(&[("x-forwarded-for", "9.9.9.9, 1.2.3.4"), ("x-forwarded-for", "127.0.0.5")]);
        assert_eq!(cfg.client_ip(Some(peer), &chain), Some("1.2.3.4".parse().unwrap()));
        let all_trusted = headers(&[("x-forwarded-for", "127.0.0.7, 127.0.0.5")]);
        assert_eq!(cfg.client_ip(Some(peer), &all_trusted), Some("127.0.0.7".parse().unwrap()));
        // Headers that are not configured are ignored, even from a trusted proxy.
        let other = headers(&[("x-real-ip", "5.5.5.5")]);
        assert_eq!(cfg.client_ip(Some(peer), &other), Some(peer));
        assert!(RealIpConfig::parse(&[], &["nonsense".into()]).is_err());
    }

    #[test]
    fn ipv6_buckets_per_64() {
        assert_eq!(bucket("2001:db8:1:2:3:4:5:6".parse().unwrap()), bucket("2001:db8:1:2:ffff::1".parse().unwrap()));
        assert_eq!(bucket("192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
