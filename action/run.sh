#!/usr/bin/env bash
# Runs mfactl validate or plan for the GitHub Action, with annotations
# (-o github, which also writes the job summary) and the Markdown comment as a
# report file. The exit code is passed on and also set as an output, so a
# later step can post the comment whatever happened.
set -uo pipefail

case "$MFACTL_COMMAND" in
validate | plan) ;;
*) echo "::error::command must be none, validate or plan, not '$MFACTL_COMMAND'" >&2; exit 1 ;;
esac

args=("$MFACTL_COMMAND")
for f in $MFACTL_FILES; do args+=(-f "$f"); done
args+=(-o github --report "markdown=$MFACTL_COMMENT")
# shellcheck disable=SC2206 # extra arguments are split on spaces on purpose
extra=($MFACTL_ARGS)

mfactl "${args[@]}" "${extra[@]}"
code=$?
{
	echo "comment-file=$MFACTL_COMMENT"
	echo "exit-code=$code"
} >>"${GITHUB_OUTPUT:-/dev/null}"
# plan exits 2 for changes only with --detailed-exitcode; that is not a failure.
if [[ $code -eq 2 ]]; then exit 0; fi
exit $code
