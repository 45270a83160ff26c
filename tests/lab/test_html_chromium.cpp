// The HTML report of a real run, rendered by a real browser: headless Chromium (Debian package
// `chromium`, installed by scripts/bootstrap) loads the file with no network, runs its script,
// and the rendered DOM must hold the timeline's lanes and the failure window; a screenshot must
// come out. A missing Chromium fails the test: the bootstrap installs it.
#include "lab/process.hpp"
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace rollsim::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kChromium = "/usr/bin/chromium";

// Runs headless Chromium on `url` with a fresh profile and no network services; returns its
// exit status, with stdout (the DOM, for --dump-dom) and stderr in `output`.
int chromium(const std::vector<std::string>& extra, const std::string& url, const fs::path& log, std::string& output)
{
    TempDir profile;
    lab::ProcessSpec spec;
    spec.program = kChromium;
    spec.args = {"--headless",
                 "--no-sandbox",
                 "--disable-gpu",
                 "--disable-quic",
                 "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update",
                 "--disable-sync",
                 "--user-data-dir=" + profile.path().string()};
    spec.args.insert(spec.args.end(), extra.begin(), extra.end());
    spec.args.push_back(url);
    spec.log = log;
    return lab::run_command(spec, output, 120s);
}

// Runs `scenario` with its HTML report written to dir/report.html; `url` is set to that file and
// `dom` to the DOM Chromium rendered from it.
void render(const std::string& scenario, const fs::path& dir, std::string& url, std::string& dom)
{
    ASSERT_TRUE(fs::exists(kChromium))
        << kChromium << " not found: install the Debian package `chromium` (scripts/bootstrap installs it)";
    const fs::path html = dir / "report.html";
    auto run = run_rollsim({"run", repo_path(scenario), "--report-html", html.string(), "--quiet"});
    ASSERT_EQ(run.status, 0) << run.output;
    ASSERT_TRUE(fs::exists(html)) << run.output;
    url = "file://" + html.string();
    const int status = chromium({"--dump-dom"}, url, dir / "chromium-dom.log", dom);
    ASSERT_EQ(status, 0) << dom;
}

TEST(HtmlReportInChromium, RendersTimelineLanesAndTheFailureWindow)
{
    TempDir dir;
    std::string url, dom;
    ASSERT_NO_FATAL_FAILURE(render("scenarios/basics/zsk-swap-no-prepublish.yaml", dir.path(), url, dom));
    ASSERT_NE(dom.find("<svg id=\"timeline\""), std::string::npos) << dom.substr(0, 2000);
    // One lane per key (and the KSK's DS), one per resolver × query.
    for (const char* lane : {"data-lane=\"example.com. ksk\"", "data-lane=\"example.com. ksk DS\"",
                             "data-lane=\"example.com. zsk-a\"", "data-lane=\"example.com. zsk-b\"",
                             "data-lane=\". ksk\"", "data-lane=\"com. zsk\"",
                             "data-lane=\"warm www.example.com. A\"", "data-lane=\"cold www.example.com. A\""})
        EXPECT_NE(dom.find(lane), std::string::npos) << lane;
    EXPECT_NE(dom.find("class=\"hit failure-window"), std::string::npos);
    EXPECT_NE(dom.find("class=\"obs r-fail\""), std::string::npos);
    EXPECT_NE(dom.find("event-marker"), std::string::npos);
    // The script ran: the details panel shows the first failure window, the warm resolver's
    // SERVFAIL with EDE 9.
    const auto panel = dom.find("id=\"details\"");
    ASSERT_NE(panel, std::string::npos);
    const std::string details = dom.substr(panel, dom.find("</div>", panel) - panel);
    EXPECT_NE(details.find("<h3>Failure window: warm"), std::string::npos) << details;
    EXPECT_NE(details.find("<dt>EDE</dt><dd>9 "), std::string::npos) << details;

    const fs::path png = dir / "report.png";
    std::string output;
    const int status = chromium({"--hide-scrollbars", "--window-size=1600,1000", "--screenshot=" + png.string()}, url,
                      dir / "chromium-screenshot.log", output);
    ASSERT_EQ(status, 0) << output;
    ASSERT_TRUE(fs::exists(png)) << output;
    EXPECT_GT(fs::file_size(png), 10'000u) << output;
    const std::string bytes = read_file(png);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// A rollover the lint predicts a failure window for: the rendered timeline has the predicted
// band with its tooltip, and the page a "Predicted vs observed" table that pairs it with the
// warm resolver's real failure window.
TEST(HtmlReportInChromium, RendersThePredictedWindowBand)
{
    TempDir dir;
    std::string url, dom;
    ASSERT_NO_FATAL_FAILURE(render("scenarios/rollovers/zsk-prepublish-too-short.yaml", dir.path(), url, dom));
    EXPECT_NE(dom.find("data-lane=\"predicted\""), std::string::npos);
    const auto band = dom.find("<g class=\"hit predicted-window\"");
    ASSERT_NE(band, std::string::npos) << dom.substr(0, 2000);
    const std::string title = dom.substr(band, dom.find("</title>", band) - band);
    EXPECT_NE(title.find("Predicted failure window: example.com."), std::string::npos) << title;
    EXPECT_NE(title.find("from: +6h40m"), std::string::npos) << title;
    EXPECT_NE(title.find("— matched"), std::string::npos) << title;
    EXPECT_NE(dom.find("class=\"predicted-band\""), std::string::npos);
    EXPECT_NE(dom.find("class=\"predicted-outline\""), std::string::npos);
    EXPECT_NE(dom.find("<table class=\"predicted\">"), std::string::npos);
}

}  // namespace
}  // namespace rollsim::test
