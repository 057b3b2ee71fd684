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
