#!/usr/bin/env python3
# Sends back every message reversed. Each message arrives as one line on stdin;
# each line printed to stdout goes to the browser as one message.
import sys

for line in sys.stdin:
    print(line.rstrip("\n")[::-1])
