# shellcheck shell=bash
# Sourced by scripts/test-env: starting the environment's daemons in sessions
# of their own (pid and log files), stopping them, and waiting for them.

# spawn NAME CMD...: start a daemon in its own session, log to $LOG_DIR/NAME.log
spawn() {
  local name=$1; shift
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  [[ -f "$LOG_DIR/$name.log" ]] && mv -f "$LOG_DIR/$name.log" "$LOG_DIR/$name.log.1"
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null 8>&- &
  echo $! >"$(pidfile "$name")"
  basename "$1" >"$RUN_DIR/$name.exe"
}

# alive PID: exists and is not a zombie waiting to be reaped
alive() { [[ -r /proc/$1/stat ]] && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# stop [-KILL] NAME...: TERM (or KILL) to all, wait up to 20 s, then KILL; forget the pids
stop() {
  local sig=TERM name pid i names=() pids=()
  if [[ $1 == -KILL ]]; then sig=KILL; shift; fi
  for name in "$@"; do
    if running "$name"; then
      pid=$(pid_of "$name"); names+=("$name"); pids+=("$pid")
      kill -"$sig" "$pid" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 200; i++)); do
    local any=
    for pid in "${pids[@]}"; do alive "$pid" && any=1; done
    [[ -z $any ]] && break
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    alive "${pids[$i]}" && { kill -KILL "${pids[$i]}" 2>/dev/null || true; }
    log "stopped ${names[$i]} (pid ${pids[$i]})"
  done
  for name in "$@"; do rm -f "$(pidfile "$name")" "$RUN_DIR/$name.exe"; done
}

# wait_for SECONDS WHAT CMD...: poll CMD every 0.5 s; on timeout show the log tail
wait_for() {
  local timeout=$1 what=$2 start=$SECONDS; shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - start >= timeout)); then
      log "timed out after ${timeout}s waiting for $what"
      [[ -f "$LOG_DIR/$what.log" ]] && { echo "---- last lines of $LOG_DIR/$what.log"; tail -25 "$LOG_DIR/$what.log"; } >&2
      return 1
    fi
    sleep 0.5
  done
}
