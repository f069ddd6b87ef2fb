// Planning speed: one query (the worked example), and a 100,000-phone fleet grouped by
// (model, from, to, hw-rev) as fwplan's fleet planning does.
#include <fwplan/planner.hpp>

#include <benchmark/benchmark.h>
#include <string>
#include <vector>

namespace {

fwplan::PlanRequest request(const char* model, const char* from) {
    fwplan::PlanRequest r;
    r.model = model;
    r.from = fwplan::LoadId::parse(from).value();
    return r;
}

// A fresh planner per iteration: the cost of one query including building the graph.
void plan_one_cold(benchmark::State& state) {
    const fwplan::PlanRequest r = request("7941", "SCCP41.8-3-1S");
    for (auto _ : state) {
        fwplan::Planner planner(fwplan::Catalog::builtin());
        auto plan = planner.plan(r);
        benchmark::DoNotOptimize(plan);
    }
}
BENCHMARK(plan_one_cold)->Unit(benchmark::kMicrosecond);

// The same query on a planner whose family graph is already built.
void plan_one_warm(benchmark::State& state) {
    const fwplan::PlanRequest r = request("7941", "SCCP41.8-3-1S");
    fwplan::Planner planner(fwplan::Catalog::builtin());
    (void)planner.plan(r);
    for (auto _ : state) {
        auto plan = planner.plan(r);
        benchmark::DoNotOptimize(plan);
    }
}
BENCHMARK(plan_one_warm)->Unit(benchmark::kMicrosecond);

// 100,000 phones: eight models, several current loads each, as a real estate would be.
std::vector<fwplan::PlanRequest> fleet(std::size_t size) {
    const std::vector<std::pair<const char*, const char*>> kinds = {
        {"7941", "SCCP41.8-3-1S"}, {"7961", "SCCP41.8-5-4S"}, {"7941", "SCCP41.9-4-2SR1-1S"},
        {"7942", "SCCP42.8-3-1S"}, {"7962", "SIP42.8-5-4S"},  {"7945", "SIP45.8-5-4S"},
        {"7975", "SCCP75.8-3-1S"}, {"7960", "P0S3-04-0-00"},  {"7940", "P00303010102"},
        {"7911", "SIP11.8-5-4S"},  {"7970", "SCCP70.8-3-3S"}, {"7906", "SCCP11.9-4-2SR1-1S"},
    };
    std::vector<fwplan::PlanRequest> out;
    out.reserve(size);
    for (std::size_t i = 0; i < size; ++i)
        out.push_back(request(kinds[i % kinds.size()].first, kinds[i % kinds.size()].second));
    return out;
}

void plan_fleet_100k(benchmark::State& state) {
    const auto requests = fleet(100000);
    for (auto _ : state) {
        fwplan::Planner planner(fwplan::Catalog::builtin());
        auto plans = planner.plan_fleet(requests);
        benchmark::DoNotOptimize(plans);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100000);
}
BENCHMARK(plan_fleet_100k)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
