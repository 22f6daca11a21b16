#!/usr/bin/env bash
# plan-guard with THIS environment's allow_destroy patterns, as deploy.yml runs it.
#
#   bash .github/scripts/plan-guard.sh --plan PLAN.json [other plan-guard options]
#
# Environment (set by the step, never spliced into script text):
#   TF_ENV         dev | staging | prod (the job's environment)
#   ALLOW_DESTROY  the dispatch input allow_destroy_<TF_ENV>: resource address patterns separated by spaces or
#                  commas; empty on push. Each becomes one `--allow-destroy PATTERN` of plan-guard.
#   GITHUB_STEP_SUMMARY, GITHUB_ACTOR (set by GitHub Actions): the patterns are recorded in the job summary.
#
# Exit: plan-guard's. On 2 (blocked) it also prints, to the log and the job summary, how to allow the blocked
# addresses in CI: a new dispatch of Deploy with allow_destroy_<env> (a re-run keeps the old inputs).
#
# Rejected before plan-guard runs (exit 3, plan-guard's "bad input"), so a dispatch can never wave through
# everything: a pattern made only of wildcards once `module` keywords are ignored (`*`, `**`, `*.*`,
# `module.*`), any character outside resource addresses (letters, digits, _ - . * [ ] "), and a pattern that does
# not start with a letter or `*` (so none can pass for an option; each is also passed as --allow-destroy=PATTERN).
# plan-guard itself matches whole address segments and rejects a bare `*` too (scripts/lib/plan-guard).
set -euo pipefail

env_name="${TF_ENV:?TF_ENV must name the environment}"
raw="${ALLOW_DESTROY:-}"
wildcard_only='^[*?]+$'

reject() {
  echo "::error title=allow_destroy_${env_name} rejected::$1"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '\n**allow_destroy for %s: REJECTED** (%s)\n' "$env_name" "$1" >> "$GITHUB_STEP_SUMMARY"
  fi
  exit 3
}

args=()
shown=()
# Commas and any whitespace separate patterns; read does not expand globs.
read -r -a parts <<< "$(printf '%s' "$raw" | tr ',\t\r\n' '    ')"
for p in "${parts[@]+"${parts[@]}"}"; do
  # Addresses start with a letter (a type, `module` or `data`); a leading `-` could pass for an option.
  if ! [[ "$p" =~ ^[A-Za-z*][][A-Za-z0-9_.*\"-]*$ ]]; then
    reject "pattern '${p//[^A-Za-z0-9_.*\"\[\] -]/?}' is not a resource address (allowed: letters, digits, _ - . * [ ] \", starting with a letter or *)"
  fi
  literal=false
  IFS='.' read -r -a segments <<< "$p"
  for s in "${segments[@]+"${segments[@]}"}"; do
    if [ "$s" = "module" ] || [ -z "$s" ]; then continue; fi
    if ! [[ "$s" =~ $wildcard_only ]]; then literal=true; fi
  done
  if [ "$literal" != true ]; then
    reject "pattern '$p' matches every address; name the resources, e.g. aws_sqs_queue.dlq or module.rule_x.aws_sqs_queue.dlq"
  fi
  args+=("--allow-destroy=$p")
  shown+=("\`$p\`")
done

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  if [ "${#shown[@]}" -eq 0 ]; then
    printf '\n**allow_destroy for %s:** none (every delete, replace or forget of a protected resource is blocked)\n' "$env_name" >> "$GITHUB_STEP_SUMMARY"
  else
    joined="$(printf '%s, ' "${shown[@]}")"
    printf '\n**allow_destroy for %s** (input `allow_destroy_%s`, run started by @%s): %s\n' \
      "$env_name" "$env_name" "${GITHUB_ACTOR:-unknown}" "${joined%, }" >> "$GITHUB_STEP_SUMMARY"
  fi
fi

# plan-guard's stderr is kept (and shown) to name the blocked addresses on exit 2: its lines
# "plan-guard: BLOCKED: <change> of protected <type> <address> is not allowed without --allow-destroy"
# (scripts/lib/plan-guard/report.ts, blockedMessage). Its own hint says "re-run with --allow-destroy", which in CI
# reads as GitHub's Re-run button: that keeps the run's (empty) inputs and is blocked again.
errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT
status=0
npm run --silent plan-guard -- "$@" "${args[@]+"${args[@]}"}" 2> "$errors" || status=$?
cat "$errors" >&2

if [ "$status" -eq 2 ]; then
  # Addresses come from the plan (for_each keys may hold any text): only those the input would accept are named, as
  # data (printf %s), never evaluated; none can hold a quote ', a backtick, % or a line break.
  blocked=()
  unnamed=0
  while IFS= read -r line; do
    # "... <type> <address>": the last two words, when the address holds no space; the address must then name that
    # type (TYPE.NAME or ...module.X.TYPE.NAME), else a for_each key with spaces could pass a fragment for an address.
    rest="${line% is not allowed without --allow-destroy}"
    address="${rest##* }"
    rest="${rest% *}"
    type="${rest##* }"
    if [[ "$address" =~ ^[A-Za-z][][A-Za-z0-9_.*\"-]*$ ]] && [[ "$type" =~ ^[a-z][a-z0-9_]*$ ]] &&
      { [[ "$address" == "$type".* ]] || [[ "$address" == module.*."$type".* ]] || [[ "$address" == data."$type".* ]]; }; then
      blocked+=("$address")
    else
      unnamed=$((unnamed + 1))
    fi
  done < <(grep -E '^plan-guard: BLOCKED: .* of (protected )?.* is not allowed without --allow-destroy$' "$errors" || true)
  list="${blocked[*]+"${blocked[*]}"}"
  [ -n "$list" ] || list="<addresses>"
  extra=""
  if [ "$unnamed" -gt 0 ]; then extra=" (${unnamed} more blocked address(es) hold characters the input does not accept: see plan-guard's output above and docs/plan-guard.md)"; fi
  command="gh workflow run deploy.yml --ref main -f 'allow_destroy_${env_name}=${list}'"
  tail=". A re-run keeps the old inputs and is blocked again. With GATE_MODE=recorded-approval any allow_destroy is refused: see docs/plan-guard.md."
  printf '::error title=plan-guard blocked (%s)::To allow it in CI, dispatch Deploy (Actions → Deploy → Run workflow, or %s) with allow_destroy_%s set to the blocked addresses: %s%s%s\n' \
    "$env_name" "$command" "$env_name" "$list" "$extra" "$tail"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    # Code spans: no address can hold a backtick, so none can end one.
    md_list="\`${list// /\`, \`}\`"
    printf '\n**plan-guard blocked %s.** To allow it in CI, dispatch Deploy (Actions → Deploy → Run workflow, or `%s`) with `allow_destroy_%s` set to the blocked addresses: %s%s%s\n' \
      "$env_name" "$command" "$env_name" "$md_list" "$extra" "$tail" >> "$GITHUB_STEP_SUMMARY"
  fi
fi
exit "$status"
