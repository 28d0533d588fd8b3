# Sourced by the benchmark scripts: a throwaway PostgreSQL on 127.0.0.1, run as the postgres
# account when the script runs as root (PostgreSQL refuses root). Sets: BIN, work, PG_PORT, pids;
# stops everything on exit.
BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server programs not found (set PG_BIN to a PostgreSQL bin folder)" >&2; exit 1; }
work=$(mktemp -d /tmp/mediai-bench.XXXX)
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
pids=()

as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  as_pg "$BIN/pg_ctl" -D "$work/db" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

PG_PORT=$(free_port)
as_pg "$BIN/initdb" -D "$work/db" -U postgres --auth=trust >/dev/null
as_pg "$BIN/pg_ctl" -D "$work/db" -l "$work/pg.log" -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=50" -w start >/dev/null
