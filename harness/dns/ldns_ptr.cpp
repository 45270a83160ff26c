#include "dns/ldns_ptr.hpp"

#include <stdexcept>

namespace rollsim::dns {

std::string rr_to_string(const ldns_rr* rr)
{
    CharPtr text(ldns_rr2str_fmt(ldns_output_format_nocomments, rr));
    if (!text) throw std::runtime_error("ldns could not format a record");
    std::string out(text.get());
    // ldns ends every record with a newline (and some, such as NSEC bitmaps, with a space before it).
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) out.pop_back();
    return out;
}

}  // namespace rollsim::dns
