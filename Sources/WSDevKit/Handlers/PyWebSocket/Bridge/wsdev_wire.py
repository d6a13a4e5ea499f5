"""The records between wsdev and this bridge; the Swift side is BridgeRecord.swift.

A record is a 9-byte header, op (1 byte), connection id (4), payload length (4), big-endian, then the
payload. Messages travel as raw bytes in pieces of at most CHUNK bytes, so a large message costs one
copy per side and no encoding. Only the rare records (handshake, accept, reject, ready, log) carry JSON.
"""
import collections
import json
import os
import select
import struct
import threading

HEADER = struct.Struct('>BII')
COUNTS = struct.Struct('>II')
CODE = struct.Struct('>H')

# Data, both ways: WebSocket's opcodes (continuation 0, text 1, binary 2), with FIN on a message's last piece.
TEXT, BINARY, FIN = 0x1, 0x2, 0x80
# wsdev -> bridge
HANDSHAKE, OPEN, CLIENT_CLOSE, CLIENT_FAILED, GONE = ord('H'), ord('O'), ord('c'), ord('f'), ord('G')
# bridge -> wsdev
READY, FATAL, ACCEPT, REJECT, CLOSE, DONE, LOG = ord('R'), ord('F'), ord('Y'), ord('N'), ord('X'), ord('D'), ord('L')
# Both ways: a receiver took this many messages (or pieces) and bytes, so the sender may send that much more.
ACK = ord('A')

# Set by bridge.py from wsdev's arguments, so both sides count with the same numbers.
CHUNK = 256 * 1024
WINDOW = 64
WINDOW_BYTES = 1 << 20

_out_fd = None
_out_lock = threading.Lock()
# Records waiting for the thread that holds _out_lock: small ones whole, a large one as (header, payload).
_pending = collections.deque()
BATCH = 1 << 16

try:
    import ctypes
    # write(2) called without letting go of the GIL (PyDLL): after os.write, which lets go of it, the
    # writer must wait for another thread to hand it back, a thread switch for every small write.
    _write_holding_gil = ctypes.PyDLL(None).write
    _write_holding_gil.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t)
    _write_holding_gil.restype = ctypes.c_ssize_t
except Exception:  # a python3 built without ctypes: os.write only
    _write_holding_gil = None


def open_channel(read_fd, write_fd):
    global _out_fd
    _out_fd = write_fd
    # Non-blocking, so a write holding the GIL can never wait for wsdev: what does not fit waits in
    # _write_all, without the GIL.
    os.set_blocking(write_fd, False)
    return os.fdopen(read_fd, 'rb', buffering=1 << 16)


def _write_all(data):
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(_out_fd, view):]
        except BlockingIOError:
            select.select((), (_out_fd,), ())  # wsdev's side is full: wait for room


def _write_small(data):
    written = _write_holding_gil(_out_fd, data, len(data)) if _write_holding_gil else -1
    if written < len(data):
        _write_all(memoryview(data)[max(written, 0):])  # full (EAGAIN) or failing: os.write tells which


def send(op, cid, payload=b''):
    """One record, written whole (records never interleave). A large one is written with os.write, which
    lets go of the GIL, so other threads run meanwhile: what they send then waits in _pending, and the
    thread already writing writes it too, while they go on. Waiting in turn for the lock instead cost
    two thread switches a record."""
    header = HEADER.pack(op, cid, len(payload))
    _pending.append(header + payload if len(payload) <= 16384 else (header, payload))
    try:
        while _pending:
            if not _out_lock.acquire(False):
                return  # its holder writes ours before letting go (it looks again after releasing)
            try:
                _drain()
            finally:
                _out_lock.release()
    except (OSError, ValueError):
        os._exit(0)  # wsdev has gone away


def _drain():
    pending = _pending
    while pending:
        item = pending.popleft()
        if item.__class__ is tuple:
            _write_all(item[0])
            _write_all(item[1])
            continue
        batch, size = [item], len(item)
        while pending and size < BATCH and pending[0].__class__ is not tuple:
            item = pending.popleft()
            batch.append(item)
            size += len(item)
        _write_small(batch[0] if len(batch) == 1 else b''.join(batch))


def send_json(op, cid, value):
    send(op, cid, json.dumps(value, ensure_ascii=False, separators=(',', ':')).encode('utf-8', 'replace'))


def send_ack(cid, count, size):
    send(ACK, cid, COUNTS.pack(count, size))


def send_close(cid, code, reason):
    """code None: a close frame without a code (1005 tells wsdev so)."""
    send(CLOSE, cid, CODE.pack(1005 if code is None else code) + reason.encode('utf-8'))


def records(channel):
    """(op, connection id, payload) for each record from wsdev, until it closes the channel."""
    read, unpack = channel.read, HEADER.unpack
    while True:
        header = read(9)
        if len(header) < 9:
            return
        op, cid, length = unpack(header)
        payload = read(length) if length else b''
        if len(payload) < length:
            return
        yield op, cid, payload


def close_code(payload):
    """A close frame's (code, reason); (None, '') when it had no code."""
    if len(payload) < 2:
        return None, ''
    return CODE.unpack_from(payload)[0], payload[2:].decode('utf-8', 'replace')
