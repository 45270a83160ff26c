// The HTML report of a real run, rendered by a real browser: headless Chromium (Debian package
// `chromium`, installed by scripts/bootstrap) loads the file with no network, runs its script,
// and the rendered DOM must hold the timeline's lanes and the failure window; a screenshot must
// come out. On a projector's screen (1280x720) and a full-HD one, no two texts may overlap and
// the first screen must show the scenario's own zones and the failure windows: the page measures
// its own layout when opened with "#layout-check". A missing Chromium fails the test: the
// bootstrap installs it.
#include "lab/process.hpp"
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

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
    // One lane per key of the scenario's zone (and the KSK's DS), one per resolver × query.
    for (const char* lane : {"data-lane=\"example.com. ksk\"", "data-lane=\"example.com. ksk DS\"",
                             "data-lane=\"example.com. zsk-a\"", "data-lane=\"example.com. zsk-b\"",
                             "data-lane=\"warm www.example.com. A\"", "data-lane=\"cold www.example.com. A\""})
        EXPECT_NE(dom.find(lane), std::string::npos) << lane;
    // The root's and com.'s keys, which nothing changed, in one lane whose tooltip lists them.
    const auto quiet = dom.find("data-lane=\"quiet ancestors\"");
    ASSERT_NE(quiet, std::string::npos) << dom.substr(0, 2000);
    const std::string quiet_lane = dom.substr(quiet, dom.find("</g>", quiet) - quiet);
    for (const char* key : {"\n. ksk: KSK ", "\ncom. zsk: ZSK "})
        EXPECT_NE(quiet_lane.find(key), std::string::npos) << key << "\n" << quiet_lane;
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

// What the page found measuring its own layout (html_report.cpp, "#layout-check"), in a window
// of `width` x `height`.
struct Layout {
    std::map<std::string, int> values;  // "viewport-width", "overlaps", "operator-lanes-bottom", ...
    std::string text;                   // all of it, with the overlapping texts
};

Layout layout_at(const std::string& url, int width, int height, const fs::path& dir)
{
    std::string dom;
    const std::string size = std::to_string(width) + "," + std::to_string(height);
    const int status = chromium({"--window-size=" + size, "--hide-scrollbars", "--dump-dom"}, url + "#layout-check",
                                dir / ("chromium-layout-" + size + ".log"), dom);
    EXPECT_EQ(status, 0) << dom;
    Layout out;
    const auto begin = dom.find("<pre id=\"layout-check\">");
    if (begin == std::string::npos) return out;
    out.text = dom.substr(begin, dom.find("</pre>", begin) - begin);
    std::istringstream lines(out.text.substr(out.text.find('>') + 1));
    for (std::string line; std::getline(lines, line);) {
        const auto space = line.find(' ');
        if (space == std::string::npos || line.rfind("overlap:", 0) == 0) continue;
        std::string value = line.substr(space + 1);
        if (line.rfind("viewport ", 0) == 0) value = value.substr(0, value.find('x'));  // "1280x577": the width
        out.values[line.substr(0, space)] = std::atoi(value.c_str());
    }
    return out;
}

// At 1280x720 and 1920x1080: no text of the timeline or the header overlaps another, and the
// lanes of the scenario's own zone and the failure windows are within the first screen — for a
// plain run, and for a rollover with a predicted window and stacked event badges.
TEST(HtmlReportInChromium, NoTextsOverlapAndTheFirstScreenShowsTheZoneAndTheFailures)
{
    for (const char* scenario :
         {"scenarios/basics/zsk-swap-no-prepublish.yaml", "scenarios/rollovers/ksk-double-ds-too-short.yaml"}) {
        TempDir dir;
        std::string url, dom;
        ASSERT_NO_FATAL_FAILURE(render(scenario, dir.path(), url, dom));
        for (auto [width, height] : {std::pair{1280, 720}, {1920, 1080}}) {
            const Layout layout = layout_at(url, width, height, dir.path());
            const std::string where = std::string(scenario) + " at " + std::to_string(width) + "x" +
                                      std::to_string(height) + "\n" + layout.text;
            ASSERT_FALSE(layout.text.empty()) << where << "\n" << dom.substr(0, 2000);
            EXPECT_EQ(layout.values.at("viewport"), width) << where;
            EXPECT_GT(layout.values.at("texts"), 30) << where;
            EXPECT_EQ(layout.values.at("overlaps"), 0) << where;
            EXPECT_GT(layout.values.at("operator-lanes-bottom"), 0) << where;
            EXPECT_LE(layout.values.at("operator-lanes-bottom"), height) << where;
            EXPECT_GT(layout.values.at("failure-windows-bottom"), 0) << where;
            EXPECT_LE(layout.values.at("failure-windows-bottom"), height) << where;
        }
    }
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
