#!/bin/sh
# End-to-end checks of `cmdsentry baseline learn|show` and `cmdsentry recommend`.
# Usage: baseline_cli_test.sh CASE BINARY ORGSIM SOURCE_DIR WORK_DIR
# The logs come from cmdsentry-orgsim (a small organisation, EVTX and JSONL of the same records).
set -u
case_name=$1 bin=$2 orgsim=$3 src=$4 work=$5
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

fail() { echo "FAIL ($case_name): $*" >&2; exit 1; }
expect_line() { grep -qF -- "$2" "$1" || fail "no line with '$2' in $1"; }

# A small organisation and a groups file from its org.json (SID and DOMAIN\name lines).
make_org() {
  "$orgsim" --out org --hosts 4 --users 8 --days 3 --intrusions 1 --format both --threads 1 -q \
    || fail "orgsim exit $?"
  python3 - <<'PY' || fail "groups file"
import json
d = json.load(open("org/org.json"))
with open("groups.csv", "w") as f:
    f.write("member,group,group_sid\n")
    for u in d["users"]:
        sid = u["sid"]
        gsid = sid.rsplit("-", 1)[0] + "-512" if u["group"] == "domain-admins" else ""
        f.write(f"{sid},{u['group']},{gsid}\nCORP\\{u['name']},{u['group']},{gsid}\n")
PY
}

learn_twice_counts_once() {
  make_org
  "$bin" baseline learn org/logs --db b.db --groups groups.csv 2> first.txt || fail "exit $?"
  expect_line first.txt " learned, 0 already in b.db"
  # --exclude-host takes one host; the path after it stays a path.
  "$bin" baseline learn --exclude-host WS0001 org/logs --db x.db 2> excl.txt || fail "exit $?"
  grep -q " [1-9][0-9]* excluded" excl.txt || fail "nothing excluded: $(cat excl.txt)"
  # HOST@FROM..TO: a period covering all the logs excludes what the whole host did; one before
  # the logs excludes nothing.
  "$bin" baseline learn --exclude-host WS0001@2000-01-01.. org/logs --db p.db 2> all.txt \
    || fail "exit $?"
  n_host=$(sed -n 's/.* \([0-9][0-9]*\) excluded.*/\1/p' excl.txt)
  n_all=$(sed -n 's/.* \([0-9][0-9]*\) excluded.*/\1/p' all.txt)
  [ -n "$n_host" ] && [ "$n_host" = "$n_all" ] || fail "period excluded '$n_all', host '$n_host'"
  "$bin" baseline learn --exclude-host ws0001.corp.example@2000-01-01..2000-01-02 org/logs \
    --db q.db 2> none.txt || fail "exit $?"
  grep -q " 0 excluded" none.txt || fail "a period before the logs excluded: $(cat none.txt)"
  "$bin" baseline learn org/logs --db b.db 2> second.txt || fail "exit $?"
  expect_line second.txt ": 0 learned, "
  # EVTX alone into a new database, then the JSONL renderings of the same records: nothing new.
  "$bin" baseline learn $(find org/logs -name '*.evtx' | sort) --db e.db 2> evtx.txt || fail "exit $?"
  "$bin" baseline learn $(find org/logs -name '*.jsonl' | sort) --db e.db 2> jsonl.txt || fail "exit $?"
  expect_line jsonl.txt ": 0 learned, "
  n1=$(sed -n 's/.*analysed: \([0-9]*\) learned.*/\1/p' first.txt)
  n2=$(sed -n 's/.*analysed: \([0-9]*\) learned.*/\1/p' evtx.txt)
  [ -n "$n1" ] && [ "$n1" = "$n2" ] || fail "EVTX+JSONL learned '$n1', EVTX alone '$n2'"
}

show_and_recommend_json() {
  make_org
  "$bin" baseline learn org/logs --db b.db --groups groups.csv -q || fail "learn exit $?"
  "$bin" baseline show --db b.db --format json > show.json || fail "show exit $?"
  "$bin" baseline show --db b.db --group domain-admins > admins.txt || fail "show exit $?"
  expect_line admins.txt "domain-admins"
  "$bin" recommend --db b.db --format json --admin-group domain-admins \
    --service-group service-accounts > rec.json || fail "recommend exit $?"
  "$bin" recommend --db b.db --admin-group domain-admins > rec.txt || fail "recommend exit $?"
  expect_line rec.txt "Not restrictable"
  python3 - <<'PY' || fail "JSON shape"
import json
show = json.load(open("show.json"))
assert show["format"] == "cmdsentry-baseline-show" and show["version"] == 1
assert show["rows"] and {"group", "command", "executable", "executions", "users", "hosts",
                         "days", "first_seen", "last_seen", "parents"} <= set(show["rows"][0])
groups = {r["group"] for r in show["rows"]}
assert "domain-admins" in groups and "SYSTEM" in groups, groups
rec = json.load(open("rec.json"))
assert list(rec) == ["format", "version", "restrictions", "user_programs", "not_restrictable"], list(rec)
assert rec["format"] == "cmdsentry-recommendation" and rec["version"] == 1
keys = ["executable", "original_file_name", "paths", "commands", "exempt_groups", "impact",
        "attack_executions", "reason"]
for r in rec["restrictions"]:
    assert list(r) == keys, list(r)
    assert isinstance(r["executable"], str) and isinstance(r["original_file_name"], str)
    assert all(isinstance(p, str) for p in r["paths"]) and r["commands"]
    for g in r["exempt_groups"]:
        assert list(g) == ["name", "sid"], g
        if g["name"] == "domain-admins":
            assert g["sid"].startswith("S-1-5-21-") and g["sid"].endswith("-512"), g
        else:  # a service group without a SID: one entry per member account
            assert g["name"].startswith("service-accounts member S-1-5-21-"), g
            assert g["sid"].startswith("S-1-5-21-") and g["name"].endswith(g["sid"]), g
    assert any(g["name"] == "domain-admins" for g in r["exempt_groups"]), r["exempt_groups"]
for u in rec["user_programs"]:
    assert list(u) == ["user", "sid", "path", "executables", "executions", "days"], list(u)
    assert u["path"].startswith("%OSDRIVE%\\users\\") and u["path"].endswith("\\*"), u
    assert "\\temp\\" not in u["path"] and u["days"] >= 2, u
    assert list(r["impact"]) == ["executions", "users", "hosts"]
    assert all(isinstance(v, int) for v in r["impact"].values())
    assert isinstance(r["attack_executions"], int) and r["reason"]
for n in rec["not_restrictable"]:
    assert list(n) == ["command", "reason", "detect_with"], list(n)
names = {n["command"] for n in rec["not_restrictable"]}
assert {"dir", "ver", "type", "set"} <= names, names
# Only the admins run net.exe in this organisation's ordinary work: restricted, both files.
exes = {r["executable"] for r in rec["restrictions"]}
assert {"net.exe", "net1.exe"} <= exes, exes
PY
}

scan_with_baseline() {
  make_org
  "$bin" baseline learn org/logs --db b.db --groups groups.csv -q || fail "learn exit $?"
  "$bin" scan -q --no-summary -f jsonl --db b.db org/logs > with.jsonl || fail "scan exit $?"
  "$bin" scan -q --no-summary -f jsonl org/logs > without.jsonl || fail "scan exit $?"
  [ "$(wc -l < with.jsonl)" = "$(wc -l < without.jsonl)" ] || fail "--db changed the findings"
  # Everything scanned was learned: no command is new for its user.
  ! grep -qF '"engine":"baseline"' with.jsonl || fail "baseline matches on learned logs"
  "$bin" scan -q --db junk.db org/logs > /dev/null 2> err.txt
  [ $? = 2 ] || fail "scan --db missing: expected exit 2"
  expect_line err.txt "no such baseline database"
}

corrupt_database() {
  head -c 10000 /dev/urandom > junk.db
  cp junk.db before.db
  make_org
  "$bin" baseline learn org/logs --db junk.db 2> err.txt
  [ $? = 2 ] || fail "learn into junk: expected exit 2"
  expect_line err.txt "junk.db: not a cmdsentry baseline database"
  cmp -s junk.db before.db || fail "junk.db was modified"
  "$bin" recommend --db junk.db 2> err2.txt
  [ $? = 2 ] || fail "recommend on junk: expected exit 2"
  expect_line err2.txt "not a cmdsentry baseline database"
  "$bin" baseline show --db missing.db 2> err3.txt
  [ $? = 2 ] || fail "show missing: expected exit 2"
  expect_line err3.txt "no such baseline database"
  [ ! -e missing.db ] || fail "show created missing.db"
}

usage_and_help() {
  "$bin" baseline > /dev/null 2>&1
  [ $? = 2 ] || fail "baseline without subcommand: expected exit 2"
  "$bin" baseline learn x.evtx > /dev/null 2>&1
  [ $? = 2 ] || fail "learn without --db: expected exit 2"
  "$bin" baseline learn x.evtx --db b.db --since yesterday > /dev/null 2> err.txt
  [ $? = 2 ] || fail "bad --since: expected exit 2"
  expect_line err.txt "--since yesterday"
  for bad in "WS1@tomorrow.." "WS1@2026-03-02" "@2026-03-02.." "WS1@2026-03-03..2026-03-02"; do
    "$bin" baseline learn x.evtx --db b.db --exclude-host "$bad" > /dev/null 2> err.txt
    [ $? = 2 ] || fail "--exclude-host $bad: expected exit 2"
    expect_line err.txt "--exclude-host $bad"
  done
  "$bin" baseline learn --help > help.txt || fail "help exit $?"
  for o in --db --groups --exclude-host --since --until; do expect_line help.txt "$o"; done
  "$bin" recommend --help > rhelp.txt || fail "help exit $?"
  for o in --db --format --admin-group --service-group --max-users --tables; do
    expect_line rhelp.txt "$o"
  done
}

"$case_name"
