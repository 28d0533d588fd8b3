#!/bin/sh
# The lab's node image entrypoint: the same contract as the official postgres image, which
# Aspire's AddPostgres (and citusdata/citus) expect: POSTGRES_USER / POSTGRES_PASSWORD /
# POSTGRES_INITDB_ARGS / POSTGRES_HOST_AUTH_METHOD, data in $PGDATA, scripts in
# /docker-entrypoint-initdb.d, arguments starting with "-" passed to postgres.
set -eu
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

if [ "${1#-}" != "$1" ]; then
  set -- postgres "$@"
fi

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  # A named volume arrives owned by root: hand it to postgres, then drop root for good.
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "$1" = postgres ] && [ -s "$PGDATA/PG_VERSION" ] && [ "$(cat "$PGDATA/PG_VERSION")" != "$PG_MAJOR" ]; then
  # Say it in words before postgres says "incompatible with server", and keep the data.
  echo "The data kept in this node's volume was made by PostgreSQL $(cat "$PGDATA/PG_VERSION"); this image runs PostgreSQL $PG_MAJOR." >&2
  echo "Nothing was changed. Start the lab with the image that made it (--Lab:Image=...), or start fresh: dotnet run --project AppHost -- --Lab:Fresh=true" >&2
  exit 1
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}" > "$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS holds several arguments.
  initdb -D "$PGDATA" -U "${POSTGRES_USER:-postgres}" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
  rm -f "$pwfile"
  printf "\nhost all all all %s\n" "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\n" >> "$PGDATA/postgresql.conf"
  if [ -n "$(ls -A /docker-entrypoint-initdb.d 2>/dev/null)" ]; then
    PGPASSWORD=$POSTGRES_PASSWORD
    export PGPASSWORD
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sh) . "$f" ;;
        *.sql) psql -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d postgres -f "$f" ;;
      esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
  fi
fi

exec "$@"
