#!/bin/sh
# wsdev: broadcast
# One shared process for everyone connected to /room: every line a client sends is
# printed once, and every printed line goes to every client, so this is a chat room.
while IFS= read -r line; do
    echo "$line"
done
