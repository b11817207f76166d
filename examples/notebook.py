"""The blocking client, one step per cell, as in a notebook.

    python3 examples/notebook.py [--url ws://127.0.0.1:8080]

Creates the transport example, reads its plan, asks what-if questions with updates and a fork,
and reads a past solution back. Every call returns when the server has answered.
"""
import argparse
import json
import pathlib

import livesolve

TRANSPORT = pathlib.Path(__file__).resolve().parents[1] / "Public" / "examples" / "transport.json"


def show(title, solution):
    shipped = {name: value for name, value in solution.values.items() if value}
    print(f"{title}: seq {solution.seq}, {solution.status}, cost {solution.objective:.2f}, ships {shipped}")


def main(url):
    client = livesolve.Client(url)

    # Cell 1: the model, and its first plan.
    document = json.loads(TRANSPORT.read_text())
    model = client.create(document, name="transport")
    show("as created", client.get(model))

    # Cell 2: every parameter up by a tenth, in one update.
    seq = client.update(model, parameters={name: value * 1.1 for name, value in document["parameters"].items()})
    for solution in client.subscribe(model, timeout=30):
        if solution.seq == seq:
            break
    show("a tenth more", solution)

    # Cell 3: a what-if on a fork, leaving the model as it is.
    fork = client.fork(model, name="what-if")
    first = document["parameters"]
    name = next(iter(first))
    client.update(fork, parameters={name: first[name] * 2})
    show(f"fork with {name} doubled", client.get(fork))

    # Cell 4: the past, and the errors as exceptions.
    show("back at seq 0", client.get(model, seq=0))
    try:
        client.update(model, parameters={"no such parameter": 1})
    except livesolve.UnknownParameter as error:
        print(f"refused: {error.code}: {error.message}")

    final = client.get(model)
    print(json.dumps({"model": model, "seq": final.seq, "objective": final.objective}))
    client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="ws://127.0.0.1:8080")
    main(parser.parse_args().url)
