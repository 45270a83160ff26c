// One DNS query with ldns for encoding/decoding and plain sockets for transport.
#include "dns/query.hpp"

#include "core/unique_fd.hpp"
#include "dns/ldns_ptr.hpp"

#include <ldns/ldns.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rollsim::dns {

namespace {

using Clock = std::chrono::steady_clock;

using WirePtr = MallocPtr<std::uint8_t>;

constexpr std::uint16_t kDnsPort = 53;
constexpr std::uint16_t kEdnsOptionEde = 15;

struct Endpoint {
    sockaddr_storage address {};
    socklen_t length = 0;
};

// `server` (an IPv4 or IPv6 address), port 53.
Endpoint make_endpoint(const std::string& server)
{
    Endpoint ep;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.address);
    if (::inet_pton(AF_INET, server.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(kDnsPort);
        ep.length = sizeof *v4;
    } else if (::inet_pton(AF_INET6, server.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(kDnsPort);
        ep.length = sizeof *v6;
    } else {
        throw std::invalid_argument("not an IP address: '" + server + "'");
    }
    return ep;
}

int remaining_ms(Clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

bool wait_for(int fd, short events, Clock::time_point deadline)
{
    for (;;) {
        struct pollfd pfd {fd, events, 0};
        int n = ::poll(&pfd, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::uint16_t read_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// One UDP exchange: the reply whose id matches, nullopt on timeout or network error.
std::optional<std::vector<std::uint8_t>> exchange_udp(const Endpoint& ep, const std::uint8_t* wire,
                                                      std::size_t size, std::uint16_t id,
                                                      std::chrono::milliseconds timeout)
{
    UniqueFd sock(::socket(ep.address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (sock.get() < 0) return std::nullopt;
    if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&ep.address), ep.length) != 0)
        return std::nullopt;
    if (::send(sock.get(), wire, size, 0) != static_cast<ssize_t>(size)) return std::nullopt;
    const auto deadline = Clock::now() + timeout;
    std::vector<std::uint8_t> buffer(65535);
    for (;;) {
        if (!wait_for(sock.get(), POLLIN, deadline)) return std::nullopt;
        ssize_t n = ::recv(sock.get(), buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
            return std::nullopt;  // e.g. ECONNREFUSED: nothing listens there (yet)
        }
        // A stray or late datagram: keep waiting for ours.
        if (n < 12 || read_u16(buffer.data()) != id || (buffer[2] & 0x80) == 0) continue;
        buffer.resize(static_cast<std::size_t>(n));
        return buffer;
    }
}

bool send_all(int fd, const std::uint8_t* data, std::size_t size, Clock::time_point deadline)
{
    while (size > 0) {
        ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(fd, POLLOUT, deadline)) return false;
            continue;
        }
        return false;
    }
    return true;
}

bool recv_all(int fd, std::uint8_t* data, std::size_t size, Clock::time_point deadline)
{
    while (size > 0) {
        ssize_t n = ::recv(fd, data, size, 0);
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) return false;  // closed early
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_for(fd, POLLIN, deadline)) return false;
            continue;
        }
        return false;
    }
    return true;
}

// One TCP exchange with 2-byte length framing.
std::optional<std::vector<std::uint8_t>> exchange_tcp(const Endpoint& ep, const std::uint8_t* wire,
                                                      std::size_t size, std::uint16_t id,
                                                      std::chrono::milliseconds timeout)
{
    if (size > 0xffff) return std::nullopt;
    const auto deadline = Clock::now() + timeout;
    UniqueFd sock(::socket(ep.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (sock.get() < 0) return std::nullopt;
    if (::connect(sock.get(), reinterpret_cast<const sockaddr*>(&ep.address), ep.length) != 0) {
        if (errno != EINPROGRESS) return std::nullopt;
        if (!wait_for(sock.get(), POLLOUT, deadline)) return std::nullopt;
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(sock.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) return std::nullopt;
    }
    std::vector<std::uint8_t> framed(size + 2);
    framed[0] = static_cast<std::uint8_t>(size >> 8);
    framed[1] = static_cast<std::uint8_t>(size & 0xff);
    std::memcpy(framed.data() + 2, wire, size);
    if (!send_all(sock.get(), framed.data(), framed.size(), deadline)) return std::nullopt;
    for (;;) {
        std::uint8_t length[2];
        if (!recv_all(sock.get(), length, 2, deadline)) return std::nullopt;
        std::vector<std::uint8_t> reply(read_u16(length));
        if (!recv_all(sock.get(), reply.data(), reply.size(), deadline)) return std::nullopt;
        if (reply.size() >= 12 && read_u16(reply.data()) == id) return reply;
    }
}

std::uint16_t random_id()
{
    std::uint16_t id = 0;
    if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) {
        id = static_cast<std::uint16_t>(std::rand());
    }
    return id;
}

Response decode(const std::vector<std::uint8_t>& reply)
{
    Response answer;
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, reply.data(), reply.size()) != LDNS_STATUS_OK || raw == nullptr) {
        // Undecodable reply: report the header's rcode and flags, nothing else.
        answer.rcode = rcode_from_number(reply[3] & 0x0f);
        answer.aa = (reply[2] & 0x04) != 0;
        answer.ad = (reply[3] & 0x20) != 0;
        return answer;
    }
    PktPtr pkt(raw);
    // RFC 6891 6.1.3: the OPT record holds the upper 8 bits of a 12-bit rcode.
    answer.rcode = rcode_from_number(static_cast<int>(ldns_pkt_get_rcode(pkt.get())) |
                                     (static_cast<int>(ldns_pkt_edns_extended_rcode(pkt.get())) << 4));
    answer.ad = ldns_pkt_ad(pkt.get());
    answer.aa = ldns_pkt_aa(pkt.get());

    if (const ldns_rr_list* rrs = ldns_pkt_answer(pkt.get())) {
        for (std::size_t i = 0; i < ldns_rr_list_rr_count(rrs); ++i) {
            const ldns_rr* rr = ldns_rr_list_rr(rrs, i);
            CharPtr text(ldns_rr2str(rr));
            if (text) {
                std::string line = text.get();
                while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
                answer.answer.push_back(std::move(line));
            }
            if (!answer.soa_serial && ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 3) {
                const ldns_rdf* serial = ldns_rr_rdf(rr, 2);
                if (serial && ldns_rdf_size(serial) == 4) answer.soa_serial = ldns_rdf2native_int32(serial);
            }
        }
    }

    if (const ldns_rdf* edns = ldns_pkt_edns_data(pkt.get())) {
        if (auto ede = parse_ede(ldns_rdf_data(edns), ldns_rdf_size(edns))) {
            answer.ede = ede_from_code(ede->first);
            answer.ede_text = std::move(ede->second);
        }
    }
    return answer;
}

}  // namespace

std::optional<std::pair<int, std::string>> parse_ede(const std::uint8_t* data, std::size_t size)
{
    if (data == nullptr) return std::nullopt;
    std::size_t pos = 0;
    while (pos + 4 <= size) {
        std::uint16_t code = read_u16(data + pos);
        std::uint16_t length = read_u16(data + pos + 2);
        pos += 4;
        if (length > size - pos) return std::nullopt;  // truncated option
        if (code == kEdnsOptionEde && length >= 2) {
            int info = read_u16(data + pos);
            std::string text(reinterpret_cast<const char*>(data + pos + 2), length - 2);
            // EXTRA-TEXT is not NUL-terminated by the spec, but some servers add one.
            while (!text.empty() && text.back() == '\0') text.pop_back();
            return std::make_pair(info, std::move(text));
        }
        pos += length;
    }
    return std::nullopt;
}

Response query(const std::string& server, const std::string& qname, const std::string& qtype,
                const QueryOptions& options)
{
    const Endpoint ep = make_endpoint(server);

    std::string name = qname.empty() ? "." : qname;
    if (name.back() != '.') name += '.';
    RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
    if (!owner) throw std::invalid_argument("malformed domain name: '" + qname + "'");
    ldns_rr_type type = ldns_get_rr_type_by_name(qtype.c_str());
    if (type == 0) throw std::invalid_argument("unknown RR type: '" + qtype + "'");
    ldns_rr_class qclass = ldns_get_rr_class_by_name(options.qclass.c_str());
    if (qclass == 0) throw std::invalid_argument("unknown class: '" + options.qclass + "'");

    // ldns_pkt_query_new takes ownership of the name.
    PktPtr pkt(ldns_pkt_query_new(owner.release(), type, qclass,
                                  options.recursion_desired ? LDNS_RD : 0));
    if (!pkt) throw std::runtime_error("ldns_pkt_query_new failed");
    const std::uint16_t id = random_id();
    ldns_pkt_set_id(pkt.get(), id);
    ldns_pkt_set_rd(pkt.get(), options.recursion_desired);
    ldns_pkt_set_edns_udp_size(pkt.get(), 4096);
    ldns_pkt_set_edns_do(pkt.get(), options.dnssec_ok);

    std::uint8_t* wire_raw = nullptr;
    std::size_t wire_size = 0;
    if (ldns_pkt2wire(&wire_raw, pkt.get(), &wire_size) != LDNS_STATUS_OK || wire_raw == nullptr)
        throw std::runtime_error("cannot encode the query for " + qname + " " + qtype);
    WirePtr wire(wire_raw);

    const int attempts = std::max(1, options.attempts);
    for (int attempt = 0; attempt < attempts; ++attempt) {
        // No reply within the timeout, or refused at once (nothing listens there yet).
        auto reply = exchange_udp(ep, wire.get(), wire_size, id, options.timeout);
        if (!reply) continue;
        bool truncated = ((*reply)[2] & 0x02) != 0;
        if (truncated) {
            if (auto full = exchange_tcp(ep, wire.get(), wire_size, id, options.timeout)) return decode(*full);
            // TCP failed: the truncated reply still carries rcode, flags and EDNS options.
        }
        return decode(*reply);
    }
    Response answer;
    answer.timed_out = true;
    return answer;
}

}  // namespace rollsim::dns
