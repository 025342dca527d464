// ABI.md rule 7 under load: 8 host threads call the hooks (customer changed, lookups, member
// lists) through the C ABI while full runs go on, on one engine over a SQLite host database and
// store. The data do not change, so every hook must return the segment the first run gave, and
// every member list must equal the first run's list exactly: a list read while a run was being
// published (its live table half replaced) would differ. Run by the ci build, and by the tsan
// build under ThreadSanitizer (scripts/test.sh), which reports any data race.
//
//   custclass_stress_tests SOURCE_DIR WORK_DIR
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "custclass.h"
#include "demo_data.h"

namespace {

constexpr int kHookThreads = 8;
constexpr int kCallsPerThread = 60;
constexpr int kRuns = 3;
const char* kAsOf = "2026-11-30";

std::mutex g_report_mutex;
std::atomic<int> g_failures{0};

void fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(g_report_mutex);
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++g_failures;
}

std::string status_text(custclass_engine* engine, int32_t status) {
    return std::string(custclass_status_name(status)) + ": " + custclass_last_error(engine);
}

custclass_run_options run_options() {
    custclass_run_options options;
    custclass_run_options_init(&options, sizeof options);
    options.as_of = kAsOf;
    // Several threads whatever the machine: the orders are then read beside the customers, the
    // customers and the orders each read ahead of their parsing, the features and the rules split.
    options.threads = 4;
    return options;
}

int32_t collect(void* user, const char* id) {
    static_cast<std::vector<std::string>*>(user)->push_back(id);
    return 0;
}

// The members of a segment, or nullopt with the failure reported.
bool members(custclass_engine* engine, const std::string& segment, int32_t purpose,
             std::vector<std::string>& out) {
    custclass_members_options options;
    custclass_members_options_init(&options, sizeof options);
    options.classification = "value";
    options.purpose = purpose;
    char* summary = nullptr;
    out.clear();
    const int32_t status =
        custclass_segment_members(&summary, engine, segment.c_str(), &options, collect, &out);
    custclass_free(summary);
    if (status != CUSTCLASS_OK) {
        fail("members of " + segment + ": " + status_text(engine, status));
        return false;
    }
    return true;
}

std::string segment_of(const char* document) {
    const auto doc = nlohmann::json::parse(document);
    const auto& s = doc["classifications"]["value"]["segment"];
    return s.is_null() ? "" : s.get<std::string>();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SOURCE_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    const std::string source_dir = argv[1];
    const std::filesystem::path work = argv[2];
    std::filesystem::remove_all(work);
    std::filesystem::create_directories(work);
    custclass::datagen::DemoOptions data;
    data.customers = 200;
    custclass::datagen::write_sqlite_demo((work / "demo.sqlite").string(), data);
    // The shipped policy with the approvals its checks ask for, and member lists by customer id
    // (the test follows customers from list to hook).
    std::string policy;
    {
        std::ifstream in(source_dir + "/config/privacy/pdpo.yaml");
        std::ostringstream text;
        text << in.rdbuf();
        policy = text.str();
        const auto at = policy.find("approvals: []");
        if (at == std::string::npos) {
            std::fprintf(stderr, "the shipped policy has no `approvals: []`\n");
            return 1;
        }
        policy.replace(at, 13,
                       "approvals:\n"
                       "  - {scope: rule_set, subject: \"hk-retail 2026.11-1\", who: dpo, when: "
                       "\"2026-11-01\", why: test}\n"
                       "  - {scope: sensitive_attribute, subject: birth_date, who: dpo, when: "
                       "\"2026-11-01\", why: test}\n");
        const std::string identity = "identity_purposes: [direct_marketing]";
        const auto id_at = policy.find(identity);
        if (id_at == std::string::npos) {
            std::fprintf(stderr, "the shipped policy has no `%s`\n", identity.c_str());
            return 1;
        }
        policy.replace(id_at, identity.size(),
                       "identity_purposes: [customer_analytics, direct_marketing]");
        std::ofstream out(work / "policy.yaml");
        out << policy;
    }
    const std::string config =
        "custclass: 1\nsource:\n  preset: generic\n  connection: \"sqlite3://db=" +
        (work / "demo.sqlite").string() + "\"\n" + custclass::datagen::demo_generic_queries_yaml() +
        "rules: " + source_dir +
        "/config/rulesets/hk-retail.yaml\nprivacy: " + (work / "policy.yaml").string() + "\n";

    custclass_engine* engine = nullptr;
    custclass_open_options open;
    custclass_open_options_init(&open, sizeof open);
    const std::string data_dir = source_dir + "/config";
    open.data_dir = data_dir.c_str();
    if (custclass_engine_open_yaml(&engine, config.c_str(), &open) != CUSTCLASS_OK) {
        std::fprintf(stderr, "open: %s\n", custclass_last_error_global());
        return 1;
    }
    custclass_run_options options = run_options();
    char* summary = nullptr;
    if (int32_t status = custclass_run(&summary, engine, &options); status != CUSTCLASS_OK) {
        std::fprintf(stderr, "first run: %s\n", status_text(engine, status).c_str());
        return 1;
    }
    custclass_free(summary);

    // What the first run gave: every segment's members, and each member's segment.
    // The segments of the shipped rule set's `value` classification.
    const std::vector<std::string> segments = {
        "champions",           "cannot_lose", "at_risk",   "loyal",
        "potential_loyalists", "new",         "promising", "need_attention",
        "about_to_sleep",      "hibernating", "lost"};
    std::map<std::string, std::vector<std::string>> expected_members;
    std::map<std::string, std::string> expected_segment;
    std::vector<std::string> marketing_list;
    for (const auto& s : segments) {
        std::vector<std::string> ids;
        if (!members(engine, s, CUSTCLASS_PURPOSE_ANALYTICS, ids)) return 1;
        if (ids.empty()) continue;
        for (const auto& id : ids) expected_segment[id] = s;
        expected_members[s] = ids;
    }
    if (expected_segment.size() < 50 || expected_members.size() < 3) {
        std::fprintf(stderr, "the first run classified too few customers (%zu) to test\n",
                     expected_segment.size());
        return 1;
    }
    members(engine, "at_risk", CUSTCLASS_PURPOSE_DIRECT_MARKETING, marketing_list);
    std::vector<std::string> customers;
    for (const auto& [id, s] : expected_segment) customers.push_back(id);

    std::atomic<bool> hooks_done{false};
    std::thread runner([&] {
        for (int r = 0; r < kRuns || !hooks_done; ++r) {
            custclass_run_options o = run_options();
            char* s = nullptr;
            const int32_t status = custclass_run(&s, engine, &o);
            custclass_free(s);
            if (status != CUSTCLASS_OK) fail("full run: " + status_text(engine, status));
            if (r > 50) break;
        }
    });
    std::vector<std::thread> hooks;
    for (int t = 0; t < kHookThreads; ++t)
        hooks.emplace_back([&, t] {
            for (int i = 0; i < kCallsPerThread; ++i) {
                const std::string& id =
                    customers[static_cast<std::size_t>(t * 131 + i * 17) % customers.size()];
                custclass_run_options o = run_options();
                char* doc = nullptr;
                int32_t status = CUSTCLASS_OK;
                switch (i % 3) {
                    case 0:
                        status = custclass_customer_changed(&doc, engine, id.c_str(), &o);
                        break;
                    case 1:
                        status = custclass_classify_customer(&doc, engine, id.c_str(), &o);
                        break;
                    default: {
                        const auto& [segment, ids] =
                            *std::next(expected_members.begin(),
                                       (t + i) % static_cast<int>(expected_members.size()));
                        std::vector<std::string> got;
                        if (members(engine, segment, CUSTCLASS_PURPOSE_ANALYTICS, got) &&
                            got != ids)
                            fail("members of " + segment + ": " + std::to_string(got.size()) +
                                 " customers, the first run had " + std::to_string(ids.size()) +
                                 " (a torn read)");
                        if (t == 0) {
                            std::vector<std::string> m;
                            if (members(engine, "at_risk", CUSTCLASS_PURPOSE_DIRECT_MARKETING, m) &&
                                m != marketing_list)
                                fail("the direct-marketing list changed under load");
                        }
                        continue;
                    }
                }
                if (status != CUSTCLASS_OK) {
                    fail("hook for " + id + ": " + status_text(engine, status));
                    continue;
                }
                if (segment_of(doc) != expected_segment[id])
                    fail("customer " + id + " is `" + segment_of(doc) + "`, the first run said `" +
                         expected_segment[id] + "`");
                custclass_free(doc);
            }
        });
    for (auto& h : hooks) h.join();
    hooks_done = true;
    runner.join();
    custclass_engine_close(engine);
    std::filesystem::remove_all(work);
    if (g_failures) {
        std::fprintf(stderr, "%d failures\n", g_failures.load());
        return 1;
    }
    std::printf("ok: %d threads x %d hook calls during full runs, %zu customers, %zu segments\n",
                kHookThreads, kCallsPerThread, customers.size(), expected_members.size());
    return 0;
}
