#!/usr/bin/env bash
# Installs what the tests need, builds once, runs every test project (unit, component, integration,
# PostgreSQL, browser) and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# 1. Machine packages: Debian's Chromium for the browser tests, PostgreSQL server binaries, Redis and HAProxy for the
#    scale-out tests, Prometheus Alertmanager for the alert ingestion tests, Dovecot for the support mailbox tests.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
command -v prometheus-alertmanager > /dev/null || missing+=(prometheus-alertmanager)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
  elif command -v sudo > /dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
  else
    echo "Missing ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root, then ./test.sh again." >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi

# 2. Build once.
if ! dotnet build Portal.sln -c Release -warnaserror -nologo -v quiet; then
  echo "The build failed."
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# 3. Run every test project, one after another: on two cores, the browser tests running beside the integration
#    suite starve for CPU and time out. Then the integration suite (every test on a real portal host) once more, on a
#    PostgreSQL server it starts itself: the fixture's one parameter, PORTAL_TEST_DATABASE. Keep the output to read
#    the summaries from.
mkdir -p artifacts
log=artifacts/test-output.log
pglog=artifacts/test-output-postgres.log
dotnet test --solution Portal.sln -c Release --no-build --max-parallel-test-modules 1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
#    Left out of that second pass: classes that test web and network rules (who may call what, sign-in tokens, where
#    outbound calls may go, webhook delivery, bad input refused before any query, refusals audited, the
#    live hub's topics and fan-out), which reach the database no differently on either engine; and the automation
#    classes whose database work the two-node PostgreSQL test (AutomationTwoNodeTests, in ScaleOut) already runs on
#    PostgreSQL (claims, heals, guardrail counts). The suite must stay under its 30 minutes on two cores.
PORTAL_TEST_DATABASE=postgres dotnet test --project Portal.Tests -c Release --no-build -- \
  --filter-namespace "Portal.Tests.Features*" --filter-namespace "Portal.Tests.Scenarios*" --filter-namespace "Portal.Tests.Infrastructure*" \
  --filter-not-class "*.AuthorisationMatrixTests" --filter-not-class "*.EntraSignInTests" --filter-not-class "*.OutboundTargetTests" \
  --filter-not-class "*.NotificationChannelTests" --filter-not-class "*.DemoSignInTests" \
  --filter-not-class "*.RefusalAuditTests" --filter-not-class "*.ApiTokenTests" \
  --filter-not-class "*.BadInputWalkTests" --filter-not-class "*.LiveHubTests" --filter-not-class "*.LiveFanoutTests" \
  --filter-not-class "*.AutomationBadInputTests" --filter-not-class "*.RunnerProcessTests" --filter-not-class "*.GuardrailTests" --filter-not-class "*.ActionFilesTests" \
  --filter-not-class "*.AutomationRestartTests" --filter-not-class "*.WorkflowRuleTests" --filter-not-class "*.SelfHealingScenarioTests" \
  2>&1 | tee "$pglog"
pgstatus=${PIPESTATUS[0]}

# The last "Test run summary" block of each run sums its projects.
count() { grep -E "^\s+$1: [0-9]+" "$2" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$(( $(count succeeded "$log") + $(count succeeded "$pglog") ))
failed=$(( $(count failed "$log") + $(count failed "$pglog") ))
skipped=$(( $(count skipped "$log") + $(count skipped "$pglog") ))
if { [ "$status" -ne 0 ] || [ "$pgstatus" -ne 0 ]; } && [ "$failed" -eq 0 ]; then
  # A project that crashed or ran nothing is a failure even when no single test said so.
  failed=1
fi
if [ "$failed" -gt 0 ]; then
  # Name the failures last, where a reader of the output's tail finds them.
  echo "Failed tests:"
  grep -hE "^\s*failed " "$log" "$pglog" | sed -E 's/^\s*/  - /' | sort -u | head -n 40
  [ -s "$pglog" ] && grep -qE "^\s*failed " "$pglog" && echo "  (the PostgreSQL run's failures are in $pglog)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$pgstatus" -eq 0 ] && [ "$failed" -eq 0 ]
