// Owning smart pointers for ldns objects, each released with its own ldns function:
// RrPtr (ldns_rr_free), RrListPtr (ldns_rr_list_free: shallow, the list does not own its
// records), RdfPtr (ldns_rdf_deep_free), PktPtr (ldns_pkt_free), and MallocPtr<T> / CharPtr for
// buffers ldns hands out with malloc (std::free). Also rr_to_string(), a record as one line of
// zone-file text.
#pragma once

#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace rollsim::dns {

struct RrFree {
    void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
// Shallow: frees the list's own storage only; the records stay with whoever owns them.
struct RrListFree {
    void operator()(ldns_rr_list* list) const { ldns_rr_list_free(list); }
};
struct RdfFree {
    void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct PktFree {
    void operator()(ldns_pkt* pkt) const { ldns_pkt_free(pkt); }
};
struct MallocFree {
    void operator()(void* p) const { std::free(p); }
};

using RrPtr = std::unique_ptr<ldns_rr, RrFree>;
using RrListPtr = std::unique_ptr<ldns_rr_list, RrListFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
template <typename T>
using MallocPtr = std::unique_ptr<T, MallocFree>;
using CharPtr = MallocPtr<char>;

// A record as one line of zone-file text: no trailing ";{id = ...}" comments (the text is
// data, not a listing) and no trailing whitespace. Throws std::runtime_error if ldns cannot
// format it.
std::string rr_to_string(const ldns_rr* rr);

}  // namespace rollsim::dns
