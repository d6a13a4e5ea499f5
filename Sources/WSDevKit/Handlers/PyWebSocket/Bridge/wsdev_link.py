"""One connection as the bridge sees it, shared by the reader thread (records from wsdev) and the
connection's own thread (the handler). Flow control lives here: per direction, at most WINDOW messages
(or pieces) and about WINDOW_BYTES bytes are unacknowledged, so one slow side stops only its own connection."""
import queue
import threading

import wsdev_wire as wire


class Event(object):
    """What the inbox carries besides messages."""

    def __init__(self, name):
        self.name = name


OPENED = Event('opened')  # the 101 is out: web_socket_transfer_data may start
CLOSED = Event('closed')  # the client's close frame arrived (and was answered)
FAILED = Event('failed')  # the client broke the protocol: the connection fails with link.failure's code
GONE = Event('gone')  # the connection is over


class Link(object):
    def __init__(self, cid):
        self.id = cid
        self.inbox = queue.SimpleQueue()  # (message, size) tuples and Events, in order
        self.request = None
        self.thread = None  # ident of the thread serving this connection
        self.owner = None  # ident of the thread running its web_socket_transfer_data
        self.extensions = ''
        self.client_close = None  # (code, reason) of the client's close frame, once it arrived
        self.failure = None  # (code, reason) when the client broke the protocol
        self.gone = False
        self.left_at = None  # time.monotonic() when the client left, for the watchdog
        self.stop_at = None  # when the watchdog raises HandlerStopped in the thread again
        self.finishing = False  # the thread is reporting its end: not to be interrupted
        # Client messages taken by the handler and not yet acknowledged to wsdev.
        self._taken = 0
        self._taken_bytes = 0
        # Pieces sent to wsdev and not yet acknowledged by it.
        self._lock = threading.Lock()
        self._room = threading.Condition(self._lock)
        self._sent = 0
        self._sent_bytes = 0
        # Assembly of a client message that came in pieces.
        self.pieces = []
        self.piece_kind = 0

    def took(self, size):
        """The handler took a client message: acknowledged in batches of half a window."""
        self._taken += 1
        self._taken_bytes += size
        if self._taken * 2 >= wire.WINDOW or self._taken_bytes * 2 >= wire.WINDOW_BYTES:
            wire.send_ack(self.id, self._taken, self._taken_bytes)
            self._taken = self._taken_bytes = 0

    def reserve(self, size):
        """Waits until wsdev has room for a piece of `size` bytes; False once the connection is over."""
        with self._lock:
            while not self.gone and (self._sent >= wire.WINDOW or self._sent_bytes >= wire.WINDOW_BYTES):
                self._room.wait()
            if self.gone:
                return False
            self._sent += 1
            self._sent_bytes += size
            return True

    def acknowledged(self, count, size):
        with self._lock:
            self._sent -= count
            self._sent_bytes -= size
            self._room.notify_all()

    def end(self):
        """The connection is over: every wait on it ends."""
        with self._lock:
            self.gone = True
            self._room.notify_all()
        self.inbox.put(GONE)
