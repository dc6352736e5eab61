"""Connections still sending their request: one thread waits on all of them, each until its deadline.

A connection is handed to a thread of its own (and counts against ``--max-connections``) only once its
whole request has arrived; why: docs/server.md (slow clients)."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from laborkg.server.limits import Limits
from laborkg.server.protocol import json_error

HEAD_ROOM = 128 * 1024
"""Bytes of request line and headers waited for; a longer head is handed on as it is (the handler
answers 414 or 431)."""


@dataclass(eq=False)
class Pending:
    sock: socket.socket
    address: tuple
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    live: bool = True
    """Still waited on (counted in ``waiting``)."""


def refusal(status: int, code: str, message: str) -> bytes:
    """A complete HTTP answer with a JSON error, closing the connection."""
    body = json_error(status, code, message)
    phrase = {408: "Request Timeout", 503: "Service Unavailable"}.get(status, "Error")
    retry = "Retry-After: 1\r\n" if status == 503 else ""
    head = (
        f"HTTP/1.1 {status} {phrase}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n{retry}Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def send_and_close(sock: socket.socket, data: bytes) -> None:
    """Send a short answer without waiting for the client (what does not fit is dropped), then close;
    what the client sent and nobody read is read first, so that closing sends no reset that could
    overtake the answer."""
    try:
        sock.setblocking(False)
        if data:
            sock.send(data)
        sock.shutdown(socket.SHUT_WR)
        for _ in range(16):
            if not sock.recv(65536):
                break
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def request_complete(data: bytes | bytearray, max_body: int) -> bool:
    """True when ``data`` holds a whole request head and the body its Content-Length announces, or
    cannot be waited for here (no length, a bad or conflicting one, over ``max_body``, chunked,
    ``Expect: 100-continue``, a head over :data:`HEAD_ROOM`): the handler answers those."""
    ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0]
    if not ends:
        return len(data) > HEAD_ROOM
    end = min(ends)
    head = bytes(data[:end]).lower()
    body_start = end + (4 if data[end : end + 4] == b"\r\n\r\n" else 2)
    lengths = set()
    for line in head.split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip()
        if name in (b"transfer-encoding", b"expect"):
            return True
        if name == b"content-length":
            lengths.add(value.strip())
    if len(lengths) != 1:
        return True
    (length,) = lengths
    if not length.isdigit() or int(length) > max_body:
        return True
    return len(data) >= body_start + int(length)


class Reception:
    """Waits, in one thread, on every connection still sending its request. ``hand_off(sock, address,
    data, deadline)`` gets each whole request (its bytes so far); one that misses its deadline
    (``request_timeout`` after it connected) is closed (408 when its head had arrived). Refused at once
    with 503: a connection over ``max_pending`` waiting, or over ``max_per_client`` open from its
    address (counted until :meth:`done`)."""

    def __init__(self, limits: Limits, hand_off: Callable[[socket.socket, tuple, bytes, float], None]):
        self.limits, self.hand_off = limits, hand_off
        self.selector = selectors.DefaultSelector()
        self.lock = threading.Lock()
        self.arrived: list[Pending] = []
        self.pending: dict[socket.socket, Pending] = {}
        self.per_client: dict[str, int] = {}
        self.waiting = 0
        self.closed = False
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        self.selector.register(self.wake_r, selectors.EVENT_READ)
        self.thread = threading.Thread(target=self._run, name="laborkg-reception", daemon=True)
        self.thread.start()

    def add(self, sock: socket.socket, address: tuple) -> None:
        """A new connection (from the accepting thread)."""
        client = str(address[0])
        with self.lock:
            if self.closed:
                refused = "the server is stopping"
            elif self.waiting >= self.limits.max_pending:
                refused = "too many connections are sending their request; try again shortly"
            elif self.per_client.get(client, 0) >= self.limits.max_per_client:
                refused = f"more than {self.limits.max_per_client} connections from {client}"
            else:
                refused = ""
                self.per_client[client] = self.per_client.get(client, 0) + 1
                self.waiting += 1
                deadline = time.monotonic() + self.limits.request_timeout
                self.arrived.append(Pending(sock, address, deadline))
        if refused:
            send_and_close(sock, refusal(503, "busy", refused))
            return
        self._wake()

    def keep(self, sock: socket.socket, address: tuple, data: bytes) -> bool:
        """A connection kept alive after an answer (``data``: what it sent of its next request): waited
        on again, its next request due ``request_timeout`` from now. False when it cannot wait (the
        server is stopping, or ``max_pending`` wait already): the caller closes it."""
        with self.lock:
            if self.closed or self.waiting >= self.limits.max_pending:
                return False
            self.waiting += 1
            deadline = time.monotonic() + self.limits.request_timeout
            self.arrived.append(Pending(sock, address, deadline, bytearray(data)))
        self._wake()
        return True

    def done(self, address: tuple) -> None:
        """A connection from ``address`` handed off earlier has closed."""
        client = str(address[0])
        with self.lock:
            left = self.per_client.get(client, 0) - 1
            if left > 0:
                self.per_client[client] = left
            else:
                self.per_client.pop(client, None)

    def counts(self) -> tuple[int, int]:
        """(connections waiting for their request, addresses with an open connection)."""
        with self.lock:
            return self.waiting, len(self.per_client)

    def close(self) -> None:
        with self.lock:
            self.closed = True
        self._wake()
        self.thread.join(5)

    def _wake(self) -> None:
        try:
            self.wake_w.send(b"x")
        except OSError:  # full: a wake-up is already on its way
            pass

    def _run(self) -> None:
        next_sweep = 0.0
        while True:
            with self.lock:
                closed, arrived, self.arrived = self.closed, self.arrived, []
            for p in arrived:
                try:
                    p.sock.setblocking(False)
                    self.selector.register(p.sock, selectors.EVENT_READ, p)
                    self.pending[p.sock] = p
                except (OSError, ValueError):
                    self._drop(p)
                    continue
                if p.data and request_complete(p.data, self.limits.max_body):  # pipelined: at once
                    self._pass_on(p)
            if closed:
                break
            for key, _ in self.selector.select(timeout=0.25):
                if key.fileobj is self.wake_r:
                    try:
                        while self.wake_r.recv(4096):
                            pass
                    except OSError:
                        pass
                    continue
                try:
                    self._read(key.data)
                except Exception:  # noqa: BLE001 - a bug with one connection: drop it, keep receiving
                    self._drop(key.data)
            now = time.monotonic()
            if now >= next_sweep:
                next_sweep = now + 0.1
                for p in [p for p in self.pending.values() if p.deadline <= now]:
                    self._expire(p)
        for p in list(self.pending.values()):
            self._drop(p)
        self.selector.close()
        self.wake_r.close()
        self.wake_w.close()

    def _read(self, p: Pending) -> None:
        try:
            chunk = p.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client closed (or half-closed) its side: the handler answers what came
            if p.data:
                self._pass_on(p)
            else:
                self._drop(p)
            return
        p.data += chunk
        if request_complete(p.data, self.limits.max_body):
            self._pass_on(p)

    def _forget(self, p: Pending) -> bool:
        """Stop waiting on ``p``; False when that was done already."""
        if not p.live:
            return False
        p.live = False
        try:
            self.selector.unregister(p.sock)
        except (KeyError, ValueError, OSError):
            pass
        self.pending.pop(p.sock, None)
        with self.lock:
            self.waiting -= 1
        return True

    def _pass_on(self, p: Pending) -> None:
        self._forget(p)
        try:
            p.sock.setblocking(True)
            self.hand_off(p.sock, p.address, bytes(p.data), p.deadline)
        except Exception:  # noqa: BLE001 - the connection is dropped; the server keeps receiving
            send_and_close(p.sock, b"")
            self.done(p.address)

    def _drop(self, p: Pending) -> None:
        if self._forget(p):
            send_and_close(p.sock, b"")
            self.done(p.address)

    def _expire(self, p: Pending) -> None:
        """Past its deadline: 408 when the head had arrived (a body that never came), else just closed."""
        if not self._forget(p):
            return
        if b"\r\n\r\n" in p.data or b"\n\n" in p.data:
            message = f"the request did not arrive within {self.limits.request_timeout:g} s"
            send_and_close(p.sock, refusal(408, "request-timeout", message))
        else:
            send_and_close(p.sock, b"")
        self.done(p.address)
