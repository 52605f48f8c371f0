#!/usr/bin/env bash
# The bash completion offers what csp-ledger's --help lists: every command,
# every subcommand and every flag of each, read from the executable's help,
# so that a new flag without its completion fails here.
#
#   completion_test.sh COMPLETION_FILE CSP_LEDGER
set -euo pipefail

completion=$1
ledger=$2
# shellcheck source=/dev/null
source "$completion"

failures=0
fail() { echo "completion_test: $*" >&2; failures=$((failures + 1)); }

# What the completion offers after `csp-ledger WORDS... CUR`.
offered() {
  local cur=$1; shift
  COMP_WORDS=(csp-ledger "$@" "$cur")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _csp_ledger
  printf '%s\n' "${COMPREPLY[@]}"
}

# A section of CLI11's help: the flags under "Options:", the names under
# "Subcommands:".
help_flags() { "$ledger" "$@" --help | awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 } on && $1 ~ /^-/ { print $1 }' |
  tr ',' '\n'; }
help_subcommands() { "$ledger" "$@" --help | awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print $1 }'; }

expect_all() {
  local what=$1 offered_words=$2; shift 2
  local word
  for word in "$@"; do
    grep -qxF -- "$word" <<<"$offered_words" || fail "$what: $word is not offered (offered: ${offered_words//$'\n'/ })"
  done
}

# Every command path the help reaches, with its flags.
check() {
  local subcommands flags
  mapfile -t subcommands < <(help_subcommands "$@")
  mapfile -t flags < <(help_flags "$@" | grep -vxF -- -h)
  if [ "${#subcommands[@]}" -gt 0 ]; then
    expect_all "csp-ledger $* <TAB>" "$(offered "" "$@")" "${subcommands[@]}"
    local subcommand
    for subcommand in "${subcommands[@]}"; do check "$@" "$subcommand"; done
  fi
  # A report's filters follow its name.
  local before=("$@")
  [ "$*" = report ] && before=(report links)
  expect_all "csp-ledger ${before[*]} --<TAB>" "$(offered -- "${before[@]}")" "${flags[@]}"
}
check

# Values and files where they are known.
expect_all "report names" "$(offered "" report)" subscriptions links expiring-links open-refunds sales hybrid-benefit agents catalogue
expect_all "--role" "$(offered "" agent grant sam@partner.example --role)" admin-agent sales-agent helpdesk-agent
expect_all "--format" "$(offered "" --db x.db report links --format)" table json csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
touch "$work/scenario.jsonl"
expect_all "run FILE" "$(offered "$work/sc" run)" "$work/scenario.jsonl"
expect_all "import FILE" "$(offered "$work/sc" --json import)" "$work/scenario.jsonl"
expect_all "--db FILE" "$(offered "$work/sc" --db)" "$work/scenario.jsonl"
# Flag values are skipped when finding the command: `--db agent` is a file.
expect_all "after --db VALUE" "$(offered "" --db agent)" init purchase
[ -z "$(offered "" purchase --customer)" ] || fail "a flag's free value is completed with words"
# `link issue --version` takes the product's version, and the flags go on after it.
[ -z "$(offered "" link issue --version)" ] || fail "link issue --version VERSION is completed with words"
expect_all "after link issue --version V" "$(offered -- link issue --version 2022)" --language --file-type

[ "$failures" -eq 0 ] || exit 1
echo "completion_test: every command, subcommand and flag of --help is completed"
