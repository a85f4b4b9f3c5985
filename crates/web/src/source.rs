//! The address a request comes from, which the login lockout counts attempts by (docs/api.md).

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the TCP peer's or, when the peer is the reverse proxy on the same machine (a loopback
/// address, as docs/operations.md sets it up), the last address of `X-Forwarded-For`, the one that proxy adds.
/// IPv6 addresses count by their /64 prefix, which one subscriber holds whole.
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let forwarded = || {
            let header = parts.headers.get("x-forwarded-for")?.to_str().ok()?;
            header.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        };
        let client = match peer {
            Some(ip) if ip.is_loopback() => forwarded().or(peer),
            _ => peer,
        };
        Ok(Source(client.map_or_else(|| "unknown".to_owned(), counted_as)))
    }
}

/// The part of `ip` that is counted: all of an IPv4 address, the /64 network of an IPv6 one.
fn counted_as(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_its_network() {
        assert_eq!(counted_as("2001:db8:1:2:aaaa::1".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(counted_as("2001:db8:1:2:bbbb::9".parse().unwrap()), "2001:db8:1:2::/64");
        assert_eq!(counted_as("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(counted_as("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
