"""The local stack's ports: never the same port for two of its servers."""

from __future__ import annotations

import socket

import pytest

from tools.local_stack import PortTaken, check_ports, free_ports


def test_free_ports_are_different_even_when_the_kernel_repeats_one() -> None:
    for _ in range(50):  # one at a time, Linux often hands back the port it just freed
        ports = free_ports(3)
        assert len(set(ports)) == 3


def test_free_ports_avoid_the_ports_asked_for() -> None:
    taken = set(free_ports(20))
    assert not taken & set(free_ports(20, avoid=taken))


def test_one_port_for_two_servers_is_refused_before_anything_starts() -> None:
    port, other = free_ports(2)
    with pytest.raises(PortTaken, match=f"port {port} is set for both the API and the demo site"):
        check_ports({"API": port, "web pages": other, "demo site": port})


def test_a_held_port_is_refused_with_its_holder() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(PortTaken, match=f"port {port} \\(API\\) is in use"):
            check_ports({"API": port})
