//! Who the client is, for per-client limits: the connection's peer, or,
//! when the peer is one of our proxies (`TRUSTED_PROXIES`), the right-most
//! address in `X-Forwarded-For` that is not one of our proxies. Without
//! trusted proxies the header is ignored: anyone can write it.

use std::net::{IpAddr, SocketAddr};

use app::server_context::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::state::AppState;

pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if !is_trusted(&peer) {
        return client;
    }
    // Each proxy appends the address it heard from: read from the right.
    let hops: Vec<&str> = forwarded_for
        .flat_map(|header| header.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            // Unreadable: go no further than the last proxy we trust.
            return client;
        };
        client = ip;
        if !is_trusted(&ip) {
            return client;
        }
    }
    client
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Middleware: leaves the [`ClientIp`] in the request's extensions.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let forwarded_for = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let ip = client_ip(peer.ip(), forwarded_for, &state.config.trusted_proxies);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let forged = ["203.0.113.7"];
        assert_eq!(
            client_ip(ip("127.0.0.1"), forged.into_iter(), &[]),
            ip("127.0.0.1")
        );
        // A peer that is not one of ours cannot speak for anyone else.
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("198.51.100.1"), forged.into_iter(), &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "127.0.0.1/32"]);
        let peer = ip("127.0.0.1");
        // The client wrote the first entry itself; our proxies the rest.
        let header = ["1.1.1.1, 203.0.113.7", "10.0.0.2"];
        assert_eq!(
            client_ip(peer, header.into_iter(), &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_ip(peer, ["2001:db8::1, 10.0.0.3"].into_iter(), &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client_ip(peer, ["203.0.113.7:5555"].into_iter(), &trusted),
            ip("203.0.113.7")
        );
        // No header: the proxy itself; only proxies: the farthest one.
        assert_eq!(client_ip(peer, std::iter::empty(), &trusted), peer);
        assert_eq!(
            client_ip(peer, ["10.0.0.9, 10.0.0.2"].into_iter(), &trusted),
            ip("10.0.0.9")
        );
        // Garbage stops the walk at the last proxy we trust.
        assert_eq!(
            client_ip(
                peer,
                ["203.0.113.7, garbage, 10.0.0.2"].into_iter(),
                &trusted
            ),
            ip("10.0.0.2")
        );
    }
}
