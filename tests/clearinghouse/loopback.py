"""A real SFTP server on 127.0.0.1 (asyncssh, in a thread of the test process) and a TCP proxy
that cuts the connection after a number of bytes: the two ways a transfer dies mid-way."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import asyncssh

from oncobill.clearinghouse.sftp import SftpSettings

USER, PASSWORD = "clinic", "loopback-only"


class _Ssh(asyncssh.SSHServer):
    def __init__(self, server: LoopbackSftpServer):
        self.server = server

    def connection_made(self, conn):
        self.server.connections.add(conn)

    def connection_lost(self, exc):
        pass

    def begin_auth(self, username):
        return True

    def password_auth_supported(self):
        return True

    def validate_password(self, username, password):
        return username == USER and password == PASSWORD

    def public_key_auth_supported(self):
        return self.server.client_key is not None

    def validate_public_key(self, username, key):
        ck = self.server.client_key
        return username == USER and ck is not None and key.public_data == ck.public_data


class LoopbackSftpServer:
    """Serves *root* over SFTP; ``events`` logs (op, path, size) and ``fault(op, path, **info)``
    may return True to drop the connection at that step (before the step when it is a write or a
    read, right after it when it is a rename or a remove: the reply is what gets lost)."""

    def __init__(self, root: Path, *, client_key=None):
        self.root = Path(root)
        self.client_key = client_key
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.events: list[tuple[str, str, int]] = []
        self.fault: Callable[..., bool] | None = None
        self.connections: set = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._acceptor = None
        self.port = 0

    @property
    def host_key_line(self) -> str:
        return " ".join(self.host_key.export_public_key("openssh").decode().split()[:2])

    def _call(self, coro, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self, port: int = 0) -> LoopbackSftpServer:
        owner = self

        class Sftp(asyncssh.SFTPServer):
            def __init__(self, chan):
                super().__init__(chan, chroot=str(owner.root).encode())

            def _rel(self, path: bytes) -> str:
                return path.decode().lstrip("/")

            def _maybe_drop(self, op: str, path: str, **info) -> None:
                if owner.fault is not None and owner.fault(op, path, **info):
                    owner.events.append(("dropped", path, info.get("offset", 0)))
                    self.connection.abort()
                    raise asyncssh.SFTPConnectionLost("dropped by the test")

            def open(self, path, pflags, attrs):
                rel = self._rel(path)
                writing = bool(pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_CREAT))
                owner.events.append(("open-write" if writing else "open-read", rel, 0))
                fh = super().open(path, pflags, attrs)
                owner._paths[id(fh)] = rel
                return fh

            def write(self, file_obj, offset, data):
                self._maybe_drop("write", owner._paths.get(id(file_obj), "?"), offset=offset)
                return super().write(file_obj, offset, data)

            def read(self, file_obj, offset, size):
                self._maybe_drop("read", owner._paths.get(id(file_obj), "?"), offset=offset)
                return super().read(file_obj, offset, size)

            def rename(self, oldpath, newpath):
                old, new = self._rel(oldpath), self._rel(newpath)
                size = os.path.getsize(self.map_path(oldpath))
                result = super().rename(oldpath, newpath)
                owner.events.append(("rename", f"{old} -> {new}", size))
                self._maybe_drop("rename", new)
                return result

            def remove(self, path):
                result = super().remove(path)
                owner.events.append(("remove", self._rel(path), 0))
                self._maybe_drop("remove", self._rel(path))
                return result

        self._paths: dict[int, str] = {}

        async def listen():
            return await asyncssh.listen(
                "127.0.0.1", port, server_host_keys=[self.host_key], server_factory=lambda: _Ssh(self),
                sftp_factory=Sftp, allow_scp=False, reuse_address=True,
            )  # fmt: skip

        self._acceptor = self._call(listen())
        self.port = self._acceptor.sockets[0].getsockname()[1]
        return self

    def drop_connections(self) -> None:
        async def drop():
            for conn in list(self.connections):
                conn.abort()
            self.connections.clear()

        self._call(drop())

    def stop(self) -> None:
        """Kill the server: stop listening and abort every connection at once."""
        if self._acceptor is not None:
            acceptor, self._acceptor = self._acceptor, None

            async def close():
                acceptor.close()
                for conn in list(self.connections):
                    conn.abort()
                self.connections.clear()

            self._call(close())

    def shutdown(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def count(self, op: str, path: str | None = None) -> int:
        return sum(1 for o, p, _ in self.events if o == op and (path is None or p == path))


class CuttingProxy:
    """Forwards 127.0.0.1:port to the server; ``cut_up_after`` / ``cut_down_after`` (bytes,
    client->server / server->client, one connection) close both sockets mid-stream once."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut_up_after: int | None = None
        self.cut_down_after: int | None = None
        self.cuts = 0
        self.passed = {"up": 0, "down": 0}  # bytes forwarded on the latest connection
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, upstream):  # no Nagle delays: a proxy must not slow the test down
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = (client, upstream)
            self.passed = {"up": 0, "down": 0}
            threading.Thread(target=self._pump, args=(client, upstream, "up", pair), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, "down", pair), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, direction: str, pair) -> None:
        passed = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                limit = self.cut_up_after if direction == "up" else self.cut_down_after
                if limit is not None and passed + len(data) >= limit:
                    dst.sendall(data[: max(0, limit - passed)])
                    if direction == "up":
                        self.cut_up_after = None
                    else:
                        self.cut_down_after = None
                    self.cuts += 1
                    break
                dst.sendall(data)
                passed += len(data)
                self.passed[direction] = passed
        except OSError:
            pass
        for s in pair:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self._closed = True
        self.listener.close()


def settings_for(server: LoopbackSftpServer, port: int | None = None, **overrides) -> SftpSettings:
    values = {
        "host": "127.0.0.1", "port": port or server.port, "username": USER, "password": PASSWORD,
        "host_key": server.host_key_line, "timeout": 5.0, "attempts": 1, "retry_delay": 0.0,
    }  # fmt: skip
    values.update(overrides)
    return SftpSettings(**values)
