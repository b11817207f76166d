"""A price feed on the refinery model: prices walk, the plan follows, live.

    python3 examples/refinery_feed.py [--url ws://127.0.0.1:8080] [--seconds 10] [--rate 20]

It creates the refinery (Public/examples/refinery.json), subscribes to its values and duals,
and sends a gasoline and diesel price tick `rate` times a second. Each plan change it is handed
is printed; the last line is the final solution as JSON.
"""
import argparse
import asyncio
import json
import pathlib
import random

import livesolve

REFINERY = pathlib.Path(__file__).resolve().parents[1] / "Public" / "examples" / "refinery.json"


async def feed(client, model, seconds, rate):
    """Random-walk ticks; returns the seq of the last one."""
    prices = {"price[gasoline]": 2.10, "price[diesel]": 1.85}
    seq, loop = 0, asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        for name in prices:
            prices[name] = round(max(0.5, prices[name] * (1 + random.gauss(0, 0.02))), 4)
        seq = await client.update(model, parameters=prices)
        await asyncio.sleep(1 / rate)
    return seq


async def main(url, seconds, rate):
    async with livesolve.connect(url) as client:
        model = await client.create(json.loads(REFINERY.read_text()), name="refinery-feed")
        newest, last, caught_up = None, None, asyncio.Event()

        async def watch():
            nonlocal newest
            plan = None
            async for solution in client.subscribe(model, fields=["values", "duals"]):
                newest = solution
                made = {name: round(value, 2) for name, value in solution.values.items() if name.startswith("make")}
                if made != plan:
                    plan = made
                    print(f"seq {solution.seq:5}  profit {solution.objective:10.2f}  {made}")
                if last is not None and solution.seq >= last:
                    caught_up.set()

        watching = asyncio.ensure_future(watch())
        last = await feed(client, model, seconds, rate)
        if newest is not None and newest.seq >= last:
            caught_up.set()
        await asyncio.wait_for(caught_up.wait(), 30)  # the solution of the last tick
        watching.cancel()
        print(json.dumps({"model": model, "seq": newest.seq, "objective": newest.objective}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8080")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.seconds, arguments.rate))
