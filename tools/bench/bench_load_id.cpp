// How fast load IDs parse and sort: the inner loop of reading a TFTP root or a fleet CSV.
#include <fwplan/load_id.hpp>

#include <algorithm>
#include <benchmark/benchmark.h>
#include <string>
#include <vector>

namespace {

const std::vector<std::string>& sample_ids() {
    static const std::vector<std::string> ids = {
        "SCCP41.8-3-1S",      "SIP41.9-4-2SR3-1S",      "P0S3-8-12-00",
        "P00308010200",       "sip78xx.14-2-1-0101-26", "SCCP894x.9-4-2SR1-2",
        "SIP69xx.9-4-1-3SR3", "SCCP45.9-4-2SR4-3S",     "sip88xx.12-0-1MN-113",
    };
    return ids;
}

void parse_load_ids(benchmark::State& state) {
    const auto& ids = sample_ids();
    std::size_t i = 0;
    for (auto _ : state) {
        auto id = fwplan::LoadId::parse(ids[i++ % ids.size()]);
        benchmark::DoNotOptimize(id);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(parse_load_ids);

void sort_load_ids(benchmark::State& state) {
    std::vector<fwplan::LoadId> loads;
    for (int copy = 0; copy < 100; ++copy)
        for (const auto& text : sample_ids())
            loads.push_back(fwplan::LoadId::parse(text).value());
    for (auto _ : state) {
        auto shuffled = loads;
        std::sort(shuffled.begin(), shuffled.end());
        benchmark::DoNotOptimize(shuffled.data());
    }
}
BENCHMARK(sort_load_ids);

} // namespace

BENCHMARK_MAIN();
