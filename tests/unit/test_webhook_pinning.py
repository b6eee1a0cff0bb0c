"""A webhook POST goes to the address that passed the check: DNS cannot change it after."""

from __future__ import annotations

import socket

import pytest

from chalicelib.notify.webhooks import UnsafeUrlError, _post, check_url

PUBLIC = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))
LOOPBACK = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))


def test_a_rebinding_answer_after_the_check_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([[PUBLIC], [LOOPBACK], [LOOPBACK]])  # the second lookup would be a rebind
    connected: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: object, **kwargs: object) -> None:
        connected.append(address)
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: next(answers))
    monkeypatch.setattr(socket, "create_connection", create_connection)
    address = check_url("https://hooks.example.com/in?x=1", "prod")
    with pytest.raises(ConnectionRefusedError):
        _post("https://hooks.example.com/in?x=1", address, b"{}", {"X-Signature": "t=1,v1=x"})
    assert connected == [("93.184.216.34", 443)]
    assert next(answers) == [LOOPBACK]  # only the check resolved the name


def test_a_private_answer_is_refused_before_any_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [PUBLIC, LOOPBACK])
    with pytest.raises(UnsafeUrlError, match="private, loopback"):
        check_url("https://hooks.example.com/in", "prod")
