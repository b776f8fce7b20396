"""Where `crosscheck serve` listens by default, and whether an address is this machine's alone.
Light: the command line reads it for its --help."""

from __future__ import annotations

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "is_loopback"]

DEFAULT_HOST = "127.0.0.1"  # this machine only: the server has no authentication
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether `host` only takes connections from this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
