#!/usr/bin/env python3
"""W1's syscall timeline from Tools/syscall-times.c output: per step, the time between the
client's write, the server's and the worker's calls, and the client's read; medians. Also how
many steps ran all their calls on one CPU: then the step's latency is the sum of the three
processes' work, as the scheduler runs them in turn there.

    python3 Tools/w1-timeline.py CLIENT_PREFIX SERVER_PREFIX

CLIENT_PREFIX.<pid> is the bench's file (the largest, if several); of SERVER_PREFIX.<pid>, the
largest is the server and the next its busy worker."""
import bisect
import glob
import statistics
import sys


def load(path):
    events = []
    for line in open(path):
        t, tid, event, fd, n, cpu = line.split()
        events.append((float(t), int(tid), event, int(fd), int(n), int(cpu)))
    return events


def by_size(prefix):
    return sorted(glob.glob(prefix + ".*"), key=lambda p: -len(open(p).read()))


client = load(by_size(sys.argv[1])[0])
server_file, worker_file = by_size(sys.argv[2])[:2]
server, worker = load(server_file), load(worker_file)
times = {name: [e[0] for e in events] for name, events in [("c", client), ("s", server), ("w", worker)]}


def after(events, name, t, matches):
    """The first event after time t that matches."""
    for e in events[bisect.bisect_right(times[name], t):]:
        if matches(e):
            return e
    raise SystemExit("timeline ends early; run more steps")


writes = [e for e in client if e[2] == "W"]
socket = statistics.mode(e[3] for e in writes)
# The server's end of the client's socket: where its solutions go (sendmsg, logged with n = -1).
served = statistics.mode(e[3] for e in server if e[2] == "W" and e[4] == -1)
segments = {}
one_cpu = 0
for write in [e for e in writes if e[3] == socket][-400:]:
    t0 = write[0]
    # The message is read either after NIO's epoll_wait reports it or by the loop's own poll
    # (LoopPoller), which calls no epoll_wait: so the read itself is the first landmark.
    got = after(server, "s", t0, lambda e: e[2] == "r" and e[3] == served and e[4] > 0)
    piped = after(server, "s", got[0], lambda e: e[2] == "W" and e[3] != served and e[4] > 9)
    prepared = after(server, "s", got[0], lambda e: e[2] == "W" and e[3] != served)
    solving = after(worker, "w", piped[0], lambda e: e[2] == "r" and e[3] == 0 and e[4] > 9)
    answered = after(worker, "w", solving[0], lambda e: e[2] == "W")
    got2 = after(server, "s", answered[0], lambda e: e[2] == "r" and e[3] != served and e[4] > 0)
    sent = after(server, "s", got2[0], lambda e: e[2] == "W" and e[3] == served)
    sent_return = after(server, "s", sent[0], lambda e: e[2] == "w")
    received = after(client, "c", sent[0], lambda e: e[2] == "r" and e[4] > 0)
    step = [write, got, piped, solving, answered, got2, sent, sent_return, received]
    one_cpu += len({e[5] for e in step}) == 1
    rows = [
        ("total: client write -> client read returns", received[0] - t0),
        ("client write -> server's read of it returns", got[0] - t0),
        ("server: that read -> request pipe write", piped[0] - got[0]),
    ]
    if prepared[4] == 9:
        rows.append(("  of which: read -> prepare write returns", after(server, "s", prepared[0], lambda e: e[2] == "w")[0] - got[0]))
    rows += [
        ("request pipe write -> worker read returns", solving[0] - piped[0]),
        ("worker: read -> write (solve inside)", answered[0] - solving[0]),
        ("worker write -> server's read of it returns", got2[0] - answered[0]),
        ("server: that read -> sendmsg", sent[0] - got2[0]),
        ("server: sendmsg itself", sent_return[0] - sent[0]),
        ("sendmsg -> client read returns", received[0] - sent[0]),
    ]
    for name, value in rows:
        segments.setdefault(name, []).append(value)
for name, values in segments.items():
    print(f"{name:48} p50 {statistics.median(values):7.1f} us  ({len(values)} steps)")
steps = len(segments["total: client write -> client read returns"])
print(f"steps whose calls were all on one CPU: {one_cpu} of {steps}")
