# bench/bench_policy.sh: sourced by the benchmark scripts (they set ROOT and RULES, and define die).
# write_policy FILE writes the shipped privacy policy with the approvals the benchmark's rule set
# needs (PRIVACY.md checks 4 and 13): its version for production runs, and the birth dates its
# age bands read.
write_policy() {  # write_policy FILE
    local name version today
    name=$(sed -n 's/^name: *//p' "$RULES" | head -1)
    version=$(sed -n 's/^version: *"\{0,1\}\([^"]*\)"\{0,1\}.*/\1/p' "$RULES" | head -1)
    today=$(date -u +%Y-%m-%d)
    sed "s/^approvals: \[\]/approvals:\n  - {scope: rule_set, subject: \"$name $version\", who: benchmark, when: \"$today\", why: benchmark}\n  - {scope: sensitive_attribute, subject: birth_date, who: benchmark, when: \"$today\", why: age bands}/" \
        "$ROOT/config/privacy/pdpo.yaml" >"$1"
    grep -q "scope: rule_set" "$1" || die "the shipped policy has no \`approvals: []\` line to fill in"
}
