// Zone templates and records (scenario/parser.hpp): a zone-file tokenizer (quotes, comments,
// parentheses), template files found upward from the scenario's directory with $TTL and
// $ORIGIN, and each record rendered as one absolute line with its TTL, its owner, type and data
// checked: inside the zone and outside its children, not a record the lab generates.
#include "scenario/parser.hpp"
#include "scenario/zone_file.hpp"

#include "core/files.hpp"

#include "dns/names.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <fstream>

namespace rollsim::scenario::detail {

namespace fs = std::filesystem;

namespace {

struct TokenError {
    std::string message;
    int column = 0;
};

// Appends the tokens of one line: whitespace separates, "quoted strings" stay whole, ';' starts a
// comment, parentheses only change `depth` (a record continues while it is above zero).
std::optional<TokenError> tokenize(std::string_view text, int line, int column_offset, int& depth,
                                   std::vector<Token>& out)
{
    constexpr std::string_view kStops = " \t\r\n;()\"";
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const int column = column_offset + int(i) + 1;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
        } else if (c == ';') {
            break;
        } else if (c == '(') {
            ++depth;
            ++i;
        } else if (c == ')') {
            if (--depth < 0) return TokenError{"unbalanced ')'; remove it or add the matching '('", column};
            ++i;
        } else if (c == '"') {
            size_t j = i + 1;
            while (j < text.size() && text[j] != '"') j += (text[j] == '\\') ? 2 : 1;
            if (j >= text.size()) return TokenError{"unterminated quoted string; add the closing '\"'", column};
            out.push_back({std::string(text.substr(i, j - i + 1)), line, column, true});
            i = j + 1;
        } else {
            size_t j = i;
            while (j < text.size() && kStops.find(text[j]) == std::string_view::npos)
                j += (text[j] == '\\' && j + 1 < text.size()) ? 2 : 1;
            out.push_back({std::string(text.substr(i, j - i)), line, column, false});
            i = j;
        }
    }
    return std::nullopt;
}

// Candidates, in order: relative to the scenario's directory, then each parent directory up to
// the template root, never above it.
std::optional<fs::path> find_upward(const fs::path& base_dir, const fs::path& root, const fs::path& relative)
{
    std::error_code ec;
    if (relative.is_absolute()) {
        if (fs::is_regular_file(relative, ec)) return relative.lexically_normal();
        return std::nullopt;
    }
    fs::path dir = fs::absolute(base_dir, ec).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path() && dir != dir.root_path()) dir = dir.parent_path();
    while (true) {
        fs::path candidate = (dir / relative).lexically_normal();
        if (fs::is_regular_file(candidate, ec)) return candidate;
        if (dir == root || !is_within(dir, root) || dir == dir.root_path() || dir.parent_path() == dir || dir.empty())
            return std::nullopt;
        dir = dir.parent_path();
    }
}

// The first line of `file` holding a byte no zone file has (NUL or another control byte but
// tab, CR and LF), or 0 when there is none. Checked before anything is parsed, so that no error
// quotes the content of a file that is not a zone file.
int first_binary_line(std::ifstream& in)
{
    int line = 1;
    for (char c; in.get(c);) {
        const auto b = static_cast<unsigned char>(c);
        if (b == '\n') ++line;
        else if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7f) return line;
    }
    return 0;
}

}  // namespace

// A file's path as errors show it: relative to the working directory when under it.
std::string display_path(const fs::path& p)
{
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (!ec) {
        fs::path rel = p.lexically_relative(cwd);
        if (!rel.empty() && *rel.begin() != "..") return rel.string();
    }
    return p.string();
}


// The file `f` names, found and checked: below the template root, not under .git, text.
fs::path Parser::find_template(const Field& f, const FileWords& words) const
{
    const std::string rel = scalar(f);
    if (rel.empty()) fail(loc(f), fmt::format("{} is empty; give the path of {}", words.field, words.give));
    auto found = find_upward(m_base_dir, m_template_root, rel);
    if (!found)
        fail(loc(f), fmt::format("{} '{}' not found (looked in the scenario's directory and each "
                                 "directory above it, up to the template root); check the path, or pass "
                                 "--template-root", words.file, rel));
    // The file as it really is (symbolic links resolved) must lie below the template root, and
    // not in a repository's .git directory (credentials live there): a scenario from an
    // untrusted source must not be able to read other files and have errors quote them.
    std::error_code ec;
    const fs::path real = fs::weakly_canonical(*found, ec);
    const fs::path real_root = fs::weakly_canonical(m_template_root, ec);
    bool in_git = false;
    for (const auto& part : real.lexically_relative(real_root))
        if (part == ".git") in_git = true;
    if (!is_within(real, real_root) || in_git)
        fail(loc(f), fmt::format("{} '{}' is outside the template root; keep {}s in the scenario's repository "
                                 "(not under .git), or pass --template-root", words.file, rel, words.kept));
    std::ifstream in(real, std::ios::binary);
    if (!in) fail(loc(f), fmt::format("cannot read {} '{}'", words.file, display_path(real)));
    if (const int bad = first_binary_line(in))
        fail(loc(f), fmt::format("{} '{}' is not a zone file (a control byte on line {}); give a zone "
                                 "file in text form", words.file, rel, bad));
    return *found;
}

void Parser::load_template(const Field& f, ZoneSpec& zone) const
{
    static constexpr FileWords kWords{"template", "template file", "a zone template file", "zone template"};
    const fs::path found = find_template(f, kWords);
    RecordContext ctx{display_path(found), zone.name, std::nullopt, std::nullopt};
    read_zone_text(found, ctx, zone, nullptr, [&](const std::vector<Token>& tokens, const RecordContext& rc) {
        std::string owner;
        add_record(zone, render_record(tokens, rc, zone, owner), {rc.file, tokens.front().line, tokens.front().column});
        return owner;
    });
}

// One $TTL or $ORIGIN line (the only directives a file of records takes).
void Parser::read_directive(const std::vector<Token>& line, RecordContext& ctx, const ZoneSpec& zone) const
{
    const Token& first = line.front();
    const std::string directive = to_upper(first.text);
    const SourceLoc at{ctx.file, first.line, first.column};
    if (directive == "$TTL") {
        if (line.size() != 2) fail(at, "$TTL takes one value, e.g. '$TTL 300'");
        auto d = parse_duration(line[1].text);
        const SourceLoc value_at{ctx.file, line[1].line, line[1].column};
        if (!d) fail(value_at, fmt::format("bad TTL '{}' (write seconds or a duration, e.g. 300 or 1h)", line[1].text));
        if (d->count() > kMaxTtl)
            fail(value_at, fmt::format("TTL '{}' is too large (at most {} seconds, RFC 2181 section 8)", line[1].text,
                                       kMaxTtl));
        ctx.dollar_ttl = std::uint32_t(d->count());
    } else if (directive == "$ORIGIN") {
        if (line.size() != 2) fail(at, "$ORIGIN takes one name, e.g. '$ORIGIN sub.example.com.'");
        auto n = dns::normalise_name(line[1].text, ctx.origin, false);
        if (!n.error.empty())
            fail({ctx.file, line[1].line, line[1].column}, fmt::format("bad $ORIGIN '{}': {}", line[1].text, n.error));
        if (!dns::is_at_or_below(n.name, zone.name))
            fail({ctx.file, line[1].line, line[1].column}, fmt::format("$ORIGIN {} is outside zone {}", n.name, zone.name));
        ctx.origin = n.name;
    } else {
        fail(at, fmt::format("{} is not supported in {} (only $TTL and $ORIGIN); remove it", first.text, ctx.noun));
    }
}

void Parser::read_zone_text(const fs::path& file, RecordContext& ctx, const ZoneSpec& zone,
                            std::vector<ScenarioError>* problems, const RecordFn& on_record) const
{
    std::ifstream in(file);
    std::optional<std::string> last_owner;
    std::vector<Token> pending;
    bool owner_given = true;
    int depth = 0, open_line = 0, line_no = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_no;
        std::vector<Token> tokens;
        bool tokenized = false;
        attempt(problems, [&] {
            if (auto err = tokenize(line, line_no, 0, depth, tokens))
                fail({ctx.file, line_no, err->column}, err->message);
            tokenized = true;
        });
        if (!tokenized) {  // only with a list of problems: start afresh on the next line
            pending.clear();
            depth = 0;
            continue;
        }
        if (pending.empty()) {
            if (tokens.empty()) {
                if (depth > 0) open_line = line_no;
                continue;
            }
            owner_given = !line.empty() && line[0] != ' ' && line[0] != '\t';
            open_line = line_no;
        }
        pending.insert(pending.end(), tokens.begin(), tokens.end());
        if (depth > 0 || pending.empty()) continue;

        const Token& first = pending.front();
        attempt(problems, [&] {
            if (owner_given && !first.text.empty() && first.text[0] == '$') return read_directive(pending, ctx, zone);
            if (!owner_given && !last_owner)
                fail({ctx.file, first.line, first.column},
                     "this line starts with a blank but no record before it names an owner; put the owner first");
            ctx.owner = owner_given ? std::nullopt : last_owner;
            last_owner = on_record(pending, ctx);
        });
        pending.clear();
    }
    if (depth > 0)
        attempt(problems, [&] { fail({ctx.file, open_line, 0}, "unbalanced '(' opened on this line; add the closing ')'"); });
}

void Parser::parse_records(const Field& f, ZoneSpec& zone) const
{
    if (f.value.IsNull()) return;
    for (const auto& item : items(f, "a list of records such as 'www A 192.0.2.1'"))
        add_record(zone, parse_record(item, zone), loc(item));
}

// One record of records: or of a record action's record:, owner relative to the zone.
std::string Parser::parse_record(const YAML::Node& item, const ZoneSpec& zone) const
{
    const SourceLoc at = loc(item);
    if (!item.IsScalar())
        fail(at, fmt::format("each record must be a string such as 'www A 192.0.2.1', not {} (quote records "
                             "that contain ': ')", describe(item)));
    // Token columns are exact for one-line scalars; a quoted scalar starts one column later.
    const int offset = at.column - 1 + (item.Tag() == "!" ? 1 : 0);
    std::vector<Token> tokens;
    int depth = 0;
    if (auto err = tokenize(item.Scalar(), at.line, offset, depth, tokens))
        fail({m_file, at.line, err->column}, err->message);
    if (depth != 0) fail(at, "unbalanced '(' in record; add the closing ')'");
    if (tokens.empty()) fail(at, "empty record; write e.g. 'www A 192.0.2.1'");
    RecordContext ctx{m_file, zone.name, std::nullopt, std::nullopt};
    std::string owner;
    return render_record(tokens, ctx, zone, owner);
}

void Parser::add_record(ZoneSpec& zone, std::string record, const SourceLoc& where) const
{
    std::size_t total = zone.records.size();
    for (const auto& other : m_scenario.zones) total += other.records.size();
    if (total >= kMostRecords)
        fail(where, fmt::format("more than {} records in the scenario's zones (templates and records together); "
                                "the lab signs every record at each change, so keep the zones smaller",
                                kMostRecords));
    zone.records.push_back(std::move(record));
}

// <owner> [<ttl>] [IN] <type>, TTL and class in either order.
RecordHead Parser::record_head(const std::vector<Token>& toks, const RecordContext& ctx) const
{
    auto at = [&](const Token& t) { return SourceLoc{ctx.file, t.line, t.column}; };
    RecordHead head;
    size_t i = 0;
    if (ctx.owner) {
        head.owner = *ctx.owner;
    } else {
        const Token& t = toks[i++];
        auto n = dns::normalise_name(t.quoted ? "" : t.text, ctx.origin, true);
        if (!n.error.empty()) fail(at(t), fmt::format("bad owner name '{}': {}", t.text, n.error));
        head.owner = n.name;
        head.owner_token = &t;
    }
    bool class_seen = false;
    for (int n = 0; n < 2 && i < toks.size(); ++n) {
        const Token& t = toks[i];
        const std::string up = to_upper(t.text);
        if (!class_seen && (up == "IN" || up == "CH" || up == "HS" || up == "CS")) {
            if (up != "IN") fail(at(t), fmt::format("class {} is not supported; the lab serves class IN only", up));
            class_seen = true;
            ++i;
        } else if (!head.ttl && !t.text.empty() && std::isdigit(static_cast<unsigned char>(t.text[0]))) {
            auto d = parse_duration(t.text);
            if (!d)
                fail(at(t), fmt::format("expected a TTL, class or type, not '{}' (write e.g. 'www 300 IN A 192.0.2.1')",
                                        t.text));
            if (d->count() > kMaxTtl)
                fail(at(t), fmt::format("TTL '{}' is too large (at most {} seconds, RFC 2181 section 8)", t.text,
                                        kMaxTtl));
            head.ttl = std::uint32_t(d->count());
            ++i;
        } else {
            break;
        }
    }
    if (i >= toks.size()) fail(at(toks.back()), "the record has no type; write e.g. 'www A 192.0.2.1'");
    head.type_token = &toks[i];
    head.type = to_upper(toks[i].text);
    head.rdata = i + 1;
    return head;
}

// <owner> [<ttl>] [IN] <type> <rdata...>, checked and rendered as one absolute line.
std::string Parser::render_record(const std::vector<Token>& toks, const RecordContext& ctx, const ZoneSpec& zone,
                                  std::string& owner_out) const
{
    const RecordHead head = record_head(toks, ctx);
    if (head.owner_token) check_owner(head.owner, *head.owner_token, ctx, zone);
    const Token& type_token = *head.type_token;
    const std::string& type = head.type;
    const SourceLoc type_at{ctx.file, type_token.line, type_token.column};
    if (!is_record_type(type))
        fail(type_at, fmt::format("unknown record type '{}'{}", type_token.text, record_type_hint(type_token.text)));
    check_generated(type, head.owner, type_at, zone);

    std::vector<Token> rdata_tokens(toks.begin() + long(head.rdata), toks.end());
    std::vector<std::string> rdata = render_rdata(type, rdata_tokens, type_token, ctx);

    owner_out = head.owner;
    return fmt::format("{} {} IN {} {}", head.owner, record_ttl(head, ctx, zone), type, join(rdata, " "));
}

// The TTL on the line; else ttl.<TYPE>; else the file's $TTL; else ttl.default.
std::uint32_t Parser::record_ttl(const RecordHead& head, const RecordContext& ctx, const ZoneSpec& zone) const
{
    if (head.ttl) return *head.ttl;
    if (auto it = zone.ttl.by_type.find(head.type); it != zone.ttl.by_type.end()) return it->second;
    if (ctx.dollar_ttl) return *ctx.dollar_ttl;
    return zone.ttl.default_ttl;
}

void Parser::check_owner(const std::string& owner, const Token& t, const RecordContext& ctx, const ZoneSpec& zone) const
{
    const SourceLoc at{ctx.file, t.line, t.column};
    if (!dns::is_at_or_below(owner, zone.name) && !zone.pattern.empty())
        fail(at, fmt::format("owner {} is outside zone {}: the records of {} are written once for each of its "
                             "zones, so write owners relative to the zone, e.g. 'www' or '@'", owner, zone.name,
                             zone.pattern));
    if (!dns::is_at_or_below(owner, zone.name))
        fail(at, fmt::format("owner {} is outside zone {}; a zone's records must be at or below its apex", owner,
                             zone.name));
    if (dns::is_at_or_below(owner, kReservedZone))
        fail(at, fmt::format("owner {} is under rollsim., which the lab reserves for its root servers; use another "
                             "name", owner));
    for (int s = 0; s < zone.servers && zone.name != "."; ++s)
        if (owner == server_name(zone, s))
            fail(at, fmt::format("{} is the name of one of the lab's servers for {} (servers: {}); use another name",
                                 owner, zone.name, zone.servers));
    if (const auto other = zone_below(owner, zone.name))
        fail(at, fmt::format("{} is inside zone {}, which this scenario also has; put the record in that zone",
                             owner, *other));
}

void Parser::check_generated(const std::string& type, const std::string& owner, const SourceLoc& at,
                             const ZoneSpec& zone) const
{
    if (type == "SOA") fail(at, "the lab generates SOA records; remove this line");
    if (type == "DNSKEY") fail(at, "the lab generates DNSKEY records from keys:; remove this line");
    if (type == "RRSIG" || type == "NSEC" || type == "NSEC3" || type == "NSEC3PARAM")
        fail(at, fmt::format("the lab generates {} records when it signs; remove this line", type));
    if (owner != zone.name) return;
    if (type == "DS")
        fail(at, fmt::format("the lab generates the DS records of {} at its parent from keys:; remove this line",
                             zone.name));
    if (type == "NS") fail(at, "the lab generates the apex NS records (servers: sets how many); remove this line");
    if (type == "CNAME") fail(at, "a CNAME cannot be at the zone apex; remove this line or use A/AAAA records");
}

std::vector<std::string> Parser::render_rdata(const std::string& type, const std::vector<Token>& rd,
                                              const Token& type_token, const RecordContext& ctx) const
{
    auto at = [&](size_t k) {
        const Token& t = k < rd.size() ? rd[k] : type_token;
        return SourceLoc{ctx.file, t.line, t.column};
    };
    auto bad = [&](size_t k, std::string_view form) {
        fail(at(k), fmt::format("{} record data must be {}", type, form));
    };
    auto number = [&](size_t k, long long max, std::string_view form) {
        auto v = parse_integer(rd[k].text);
        if (rd[k].quoted || !v || *v < 0 || *v > max) bad(k, form);
    };
    std::vector<std::string> out;
    for (const auto& t : rd) out.push_back(t.text);
    auto name = [&](size_t k) {
        auto n = dns::normalise_name(rd[k].quoted ? "" : rd[k].text, ctx.origin, false);
        if (!n.error.empty()) fail(at(k), fmt::format("bad name '{}' in {} record: {}", rd[k].text, type, n.error));
        out[k] = n.name;
    };

    if (type == "A") {
        constexpr std::string_view form = "one IPv4 address, e.g. 'A 192.0.2.1'";
        in_addr a{};
        if (rd.size() != 1) bad(rd.size() > 1 ? 1 : 0, form);
        if (inet_pton(AF_INET, rd[0].text.c_str(), &a) != 1) bad(0, form);
    } else if (type == "AAAA") {
        constexpr std::string_view form = "one IPv6 address, e.g. 'AAAA 2001:db8::1'";
        in6_addr a{};
        if (rd.size() != 1) bad(rd.size() > 1 ? 1 : 0, form);
        if (inet_pton(AF_INET6, rd[0].text.c_str(), &a) != 1) bad(0, form);
    } else if (type == "NS" || type == "CNAME" || type == "PTR" || type == "DNAME") {
        if (rd.size() != 1)
            bad(rd.size() > 1 ? 1 : 0, fmt::format("one domain name, e.g. '{} host.example.com.'", type));
        name(0);
    } else if (type == "MX") {
        constexpr std::string_view form = "a preference and a host name, e.g. 'MX 10 mail'";
        if (rd.size() != 2) bad(rd.size() > 2 ? 2 : 0, form);
        number(0, 65535, form);
        name(1);
    } else if (type == "SRV") {
        constexpr std::string_view form = "priority, weight, port and target, e.g. 'SRV 0 5 443 www'";
        if (rd.size() != 4) bad(rd.size() > 4 ? 4 : 0, form);
        for (size_t k = 0; k < 3; ++k) number(k, 65535, form);
        name(3);
    } else if (type == "CAA") {
        constexpr std::string_view form = "flags, tag and value, e.g. 'CAA 0 issue \"ca.example\"'";
        if (rd.size() != 3) bad(rd.size() > 3 ? 3 : 0, form);
        number(0, 255, form);
        if (rd[1].quoted || rd[1].text.empty() || !std::all_of(rd[1].text.begin(), rd[1].text.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c));
            }))
            bad(1, form);
    } else if (type == "TLSA" || type == "SMIMEA") {
        const std::string form =
            fmt::format("usage, selector, matching type and hex data, e.g. '{} 3 1 1 ABCD...'", type);
        if (rd.size() < 4) bad(0, form);
        for (size_t k = 0; k < 3; ++k) number(k, 255, form);
        for (size_t k = 3; k < rd.size(); ++k)
            if (!is_hex(rd[k].text)) bad(k, form);
    } else if (type == "SSHFP") {
        constexpr std::string_view form = "algorithm, fingerprint type and hex fingerprint, e.g. 'SSHFP 4 2 ABCD...'";
        if (rd.size() < 3) bad(0, form);
        for (size_t k = 0; k < 2; ++k) number(k, 255, form);
        for (size_t k = 2; k < rd.size(); ++k)
            if (!is_hex(rd[k].text)) bad(k, form);
    } else if (type == "HINFO") {
        if (rd.size() != 2) bad(rd.size() > 2 ? 2 : 0, "a CPU and an OS string, e.g. 'HINFO \"x86\" \"Linux\"'");
    } else if (type == "TXT" || type == "SPF") {
        if (rd.empty()) bad(0, fmt::format("one or more strings, e.g. '{} \"v=spf1 -all\"'", type));
    } else if (rd.empty()) {
        fail(at(0), fmt::format("the {} record has no data; add it after the type", type));
    }
    return out;
}

}  // namespace rollsim::scenario::detail
