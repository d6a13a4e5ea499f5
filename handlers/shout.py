#!/usr/bin/env python3
# wsdev: messages=json
# JSON mode: each line is an object, so binary messages and chosen close codes work too.
#   in:  {"type": "text", "data": "hi"}   or {"type": "binary", "data": "<base64>"}
#   out: {"type": "text", "data": "HI"}    {"type": "binary", ...}   {"type": "close", "code": 4000, "reason": "..."}
import json
import sys

for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "text" and message["data"] == "bye":
        print(json.dumps({"type": "close", "code": 4000, "reason": "you said bye"}))
        break
    if message["type"] == "text":
        message["data"] = message["data"].upper()
    print(json.dumps(message))
