#!/usr/bin/env bash
# Dev mode's start and restart-after-kill-9 times, for one or more builds run alternately so that
# they share the machine's load. For each jar: a fresh start, then ROUNDS times: 20 encryptions and
# a DEK rotation, kill -9, a second's pause, a restart on the same data dir. "Ready" is the first
# 200 of the management port's /readyz after the process was started.
#
#   benchmarks/scripts/restart-to-ready.sh ROUNDS old.jar new.jar ...
set -euo pipefail
rounds=$1; shift
work=$(mktemp -d)
ports="--http-port 18480 --kms-port 14666 --kafka-port 19492 --kafka-controller-port 19493 --management-port 19464"

start() { # jar dir log -> seconds to ready
  local t0; t0=$(date +%s.%N)
  java -jar "$1" dev --data-dir "$2" $ports > "$3" 2>&1 &
  echo $! > "$2.pid"
  until curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:19464/readyz 2>/dev/null | grep -q 200; do sleep 0.1; done
  echo "$(date +%s.%N) - $t0" | bc
}

load() { # log
  until grep -q 'export KL_TOKEN=' "$1"; do sleep 0.1; done
  local token; token=$(grep 'export KL_TOKEN=' "$1" | sed 's/.*KL_TOKEN=//')
  for _ in $(seq 1 20); do
    curl -sf -o /dev/null -X POST http://127.0.0.1:18480/api/v1/byok/encrypt \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"plaintext":"aGVsbG8="}'
  done
  curl -sf -o /dev/null -X POST http://127.0.0.1:18480/api/v1/byok/keys/rotate \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"rotation_type":"dek"}'
}

for round in $(seq 0 "$rounds"); do
  for jar in "$@"; do
    dir="$work/$(basename "$jar" .jar)"; mkdir -p "$dir"
    seconds=$(start "$jar" "$dir" "$dir/run$round.log")
    load "$dir/run$round.log"
    kill -9 "$(cat "$dir.pid")"; sleep 1
    echo "$(basename "$jar") $([ "$round" = 0 ] && echo fresh-start || echo after-kill-9) ready_s=$seconds load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
rm -rf "$work"
