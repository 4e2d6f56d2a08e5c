"""Which addresses a webhook may reach: public ones only, unless ACCORD_WEBHOOK_ALLOW_PRIVATE is set.

A receiver's host is checked when it is registered (an IP address in any spelling, or a local
name) and again on every delivery, after DNS: the connection goes to the very address that was
checked, so a name that resolves elsewhere the second time (DNS rebinding) cannot slip past.
"""
import ipaddress
import socket

from app.messages import N_

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Beyond what ipaddress calls non-global: ranges a deployment may route internally all the same.
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
    "::/96", "::ffff:0:0/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                         "metadata", "metadata.google.internal"})
FORBIDDEN = N_("Webhooks go to public addresses only; this one is loopback, private, link-local or reserved.")


class ForbiddenAddress(OSError):
    """The receiver's host is, or resolves to, an address webhooks may not reach."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4 or NAT64), which is what it reaches."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_forbidden(address: IPAddress) -> bool:
    """Whether an address is loopback, private, link-local, unique-local, CGNAT, multicast or reserved."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and is_forbidden(embedded):
            return True
        address = ipaddress.IPv6Address(address.compressed.split("%")[0])  # the zone does not change the range
    if not address.is_global or address.is_multicast:
        return True
    return any(address in network for network in BLOCKED_NETWORKS if network.version == address.version)


def literal_address(host: str) -> IPAddress | None:
    """The IP address a host name spells, however it is written (127.1, 0x7f000001, 2130706433, ::1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:  # the forms the C resolver also accepts: octal, hexadecimal, fewer than four parts
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def host_problem(host: str) -> str | None:
    """Why a URL's host may not receive webhooks (checked at registration), or None."""
    try:
        name = host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError:
        return N_("The URL's host name is not valid.")
    if name in LOCAL_NAMES or name.endswith(".localhost"):
        return FORBIDDEN
    address = literal_address(name)
    if address is not None and is_forbidden(address):
        return FORBIDDEN
    return None


def resolve(host: str, port: int, allow_private: bool) -> list[tuple]:
    """getaddrinfo for a receiver, refusing the lot when any address it gives is forbidden."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not allow_private:
        for *_, sockaddr in infos:
            if is_forbidden(ipaddress.ip_address(sockaddr[0])):
                raise ForbiddenAddress(FORBIDDEN)
    return infos


def connect(address: tuple[str, int], timeout, source_address=None, *, allow_private: bool) -> socket.socket:
    """Like socket.create_connection, but only to addresses resolve() has checked."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in resolve(host, port, allow_private):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            error = failure
            sock.close()
    raise error or OSError(f"No address for {host}")
