"""The Python client against a real server: every method, every error code, reconstruction, reconnect."""
import asyncio
import copy
import gzip
import json
import subprocess

import pytest

import livesolve
from livesolve import errors
from livesolve_server import EXACT, REFINERY, ROOT, Server, tokens_file

LP = "max\n obj: 3 x + 2 y\nst\n cap: x + y <= 4\n mix: x + 3 y <= 6\nbounds\n x <= 3\nend\n"
MPS = (ROOT / "Tests" / "mip" / "models" / "knapsack.mps").read_text()
DFL001 = ROOT / "Benchmarks" / "data" / "netlib" / "dfl001.mps.gz"
ALL_FIELDS = ["values", "duals", "reducedCosts", "rowActivities"]


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def rest_solution(server, model):
    return server.rest(f"/v1/models/{model}/solution")


def same_as_rest(solution, body):
    assert solution.seq == body["seq"]
    assert solution.objective == body["objective"]
    assert solution.values == body["values"]
    assert solution.duals == body["duals"]
    assert solution.reduced_costs == body["reducedCosts"]
    assert solution.row_activities == body["rowActivities"]


def test_every_method_of_the_async_client(server):
    async def session():
        async with livesolve.connect(server.ws) as client:
            await client.ping()
            assert (await client.call("ping"))["type"] == "pong"
            model = await client.create(REFINERY, name="refinery")
            lp = await client.create(LP, format="lp", name="small")
            mps = await client.create(MPS, format="mps")
            assert {m["model"]: m["name"] for m in await client.models()} == {model: "refinery", lp: "small", mps: "knapsack"}

            first = await client.get(lp)
            assert (first.status, first.objective, first.values) == ("optimal", 11, {"x": 3, "y": 1})
            assert first.duals and first.reduced_costs and first.row_activities == {"cap": 4, "mix": 6}
            same_as_rest(first, rest_solution(server, lp))

            seq = await client.update(model, parameters={"price[gasoline]": 2.5})
            assert seq == 1
            assert await client.update(lp, objective={"x": 1}) == 1
            assert await client.update(lp, row_bounds={"cap": (None, 5)}) == 2
            assert await client.update(lp, col_bounds={"x": {"upper": 2}}) == 3
            assert await client.update(lp, coefficients=[("mix", "x", 2)]) == 4
            assert await client.update(lp, coefficients=[{"row": "mix", "col": "y", "value": 2}]) == 5
            entry = server.rest(f"/v1/models/{lp}?include=document")["document"]
            assert entry["constraints"][0]["upper"] == 5 and entry["constraints"][1]["terms"] == {"x": 2, "y": 2}

            async for solution in client.subscribe(lp, fields=["values", "duals"]):
                if solution.seq == 5:
                    break
            body = rest_solution(server, lp)
            assert (solution.objective, solution.values, solution.duals) == (body["objective"], body["values"], body["duals"])
            assert solution.reduced_costs == {} and solution.row_activities == {}
            assert set(solution.stats) >= {"iterations", "warmStart", "algorithm", "solveMicros", "updatesMerged"}

            # Time travel: the model as it was right after update 1.
            then = await client.get(lp, seq=1, fields=["values"])
            assert (then.seq, then.objective, then.values) == (1, 5, {"x": 3, "y": 1})

            # An integer model: every solution says whether it is final.
            knapsack = await client.get(mps)
            assert knapsack.final is True and knapsack.objective == 36 and knapsack.duals == {}

            fork = await client.fork(lp, seq=2, name="what-if")
            assert (await client.get(fork)).values == (await client.get(lp, seq=2)).values

            for gone in (model, lp, mps, fork):
                await client.delete(gone)
            assert await client.models() == []
    run(session())


def test_every_method_of_the_synchronous_client(server):
    with livesolve.Client(server.ws) as client:
        client.ping()
        model = client.create(copy.deepcopy(REFINERY))
        assert client.models()[0]["name"] == "refinery"
        seq = client.update(model, parameters={"price[gasoline]": 2.5})
        for solution in client.subscribe(model, fields=ALL_FIELDS, timeout=30):
            if solution.seq == seq:
                break
        same_as_rest(solution, rest_solution(server, model))
        same_as_rest(client.get(model), rest_solution(server, model))
        assert client.get(model, seq=0).objective < solution.objective
        assert client.call("ping")["type"] == "pong"
        fork = client.fork(model)
        client.delete(fork)
        client.delete(model)
        with pytest.raises(livesolve.UnknownModel):
            client.get(model)


def test_leaving_the_loop_unsubscribes(server):
    """After the loop ends the server holds no subscriber of this connection."""
    with livesolve.Client(server.ws) as client:
        model = client.create(REFINERY)
        for _ in client.subscribe(model):
            assert server.rest(f"/v1/models/{model}")["subscribers"] == 1
            break
        for _ in range(100):
            if server.rest(f"/v1/models/{model}")["subscribers"] == 0:
                break
            client.ping()
        assert server.rest(f"/v1/models/{model}")["subscribers"] == 0
        client.delete(model)


def test_a_deleted_model_ends_its_subscription_with_unknown_model(server):
    async def session():
        async with livesolve.connect(server.ws) as client:
            model = await client.create(REFINERY)
            with pytest.raises(livesolve.UnknownModel) as raised:
                async for solution in client.subscribe(model):
                    await client.delete(model)
            assert raised.value.model == model
    run(session())


def errors_of(server, client, model):
    """Each error the open server can be made to send, and the exception the client raised."""
    cases = {
        "bad_message": lambda: client.update(model),                       # an update with no entries
        "unknown_op": lambda: client.call("solve"),
        "unknown_model": lambda: client.get("m999999"),
        "unknown_variable": lambda: client.update(model, objective={"x[nope]": 1}),
        "unknown_row": lambda: client.update(model, row_bounds={"nope": [0, 1]}),
        "unknown_parameter": lambda: client.update(model, parameters={"nope": 1}),
        "invalid_value": lambda: client.update(model, parameters={"price[jet]": "high"}),
        "invalid_model": lambda: client.create({"variables": [{"name": "x"}, {"name": "x"}]}),
        "too_large": lambda: client.update(model, parameters={f"p{i}": 1 for i in range(100_000)}),  # over 1 MiB
    }
    for code, call in cases.items():
        with pytest.raises(livesolve.LiveSolveError) as raised:
            call()
        yield code, raised.value


def test_every_error_code_the_server_sends_is_its_exception(server):
    with livesolve.Client(server.ws) as client:
        model = client.create(REFINERY)
        for code, error in errors_of(server, client, model):
            assert error.code == code
            assert type(error) is errors.BY_CODE[code], code
            assert error.message
        # Each named the model it was about (the two that named none: none).
        assert client.update(model, parameters={"price[jet]": 2.4}) == 1, "no bad request changed anything"
        with pytest.raises(livesolve.UnknownVariable) as raised:
            client.update(model, objective={"x[nope]": 1})
        assert raised.value.model == model and "x[nope]" in raised.value.message
        client.delete(model)


def test_tokens_roles_and_limits_are_their_exceptions(tmp_path):
    admin, reader = "admin-token-0123456789abcdefghijklmnop", "reader-token-0123456789abcdefghijklmnop"
    tokens = tokens_file(tmp_path, admin=admin, read=reader)
    server = Server(tmp_path, "--auth-tokens-file", str(tokens), "--limits-updates-per-second", "1",
                    "--limits-updates-burst", "1", "--limits-subscriptions-per-connection", "1")
    try:
        with pytest.raises(livesolve.Unauthorized):
            livesolve.Client(server.ws, token="not-a-token")
        with livesolve.Client(server.ws) as anonymous:  # the upgrade may come without a token
            with pytest.raises(livesolve.Unauthorized):
                anonymous.create(REFINERY)
            with pytest.raises(livesolve.Unauthorized):
                anonymous.models()
        with livesolve.Client(server.ws, token=admin) as client, livesolve.Client(server.ws, token=reader) as read:
            model, other = client.create(REFINERY), client.create(REFINERY)
            with pytest.raises(livesolve.Forbidden):
                read.create(REFINERY)
            with pytest.raises(livesolve.Forbidden):
                read.delete(model)
            client.update(model, parameters={"price[jet]": 2.4})
            with pytest.raises(livesolve.RateLimited):
                for _ in range(5):
                    client.update(model, parameters={"price[jet]": 2.5})
            for _ in read.subscribe(model):
                with pytest.raises(livesolve.Overloaded):
                    next(read.subscribe(other))
                break
            assert read.get(model).seq >= 1
    finally:
        server.stop()


def test_a_read_only_store_is_storage_error(tmp_path):
    """A tmpfs of the test's own, made read-only between two runs of the server (needs root)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        server = Server(tmp_path, store=disk / "livesolve.sqlite")
        with livesolve.Client(server.ws) as client:
            model = client.create(REFINERY)
        server.stop()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        server.start()
        try:
            with livesolve.Client(server.ws) as client:
                with pytest.raises(livesolve.StorageError) as raised:
                    client.update(model, parameters={"price[jet]": 2.4})
                assert raised.value.model == model and "read-only" in raised.value.message
                assert client.get(model).seq == 0, "reads keep working"
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", str(disk)])


def test_a_request_without_a_reply_in_time_is_timeout(server):
    async def session():
        async with livesolve.connect(server.ws) as client:
            model = await client.create(gzip.decompress(DFL001.read_bytes()).decode(), format="mps")
            client.timeout = 0.001  # dfl001's first solve takes far longer than a millisecond
            with pytest.raises(livesolve.Timeout):
                await client.get(model)
            client.timeout = 60
            assert (await client.get(model)).status == "optimal"
            await client.delete(model)
    run(session())


@pytest.mark.parametrize("code", sorted(errors.BY_CODE))
def test_each_code_of_the_protocol_has_its_exception(code):
    """Codes no request here can provoke (`internal`) too: the class comes from the code."""
    error = errors.from_message({"type": "error", "code": code, "message": "m", "model": "m1"})
    assert (type(error).code, error.code, error.message, error.model) == (code, code, "m", "m1")
    assert isinstance(error, livesolve.LiveSolveError)
    assert type(error).__name__ == "".join(part.capitalize() for part in code.split("_"))


def test_reconstruction_equals_the_rest_solution_under_a_burst_with_a_slow_consumer(server):
    """200 updates as fast as they are acked while the consumer holds its first view: the client
    applies every delta meanwhile, and the views it hands out after are whole and exact."""
    async def session():
        async with livesolve.connect(server.ws) as feed, livesolve.connect(server.ws) as watcher:
            model = await feed.create(REFINERY)
            solutions = watcher.subscribe(model, fields=ALL_FIELDS)
            seen = [(await solutions.__anext__()).seq]
            last = 0
            for step in range(200):
                last = await feed.update(model, parameters={
                    "price[gasoline]": 2.1 + 0.4 * ((step * 37) % 11) / 11,
                    "capacity[cracker]": 30 + (step * 13) % 30})
            while (solution := await solutions.__anext__()).seq < last:
                seen.append(solution.seq)
            seen.append(solution.seq)
            await solutions.aclose()
            same_as_rest(solution, rest_solution(server, model))
            assert seen[0] == 0 and seen[-1] == last == 200
            assert seen == sorted(seen) and len(seen) < 200, "the slow consumer was handed the newest views, not every one"
            await feed.delete(model)
    run(session())


def test_the_client_reconnects_after_a_restart_and_resubscribes(tmp_path):
    server = Server(tmp_path, *EXACT)
    try:
        async def session():
            async with livesolve.connect(server.ws) as client:
                model = await client.create(REFINERY)
                solutions = client.subscribe(model, fields=ALL_FIELDS)
                assert (await solutions.__anext__()).seq == 0
                await asyncio.to_thread(server.restart)
                # The subscription goes on: a fresh snapshot, then the solution of a new update.
                seq = await client.update(model, parameters={"price[gasoline]": 2.6})
                assert seq == 1, "the store kept the model and its seq"
                while (solution := await solutions.__anext__()).seq < seq:
                    pass
                same_as_rest(solution, rest_solution(server, model))
                await solutions.aclose()
        run(session())
    finally:
        server.stop()


def test_a_request_in_flight_when_the_connection_drops_is_connection_lost(tmp_path):
    server = Server(tmp_path, *EXACT)
    try:
        async def session():
            async with livesolve.connect(server.ws, reconnect=0) as client:
                model = await client.create(REFINERY)
                await asyncio.to_thread(server.stop)
                with pytest.raises(livesolve.ConnectionLost):
                    await client.update(model, parameters={"price[jet]": 2.4})
        run(session())
    finally:
        server.start()
        server.stop()


def test_bad_arguments_are_refused_before_anything_is_sent(server):
    with livesolve.Client(server.ws) as client:
        with pytest.raises(ValueError, match="format='lp'"):
            client.create("min\n obj: x\nend\n")
        with pytest.raises(ValueError, match="ws://"):
            livesolve.Client("ftp://127.0.0.1:1")
