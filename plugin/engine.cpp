#include "engine.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <exception>
#include <future>
#include <optional>
#include <set>

#include "content_hash.h"
#include "errors.h"
#include "fairness_check.h"
#include "parallel_rows.h"
#include "privacy_gate.h"
#include "run_summary.h"
#include "soci_source.h"

namespace custclass::plugin {

Engine::Engine(config::EngineConfig config)
    : config_(std::move(config)), ruleset_hash_(content_hash(config_.rules.text)) {
    // The privacy gate depends on the configuration only: its verdicts are made once.
    if (!config_.privacy) return;
    const PrivacyGate gate(*config_.privacy, config_.rules, config_.source);
    for (const bool production : {false, true}) {
        try {
            gate.require_allowed(production);
        } catch (const PrivacyRefusal& refused) {
            privacy_refusal_[production ? 1 : 0] = refused.what();
        }
    }
}

void Engine::require_privacy(bool production) const {
    if (const std::string& refusal = privacy_refusal_[production ? 1 : 0]; !refusal.empty())
        throw PrivacyRefusal(refusal);
}

Engine::SerialWork::SerialWork(Engine& engine) : engine_(engine) {
    if (engine.run_thread_.load() == std::this_thread::get_id())
        throw InvalidArgument("this engine is in a run or analysis on this thread already: a progress "
                              "or log callback must not start another one on the same engine");
    engine.run_mutex_.lock();
    engine.run_thread_.store(std::this_thread::get_id());
}

Engine::SerialWork::~SerialWork() {
    engine_.run_thread_.store(std::thread::id());
    engine_.run_mutex_.unlock();
}

std::unique_ptr<Engine> Engine::open_file(const std::string& path, const std::string& data_dir) {
    return std::make_unique<Engine>(config::load_engine_config_file(path, {data_dir}));
}

std::unique_ptr<Engine> Engine::open_text(const std::string& yaml, const std::string& base_dir,
                                          const std::string& data_dir) {
    return std::make_unique<Engine>(config::load_engine_config_text(yaml, base_dir, {data_dir}));
}

Day Engine::resolve_as_of(const RunRequest& request) const {
    if (request.as_of) return *request.as_of;
    return config::TimeZone(config_.rules.time_zone).today();
}

std::unique_ptr<adapters::Source> Engine::database_source() const {
    if (config_.source.pushed())
        throw InvalidArgument("this engine's source is `push`: the host pushes its data with "
                              "custclass_feed_begin … custclass_feed_end (or `custclass feed`)");
    return adapters::make_soci_source(config_.source);
}

std::shared_ptr<const Engine::RunState> Engine::compute(Day as_of, const RunRequest& request,
                                                        nlohmann::ordered_json* summary, bool dry_run,
                                                        adapters::Source& source,
                                                        const std::function<void(std::shared_ptr<const RunState>)>& results_ready) {
    const auto started = std::chrono::steady_clock::now();
    const config::RuleSet& rules = config_.rules;

    const config::PrivacyPolicy* policy = config_.privacy ? &*config_.privacy : nullptr;
    // Consent and opt-outs of the direct-marketing segments' members are counted (check 5, 6).
    std::vector<std::string> extra;
    const bool direct_marketing =
        std::any_of(rules.classifications.begin(), rules.classifications.end(), [](const auto& c) {
            return std::any_of(c.segments.begin(), c.segments.end(),
                               [](const auto& s) { return s.direct_marketing; });
        });
    if (policy && direct_marketing) extra = {"marketing_consent", "opted_out"};
    // Fairness (check 14) looks at gender and age band where the policy approves reading them.
    if (policy) {
        if (config::find_approval(*policy, "sensitive_attribute", "gender")) extra.push_back("gender");
        if (config::find_approval(*policy, "sensitive_attribute", "birth_date")) extra.push_back("age_band");
    }

    // Referral rewards (POTENTIAL.md item 4) need each customer's first purchase and revenue.
    const bool rewards = !dry_run && source.has_table(config::CanonicalTable::Referrals);
    if (rewards)
        for (const char* f : {"tenure_days", "monetary"})
            if (std::find(extra.begin(), extra.end(), f) == extra.end()) extra.push_back(f);

    FeatureBuildReport report;
    source.set_threads(request.threads ? request.threads : available_threads());
    // The referrals: read on the calling thread while the orders are read beside the customers,
    // where the source does so (the thread would wait for the orders meanwhile); else, once the
    // features read the source no more, on a thread of their own beside the features that do
    // not read the source and the rules. Nothing else uses the source until they are taken.
    // Either way a failure to read them is thrown where they are taken, after the orders' and
    // the features' own. Once the features read the source no more, the mapped personal data
    // that nothing read (check 2).
    std::vector<std::string> unread;
    std::future<std::vector<Referral>> referrals;
    std::optional<std::vector<Referral>> referrals_beside_orders;
    std::exception_ptr referrals_failure;
    const auto beside_orders = [&] {
        if (!rewards) return;
        try {
            referrals_beside_orders = referrals_until(source, as_of);
        } catch (const Cancelled&) {
            throw;
        } catch (...) {
            referrals_failure = std::current_exception();
        }
    };
    const auto source_free = [&] {
        unread = source.unread_customer_columns();
        if (rewards && !referrals_beside_orders && !referrals_failure)
            referrals = std::async(std::launch::async, [&] { return referrals_until(source, as_of); });
    };
    FeatureTable table =
        build_table(source, as_of, rules, extra, &request, &report, nullptr, !dry_run, source_free, beside_orders);

    RuleProgram program(rules, as_of);
    auto results = program.run(table, false, request.threads ? request.threads : available_threads());
    if (request.progress && !request.progress("rules", table.rows(), table.rows()))
        throw Cancelled();

    auto state = std::make_shared<RunState>(RunState{as_of, random_uuid(), std::move(table),
                                                     std::move(results),
                                                     std::move(report.population),
                                                     std::move(report.retention_due),
                                                     std::move(report.id_order).value_or(std::vector<std::uint32_t>()),
                                                     {}});
    // The referees rewarded before, read before `results_ready` may hand the store to another
    // thread.
    const std::set<std::string> rewarded = rewards ? migrated_store().rewarded_referees() : std::set<std::string>();
    if (results_ready) results_ready(state);
    // The consent and opt-outs of the direct-marketing segments' members (checks 5, 6): read
    // from the results while the store writes them.
    if (policy && direct_marketing) {
        const Column* consent = state->table.find("marketing_consent");
        const Column* opted_out = state->table.find("opted_out");
        std::uint64_t no_consent = 0, opted = 0;
        for (std::size_t r = 0; r < state->table.rows(); ++r) {
            bool member = false;
            for (std::size_t c = 0; c < rules.classifications.size(); ++c) {
                const auto& cls = rules.classifications[c];
                for (std::size_t s = 0; s < cls.segments.size(); ++s)
                    if (cls.segments[s].direct_marketing &&
                        (cls.mode == config::ClassificationMode::FirstMatch
                             ? state->results[c].segment[r] == static_cast<std::int32_t>(s)
                             : state->results[c].matches[s][r] != 0))
                        member = true;
            }
            if (!member) continue;
            if (opted_out && opted_out->booleans[r] == 1)
                ++opted;
            else if (!consent || consent->booleans[r] != 1)
                ++no_consent;
        }
        report.excluded["opted_out"] = opted;
        report.excluded["no_consent"] = no_consent;
    }

    // The fairness check (PRIVACY.md check 14) on a thread of its own while this one reads the
    // referrals and finds the rewards due: each reads the results only.
    std::future<nlohmann::ordered_json> fairness;
    if (summary && policy)
        fairness = std::async(std::launch::async, [&] {
            return fairness_check(rules, state->table, state->results, policy->fairness_max_disparity,
                                  policy->small_cell_k);
        });
    nlohmann::ordered_json referral_counts;
    if (rewards) {
        if (referrals_failure) std::rethrow_exception(referrals_failure);
        state->rewards = referral_rewards_due(
            referrals_beside_orders ? std::move(*referrals_beside_orders) : referrals.get(), state->table, as_of,
            rewarded, referral_counts);
    }
    if (summary) {
        RunSummary s;
        s.run_id = state->run_id;
        s.as_of = as_of;
        s.dry_run = dry_run;
        s.ruleset_hash = ruleset_hash_;
        s.customers = state->table.rows();
        s.excluded = report.excluded;
        s.data_quality = report.data_quality;
        s.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        if (policy)
            s.privacy = {{"policy", {{"name", policy->name}, {"version", policy->version}}},
                         {"fairness", fairness.get()},
                         {"purpose", rules.purpose},
                         {"checks", findings_document(PrivacyGate(*policy, rules, config_.source)
                                                          .evaluate(!dry_run))},
                         {"retention_due", state->retention_due.size()}};
        if (policy) {
            std::string names;
            for (const auto& u : unread) names += (names.empty() ? "`" : ", `") + u + "`";
            s.privacy["checks"].push_back(
                {{"check", 2},
                 {"name", "minimisation"},
                 {"status", unread.empty() ? "pass" : "warn"},
                 {"message", unread.empty()
                                 ? std::string("every customer column the source maps is read by a feature")
                                 : "the source maps " + names +
                                       ", which no rule reads: not loaded; stop mapping what the rules do not need"}});
        }
        *summary = run_summary_document(s, rules, state->results, state->table);
        if (!report.lifetime_value.empty()) (*summary)["lifetime_value"] = report.lifetime_value;
        if (rewards) {
            referral_counts["rewards_granted"] = state->rewards.size();
            (*summary)["referrals"] = std::move(referral_counts);
        }
    }
    return state;
}

FeatureTable Engine::build_table(adapters::Source& source, Day as_of, const config::RuleSet& rules,
                                 const std::vector<std::string>& extra, const RunRequest* request,
                                 FeatureBuildReport* report, const PopulationCuts* population, bool id_order,
                                 std::function<void()> source_free, std::function<void()> beside_orders) {
    FeatureBuildOptions options;
    options.as_of = as_of;
    options.population = population;
    options.id_order = id_order;
    options.source_free = std::move(source_free);
    options.beside_orders = std::move(beside_orders);
    if (config_.privacy) {
        options.retention_days = config_.privacy->retention_days;  // check 8
        options.mask_identifiers = true;                           // check 9
    }
    options.window_days = rules.window_days;
    options.time_zone = rules.time_zone;
    options.currency_decimals = config_.source.currency_decimals;
    options.features = rules.features_read();
    for (const auto& f : extra)
        if (std::find(options.features.begin(), options.features.end(), f) == options.features.end())
            options.features.push_back(f);
    options.attributes = rules.attributes;
    options.enrichments = rules.enrichments;
    if (request) options.threads = request->threads ? request->threads : available_threads();
    if (request && request->progress)
        options.progress = [request](const char* phase, std::uint64_t done) {
            if (!request->progress(phase, done, 0)) throw Cancelled();
        };
    if (config_.privacy) {
        // Check 2: only the customers' columns these features read are loaded.
        std::vector<std::string> columns = {"customer_id", "created_at"};
        auto add = [&](const std::string& feature) {
            for (const auto& field : config::policy_fields_of(feature)) columns.push_back(field);
            if (feature == "opted_out") columns.insert(columns.end(), {"email", "phone"});
        };
        for (const auto& f : options.features) {
            add(f);
            if (f.starts_with("enrich."))
                if (const auto* e = rules.find_enrichment(f.substr(7, f.find('.', 7) - 7))) add(e->key);
        }
        source.restrict_customer_columns(std::move(columns));
    }
    FeatureBuildReport ignored;
    return build_features(source, options, report ? *report : ignored);
}

using config::utc_now;

adapters::ResultStore& Engine::store() {
    if (!store_)
        store_ = std::make_unique<adapters::ResultStore>(
            adapters::ConnectionSpec{config_.store.connection, config_.store.password_env});
    return *store_;
}

adapters::StoredRuleSet Engine::stored_rules() const {
    const auto& r = config_.rules;
    return {r.name, r.version, ruleset_hash_, r.text, config_.rules_path, r.purpose};
}

adapters::RunRecord Engine::run_record(const RunState& state, const nlohmann::ordered_json& summary,
                                       const std::string& started_at) const {
    adapters::RunRecord record;
    record.run_id = state.run_id;
    record.ruleset_hash = ruleset_hash_;
    record.as_of = config::format_day(state.as_of);
    record.started_at = started_at;
    record.finished_at = utc_now();
    record.status = "succeeded";
    record.customers = state.table.rows();
    record.summary_json = summary.dump();
    record.population_json = state.population.to_json().dump();
    return record;
}

void Engine::write_assignments(const RunState& state, const adapters::AssignmentSink& sink) const {
    const auto& ids = state.table.customer_ids();
    auto emit = [&](const std::vector<ClassificationResult>& results, std::size_t r, std::string_view id) {
        for_each_assignment(config_.rules, results, r,
                            [&](const std::string& classification, std::optional<std::string_view> segment) {
                                sink(id, classification, segment);
                            });
    };
    // In the order of the store's key (id_order.h), the rows' own when they have it.
    const std::vector<std::uint32_t>& order = state.id_order;
    if (order.empty()) {
        for (std::size_t r = 0; r < ids.size(); ++r) emit(state.results, r, ids[r]);
        return;
    }
    // Otherwise the rows are taken at random places in memory: their ids and results are
    // gathered a block at a time, in loops whose loads do not wait on one another (a row's own
    // handling is too long for the processor to reach the next row's loads meanwhile), then
    // handed on from the block.
    constexpr std::size_t kBlock = 1024;
    std::vector<ClassificationResult> block(state.results.size());
    for (std::size_t c = 0; c < block.size(); ++c) {
        block[c].segment.resize(state.results[c].segment.empty() ? 0 : kBlock);
        block[c].matches.assign(state.results[c].matches.size(), std::vector<std::uint8_t>(kBlock));
    }
    std::vector<std::string_view> block_ids(kBlock);
    for (std::size_t begin = 0; begin < order.size(); begin += kBlock) {
        const std::size_t n = std::min(kBlock, order.size() - begin);
        const std::uint32_t* rows = order.data() + begin;
        for (std::size_t k = 0; k < n; ++k) block_ids[k] = ids[rows[k]];
        for (std::size_t c = 0; c < block.size(); ++c) {
            const ClassificationResult& from = state.results[c];
            if (!from.segment.empty())
                for (std::size_t k = 0; k < n; ++k) block[c].segment[k] = from.segment[rows[k]];
            for (std::size_t s = 0; s < from.matches.size(); ++s)
                for (std::size_t k = 0; k < n; ++k) block[c].matches[s][k] = from.matches[s][rows[k]];
        }
        for (std::size_t k = 0; k < n; ++k) emit(block, k, block_ids[k]);
    }
}

nlohmann::ordered_json Engine::run(const RunRequest& request) {
    auto source = database_source();
    return run_with(request, *source);
}

std::unique_ptr<adapters::PushSource> Engine::begin_feed() const {
    if (!config_.source.pushed())
        throw InvalidArgument("this engine reads the host's database (`preset: " + config_.source.preset +
                              "`); pushing data needs an engine config with `source: {preset: push}`");
    return std::make_unique<adapters::PushSource>(config_.source.currency_decimals);
}

nlohmann::ordered_json Engine::end_feed(const RunRequest& request, adapters::PushSource& pushed) {
    if (!config_.source.pushed())
        throw InvalidArgument("this engine reads the host's database (`preset: " + config_.source.preset +
                              "`); pushing data needs an engine config with `source: {preset: push}`");
    return run_with(request, pushed);
}

Engine::HookUpdates::HookUpdates(Engine& engine) : engine_(engine) {
    std::unique_lock<std::shared_mutex> gate(engine_.live_gate_);
    engine_.run_in_progress_ = true;
}

Engine::HookUpdates::~HookUpdates() {
    if (written_) return;
    try {
        write(RunRequest{});
    } catch (...) {
        // write() reports its own failures; nothing may leave a destructor.
    }
}

bool Engine::HookUpdates::holds(const std::string& customer_id) const {
    std::lock_guard<std::mutex> lock(engine_.pending_mutex_);
    return engine_.pending_live_.count(customer_id) > 0;
}

void Engine::HookUpdates::write(const RunRequest& request) {
    written_ = true;
    std::size_t failed = 0;
    {
        // Holding the gate: a hook writing now waits, so that no older update lands after it.
        std::unique_lock<std::shared_mutex> gate(engine_.live_gate_);
        engine_.run_in_progress_ = false;
        std::map<std::string, PendingLive> pending;
        {
            std::lock_guard<std::mutex> lock(engine_.pending_mutex_);
            pending.swap(engine_.pending_live_);
        }
        for (const auto& [customer, update] : pending) {
            try {
                engine_.store().replace_live_assignments(customer, update.run_id, update.rows);
            } catch (const std::exception&) {
                ++failed;
            }
        }
    }
    // The log callback may call a hook: the gate is released first.
    if (failed && request.log)
        request.log(2, std::to_string(failed) + " live updates of hooks made during the run could not "
                                                 "be written; call the hooks again for those customers");
}

nlohmann::ordered_json Engine::run_with(const RunRequest& request, adapters::Source& source) {
    const SerialWork serial(*this);
    // The privacy gate, before anything is read (a dry run needs no rule-set approval).
    require_privacy(!request.dry_run);
    const Day as_of = resolve_as_of(request);
    const std::string started_at = utc_now();
    // Refuse a changed rule set under an old version before reading any data. A dry run
    // writes nothing, so it may try a changed rule set before its version is bumped.
    if (!request.dry_run) {
        if (!store_migrated_) {
            store().migrate();
            store_migrated_ = true;
        }
        store().check_ruleset(stored_rules());
    }
    nlohmann::ordered_json summary;
    std::shared_ptr<const RunState> state;
    // From here until the run is published or has failed, the hooks keep their live updates for
    // the run to write after its own (HookUpdates).
    std::optional<HookUpdates> hook_updates;
    if (!request.dry_run) hook_updates.emplace(*this);
    try {
        if (request.dry_run) {
            state = compute(as_of, request, &summary, true, source);
        } else {
            // The assignments are written into the store on a thread of their own once the
            // rules have run, while this one makes the summary; the run's record then completes
            // the store's transaction (ResultStore::publish with `finish`). A failure on
            // either side rolls it back.
            std::promise<adapters::ResultStore::Publication> finished;
            std::future<adapters::ResultStore::Publication> record = finished.get_future();
            std::future<void> publishing;
            struct Abandon {  // this thread failed: the store's thread stops, and is waited for
                std::promise<adapters::ResultStore::Publication>& finished;
                std::future<void>& publishing;
                bool done = false;
                ~Abandon() {
                    if (done || !publishing.valid()) return;
                    finished.set_exception(std::make_exception_ptr(Cancelled()));
                    try {
                        publishing.get();
                    } catch (...) {
                    }
                }
            } abandon{finished, publishing};
            state = compute(as_of, request, &summary, false, source, [&](std::shared_ptr<const RunState> s) {
                // `s` kept alive by the thread: compute may fail and drop its own.
                publishing = std::async(std::launch::async, [this, s, &record, actor = request.actor] {
                    store().publish(stored_rules(),
                                    [&](const adapters::AssignmentSink& sink) { write_assignments(*s, sink); },
                                    [&] { return record.get(); }, actor);
                });
            });
            finished.set_value({run_record(*state, summary, started_at), state->rewards});
            abandon.done = true;
            publishing.get();
        }
    } catch (const std::exception& e) {
        if (!request.dry_run) {
            adapters::RunRecord record;
            record.run_id = state ? state->run_id : random_uuid();
            record.ruleset_hash = ruleset_hash_;
            record.as_of = config::format_day(as_of);
            record.started_at = started_at;
            record.finished_at = utc_now();
            record.status = dynamic_cast<const Cancelled*>(&e) ? "cancelled" : "failed";
            record.message = e.what();
            try {
                store().record_unsuccessful(record, request.actor);
            } catch (const std::exception&) {
                // The store itself failed: the original error is the one to report.
            }
        }
        throw;
    }
    if (!request.dry_run) {
        auto baseline = std::make_shared<const HookBaseline>(
            HookBaseline{state->run_id, config::format_day(state->as_of), state->population});
        {
            std::lock_guard<std::mutex> lock(publish_mutex_);
            last_ = std::move(state);
            baseline_ = std::move(baseline);
            ++baseline_epoch_;
            // The hooks' results since the run began are newer than its data: they stay.
            for (auto it = hooked_.begin(); it != hooked_.end();)
                it = hook_updates->holds(it->first) ? std::next(it) : hooked_.erase(it);
        }
        hook_updates->write(request);
    }
    if (!request.dry_run) purge_run_history(request);  // PRIVACY.md check 8: the plugin's own history
    if (request.log)
        request.log(1, "run " + summary["run_id"].get<std::string>() + " classified " +
                           std::to_string(summary["customers"].get<std::uint64_t>()) +
                           " customers");
    return summary;
}

nlohmann::ordered_json Engine::classify(const std::string& customer_id, const RunRequest& request) {
    const Day as_of = resolve_as_of(request);
    std::shared_ptr<const RunState> state;
    {
        std::lock_guard<std::mutex> lock(publish_mutex_);
        // A customer a hook re-classified since: the hook's result, on the hook's date.
        if (const auto hooked = hooked_.find(customer_id);
            hooked != hooked_.end() && hooked->second.first == as_of)
            return hooked->second.second;
        if (last_ && last_->as_of == as_of) state = last_;
    }
    // No published run for that date: compute from current data, publishing nothing.
    if (!state) {
        if (config_.source.pushed())
            throw NotFound("no run as of " + config::format_day(as_of) +
                           " yet: push the data (custclass_feed_*) before looking up customers");
        auto source = database_source();
        state = compute(as_of, request, nullptr, true, *source);
    }
    const auto row = state->table.row_of(customer_id);
    if (!row)
        throw NotFound("no customer `" + customer_id + "` exists as of " +
                       config::format_day(as_of) +
                       " (unknown id, or created after that date with no order before it)");
    RuleProgram program(config_.rules, as_of);
    nlohmann::ordered_json explanation = program.explain(state->table, *row);
    return {{"customer_id", customer_id},
            {"as_of", config::format_day(as_of)},
            {"ruleset",
             {{"name", config_.rules.name},
              {"version", config_.rules.version},
              {"hash", ruleset_hash_}}},
            {"classifications", std::move(explanation["classifications"])},
            {"scores", std::move(explanation["scores"])}};
}

}  // namespace custclass::plugin
