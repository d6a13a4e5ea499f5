"""Handler threads that keep running after their client left (a loop that never looks at the connection):
reported, then stopped with an exception raised in the thread. If that does not stop one, wsdev restarts
this python3 process once --handler-timeout has passed (pywebsocket leaves such threads running)."""
import ctypes
import threading
import time

from wsdev_api import HandlerStopped
from wsdev_log import log

GRACE = 2.0  # seconds after the client left before the thread is stopped; set by bridge.py
TIMEOUT = 10.0  # --handler-timeout, for the log line


def watch(active):
    threading.Thread(target=_run, args=(active,), name='wsdev-watchdog', daemon=True).start()


def _run(active):
    while True:
        time.sleep(min(0.25, GRACE / 2))
        now = time.monotonic()
        for link in list(active.values()):
            if link.left_at is None or now - link.left_at < GRACE or link.thread is None or link.finishing:
                continue
            if link.stop_at is None:
                log('warning', 'web_socket_transfer_data(request) is still running %.0f s after its client left; '
                    'stopping it with HandlerStopped raised in its thread. A handler should return once receive_message() '
                    'returns None; wsdev restarts this handler\'s python3 if the thread is still running %.0f s after '
                    'its client left (--handler-timeout).' % (now - link.left_at, TIMEOUT), cid=link.id)
            # Raised again every second: a handler may catch it once, in a bare except.
            if link.stop_at is None or now >= link.stop_at:
                link.stop_at = now + 1
                _raise_in(link.thread)


def _raise_in(thread):
    changed = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(HandlerStopped))
    if changed > 1:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), None)
