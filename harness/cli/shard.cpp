#include "cli/shard.hpp"

#include "core/error.hpp"
#include "report/batch_index.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::cli {

namespace {

constexpr int kMaxShards = 10000;

[[noreturn]] void refuse(const std::string& what, const std::string& message)
{
    throw ScenarioError(what, 0, 0, message);
}

// A whole decimal number, nothing around it.
std::optional<long> number(const std::string& text)
{
    long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

// The index and total, both 1-based, checked.
ShardSpec checked(long index, long total, const std::string& source)
{
    if (total < 1 || total > kMaxShards)
        refuse(source, fmt::format("the number of shards must be 1 to {}, not {}", kMaxShards, total));
    if (index < 1 || index > total)
        refuse(source, fmt::format("shard {} of {} does not exist; shards count from 1 to {} (1/{} .. {}/{})", index,
                                   total, total, total, total, total));
    return {static_cast<int>(index), static_cast<int>(total), source};
}

long env_number(const EnvLookup& env, const std::string& name, const std::string& purpose)
{
    const auto value = env(name);
    if (!value) refuse("--shard auto", fmt::format("{} is not set; {}", name, purpose));
    const auto n = number(*value);
    if (!n) refuse("--shard auto", fmt::format("{}='{}' is not a whole number", name, *value));
    return *n;
}

ShardSpec from_environment(const EnvLookup& env)
{
    if (env("CI_NODE_INDEX") || env("CI_NODE_TOTAL")) {
        // GitLab's `parallel: N`: CI_NODE_INDEX counts from 1.
        const long index = env_number(env, "CI_NODE_INDEX", "GitLab sets it with CI_NODE_TOTAL under parallel:");
        const long total = env_number(env, "CI_NODE_TOTAL", "GitLab sets it with CI_NODE_INDEX under parallel:");
        return checked(index, total, fmt::format("--shard auto (CI_NODE_INDEX={}, CI_NODE_TOTAL={})", index, total));
    }
    if (env("JOB_COMPLETION_INDEX")) {
        // A Kubernetes Indexed Job: JOB_COMPLETION_INDEX counts from 0; the Job's completions are
        // not in the pod's environment, so the manifest passes them.
        const long index = env_number(env, "JOB_COMPLETION_INDEX", "");
        const long total = env_number(env, "ROLLSIM_SHARD_TOTAL",
                                      "set it to the Job's completions (deploy/kubernetes/, docs/scale-out.md)");
        return checked(index + 1, total,
                       fmt::format("--shard auto (JOB_COMPLETION_INDEX={}, ROLLSIM_SHARD_TOTAL={})", index, total));
    }
    refuse("--shard auto", "none of CI_NODE_INDEX/CI_NODE_TOTAL (GitLab parallel:) or JOB_COMPLETION_INDEX with "
                           "ROLLSIM_SHARD_TOTAL (Kubernetes Indexed Job) is set; give the shard as --shard I/N");
}

}  // namespace

EnvLookup process_environment()
{
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    };
}

ShardSpec parse_shard(const std::string& text, const EnvLookup& env)
{
    if (text == "auto") return from_environment(env);
    const std::string source = "--shard " + text;
    const auto slash = text.find('/');
    const auto index = slash == std::string::npos ? std::nullopt : number(text.substr(0, slash));
    const auto total = slash == std::string::npos ? std::nullopt : number(text.substr(slash + 1));
    if (!index || !total)
        refuse(source, "write the shard as I/N (this machine's part, counted from 1, of N), e.g. --shard 2/3, or "
                       "--shard auto");
    return checked(*index, *total, source);
}

std::uint64_t shard_hash(const std::string& key)
{
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a offset basis and prime
    for (const char c : key) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::vector<int> partition(const std::vector<std::string>& keys, int total, const std::map<std::string, double>& seconds)
{
    double known = 0;
    int counted = 0;
    for (const auto& key : keys)
        if (auto it = seconds.find(key); it != seconds.end()) known += it->second, ++counted;
    const double unknown = counted ? known / counted : 1.0;
    auto weight = [&](std::size_t i) {
        const auto it = seconds.find(keys[i]);
        return it == seconds.end() ? unknown : it->second;
    };
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    // Heaviest first (longest processing time first), then by hash, then by key: a total order.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (weight(a) != weight(b)) return weight(a) > weight(b);
        if (shard_hash(keys[a]) != shard_hash(keys[b])) return shard_hash(keys[a]) < shard_hash(keys[b]);
        return keys[a] < keys[b];
    });
    std::vector<double> load(static_cast<std::size_t>(std::max(total, 1)), 0.0);
    std::vector<int> out(keys.size(), 1);
    for (const std::size_t i : order) {
        const auto lightest = std::min_element(load.begin(), load.end()) - load.begin();
        load[static_cast<std::size_t>(lightest)] += weight(i);
        out[i] = static_cast<int>(lightest) + 1;
    }
    return out;
}

std::map<std::string, double> load_durations(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path file = fs::is_directory(path, ec) ? fs::path(path) / "index.json" : fs::path(path);
    std::ifstream in(file);
    if (!in)
        refuse(file.string(), "cannot read it; --shard-durations takes the index.json (or its directory) of an earlier "
                              "run --report-dir or merge");
    std::ostringstream text;
    text << in.rdbuf();
    std::map<std::string, double> out;
    try {
        for (const auto& e : report::parse_batch_index(text.str()).entries)
            if (e.result) out[e.file] = e.result->wall_seconds;
    } catch (const std::runtime_error& e) {
        refuse(file.string(), e.what());
    }
    return out;
}

}  // namespace rollsim::cli
