#include "engine.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "content_hash.h"
#include "errors.h"
#include "run_summary.h"
#include "soci_source.h"

namespace custclass::plugin {

Engine::Engine(config::EngineConfig config)
    : config_(std::move(config)), ruleset_hash_(content_hash(config_.rules.text)) {}

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
    if (config_.source.preset == "push")
        throw InvalidArgument("this engine's source is `push`: the host pushes its data with "
                              "custclass_feed_begin … custclass_feed_end (or `custclass feed`)");
    return adapters::make_soci_source(config_.source);
}

std::shared_ptr<const Engine::RunState> Engine::compute(Day as_of, const RunRequest& request,
                                                        nlohmann::ordered_json* summary, bool dry_run,
                                                        adapters::Source& source) {
    const auto started = std::chrono::steady_clock::now();
    const config::RuleSet& rules = config_.rules;

    FeatureBuildReport report;
    FeatureTable table = build_table(source, as_of, rules, {}, &request, &report);

    RuleProgram program(rules, as_of);
    auto results = program.run(table);
    if (request.progress && !request.progress("rules", table.rows(), table.rows()))
        throw Cancelled();

    auto state = std::make_shared<RunState>(RunState{as_of, random_uuid(), std::move(table),
                                                     std::move(results),
                                                     std::move(report.population)});
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
        *summary = run_summary_document(s, rules, state->results, state->table);
    }
    return state;
}

FeatureTable Engine::build_table(adapters::Source& source, Day as_of, const config::RuleSet& rules,
                                 const std::vector<std::string>& extra, const RunRequest* request,
                                 FeatureBuildReport* report, const PopulationCuts* population) {
    FeatureBuildOptions options;
    options.as_of = as_of;
    options.population = population;
    options.window_days = rules.window_days;
    options.time_zone = rules.time_zone;
    options.currency_decimals = config_.source.currency_decimals;
    options.features = rules.features_read();
    for (const auto& f : extra)
        if (std::find(options.features.begin(), options.features.end(), f) == options.features.end())
            options.features.push_back(f);
    options.attributes = rules.attributes;
    options.enrichments = rules.enrichments;
    if (request && request->progress)
        options.progress = [request](const char* phase, std::uint64_t done) {
            if (!request->progress(phase, done, 0)) throw Cancelled();
        };
    FeatureBuildReport ignored;
    return build_features(source, options, report ? *report : ignored);
}

namespace {

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

adapters::ResultStore& Engine::store() {
    if (!store_)
        store_ = std::make_unique<adapters::ResultStore>(
            adapters::ConnectionSpec{config_.store.connection, config_.store.password_env});
    return *store_;
}

adapters::StoredRuleSet Engine::stored_rules() const {
    const auto& r = config_.rules;
    return {r.name, r.version, ruleset_hash_, r.text, config_.rules_path};
}

void Engine::publish(const RunState& state, const nlohmann::ordered_json& summary,
                     const std::string& started_at, const std::string& actor) {
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
    store().publish(stored_rules(), record, [&](const adapters::AssignmentSink& sink) {
        const auto& ids = state.table.customer_ids();
        for (std::size_t r = 0; r < ids.size(); ++r)
            for_each_assignment(config_.rules, state.results, r,
                                [&](const std::string& classification,
                                    std::optional<std::string_view> segment) {
                                    sink(ids[r], classification, segment);
                                });
    }, actor);
}

nlohmann::ordered_json Engine::run(const RunRequest& request) {
    auto source = database_source();
    return run_with(request, *source);
}

nlohmann::ordered_json Engine::run_pushed(const RunRequest& request, adapters::Source& pushed) {
    if (config_.source.preset != "push")
        throw InvalidArgument("this engine reads the host's database (`preset: " +
                              config_.source.preset +
                              "`); pushing data needs an engine config with `preset: push`");
    return run_with(request, pushed);
}

nlohmann::ordered_json Engine::run_with(const RunRequest& request, adapters::Source& source) {
    const SerialWork serial(*this);
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
    try {
        state = compute(as_of, request, &summary, request.dry_run, source);
        if (!request.dry_run) publish(*state, summary, started_at, request.actor);
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
        std::lock_guard<std::mutex> lock(publish_mutex_);
        last_ = std::move(state);
        baseline_ = std::move(baseline);
        hooked_.clear();
    }
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
        if (config_.source.preset == "push")
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
