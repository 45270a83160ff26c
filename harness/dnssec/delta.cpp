// The next version of a remembered zone from the differences of its request (incremental.hpp,
// sign_delta): the changed lines alone are parsed, the RRsets they touch are rebuilt, the NSEC
// records of the owners touched and of their neighbours in the chain are made again (RFC 4034
// 4.1.1: an NSEC names the next owner and the types at its own), and only what changed or
// fell due is signed. Everything else is joined from the text the memory keeps.
#include "dnssec/incremental.hpp"
#include "core/parallel.hpp"
#include "dnssec/zone_parts.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>

namespace rollsim::dnssec {

namespace {

using namespace parts;
using dns::rr_to_string;
using Owners = std::map<std::string, RememberedOwner, CanonicalWireLess>;
using RrsetRef = std::tuple<std::string, std::uint16_t, std::uint16_t>;  // owner (wire), type, class

std::string owner_wire(const ldns_rdf* name)
{
    return std::string(reinterpret_cast<const char*>(ldns_rdf_data(name)), ldns_rdf_size(name));
}

// The lines `request` has and the last request had not (`added`, in the request's order), and
// the other way round (`removed`), matched by hash; `index` is the request's own index.
struct LineDiff {
    std::vector<const std::string*> added;
    std::vector<const std::string*> removed;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> index;
};

// nullopt when two different lines share a hash: then the whole request is parsed.
std::optional<LineDiff> diff_lines(const SignatureMemory& memory, const SignRequest& request)
{
    LineDiff diff;
    diff.index.reserve(request.records.size());
    for (std::uint32_t i = 0; i < request.records.size(); ++i)
        diff.index.emplace_back(line_hash(request.records[i]), i);
    std::sort(diff.index.begin(), diff.index.end());
    const auto& now = diff.index;
    const auto& before = memory.line_index;
    std::size_t a = 0;
    std::size_t b = 0;
    while (a < now.size() || b < before.size()) {
        if (b == before.size() || (a < now.size() && now[a].first < before[b].first)) {
            diff.added.push_back(&request.records[now[a++].second]);
        } else if (a == now.size() || before[b].first < now[a].first) {
            diff.removed.push_back(&memory.lines[before[b++].second]);
        } else {
            if (request.records[now[a].second] != memory.lines[before[b].second]) return std::nullopt;
            ++a;
            ++b;
        }
    }
    std::sort(diff.added.begin(), diff.added.end());  // the request's order: its first bad line throws
    return diff;
}

// One line gained or lost, parsed.
struct LineChange {
    RrsetRef rrset;
    const std::string* line;
    bool added;
};

// The changes parsed, or nullopt for a change the delta does not follow: an NS RRset below
// the apex (a delegation made or changed moves the zone's cuts, RFC 4035 2.2).
std::optional<std::vector<LineChange>> parse_changes(const LineDiff& diff, const SignRequest& request,
                                                     const ldns_rdf* origin)
{
    std::vector<LineChange> changes;
    for (const bool added : {true, false}) {
        for (const std::string* line : added ? diff.added : diff.removed) {
            const RrPtr rr = parse_record(*line);
            const ldns_rdf* name = ldns_rr_owner(rr.get());
            const bool apex = ldns_dname_compare(name, origin) == 0;
            if (!apex && !ldns_dname_is_subdomain(name, origin))
                throw std::invalid_argument("record '" + *line + "' lies outside the zone " + request.origin);
            const auto type = static_cast<std::uint16_t>(ldns_rr_get_type(rr.get()));
            if (type == LDNS_RR_TYPE_NS && !apex) return std::nullopt;
            changes.push_back(LineChange{
                RrsetRef{owner_wire(name), type, static_cast<std::uint16_t>(ldns_rr_get_class(rr.get()))}, line,
                added});
        }
    }
    return changes;
}

// The kind of a new owner: below a zone cut when one of its ancestors is one (RFC 4035 2.2).
OwnerKind kind_of_new(const Owners& owners, const std::string& name, std::size_t origin_size)
{
    for (std::string ancestor = name.substr(1 + static_cast<unsigned char>(name[0])); ancestor.size() > origin_size;
         ancestor = ancestor.substr(1 + static_cast<unsigned char>(ancestor[0]))) {
        const auto it = owners.find(ancestor);
        if (it != owners.end() && it->second.kind != OwnerKind::Authoritative) return OwnerKind::Occluded;
    }
    return OwnerKind::Authoritative;
}

// The place of an RRset in its owner's list: the SOA first, then by type and class.
auto rrset_rank(std::uint16_t type, std::uint16_t rr_class)
{
    return std::tuple(type != LDNS_RR_TYPE_SOA, type, rr_class);
}

std::vector<RememberedRrset>::iterator find_rrset(RememberedOwner& owner, std::uint16_t type, std::uint16_t rr_class)
{
    return std::find_if(owner.rrsets.begin(), owner.rrsets.end(),
                        [&](const RememberedRrset& r) { return r.type == type && r.rr_class == rr_class; });
}

// The zone being changed: the memory, the request, and what the change touched so far.
struct Delta {
    SignatureMemory& memory;
    const SignRequest& request;
    const SignerSet& zone_signers;
    const SignerSet& dnskey_signers;
    std::size_t origin_size;
    std::set<std::string, CanonicalWireLess> touched;  // owners whose records changed
    std::set<std::string, CanonicalWireLess> chain;    // owners whose NSEC's next name may have changed
    std::set<RrsetRef> pending;                        // RRsets to sign

    const SignerSet* signers(const RememberedOwner& owner, std::uint16_t type) const
    {
        if (!is_signed(owner.kind, type)) return nullptr;
        const SignerSet* set = signed_by_dnskey_signers(owner.apex, type) ? &dnskey_signers : &zone_signers;
        return set->empty() ? nullptr : set;
    }

    // The owner before `name` in the NSEC chain (names below a cut are not in it), wrapping.
    void mark_predecessor(const std::string& name)
    {
        Owners& owners = memory.owners;
        if (owners.empty()) return;
        auto it = owners.lower_bound(name);
        for (std::size_t steps = 0; steps <= owners.size(); ++steps) {
            it = it == owners.begin() ? std::prev(owners.end()) : std::prev(it);
            if (it->second.kind != OwnerKind::Occluded) {
                chain.insert(it->first);
                return;
            }
        }
    }
};

// A line added to or removed from its RRset's sources, the owner or RRset made when new.
void apply_line(Delta& delta, const LineChange& change)
{
    const auto& [name, type, rr_class] = change.rrset;
    Owners& owners = delta.memory.owners;
    auto it = owners.find(name);
    if (it == owners.end()) {
        if (!change.added) throw std::logic_error("a removed line of an owner the signer does not remember");
        RememberedOwner owner{kind_of_new(owners, name, delta.origin_size), name.size() == delta.origin_size, {}};
        it = owners.emplace(name, std::move(owner)).first;
        delta.mark_predecessor(name);
    }
    RememberedOwner& owner = it->second;
    auto rrset = find_rrset(owner, type, rr_class);
    if (rrset == owner.rrsets.end()) {
        const auto at = std::find_if(owner.rrsets.begin(), owner.rrsets.end(), [&](const RememberedRrset& r) {
            return rrset_rank(r.type, r.rr_class) > rrset_rank(type, rr_class);
        });
        rrset = owner.rrsets.insert(at, RememberedRrset{type, rr_class, {}, {}, false, 0, {}, {}});
    }
    if (change.added) {
        rrset->sources.push_back(*change.line);
    } else {
        const auto line = std::find(rrset->sources.begin(), rrset->sources.end(), *change.line);
        if (line == rrset->sources.end()) throw std::logic_error("a removed line the signer does not remember");
        rrset->sources.erase(line);
    }
    delta.touched.insert(name);
    delta.pending.insert(change.rrset);
}

// An RRset's records as the full signer writes them: parsed, normalised, one line each.
std::string rrset_text(const std::vector<std::string>& sources)
{
    std::vector<RrPtr> parsed;
    std::vector<ldns_rr*> rrs;
    for (const std::string& line : sources) {
        parsed.push_back(parse_record(line));
        rrs.push_back(parsed.back().get());
    }
    std::string text;
    if (rrs.empty()) return text;
    normalize_rrset(rrs);
    for (const ldns_rr* rr : rrs) (text += rr_to_string(rr)) += '\n';
    return text;
}

// The touched RRsets rebuilt from their sources: those whose records did not change keep their
// RRSIGs; empty RRsets and owners without records go.
void rebuild_touched(Delta& delta)
{
    Owners& owners = delta.memory.owners;
    for (auto ref = delta.pending.begin(); ref != delta.pending.end();) {
        const auto& [name, type, rr_class] = *ref;
        RememberedOwner& owner = owners.at(name);
        const auto rrset = find_rrset(owner, type, rr_class);
        std::string text = rrset_text(rrset->sources);
        const bool same = text == rrset->text && rrset->has_rrsigs == (delta.signers(owner, type) != nullptr);
        if (text.empty()) owner.rrsets.erase(rrset);
        if (text.empty() || same) {
            ref = delta.pending.erase(ref);
            continue;
        }
        rrset->text = std::move(text);
        ++ref;
    }
    for (const std::string& name : delta.touched) {
        RememberedOwner& owner = owners.at(name);
        const bool empty = std::all_of(owner.rrsets.begin(), owner.rrsets.end(),
                                       [](const RememberedRrset& r) { return r.type == LDNS_RR_TYPE_NSEC; });
        if (!empty) continue;
        owners.erase(name);
        delta.mark_predecessor(name);
    }
}

RdfPtr wire_name(const std::string& wire)
{
    RdfPtr rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
    if (!rdf) throw std::bad_alloc();
    return rdf;
}

// The NSEC of an owner in the chain (RFC 4034 4.1), as the full signer writes it: the next
// owner in canonical order that is not below a cut, the types present (at a cut only NS and
// DS), NSEC, and RRSIG when anything there is signed.
std::string nsec_text(const Delta& delta, Owners::const_iterator at)
{
    const Owners& owners = delta.memory.owners;
    auto next = at;
    do {
        next = std::next(next) == owners.end() ? owners.begin() : std::next(next);
    } while (next->second.kind == OwnerKind::Occluded && next != at);
    const RememberedOwner& owner = at->second;
    std::set<std::uint16_t> types{LDNS_RR_TYPE_NSEC};
    bool signed_here = delta.signers(owner, LDNS_RR_TYPE_NSEC) != nullptr;
    for (const RememberedRrset& rrset : owner.rrsets) {
        if (rrset.type == LDNS_RR_TYPE_NSEC) continue;
        signed_here = signed_here || delta.signers(owner, rrset.type) != nullptr;
        if (owner.kind == OwnerKind::Delegation && rrset.type != LDNS_RR_TYPE_NS && rrset.type != LDNS_RR_TYPE_DS)
            continue;
        types.insert(rrset.type);
    }
    if (signed_here) types.insert(LDNS_RR_TYPE_RRSIG);
    RrPtr nsec = new_record(LDNS_RR_TYPE_NSEC, wire_name(at->first).get(), delta.request.nsec_ttl);
    push_rdf(nsec.get(), wire_name(next->first));
    push_rdf(nsec.get(), type_bitmap(types, LDNS_RR_TYPE_NSEC));
    return rr_to_string(nsec.get()) + '\n';
}

// The NSEC records of the owners touched and of those before a name that came or went.
void update_chain(Delta& delta)
{
    Owners& owners = delta.memory.owners;
    std::set<std::string, CanonicalWireLess> names = delta.chain;
    names.insert(delta.touched.begin(), delta.touched.end());
    for (const std::string& name : names) {
        const auto it = owners.find(name);
        if (it == owners.end() || it->second.kind == OwnerKind::Occluded) continue;
        std::string text = nsec_text(delta, it);
        RememberedOwner& owner = it->second;
        auto rrset = find_rrset(owner, LDNS_RR_TYPE_NSEC, LDNS_RR_CLASS_IN);
        if (rrset == owner.rrsets.end()) {
            const auto at = std::find_if(owner.rrsets.begin(), owner.rrsets.end(),
                                         [](const RememberedRrset& r) { return r.type > LDNS_RR_TYPE_NSEC; });
            rrset = owner.rrsets.insert(at, RememberedRrset{LDNS_RR_TYPE_NSEC, LDNS_RR_CLASS_IN, {}, {}, false, 0, {}, {}});
        } else if (rrset->text == text) {
            continue;
        }
        rrset->text = std::move(text);
        delta.pending.insert(RrsetRef{name, LDNS_RR_TYPE_NSEC, LDNS_RR_CLASS_IN});
    }
}

// Every remembered RRset whose signatures reached their due time is signed again.
void add_due(Delta& delta)
{
    const SignatureMemory& memory = delta.memory;
    if (!memory.next_due || memory.now < *memory.next_due) return;
    for (const auto& [name, owner] : memory.owners)
        for (const RememberedRrset& rrset : owner.rrsets)
            if (rrset.has_rrsigs && memory.now >= rrset.due) delta.pending.insert(RrsetRef{name, rrset.type, rrset.rr_class});
}

// The records of a remembered RRset, parsed from its text (NSEC included).
std::vector<RrPtr> parse_text(const std::string& text)
{
    std::vector<RrPtr> rrs;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end - at);
        ldns_rr* raw = nullptr;
        if (ldns_rr_new_frm_str(&raw, line.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !raw)
            throw std::runtime_error("the signer cannot read back its own record '" + line + "'");
        rrs.emplace_back(raw);
        at = end + 1;
    }
    return rrs;
}

// Signs the pending RRsets on every core; each lands in its own slot.
void sign_pending(Delta& delta)
{
    SignatureMemory& memory = delta.memory;
    std::vector<std::pair<RememberedRrset*, const SignerSet*>> jobs;
    std::vector<std::string> ids;
    for (const auto& [name, type, rr_class] : delta.pending) {
        const auto it = memory.owners.find(name);
        if (it == memory.owners.end()) continue;  // gone with its last record
        RememberedOwner& owner = it->second;
        const auto rrset = find_rrset(owner, type, rr_class);
        if (rrset == owner.rrsets.end()) continue;
        jobs.emplace_back(&*rrset, delta.signers(owner, type));
        ids.push_back(rrset_id(name, type));
    }
    std::vector<RrsigMaker> makers(thread_count(delta.request.threads));
    parallel_for(jobs.size(), delta.request.threads, 16, [&](std::size_t i, unsigned worker) {
        auto& [rrset, signers] = jobs[i];
        rrset->rrsigs.clear();
        rrset->has_rrsigs = signers != nullptr;
        if (!signers) return;
        const std::vector<RrPtr> parsed = parse_text(rrset->text);
        std::vector<ldns_rr*> rrs;
        for (const RrPtr& rr : parsed) rrs.push_back(rr.get());
        for (const RrPtr& sig : sign_rrset(rrs, *signers, makers[worker])) (rrset->rrsigs += rr_to_string(sig.get())) += '\n';
    });
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        auto& [rrset, signers] = jobs[i];
        if (!signers) continue;
        rrset->signers = memory.signer_set(signers->identity());
        rrset->due = memory.due(ids[i], memory.now);
        ++memory.stats.signed_rrsets;
    }
}

// The zone text joined from the pieces, the stats and the next due time.
SignedZone join(SignatureMemory& memory)
{
    std::size_t size = 0;
    memory.next_due.reset();
    memory.stats.rrsets = 0;
    for (const auto& [name, owner] : memory.owners)
        for (const RememberedRrset& rrset : owner.rrsets) {
            size += rrset.text.size() + rrset.rrsigs.size();
            if (!rrset.has_rrsigs) continue;
            ++memory.stats.rrsets;
            if (!memory.next_due || rrset.due < *memory.next_due) memory.next_due = rrset.due;
        }
    memory.stats.kept_rrsets = memory.stats.rrsets - memory.stats.signed_rrsets;
    std::string text;
    text.reserve(size);
    for (const auto& [name, owner] : memory.owners)
        for (const RememberedRrset& rrset : owner.rrsets) (text += rrset.text) += rrset.rrsigs;
    return SignedZone(std::move(text));
}

// Applies the parsed changes to the memory and makes the new version.
SignedZone apply(Delta& delta, const std::vector<LineChange>& changes, LineDiff& diff)
{
    for (const LineChange& change : changes) apply_line(delta, change);
    rebuild_touched(delta);
    update_chain(delta);
    add_due(delta);
    delta.memory.stats = ResignStats{};
    delta.memory.stats.parsed_lines = changes.size();
    sign_pending(delta);
    delta.memory.lines = delta.request.records;
    delta.memory.line_index = std::move(diff.index);
    return join(delta.memory);
}

}  // namespace

std::optional<SignedZone> sign_delta(const SignRequest& request, SignatureMemory& memory)
{
    if (memory.owners.empty() || memory.shape.empty() || has_faults(request.faults) ||
        request.denial != scenario::Denial::Nsec || signature_rule(request, memory.now) != memory.rule)
        return std::nullopt;
    const SignerSet zone_signers(request.zone_signers, rrsig_time(request.inception), rrsig_time(request.expiration));
    const SignerSet dnskey_signers(request.dnskey_signers, rrsig_time(request.inception),
                                   rrsig_time(request.expiration));
    if (signing_shape(request, zone_signers, dnskey_signers) != memory.shape) return std::nullopt;
    std::optional<LineDiff> diff = diff_lines(memory, request);
    if (!diff || diff->added.size() + diff->removed.size() > request.records.size() / 8) return std::nullopt;
    const RdfPtr origin = zone_origin(request.origin);
    const std::optional<std::vector<LineChange>> changes = parse_changes(*diff, request, origin.get());
    if (!changes) return std::nullopt;
    Delta delta{memory, request, zone_signers, dnskey_signers, ldns_rdf_size(origin.get()), {}, {}, {}};
    try {
        return apply(delta, *changes, *diff);
    } catch (...) {
        // A half-applied change is no memory to build on: the next version starts afresh.
        memory.forget();
        throw;
    }
}

}  // namespace rollsim::dnssec
