#!/usr/bin/env python3
"""Writes each fuzz harness's seed inputs and libFuzzer dictionary into OUT/<harness>/ and
OUT/<harness>.dict (Tests/fuzz/run.sh calls it). Generated rather than kept as binary files in
git, so each seed says here what it is; the layouts are those the harnesses document."""
import os
import struct
import sys
import zlib

MASK = b"\x37\xfa\x21\x3d"


def frame(opcode, payload, fin=True, rsv1=False, mask=MASK):
    """A client frame (masked unless mask is None)."""
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    mask_bit = 0x80 if mask else 0
    n = len(payload)
    if n < 126:
        head = bytes([first, mask_bit | n])
    elif n < 65536:
        head = bytes([first, mask_bit | 126]) + struct.pack(">H", n)
    else:
        head = bytes([first, mask_bit | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def deflated(text):
    """A message as permessage-deflate sends it: raw deflate, sync-flushed, tail dropped."""
    z = zlib.compressobj(wbits=-15)
    data = z.compress(text) + z.flush(zlib.Z_SYNC_FLUSH)
    return data[:-4]


def close(code, reason=b""):
    return frame(0x8, struct.pack(">H", code) + reason)


HANDSHAKE = (b"GET /echo?x=1 HTTP/1.1\r\nHost: localhost:9998\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
             b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")

SESSION = {
    "echo": frame(0x1, b"Hello") + frame(0x2, bytes(range(200))) + close(1000, b"bye"),
    "fragments": frame(0x1, b"Hel", fin=False) + frame(0x9, b"ping") + frame(0x0, b"lo \xc3", fin=False)
    + frame(0x0, b"\xa9", fin=True) + close(1000),
    "goodbye": frame(0x1, b"Goodbye") + frame(0x1, b"after") + close(4000, b"later"),
    "long": frame(0x2, b"x" * 300) + frame(0x1, "é".encode() * 1500),
    "bad": frame(0x1, b"\xff\xfe") + frame(0x3, b""),
}

DEFLATE = {
    "compressed": frame(0x1, deflated(b"Hello, compressed world " * 20), rsv1=True) + close(1000),
    "compressed-fragments": frame(0x2, deflated(bytes(range(256)) * 4)[:30], fin=False, rsv1=True)
    + frame(0x0, deflated(bytes(range(256)) * 4)[30:]) + frame(0x1, deflated(b"again " * 50), rsv1=True),
    "bomb": frame(0x2, deflated(b"\0" * 200000), rsv1=True),
    "final-block": frame(0x1, zlib.compress(b"ends its stream", 9)[2:-4], rsv1=True) + frame(0x1, deflated(b"next"), rsv1=True),
}


def seeds():
    yield "request-head", {
        "handshake": HANDSHAKE,
        "get": b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n",
        "http10": b"\r\nHEAD / HTTP/1.0\r\nUser-Agent: caf\xc3\xa9\t \r\n\r\nbody",
        "partial": b"GET /echo HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * 100,
    }
    yield "frame-header", {
        "short": b"\x01" + frame(0x1, b"hi"),
        "medium": b"\x03" + frame(0x2, b"m" * 300)[:8],
        "wide": b"\x06" + frame(0x2, b"w" * 70000)[:14],
        "unmasked": b"\x02" + frame(0x9, b"p", mask=None),
    }
    # Options byte (bits 0-1 limit, 2-4 offer, 5 writability, 6 time), read-size byte, bytes.
    yield "session", {f"{name}-{opt:02x}": bytes([opt, size]) + data
                      for (name, data), (opt, size) in zip(SESSION.items(), [(0x02, 255), (0x01, 3), (0x61, 16), (0x00, 40), (0x23, 0)])}
    yield "session-deflate", {f"{name}-{opt:02x}": bytes([opt, size]) + data
                              for (name, data), (opt, size) in zip(DEFLATE.items(), [(0x02, 255), (0x25, 7), (0x02, 255), (0x09, 30)])}
    size = struct.pack("<Q", 1000)
    yield "range", {
        "closed": size + b"bytes=0-99\nSun, 06 Nov 1994 08:49:37 GMT",
        "suffix": size + b"bytes=-500\n\"etag\"",
        "open": struct.pack("<Q", 2**62) + b" bytes = 5- \nW/\"x\"",
        "many": size + b"bytes=0-1,5-9\nMon, 31 Dec 2029 23:59:59 GMT",
    }
    yield "directives", {
        "chat": b"#!/bin/sh\n# wsdev: broadcast messages=json protocols=chat,superchat\nexec cat\n",
        "python": b"#!/usr/bin/env python3\n# wsdev: messages=lines   typo=1\n\tprint('wsdev:')\n",
    }
    yield "deflate-offer", {
        "browser": b"permessage-deflate; client_max_window_bits",
        "full": b"permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=\"12\"",
        "two": b"x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=8\npermessage-deflate",
    }


DICTS = {
    "request-head": [b"GET", b"HTTP/1.1\r\n", b"HTTP/1.0\r\n", b"\r\n", b": ", b"Host", b"Upgrade", b"websocket",
                     b"Connection", b"Sec-WebSocket-Key", b"Content-Length", b"Transfer-Encoding", b"chunked", b"\t", b"\xc3\xa9"],
    "range": [b"bytes=", b"-", b",", b"GMT", b"Sun,", b"Nov", b"Dec", b"1994", b"-2147483648", b"2147483647",
              b"9223372036854775807", b"08:49:37", b"W/", b"\"", b"\n"],
    "directives": [b"wsdev:", b"broadcast", b"messages=", b"json", b"lines", b"protocols=", b"=", b",", b"\n", b"#"],
    "deflate-offer": [b"permessage-deflate", b"server_no_context_takeover", b"client_no_context_takeover",
                      b"server_max_window_bits", b"client_max_window_bits", b"=", b";", b",", b"\"", b"15", b"8", b"\n"],
}


def dict_line(token):
    return '"' + "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else f"\\x{b:02x}" for b in token) + '"'


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "seeds"
    for harness, files in seeds():
        folder = os.path.join(out, harness)
        os.makedirs(folder, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        if harness in DICTS:
            with open(os.path.join(out, harness + ".dict"), "w") as f:
                f.write("\n".join(dict_line(t) for t in DICTS[harness]) + "\n")
    print(f"seeds.py: wrote seeds and dictionaries for {len(list(seeds()))} harnesses into {out}")


if __name__ == "__main__":
    main()
