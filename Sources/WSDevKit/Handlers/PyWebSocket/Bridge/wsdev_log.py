"""What handlers print, and the bridge's own reports, to wsdev's log, tagged with their connection."""
import threading
import traceback

import wsdev_wire as wire

_local = threading.local()


def set_connection(cid):
    _local.id = cid


def log(level, text, cid=None):
    """level: print, stderr, warning or error."""
    wire.send_json(wire.LOG, cid if cid is not None else getattr(_local, 'id', 0), {'level': level, 'text': text[:65536]})


def format_error(error, hide):
    """The traceback from the handler's point of view: the bridge's own frames (files in `hide`) are left out."""
    report = traceback.TracebackException.from_exception(error)
    report.stack = traceback.StackSummary.from_list(
        [frame for frame in report.stack if frame.filename not in hide and not frame.filename.startswith('<frozen')])
    return ''.join(report.format()).rstrip()


class LogStream(object):
    """sys.stdout and sys.stderr: each line a handler prints reaches wsdev's log."""

    encoding = 'utf-8'
    errors = 'replace'
    closed = False

    def __init__(self, level):
        self._level = level
        self._pending = threading.local()

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        lines = (getattr(self._pending, 'text', '') + text).split('\n')
        self._pending.text = lines.pop()
        for line in lines:
            log(self._level, line)
        return len(text)

    def flush(self):
        text = getattr(self._pending, 'text', '')
        if text:
            self._pending.text = ''
            log(self._level, text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def isatty(self):
        return False

    def writable(self):
        return True

    def fileno(self):
        return 2
