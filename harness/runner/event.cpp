#include "runner/event.hpp"

namespace rollsim::runner {

namespace {

using Source = EventRecord::Source;

Source source_of(const EventContent& what)
{
    struct {
        Source operator()(const TimelineEvent&) const { return Source::Timeline; }
        Source operator()(const FaultRepaired&) const { return Source::Timeline; }
        Source operator()(const KeyStateChanged&) const { return Source::Key; }
        Source operator()(const AnchorStateChanged&) const { return Source::Key; }
        Source operator()(const ResolverRunChanged&) const { return Source::Server; }
        Source operator()(const ServerAnswering&) const { return Source::Server; }
        Source operator()(const ZoneSigned&) const { return Source::Signer; }
        Source operator()(const SignerDied&) const { return Source::Signer; }
    } source;
    return std::visit(source, what);
}

}  // namespace

EventRecord::EventRecord(Seconds offset_, EventContent what_)
    : offset(offset_), what(std::move(what_)), source(source_of(what))
{
    if (const auto* timeline = std::get_if<TimelineEvent>(&what)) say = timeline->event.say;
}

std::string to_string(EventRecord::Source source)
{
    switch (source) {
    case Source::Timeline: return "timeline";
    case Source::Key: return "key";
    case Source::Server: return "server";
    case Source::Signer: return "signer";
    }
    return "timeline";
}

}  // namespace rollsim::runner
