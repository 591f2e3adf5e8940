"""Calls into one worker process over a socket pair, sent and answered on the crawl's event loop.

``WorkerChannel.call(function, args, options)`` starts nothing: it pickles the call, writes it to the
worker's socket from the event loop and returns the worker's reply once the loop reads it. The crawl
process gets no thread of its own for this. ``concurrent.futures.ProcessPoolExecutor``, which this
replaces, hands every call and every reply through two threads of the crawl process (a queue feeder
that pickles and writes, a manager that reads and resolves futures): 1.0-1.1 ms of CPU per page
(bench/README.md, eleventh round).

In the worker, ``serve`` answers the calls one at a time, in order, and exits when the crawl process
closes its end (``retire``, ``close``) or is gone. A worker that dies (a page that crashes lxml)
fails every call it was sent and not answered yet with ``WorkerLost``, and every later call too.

Frames, both ways: an 8-byte big-endian length, then the pickle of ``(function, args, options)``,
or of ``(succeeded, result or (error, traceback text))``. The worker answers the calls in the order
it was sent them.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import struct
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.context import ForkServerContext
from typing import Any

_HEADER = struct.Struct("!Q")
_READ_BYTES = 1 << 20


class WorkerLost(RuntimeError):
    """The worker process exited, or its socket closed, before answering the call."""


class RemoteTraceback(Exception):
    """The worker's traceback of an error raised there (the ``__cause__`` of the error raised here)."""

    def __str__(self) -> str:
        return str(self.args[0])


class WorkerChannel:
    """A worker process started from ``context`` (it runs ``initializer(*initargs)`` first), and its socket."""

    def __init__(self, context: ForkServerContext, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        ours, theirs = socket.socketpair()
        self.process = context.Process(target=serve, args=(theirs, initializer, initargs), daemon=True)
        try:
            self.process.start()
        finally:
            theirs.close()
        ours.setblocking(False)
        self._socket = ours
        self._loop: asyncio.AbstractEventLoop | None = None
        #: one per call sent and not answered yet, in the order they were sent
        self._replies: deque[asyncio.Future[tuple[bool, Any]]] = deque()
        self._received = bytearray()
        self._unsent: deque[memoryview] = deque()
        self._retiring = False
        self.lost = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def connected(self) -> bool:
        """Whether the socket is open: calls may be answered, or are being answered."""
        return self._socket.fileno() >= 0

    async def call(self, function: Callable[..., Any], args: tuple[Any, ...], options: dict[str, Any]) -> Any:
        """``function(*args, **options)`` run in the worker."""
        if self.lost or not self.connected:
            raise WorkerLost(f"worker {self.pid} is gone")
        loop = asyncio.get_running_loop()
        self._attach(loop)
        payload = pickle.dumps((function, args, options), protocol=pickle.HIGHEST_PROTOCOL)
        reply: asyncio.Future[tuple[bool, Any]] = loop.create_future()
        self._replies.append(reply)
        self._send(_HEADER.pack(len(payload)), payload)
        succeeded, value = await reply
        if succeeded:
            return value
        error, remote_traceback = value
        raise error from RemoteTraceback(remote_traceback)

    def retire(self) -> None:
        """No more calls: the worker exits once it has answered those it was sent."""
        self._retiring = True
        if not self._replies:
            self._disconnect()

    def close(self, timeout: float = 30.0) -> None:
        """Close the socket and wait for the worker to finish its page and exit (killed after ``timeout`` s)."""
        self._disconnect()
        self._fail_unanswered("the extraction pool was closed")
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def _attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read (and write) the socket on ``loop``, the one the crawl runs on now."""
        if self._loop is loop:
            return
        self._detach()
        self._loop = loop
        loop.add_reader(self._socket, self._readable)
        if self._unsent:
            loop.add_writer(self._socket, self._write)

    def _detach(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._socket)
            self._loop.remove_writer(self._socket)
        self._loop = None

    def _send(self, *buffers: bytes) -> None:
        waiting = bool(self._unsent)
        self._unsent.extend(memoryview(buffer) for buffer in buffers)
        if not waiting:
            self._write()

    def _write(self) -> None:
        """Write what the socket takes now; the loop calls again when it takes more."""
        try:
            while self._unsent:
                sent = self._socket.sendmsg(self._unsent)
                while sent and sent >= len(self._unsent[0]):
                    sent -= len(self._unsent.popleft())
                if sent:
                    self._unsent[0] = self._unsent[0][sent:]
        except BlockingIOError:
            assert self._loop is not None
            self._loop.add_writer(self._socket, self._write)
            return
        except OSError:
            self._lose()
            return
        if self._loop is not None:
            self._loop.remove_writer(self._socket)

    def _readable(self) -> None:
        try:
            data = self._socket.recv(_READ_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._lose()
            return
        self._received += data
        while len(self._received) >= _HEADER.size:
            end = _HEADER.size + _HEADER.unpack_from(self._received)[0]
            if len(self._received) < end:
                break
            frame = self._received[_HEADER.size:end]
            del self._received[:end]
            reply = self._replies.popleft()
            try:
                answer = pickle.loads(frame)
            except Exception as error:
                answer = (False, (RuntimeError(f"the worker's answer could not be read: {error!r}"), ""))
            if not reply.done():  # its caller may have been cancelled
                reply.set_result(answer)
        if self._retiring and not self._replies:
            self._disconnect()

    def _lose(self) -> None:
        self.lost = True
        self._disconnect()
        self._fail_unanswered(f"worker {self.pid} exited (exit code {self.process.exitcode})")

    def _disconnect(self) -> None:
        self._detach()
        self._socket.close()
        self._unsent.clear()

    def _fail_unanswered(self, why: str) -> None:
        replies, self._replies = self._replies, deque()
        for reply in replies:
            if not reply.done() and not reply.get_loop().is_closed():
                reply.set_exception(WorkerLost(why))


def serve(channel: socket.socket, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """In the worker: answer the calls read from ``channel`` until the crawl process closes it."""
    initializer(*initargs)
    with channel, channel.makefile("rb") as calls:
        while len(header := calls.read(_HEADER.size)) == _HEADER.size:
            function, args, options = pickle.loads(calls.read(_HEADER.unpack(header)[0]))
            try:
                reply = _pickled(True, function(*args, **options))
            except Exception as error:
                reply = _pickled_error(error)
            try:
                channel.sendall(_HEADER.pack(len(reply)) + reply)
            except OSError:  # the crawl process closed its end: it wants no more answers
                return


def _pickled(succeeded: bool, value: Any) -> bytes:
    return pickle.dumps((succeeded, value), protocol=pickle.HIGHEST_PROTOCOL)


def _pickled_error(error: Exception) -> bytes:
    remote_traceback = traceback.format_exc()
    try:
        return _pickled(False, (error, remote_traceback))
    except Exception:  # an error that does not pickle is sent as its text
        return _pickled(False, (RuntimeError(f"{type(error).__name__}: {error}"), remote_traceback))
