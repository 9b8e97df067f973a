#!/usr/bin/env bash
# Load benchmark: the mock against a bare axum baseline on the same machine, in the same run.
#
#   bench/load.sh [--duration SECONDS] [--connections N] [--rounds N] [--soak]
#
# Prints req/s, p50 and p99 latency for the baseline, the mock answering from the fixture book
# with its default settings (request log on, journal on) and with the request log off, and the
# mock answering generated accounts (journal on), with the ratios to the baseline. The loads run one after the other, --rounds times (default 3); each ratio is
# the median of the rounds' ratios, each taken against the baseline of the same round, so that
# a machine whose speed drifts (a shared virtual machine) skews the ratios as little as it can; the cold start to the first 200; and with --soak, RSS before and after two runs of
# over 1,000,000 requests each. Needs wrk (installed with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10
CONNECTIONS=50
ROUNDS=3
SOAK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --soak) SOAK=1; shift ;;
    *) echo "usage: bench/load.sh [--duration SECONDS] [--connections N] [--rounds N] [--soak]" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
  else
    echo "bench/load.sh needs wrk (e.g. apt-get install wrk)" >&2
    exit 2
  fi
fi

cargo build --release --quiet -p mock-server -p bench
MOCK=target/release/mock-server
BASELINE=target/release/baseline
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() { # url
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.05
  done
  echo "server at $1 did not start" >&2; exit 1
}

start() { # name, command...
  local port; port=$(free_port)
  local name=$1; shift
  "$@" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  PIDS+=($!)
  eval "${name}_PID=$!"
  eval "${name}_URL=http://127.0.0.1:$port"
  wait_ready "http://127.0.0.1:$port/__admin/health"
}

start_baseline() {
  local port; port=$(free_port)
  "$BASELINE" "127.0.0.1:$port" >/dev/null 2>&1 &
  PIDS+=($!)
  BASELINE_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -X POST "$BASELINE_URL/api/v1/customerAccountLookup" && break
    sleep 0.05
  done
}

GENERATED_BODY='{"spId":"10006","accountName":"Blue Bonnet Bakery","address":{"street":"Elm","city":"Austin","state":"TX","zipCode":"78701"}}'

# load NAME URL [BODY [VARY]] -> sets NAME_RPS NAME_P50 NAME_P99
load() {
  local name=$1 url=$2 body=${3:-} vary=${4:-}
  local out
  out=$(LOOKUP_BODY="$body" LOOKUP_VARY="$vary" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/lookup.lua \
        "$url/api/v1/customerAccountLookup" 2>&1)
  local rps p50 p99 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  bad=$(awk -F': ' '/^non-200 answers:/ {print $2}' <<<"$out")
  eval "${name}_RPS=$rps ${name}_P50=$p50 ${name}_P99=$p99 ${name}_BAD=$bad"
}

to_ms() { # wrk latency (e.g. 512.00us, 1.20ms, 1.01s) -> milliseconds
  awk -v v="$1" 'BEGIN { n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "load: wrk, 1 thread, $CONNECTIONS connections, ${DURATION}s per run, on the same cores as the server"
echo

start_baseline
# As users run it: the defaults, request log on (written by a background thread; stderr goes to
# /dev/null here, as it would to a file).
start DEFAULTS "$MOCK" --data fixtures
# The request log line switched off (--log-level warn), as for a load test. The journal stays on
# at its default size.
start FIXTURES "$MOCK" --data fixtures --log-level warn
start GENERATED "$MOCK" --data generated --log-level warn

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A SEEN
for round in $(seq 1 "$ROUNDS"); do
  load BASE "$BASELINE_URL"
  load DEF "$DEFAULTS_URL"
  load FIX "$FIXTURES_URL"
  load GEN "$GENERATED_URL" "$GENERATED_BODY"
  load VARY "$GENERATED_URL" "$GENERATED_BODY" 1
  for name in BASE DEF FIX GEN VARY; do
    rps_var="${name}_RPS"; p50_var="${name}_P50"; p99_var="${name}_P99"; bad_var="${name}_BAD"
    p50=$(to_ms "${!p50_var}")
    SEEN[$name,rps]+="${!rps_var} "
    SEEN[$name,p50]+="$p50 "
    SEEN[$name,p99]+="$(to_ms "${!p99_var}") "
    SEEN[$name,bad]=$(( ${SEEN[$name,bad]:-0} + ${!bad_var:-0} ))
    SEEN[$name,tput]+="$(awk -v a="${!rps_var}" -v b="$BASE_RPS" 'BEGIN {print 100*a/b}') "
    SEEN[$name,lat]+="$(awk -v a="$p50" -v b="$(to_ms "$BASE_P50")" 'BEGIN {print a/b}') "
  done
  echo "round $round: baseline $BASE_RPS req/s, defaults $DEF_RPS, fixtures $FIX_RPS, generated $GEN_RPS, every request different $VARY_RPS"
done
echo

printf "%-28s %12s %10s %10s %10s %12s %10s\n" "server (medians of $ROUNDS)" "req/s" "p50 ms" "p99 ms" "non-200" "throughput" "p50"
row() { # label name
  m() { tr ' ' '\n' <<<"${SEEN[$2,$1]}" | grep -v '^$' | median; }
  printf "%-28s %12.0f %10.3f %10.3f %10s %11.0f%% %9.2fx\n" "$1" "$(m rps "$2")" "$(m p50 "$2")" \
    "$(m p99 "$2")" "${SEEN[$2,bad]}" "$(m tput "$2")" "$(m lat "$2")"
}
row "baseline (bare axum)" BASE
row "mock, defaults (log on)" DEF
row "mock, fixtures, log off" FIX
row "mock, generated, journal on" GEN
row "  every request different" VARY
echo "(throughput and p50 are ratios to the baseline; targets: defaults >= 70%, log off >= 75%, p50 <= 1.3x;"
echo " 'every request different' asks for a new name each time, so no generated answer is served"
echo " from the cache of repeated lookups; its non-200 answers are the planned 404 'No customer"
echo " found.' for the names the generated world has nobody for)"
echo

# Cold start: from exec to the first 200 of the lookup, median of 5.
starts=()
for _ in 1 2 3 4 5; do
  port=$(free_port)
  t0=$(date +%s%N)
  "$MOCK" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/customerAccountLookup" \
        -H 'client_id: demo-client' -H 'client_secret: demo-secret' -H 'content-type: application/json' \
        -H 'x-trace-id: cold' -d "$GENERATED_BODY" 2>/dev/null | grep -q 200; do
    sleep 0.002
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  starts+=($(( (t1 - t0) / 1000000 )))
done
sorted=$(printf "%s\n" "${starts[@]}" | sort -n | tr '\n' ' ')
echo "cold start to first 200 (ms, 5 runs sorted): $sorted(median $(printf "%s\n" "${starts[@]}" | sort -n | sed -n 3p) ms; target < 100 ms)"

if [ "$SOAK" = 1 ]; then
  echo
  rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
  # Long enough for more than 1,000,000 requests at the rate measured above, twice.
  soak_seconds=$(awk -v r="$FIX_RPS" 'BEGIN { s = int(1400000 / r) + 1; print (s < 10 ? 10 : s) }')
  echo "soak: 2 runs of ${soak_seconds}s (over 1,000,000 requests each) against the mock (fixtures, journal on, size 1000)"
  before=$(rss "$FIXTURES_PID")
  for run in 1 2; do
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${soak_seconds}s" -s bench/lookup.lua \
          "$FIXTURES_URL/api/v1/customerAccountLookup" 2>&1)
    total=$(awk '/requests in/ {print $1}' <<<"$out")
    bad=$(awk -F': ' '/^non-200 answers:/ {print $2}' <<<"$out")
    sockets=$(awk -F': ' '/^socket errors:/ {print $2}' <<<"$out")
    echo "run $run: $total requests, $bad non-200, $sockets socket errors, RSS $(rss "$FIXTURES_PID") KiB"
  done
  echo "RSS before: $before KiB, after: $(rss "$FIXTURES_PID") KiB, peak (VmHWM): $(awk '/VmHWM/ {print $2}' "/proc/$FIXTURES_PID/status") KiB (target < 30 MB, flat across runs)"
  journal=$(curl -s "$FIXTURES_URL/__admin/requests?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["capacity"])')
  echo "journal capacity: $journal entries (bounded)"
fi
