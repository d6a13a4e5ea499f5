"""The `websockets` package's asyncio echo server, as its documentation writes it.

    python websockets_echo.py PORT      # listens on 127.0.0.1:PORT, any path
"""
import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main(port):
    async with serve(echo, "127.0.0.1", port, compression=None, max_size=None):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
