#include "scenario/zone_records.hpp"

#include "core/time.hpp"
#include "scenario/names.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace rollsim::scenario {

namespace {

struct Parts {
    std::string owner, type, data;  // without TTL and class: what actions compare
};

Parts parts_of(const std::string& record)
{
    std::istringstream in(record);
    Parts p;
    std::string ttl, cls;
    in >> p.owner >> ttl >> cls >> p.type;
    std::getline(in >> std::ws, p.data);
    return p;
}

bool same_rrset(const Parts& a, const Parts& b) { return a.owner == b.owner && a.type == b.type; }

// "192.0.2.1, 192.0.2.2" of the records of `p`'s RRset, or "none".
std::string rrset_data(const std::vector<std::string>& records, const Parts& p)
{
    std::string out;
    for (const auto& r : records)
        if (const Parts q = parts_of(r); same_rrset(q, p)) out += (out.empty() ? "" : ", ") + q.data;
    return out.empty() ? "none" : out;
}

}  // namespace

std::optional<std::string> apply_record_action(std::vector<std::string>& records, const Event& ev)
{
    const Parts p = parts_of(ev.record);
    auto in_rrset = [&](const std::string& r) { return same_rrset(parts_of(r), p); };
    auto equal = [&](const std::string& r) { return in_rrset(r) && parts_of(r).data == p.data; };
    const std::string where = fmt::format("at {} ({} {} records: {})", format_offset(ev.at), p.owner, p.type,
                                          rrset_data(records, p));
    switch (*ev.action) {
    case ActionKind::RecordAdd:
        if (std::any_of(records.begin(), records.end(), equal))
            return fmt::format("zone {} already has {} {} {} {}; use record-change to change its TTL", ev.zone,
                               p.owner, p.type, p.data, where);
        records.push_back(ev.record);
        return std::nullopt;
    case ActionKind::RecordChange:
        if (std::find(records.begin(), records.end(), ev.record) != records.end() &&
            std::count_if(records.begin(), records.end(), in_rrset) == 1)
            return fmt::format("zone {} already serves {} {}; change its data or TTL", ev.zone, ev.record, where);
        if (std::none_of(records.begin(), records.end(), in_rrset))
            return fmt::format("zone {} has no {} {} records to change at {}; use record-add", ev.zone, p.owner, p.type,
                               format_offset(ev.at));
        records.erase(std::remove_if(records.begin(), records.end(), in_rrset), records.end());
        records.push_back(ev.record);
        return std::nullopt;
    case ActionKind::RecordRemove:
        if (std::none_of(records.begin(), records.end(), equal))
            return fmt::format("zone {} has no record {} {} {} to remove {}", ev.zone, p.owner, p.type, p.data, where);
        records.erase(std::remove_if(records.begin(), records.end(), equal), records.end());
        return std::nullopt;
    default: return std::string("not a record action");
    }
}

std::vector<std::string> zone_records(const Scenario& sc, const ZoneSpec& zone, Seconds t)
{
    std::vector<std::string> out = zone.records;
    for (const auto& ev : sc.timeline)
        if (ev.at <= t && ev.action && is_record_action(*ev.action) && ev.zone == zone.name)
            (void)apply_record_action(out, ev);
    return out;
}

}  // namespace rollsim::scenario
