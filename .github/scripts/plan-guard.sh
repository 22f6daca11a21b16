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

exec npm run --silent plan-guard -- "$@" "${args[@]+"${args[@]}"}"
