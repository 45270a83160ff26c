// The container image (deploy/container/): built from a Debian 12 root file system that
// mmdebstrap makes from the package mirror (no registry pull), it runs a scenario with podman,
// the lab's namespaces made inside the container with the two capabilities docs/scale-out.md
// names. Building the image takes minutes (the packages are downloaded), so the test runs only
// when asked: ROLLSIM_CONTAINER_TEST=1, with podman and mmdebstrap installed.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <tuple>

#include <sys/resource.h>

namespace rollsim::test {
namespace {

namespace fs = std::filesystem;

bool on_path(const std::string& program)
{
    return run_program_in(fs::current_path(), "/bin/sh", {"-c", "command -v " + program}).status == 0;
}

// `podman run` with the caller's own open-file and process limits (a host whose root lacks
// CAP_SYS_RESOURCE cannot raise them to podman's defaults; the process limit at most pid_max,
// above which the container's runtime may not set it), and runc where it is installed (crun
// refuses hosts whose cgroups are in hybrid mode); then `extra` and the image's arguments.
std::vector<std::string> podman_run(const std::vector<std::string>& extra)
{
    std::vector<std::string> args{"run", "--rm", "--network=none"};
    const rlim_t pid_max = std::stoull(read_file("/proc/sys/kernel/pid_max"));
    for (const auto& [name, resource, cap] :
         {std::tuple{"nofile", RLIMIT_NOFILE, rlim_t{1} << 20}, {"nproc", RLIMIT_NPROC, pid_max}}) {
        rlimit limit{};
        getrlimit(resource, &limit);
        const auto value = std::to_string(std::min<rlim_t>(limit.rlim_cur, cap));
        args.push_back(std::string("--ulimit=") + name + "=" + value + ":" + value);
    }
    if (fs::exists("/usr/bin/runc") || fs::exists("/usr/sbin/runc")) args.push_back("--runtime=runc");
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

TEST(Container, ImageBuiltFromALocalDebianRootRunsAScenarioWithPodman)
{
    for (const char* program : {"podman", "mmdebstrap"})
        if (!on_path(program))
            GTEST_SKIP() << program << " is not installed (Debian package " << program
                         << "): the container image cannot be built here";
    if (!std::getenv("ROLLSIM_CONTAINER_TEST"))
        GTEST_SKIP() << "building the image downloads a Debian root file system and takes minutes: set "
                        "ROLLSIM_CONTAINER_TEST=1 to run it (docs/scale-out.md)";
    const std::string tag = "localhost/rollsim-test:local";
    const auto built = run_program_in(ROLLSIM_ROOT, repo_path("deploy/container/build-image"), {ROLLSIM_BUILD_DIR, tag},
                                      std::chrono::seconds(1800));
    ASSERT_EQ(built.status, 0) << built.output;

    TempDir out;
    const std::string scenario = "/usr/share/rollsim/scenarios/basics/ds-digest-mismatch.yaml";
    // The two capabilities a lab needs (docs/scale-out.md): unshare() of its namespaces, and its
    // loopback brought up.
    const auto ran = run_program_in(ROLLSIM_ROOT, "/usr/bin/podman",
                                    podman_run({"--cap-add=SYS_ADMIN", "--cap-add=NET_ADMIN", "-v",
                                                out.path().string() + ":/out", tag, "run", scenario, "--report-json",
                                                "/out/report.json"}),
                                    std::chrono::seconds(300));
    EXPECT_EQ(ran.status, 0) << ran.output;
    const auto report = read_json(out / "report.json");
    EXPECT_EQ(report["result"], "pass") << report.dump().substr(0, 2000);
    expect_every_expectation_passed(report);
    // Without them the lab cannot start: exit 3, saying why.
    const auto none = run_program_in(ROLLSIM_ROOT, "/usr/bin/podman", podman_run({tag, "run", scenario}),
                                     std::chrono::seconds(120));
    EXPECT_EQ(none.status, 3) << none.output;
    EXPECT_TRUE(contains(none.output, "cannot create network/PID namespaces: Operation not permitted")) << none.output;
    const auto no_net_admin = run_program_in(ROLLSIM_ROOT, "/usr/bin/podman",
                                             podman_run({"--cap-add=SYS_ADMIN", tag, "run", scenario}),
                                             std::chrono::seconds(120));
    EXPECT_EQ(no_net_admin.status, 3) << no_net_admin.output;
    EXPECT_TRUE(contains(no_net_admin.output, "cannot bring loopback up in the lab namespace")) << no_net_admin.output;
    // The image is rebuilt by every run of the test: none is left behind.
    EXPECT_EQ(run_program_in(ROLLSIM_ROOT, "/usr/bin/podman", {"rmi", tag}).status, 0);
}

}  // namespace
}  // namespace rollsim::test
