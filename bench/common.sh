# Shared by the bench/ scripts: the release binary, a scratch folder, a district configuration.
# Source it from a script that has done `cd "$(dirname "$0")/.."`.

# Builds the release binary (progress to stderr) and sets BIN to it.
build_release() {  # MUSTER_BIN=PATH times that binary instead (a before/after comparison)
    if [ -n "${MUSTER_BIN:-}" ]; then BIN=$MUSTER_BIN; return; fi
    swift build -c release --product muster 2>&1 | grep -E "error|Build" | tail -2 >&2
    BIN=$PWD/.build/release/muster
}

# Makes a scratch folder in TMP, removed when the script exits.
make_scratch() {
    TMP=$(mktemp -d /tmp/muster-bench.XXXXXX)
    trap 'rm -rf "$TMP"' EXIT
}

# write_config DIR [EXTRA]: DIR/muster.yaml for a bench district (file transport into DIR/outbox/,
# the repository's schedules and templates unless EXTRA names others), EXTRA appended as is.
write_config() {
    cat >"$1/muster.yaml" <<YAML
organisation: { name: Bench District, timezone: Europe/London }
database: $1/muster.sqlite
mail:
  from: "Bench <bench@example.org>"
  transport: file:$1/outbox/
${2:-}
YAML
}

# write_welcome_rule DIR: DIR/schedules/welcome.yaml (a welcome due the day a member joins, no 'at')
# and its template DIR/templates/welcome.mustache, for the scripts that time a new member's welcome.
write_welcome_rule() {
    mkdir -p "$1/schedules" "$1/templates"
    cat >"$1/schedules/welcome.yaml" <<'YAML'
kind: sequence
anchor: joined_on
topic: welcome
steps:
  - { after: 0d, template: welcome }
YAML
    cat >"$1/templates/welcome.mustache" <<'TEXT'
---
subject: "Welcome, {{member.first_name}}"
---
Hello {{member.first_name}}, welcome to {{organisation.name}}.
TEXT
}

# The district the delivery benches share (delivery.sh, tick-cpu.sh, console-load.sh): the demo
# district of COUNT members, every one active and mailable, and one rule, the 17:00 day-before
# reminder of one district-wide meeting with its calendar invite (the repository's
# meeting-tomorrow template), sent to smtp://127.0.0.1:PORT (or TRANSPORT, when PORT is a URL).
#
# write_meeting_config DIR PORT|TRANSPORT CONCURRENCY [EXTRA]: DIR/muster.yaml (EXTRA appended as
# is) and DIR/schedules/meeting-tomorrow.yaml.
write_meeting_config() {
    mkdir -p "$1/schedules"
    cat >"$1/schedules/meeting-tomorrow.yaml" <<'YAML'
kind: event
events: { kind: meeting }
recipients: invited
calendar: true
topic: meetings
steps:
  - { before: 1d, at: "17:00", template: meeting-tomorrow }
YAML
    cat >"$1/muster.yaml" <<YAML
organisation: { name: Dorset NEU, timezone: Europe/London, website: https://example.org }
database: muster.sqlite
schedules: schedules/
templates: ${REPO:-$PWD}/templates/
mail:
  from: "Dorset NEU <organising@example.org>"
  transport: $(case "$2" in *://*) echo "$2" ;; *) echo "smtp://127.0.0.1:$2" ;; esac)
  tls: none
  concurrency: $3
${4:-}
YAML
}

# meeting_sql STARTS: the SQL that adds the meeting, starting at STARTS.
meeting_sql() {
    echo "INSERT INTO events(id, kind, title, starts_at, ends_at, location, url, workplace_id, description)
VALUES (1, 'meeting', 'District meeting: pay and workload', '$1', '2030-12-11T20:00:00Z',
        'Corn Exchange, Dorchester', 'https://example.org/events/1', NULL, 'Open to all members in the district. Tea from 4pm.');"
}

# make_meeting_district DIR BINARY COUNT NOW [STARTS]: after write_meeting_config, the database
# (muster init --demo), its members made mailable, the demo's events, past messages and outbox
# removed, and the meeting added when STARTS is given (console-load.sh adds it later itself).
make_meeting_district() {
    (cd "$1" && "$2" init --demo --members "$3" --now "$4" >/dev/null)
    sqlite3 "$1/muster.sqlite" >/dev/null <<SQL
UPDATE members SET status = 'active', email_opt_out = 0, timezone = NULL,
  email = coalesce(email, 'member' || id || '@example.org');
DELETE FROM events;
DELETE FROM muster_outbox_messages;
DELETE FROM muster_outbox;
${5:+$(meeting_sql "$5")}
PRAGMA wal_checkpoint(TRUNCATE);
SQL
}
