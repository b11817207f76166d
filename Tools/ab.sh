#!/usr/bin/env bash
# Compares W1's overhead (p50 latency minus solveMicros) of two builds, alternating: each round
# runs both, each against a fresh server of its own build (100 warm-up steps, then one measured
# run of the whole stream), A first in odd rounds and B first in even ones: the second of a pair
# measured lower, 6 rounds of 6 with one build as both A and B (97 against 103 µs). Rounds
# alternate because this machine's speed drifts by more than the differences worth measuring;
# nothing else is started while a bench runs (see docs/performance.md, "Measure W1 with nothing else starting").
#
#   Tools/ab.sh OLD/livesolve NEW/livesolve [rounds] [stream name, default afiro]
#
# Environment for the servers: ENV_A, ENV_B (e.g. ENV_B="SOME_SETTING=1").
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 rounds=${3:-10} stream=Benchmarks/streams/${4:-afiro}.jsonl.gz port=18089
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # binary, environment, result file
    env ${2:-} "$1" serve --http-port $port >/dev/null 2>&1 &
    local server=$!
    sleep 0.8
    "$1" bench w1 --stream "$stream" --url ws://127.0.0.1:$port --json --steps 100 >/dev/null
    "$1" bench w1 --stream "$stream" --url ws://127.0.0.1:$port --json >"$3"
    kill "$server"
    wait "$server" 2>/dev/null || true
}

for round in $(seq "$rounds"); do
    if (( round % 2 )); then
        run "$a" "${ENV_A:-}" "$out/a.$round"
        run "$b" "${ENV_B:-}" "$out/b.$round"
    else
        run "$b" "${ENV_B:-}" "$out/b.$round"
        run "$a" "${ENV_A:-}" "$out/a.$round"
    fi
done

python3 - "$out" "$rounds" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def overhead(side):
    return [json.load(open(f"{out}/{side}.{r}"))["overhead_p50_us"] for r in range(1, rounds + 1)]
a, b = overhead("a"), overhead("b")
print("A", a, "median", statistics.median(a))
print("B", b, "median", statistics.median(b))
print("B - A per round", [round(y - x, 1) for x, y in zip(a, b)], "; B lower in", sum(y < x for x, y in zip(a, b)), "of", rounds)
EOF
