// `rollsim play`: a scenario as a tabletop exercise, driven through a pipe by a script of
// commands, against real NSD and Unbound. Checks what the resolvers really answered after each
// command and what the Markdown transcript keeps of the session.
#include "rollsim_cli.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace rollsim::test {
namespace {

constexpr const char* kZskSwap = "scenarios/basics/zsk-swap-no-prepublish.yaml";

// What rollsim printed in answer to `command`: the lines after the prompt it was typed at (the
// command is echoed after the prompt when stdin is not a terminal), up to the next prompt.
std::string answer_to(const std::string& output, const std::string& command)
{
    const std::string marker = "  > " + command + "\n";
    const auto at = output.find(marker);
    if (at == std::string::npos) return "";
    const auto begin = at + marker.size();
    auto end = output.find("\n[+", begin);
    if (end == std::string::npos) end = output.size();
    return output.substr(begin, end - begin + 1);
}

// The line of `text` for a resolver's answer ("  warm   www.example.com. A   ..."), or "".
std::string answer_line(const std::string& text, const std::string& resolver)
{
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("  " + resolver + " ", 0) == 0) return line;
    return "";
}

TEST(Tabletop, ScriptedExerciseShowsRealAnswersAndWritesTheTranscript)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    const std::string script =
        "status\n"
        "next\n"
        "query www.example.com. A warm\n"
        "advance 10m\n"
        "inject ds-digest-mismatch example.com.\n"
        "advance 2h\n"
        "repair ds-digest-mismatch example.com.\n"
        "quit\n";
    auto r = run_rollsim_with_input({"play", repo_path(kZskSwap), "--transcript", transcript_path.string()}, script);
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string& out = r.output;

    // The prompt names the next event and its narrative.
    EXPECT_TRUE(contains(out, "[+0s] next event +1d: remove zsk-a (example.com.) — \"The old ZSK is deleted as the "
                              "new one starts signing.\"  > status\n"))
        << out;

    const std::string status = answer_to(out, "status");
    EXPECT_TRUE(contains(status, "Virtual time +0s (2027-03-01T00:00:00Z)")) << status;
    EXPECT_TRUE(contains(status, "zsk-a")) << status;
    EXPECT_TRUE(contains(status, "not published")) << status;  // zsk-b before +1d
    EXPECT_TRUE(contains(status, "Faults in force\n  none\n")) << status;

    // next: the swap, its narrative, then every resolver's answer at +1d.
    const std::string next = answer_to(out, "next");
    EXPECT_TRUE(contains(next, "+1d  remove zsk-a (example.com.)")) << next;
    EXPECT_TRUE(contains(next, "\"The old ZSK is deleted as the new one starts signing.\"")) << next;
    EXPECT_TRUE(contains(next, "zsk-b (tag ")) << next;
    EXPECT_TRUE(contains(next, "Answers at +1d (2027-03-02T00:00:00Z)")) << next;
    EXPECT_FALSE(answer_line(next, "warm").empty()) << next;
    EXPECT_FALSE(answer_line(next, "cold").empty()) << next;

    // query: one resolver only; the warm one still answers from its cache.
    const std::string query = answer_to(out, "query www.example.com. A warm");
    EXPECT_TRUE(contains(answer_line(query, "warm"), "NOERROR AD")) << query;
    EXPECT_TRUE(answer_line(query, "cold").empty()) << query;

    // Ten minutes on, the cached A RRset has expired: signatures by a key the warm resolver's
    // cached DNSKEY set lacks, SERVFAIL EDE 9. The cold validator fetches the new set.
    const std::string swap = answer_to(out, "advance 10m");
    EXPECT_TRUE(contains(swap, "Answers at +1d10m")) << swap;
    EXPECT_TRUE(contains(answer_line(swap, "warm"), "SERVFAIL EDE 9")) << swap;
    EXPECT_TRUE(contains(answer_line(swap, "cold"), "secure")) << swap;

    // The injected DS fault makes the cold validator bogus at once.
    const std::string inject = answer_to(out, "inject ds-digest-mismatch example.com.");
    EXPECT_TRUE(contains(inject, "+1d10m  fault ds-digest-mismatch at example.com.")) << inject;
    EXPECT_TRUE(contains(answer_line(inject, "cold"), "bogus")) << inject;
    EXPECT_TRUE(contains(answer_line(inject, "cold"), "DS hash mismatches key")) << inject;

    const std::string later = answer_to(out, "advance 2h");
    EXPECT_TRUE(contains(later, "Answers at +1d2h10m")) << later;
    EXPECT_TRUE(contains(answer_line(later, "warm"), "SERVFAIL")) << later;
    EXPECT_TRUE(contains(answer_line(later, "cold"), "bogus")) << later;

    // Repaired: the cold validator is secure again at once.
    const std::string repair = answer_to(out, "repair ds-digest-mismatch example.com.");
    EXPECT_TRUE(contains(repair, "repaired: ds-digest-mismatch at example.com.")) << repair;
    EXPECT_TRUE(contains(answer_line(repair, "cold"), "secure")) << repair;

    EXPECT_TRUE(contains(out, "The exercise ended at +1d2h10m (2027-03-02T02:10:00Z): quit.")) << out;
    EXPECT_TRUE(contains(out, "Transcript: " + transcript_path.string())) << out;

    // The transcript: every command, the narrative, the answers and the summary.
    const std::string t = read_file(transcript_path);
    EXPECT_TRUE(contains(t, "# Tabletop exercise: ZSK swapped without pre-publication")) << t;
    for (const std::string cmd : {"### +0s — `status`", "### +0s — `next`", "### +1d — `query www.example.com. A warm`",
                                  "### +1d — `advance 10m`", "### +1d10m — `inject ds-digest-mismatch example.com.`",
                                  "### +1d10m — `advance 2h`",
                                  "### +1d2h10m — `repair ds-digest-mismatch example.com.`", "### +1d2h10m — `quit`"})
        EXPECT_TRUE(contains(t, cmd)) << cmd << "\n" << t;
    EXPECT_TRUE(contains(t, "> **+1d** The old ZSK is deleted as the new one starts signing.")) << t;
    EXPECT_TRUE(contains(t, "SERVFAIL EDE 9 - bogus: validation failure <www.example.com. A IN>: signatures from "
                            "unknown keys"))
        << t;
    EXPECT_TRUE(contains(t, "DS hash mismatches key")) << t;
    EXPECT_TRUE(contains(t, "## Summary")) << t;
    EXPECT_TRUE(contains(t, "| warm | www.example.com. A | +1d5m1s |")) << t;
    EXPECT_TRUE(contains(t, "| cold | www.example.com. A | +1d10m | +1d2h10m |")) << t;
    // The scenario's own expectations, judged on what was observed: the injected fault broke
    // the cold validator's "no failures"; the transition window (any) still holds.
    EXPECT_TRUE(contains(t, "| FAIL | 27 | every query on cold: no failures |")) << t;
    EXPECT_TRUE(contains(t, "| PASS | 26 |")) << t;
}

TEST(Tabletop, PlayingEveryEventWithoutInterferenceKeepsTheScenarioVerdicts)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    auto r = run_rollsim_with_input({"play", repo_path(kZskSwap), "--transcript", transcript_path.string()},
                                    "next\nnext\n");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "No more events: playing to the end (+2d).")) << r.output;
    EXPECT_TRUE(contains(r.output, "The scenario ends here (+2d).")) << r.output;
    EXPECT_TRUE(contains(r.output, "the scenario's duration was reached")) << r.output;
    // The same failure window as `rollsim run` shows, and every expectation holds.
    EXPECT_TRUE(contains(r.output, "+1d5m1s .. +1d1h")) << r.output;
    const std::string t = read_file(transcript_path);
    EXPECT_TRUE(contains(t, "| PASS | 24 |")) << t;
    EXPECT_FALSE(contains(t, "| FAIL |")) << t;
}

// How often `part` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& part)
{
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

TEST(Tabletop, AdvanceFailureStopsAtTheFirstFailingProbeThenAtTheEnd)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    auto r = run_rollsim_with_input({"play", repo_path(kZskSwap), "--transcript", transcript_path.string()},
                                    "advance failure\nadvance failure\n");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string& out = r.output;
    // The swap at +1d plays on the way; the warm resolver's cached A RRset runs out five
    // minutes later, and the first probe after that fails: the same instant `run` reports.
    const std::string first = answer_to(out, "advance failure");
    EXPECT_TRUE(contains(first, "+1d  remove zsk-a (example.com.)")) << first;
    EXPECT_TRUE(contains(first, "First failure at +1d5m1s: warm www.example.com. A SERVFAIL EDE 9\n")) << first;
    EXPECT_TRUE(contains(first, "Answers at +1d5m1s")) << first;
    EXPECT_TRUE(contains(answer_line(first, "warm"), "SERVFAIL EDE 9")) << first;
    // The failure ends at +1d1h and nothing fails again: the end of the scenario is the bound.
    const auto second_prompt = out.find("[+1d5m1s] ");
    ASSERT_NE(second_prompt, std::string::npos) << out;
    const std::string second = answer_to(out.substr(second_prompt), "advance failure");
    EXPECT_TRUE(contains(second, "+1d1h  warm   www.example.com. A           SERVFAIL EDE 9 -> secure")) << second;
    EXPECT_TRUE(contains(second, "No probe began to fail up to the end of the scenario (+2d).")) << second;
    EXPECT_TRUE(contains(second, "The scenario ends here (+2d).")) << second;
    EXPECT_TRUE(contains(out, "the scenario's duration was reached")) << out;
    EXPECT_TRUE(contains(out, "+1d5m1s .. +1d1h")) << out;
}

TEST(Tabletop, ProgressWhileVirtualTimeAdvancesInAPipe)
{
    TempDir dir;
    // Two days of the ZSK swap are well over a hundred instants: a line every hundred in a pipe
    // (every few seconds of wall time too; on a terminal one line rewritten in place).
    auto r = run_rollsim_with_input(
        {"play", repo_path(kZskSwap), "--transcript", (dir / "T.md").string()}, "advance 2d\n");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string advance = answer_to(r.output, "advance 2d");
    EXPECT_TRUE(contains(advance, " of +2d, 100 instants\n")) << advance;
    EXPECT_TRUE(contains(advance, "  playing: +")) << advance;
    // Progress is not part of the session: the transcript does not keep it.
    EXPECT_FALSE(contains(read_file(dir / "T.md"), "playing: ")) << read_file(dir / "T.md");
}

TEST(Tabletop, APlannedStepsNarrativeIsToldOnce)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    // The double-DS roll's second step swaps the KSK with four actions (publish, activate,
    // retire, remove), each a timeline event carrying the step's narrative.
    auto r = run_rollsim_with_input({"play", repo_path("scenarios/rollovers/ksk-double-ds.yaml"), "--transcript",
                                     transcript_path.string()},
                                    "advance 10h\nquit\n");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string said = "ksk-double-ds rollover: swap the KSK in the DNSKEY set: ksk-next in, ksk out";
    const std::string advance = answer_to(r.output, "advance 10h");
    EXPECT_TRUE(contains(advance, "+9h35m  activate ksk-next (example.com.)")) << advance;
    EXPECT_TRUE(contains(advance, "+9h35m  remove ksk (example.com.)")) << advance;
    EXPECT_EQ(count_of(advance, "\"" + said + "\""), 1u) << advance;
    EXPECT_EQ(count_of(read_file(transcript_path), "> **+9h35m** " + said + "\n"), 1u) << read_file(transcript_path);
}

TEST(Tabletop, MistakesGetOneLineAndThePromptAgainAndEndOfInputEnds)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    const std::string script =
        "nxt\n"
        "inject ds-digest-mismatc\n"
        "inject server-down example.com. server=ns9\n"
        "inject ds-missing example.com. kye=ksk\n"
        "query www.example.com. AAA\n"
        "query www.example.com. A wram\n"
        "repair ds-missing\n"
        "advance soon\n"
        "status\n";  // then end of input, no quit
    auto r = run_rollsim_with_input({"play", repo_path(kZskSwap), "--transcript", transcript_path.string()}, script);
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string& out = r.output;
    EXPECT_EQ(answer_to(out, "nxt"), "error: unknown command 'nxt' (did you mean 'next'?); type help for the commands\n");
    EXPECT_EQ(answer_to(out, "inject ds-digest-mismatc"),
              "error: unknown fault 'ds-digest-mismatc' (did you mean 'ds-digest-mismatch'?)\n");
    EXPECT_TRUE(contains(answer_to(out, "inject server-down example.com. server=ns9"), "error: zone example.com. has no server 'ns9'"))
        << out;
    EXPECT_TRUE(contains(answer_to(out, "inject ds-missing example.com. kye=ksk"), "(did you mean 'key'?)")) << out;
    EXPECT_EQ(answer_to(out, "query www.example.com. AAA"),
              "error: unknown record type 'AAA' (did you mean 'AAAA'?)\n");
    EXPECT_EQ(answer_to(out, "query www.example.com. A wram"), "error: resolver 'wram' is not defined (did you mean 'warm'?)\n");
    EXPECT_TRUE(contains(answer_to(out, "repair ds-missing"), "error: no ds-missing fault is in force now")) << out;
    EXPECT_TRUE(contains(answer_to(out, "advance soon"), "error: advance takes one duration")) << out;
    // Nothing of that moved time or changed the world.
    const std::string status = answer_to(out, "status");
    EXPECT_TRUE(contains(status, "Virtual time +0s")) << status;
    EXPECT_TRUE(contains(status, "Faults in force\n  none\n")) << status;
    EXPECT_TRUE(contains(out, "The exercise ended at +0s (2027-03-01T00:00:00Z): end of input.")) << out;
    const std::string t = read_file(transcript_path);
    EXPECT_TRUE(contains(t, "### +0s — `nxt`\n\n~~~text\nerror: unknown command 'nxt'")) << t;
    EXPECT_TRUE(contains(t, "end of input")) << t;
}

TEST(Tabletop, InvalidScenarioStopsBeforeTheLab)
{
    TempDir dir;
    write_file(dir / "bad.yaml", "name: x\nstart: 2027-03-01T00:00:00Z\nzones: { example.com.: {} }\n"
                                 "probes: { evry: 1h, names: [example.com. SOA] }\n");
    auto r = run_rollsim_with_input({"play", (dir / "bad.yaml").string(), "--transcript", (dir / "T.md").string()},
                                    "quit\n");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_TRUE(contains(r.output, "unknown field 'evry' in probes (did you mean 'every'?)")) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir / "T.md"));
}

// A compromise announced mid-exercise: the emergency rollover's say: opens its first step, shown
// in the prompt before it and once when it plays; the cold validator fails at once (the parent
// still serves only the pulled KSK's DS), the warm resolver once its DNSKEY set expires.
TEST(Tabletop, ACompromiseAnnouncedMidExerciseShowsTheAnnouncementAndTheOutageItStarts)
{
    TempDir dir;
    const auto transcript_path = dir / "T.md";
    auto r = run_rollsim_with_input({"play", repo_path("scenarios/rollovers/emergency-ksk-tabletop.yaml"),
                                     "--transcript", transcript_path.string()},
                                    "next\nadvance 4h10m\nquit\n");
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string said = "12:00: the security team reports that the KSK's private key was in last night's "
                             "stolen backup. The decision: pull it now. — emergency-ksk rollover: ksk is compromised";
    EXPECT_TRUE(contains(r.output, "[+2h] next event +6h: publish ksk-next (example.com.) — \"" + said)) << r.output;
    const std::string advance = answer_to(r.output, "advance 4h10m");
    EXPECT_EQ(count_of(advance, "\"" + said), 1u) << advance;
    EXPECT_TRUE(contains(advance, "+6h  cold   www.example.com. A           secure -> bogus")) << advance;
    EXPECT_TRUE(contains(advance, "+6h5m1s  warm   www.example.com. A           secure -> SERVFAIL EDE 9")) << advance;
    EXPECT_TRUE(contains(read_file(transcript_path), "> **+6h** " + said)) << read_file(transcript_path);
}

}  // namespace
}  // namespace rollsim::test
