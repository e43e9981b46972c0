#!/bin/sh
# mfactl drift check from cron, on a host with credentials for the
# read-only role (an instance profile, or AWS_PROFILE). Quiet when in sync;
# on drift it prints the plan, which cron mails to the crontab's MAILTO.
#
#   17 5 * * *  cd /srv/mfa-config && git pull -q && ./cron.sh
set -u
out=$(mfactl plan -f mfa/ --detailed-exitcode --no-color 2>&1)
code=$?
case $code in
0) exit 0 ;;                                           # in sync: no mail
2) printf 'Cognito MFA drifted from mfa/:\n\n%s\n' "$out" ;;
*) printf 'mfactl drift check failed (exit %s):\n\n%s\n' "$code" "$out" ;;
esac
exit "$code"
