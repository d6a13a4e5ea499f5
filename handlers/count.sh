#!/bin/sh
# Counts from 1 to 10, one number every half second, then ends (the browser sees close 1000).
# Try it: new WebSocket("ws://localhost:9998/count")
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "$i"
    sleep 0.5
done
